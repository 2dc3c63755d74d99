import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  DefaultExiftoolArgs,
  ExifDate,
  ExifDateTime,
  ExifTool,
  exiftoolPath,
  type Tags,
} from 'exiftool-vendored';
import { onShutdown } from '../util/shutdown.js';

/**
 * Metadata of any photo or video format through exiftool-vendored. It never throws for bad
 * media: a file exiftool cannot identify comes back as `{ ok: false, reason }`, and damage it
 * reads past (truncated data, broken IFDs) comes back as `warnings`.
 */

export type ExifResult =
  | {
      ok: true;
      /** ISO 8601; with an offset when the file or its GPS position tells the zone. */
      capturedAt: string | null;
      cameraMake: string | null;
      cameraModel: string | null;
      /** As stored, before the orientation is applied. */
      width: number | null;
      height: number | null;
      /** EXIF orientation, 1..8. */
      orientation: number | null;
      gpsLat: number | null;
      gpsLon: number | null;
      durationS: number | null;
      warnings: string[];
    }
  | { ok: false; reason: string };

const TASK_TIMEOUT_MS = 20_000;

let shared: ExifTool | null = null;

/**
 * One perl process pool for the whole app, started at the first read. Two processes keep a
 * small NAS responsive; no retry, because a file that hangs exiftool once hangs it again and
 * a retry would only double the stall (the scan reports the file and goes on).
 */
function exiftool(): ExifTool {
  shared ??= new ExifTool({
    maxProcs: 2,
    taskTimeoutMillis: TASK_TIMEOUT_MS,
    taskRetries: 0,
    // -fast stops at the image data. Measured on the samples: same dates, GPS, orientation and
    // make as a full read; only the MTS duration and the GIF animation length go missing, and
    // videos take theirs from ffprobe. -fast2 loses all MP4/MOV metadata: do not use it.
    readArgs: ['-fast'],
    ...(existsSync(SETPRIV) ? { processFactory: spawnTiedToUs } : {}),
  });
  return shared;
}

/** util-linux, in every Debian (and so in the Docker image). */
const SETPRIV = '/usr/bin/setpriv';

/**
 * exiftool runs with `-stay_open`, reading commands from its stdin even after it ends: when we
 * are killed with SIGKILL (the OOM killer, `kill -9` of a CLI run), nothing closes it and it
 * stays behind. setpriv --pdeathsig has the kernel kill it when we die, however we die.
 */
async function spawnTiedToUs(): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = { LANG: 'C' };
  if (process.env.EXIFTOOL_HOME) env.EXIFTOOL_HOME = process.env.EXIFTOOL_HOME;
  return spawn(
    SETPRIV,
    ['--pdeathsig', 'KILL', '--', await exiftoolPath(), ...DefaultExiftoolArgs],
    { stdio: 'pipe', shell: false, detached: false, env },
  );
}

/** Stops the perl processes; call at shutdown and in test teardown, or the process stays up. */
export async function endExiftool(): Promise<void> {
  const instance = shared;
  shared = null;
  await instance?.end();
}
onShutdown(endExiftool);

export async function readExif(absPath: string): Promise<ExifResult> {
  let tags: Tags;
  try {
    // Absolute, so a name starting with '-' can never read as an exiftool option.
    tags = await exiftool().read(path.resolve(absPath));
  } catch (error) {
    return { ok: false, reason: describeReadError(error) };
  }
  if (!tags.FileType) return { ok: false, reason: unidentifiedReason(tags.errors ?? []) };
  return {
    ok: true,
    capturedAt: capturedAt(tags),
    cameraMake: text(tags.Make),
    cameraModel: text(tags.Model),
    width: positiveInteger(tags.ImageWidth),
    height: positiveInteger(tags.ImageHeight),
    orientation: orientation(tags.Orientation),
    ...gpsPosition(tags),
    durationS: positiveNumber(tags.Duration),
    warnings: warnings(tags, absPath),
  };
}

function describeReadError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/file not found/i.test(message)) return 'file not found';
  if (/timeout|timed out/i.test(message)) {
    return `exiftool timed out after ${TASK_TIMEOUT_MS / 1000} s`;
  }
  return `exiftool failed: ${message.split('\n')[0] ?? ''}`;
}

/** exiftool found no known format: say why in its words ("file is empty", "file format error"). */
function unidentifiedReason(errors: string[]): string {
  const first = errors[0];
  if (!first) return 'unknown file type';
  if (/file is empty/i.test(first)) return 'empty file';
  return first.charAt(0).toLowerCase() + first.slice(1);
}

// ---------------------------------------------------------------------------------------------
// Capture time

// The order photographers expect: the shutter time first, then the times of the file.
const CAPTURE_TAGS = [
  'DateTimeOriginal',
  'SubSecDateTimeOriginal',
  'CreateDate',
  'MediaCreateDate',
  'DateTimeCreated',
] as const;

function capturedAt(tags: Tags): string | null {
  // AVI cameras write their local clock, but exiftool-vendored reads every video date as UTC
  // (right for MP4/MOV): an AVI time keeps its wall clock and loses the false 'Z'.
  const wallClockOnly = tags.FileType === 'AVI';
  for (const name of CAPTURE_TAGS) {
    const iso = isoDate(tags[name], wallClockOnly);
    if (iso) return iso;
  }
  return null;
}

/**
 * Unparseable dates such as `0000:00:00 00:00:00` come back from exiftool-vendored as plain
 * strings, so only parsed values count.
 */
function isoDate(value: unknown, wallClockOnly: boolean): string | null {
  if (value instanceof ExifDateTime)
    return value.isValid ? isoDateTime(value, wallClockOnly) : null;
  if (value instanceof ExifDate) return plausibleYear(value.year) ? value.toISOString() : null;
  return null;
}

/**
 * A zoned time goes through Luxon, which knows the zone; a zone-less one is written from its
 * fields, because Luxon would place it in the server's own zone and a wall time inside that
 * zone's DST gap would move by an hour.
 */
function isoDateTime(dt: ExifDateTime, wallClockOnly: boolean): string | null {
  if (!plausibleYear(dt.year)) return null;
  if (dt.hasZone && !wallClockOnly) return dt.toISOString() ?? null;
  const date = `${dt.year}-${pad(dt.month)}-${pad(dt.day)}`;
  const time = `${pad(dt.hour)}:${pad(dt.minute)}:${pad(dt.second)}`;
  return `${date}T${time}${dt.millisecond == null ? '' : `.${pad(dt.millisecond, 3)}`}`;
}

function plausibleYear(year: number): boolean {
  return year >= 1826 && year <= 9999; // 1826: the oldest surviving photograph
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

// ---------------------------------------------------------------------------------------------
// Plain values

function text(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const trimmed = String(value).trim();
  return trimmed.length > 0 ? trimmed : null;
}

function positiveNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : null;
}

function positiveInteger(value: unknown): number | null {
  const n = positiveNumber(value);
  return n !== null && Number.isInteger(n) ? n : null;
}

/** Values outside 1..8 (a truncated JPEG reads 0) mean "unknown", not "upright". */
function orientation(value: unknown): number | null {
  const n = positiveInteger(value);
  return n !== null && n <= 8 ? n : null;
}

/** Signed decimal degrees (exiftool-vendored applies the N/S, E/W refs); 0,0 means "unset". */
function gpsPosition(tags: Tags): { gpsLat: number | null; gpsLon: number | null } {
  const lat = tags.GPSLatitude;
  const lon = tags.GPSLongitude;
  const valid =
    typeof lat === 'number' &&
    typeof lon === 'number' &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180 &&
    !(lat === 0 && lon === 0);
  return valid ? { gpsLat: lat, gpsLon: lon } : { gpsLat: null, gpsLon: null };
}

// ---------------------------------------------------------------------------------------------
// Warnings

function warnings(tags: Tags, absPath: string): string[] {
  const all = [...(tags.errors ?? []), ...(tags.warnings ?? [])];
  const mismatch = extensionMismatch(tags, absPath);
  if (mismatch) all.push(mismatch);
  return [...new Set(all)];
}

// Extensions that name one family of content. A name outside these (RAW formats, .lrv, .dat)
// is never questioned: exiftool's own names for them vary too much to compare.
const FAMILIES: Record<string, string> = {
  ...family('jpeg', 'jpg', 'jpeg', 'jpe', 'jfif', 'thm', 'mpo'),
  ...family('png', 'png'),
  ...family('gif', 'gif'),
  ...family('webp', 'webp'),
  ...family('heif', 'heic', 'heif', 'hif', 'avif'),
  ...family('tiff', 'tif', 'tiff'),
  ...family('isobmff', 'mp4', 'm4v', 'mov', 'qt', '3gp', '3g2'),
  ...family('mpegts', 'mts', 'm2ts', 'm2t', 'ts'),
  ...family('matroska', 'mkv', 'webm', 'mk3d'),
  ...family('avi', 'avi'),
};

function family(name: string, ...extensions: string[]): Record<string, string> {
  return Object.fromEntries(extensions.map((ext) => [ext, name]));
}

/**
 * A JPEG named .heic is routed to the wrong decoder by anything that trusts the name, so the
 * user should hear of it even though the content is fine.
 */
function extensionMismatch(tags: Tags, absPath: string): string | null {
  const ext = path.extname(absPath).slice(1).toLowerCase();
  const named = FAMILIES[ext];
  const actual = FAMILIES[(tags.FileTypeExtension ?? '').toLowerCase()];
  if (named === undefined || named === actual) return null;
  return `content is ${tags.FileType ?? 'unknown'}, not what the .${ext} extension says`;
}

// ---------------------------------------------------------------------------------------------
// Embedded images and orientation, for thumbnails

/** exiftool's names for the images a camera embeds, most useful first. */
export const EMBEDDED_IMAGE_TAGS = [
  'PreviewImage',
  'JpgFromRaw',
  'OtherImage',
  'ThumbnailImage',
  'PreviewTIFF',
  'ThumbnailTIFF',
] as const;

export type EmbeddedImageTag = (typeof EMBEDDED_IMAGE_TAGS)[number];

export type ImageFacts =
  | {
      ok: true;
      /** Stored size, before the orientation is applied. */
      width: number | null;
      height: number | null;
      /** EXIF orientation 1..8; for CRW, which has none, derived from its Rotation in degrees. */
      orientation: number | null;
      /**
       * The HEIF container rotates or mirrors the image itself (irot/imir): decoders apply
       * that, so an EXIF orientation must not be applied on top of it.
       */
      containerTransform: boolean;
      /** Embedded images present in the file, in EMBEDDED_IMAGE_TAGS order, with their sizes. */
      embedded: { tag: EmbeddedImageTag; bytes: number }[];
    }
  | { ok: false; reason: string };

export async function readImageFacts(absPath: string): Promise<ImageFacts> {
  let tags: Tags;
  try {
    tags = await exiftool().read(path.resolve(absPath));
  } catch (error) {
    return { ok: false, reason: describeReadError(error) };
  }
  if (!tags.FileType) return { ok: false, reason: unidentifiedReason(tags.errors ?? []) };
  const record = tags as Record<string, unknown>;
  const rotation = record.Rotation;
  return {
    ok: true,
    width: positiveInteger(tags.ImageWidth),
    height: positiveInteger(tags.ImageHeight),
    orientation: orientation(tags.Orientation) ?? orientationFromDegrees(rotation),
    containerTransform: typeof rotation === 'string' && !/normal/i.test(rotation),
    embedded: EMBEDDED_IMAGE_TAGS.flatMap((tag) => {
      const bytes = binaryLength(record[tag]);
      return bytes > 0 ? [{ tag, bytes }] : [];
    }),
  };
}

/**
 * The bytes of one embedded image, or null when it is missing or unreadable. Through a
 * buffer, not a file: exiftool's -w would recreate a temp folder removed after a timeout.
 */
export async function extractEmbeddedImage(
  absPath: string,
  tag: EmbeddedImageTag,
): Promise<Buffer | null> {
  try {
    const data = await exiftool().extractBinaryTagToBuffer(tag, path.resolve(absPath));
    return data.length > 0 ? data : null;
  } catch {
    return null;
  }
}

/** exiftool-vendored reads "(Binary data 1234 bytes, …)" as a BinaryField. */
function binaryLength(value: unknown): number {
  if (typeof value !== 'object' || value === null || !('bytes' in value)) return 0;
  const bytes = value.bytes;
  return typeof bytes === 'number' && Number.isFinite(bytes) ? bytes : 0;
}

const ORIENTATION_BY_DEGREES: Record<number, number> = { 0: 1, 90: 6, 180: 3, 270: 8 };

/** CRW (CIFF) keeps its orientation as a Rotation in clockwise degrees. */
function orientationFromDegrees(value: unknown): number | null {
  return typeof value === 'number' ? (ORIENTATION_BY_DEGREES[value] ?? null) : null;
}
