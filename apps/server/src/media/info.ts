import { open, stat, type FileHandle } from 'node:fs/promises';
import sharp from 'sharp';
import { describeFsError } from '../errors.js';
import { readExif, type ExifResult } from './exif.js';
import { probeVideo, type VideoProbe } from './ffmpeg.js';

/**
 * What the catalog records about a photo or video: exiftool for photos, ffprobe plus exiftool
 * for videos. It never throws for bad media; an unreadable file gets a short `problem`.
 */
export interface MediaInfo {
  /** ISO 8601, with an offset when known. */
  capturedAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  /** As stored, before the orientation is applied (a portrait phone video reads 1920×1080). */
  width: number | null;
  height: number | null;
  /** EXIF orientation 1..8, for videos too (rotation 90 → 6, 180 → 3, 270 → 8). */
  orientation: number | null;
  durationS: number | null;
  /** Video codec as ffprobe names it (h264, hevc, mjpeg…); null for photos. */
  codec: string | null;
  gpsLat: number | null;
  gpsLon: number | null;
  /** A short reason when the content is unreadable or damaged, e.g. 'empty file'. */
  problem: string | null;
}

const NOTHING_KNOWN: Omit<MediaInfo, 'problem'> = {
  capturedAt: null,
  cameraMake: null,
  cameraModel: null,
  width: null,
  height: null,
  orientation: null,
  durationS: null,
  codec: null,
  gpsLat: null,
  gpsLon: null,
};

const CORRUPT_IMAGE = 'corrupt or truncated image';

export async function readMediaInfo(absPath: string, kind: 'photo' | 'video'): Promise<MediaInfo> {
  let size: number;
  try {
    size = (await stat(absPath)).size;
  } catch (error) {
    return { ...NOTHING_KNOWN, problem: `cannot read: ${describeFsError(error)}` };
  }
  // Nothing to learn from an empty file, and no reason to start two child processes for it.
  if (size === 0) return { ...NOTHING_KNOWN, problem: 'empty file' };
  return kind === 'photo' ? photoInfo(absPath, size) : videoInfo(absPath);
}

// ---------------------------------------------------------------------------------------------
// Photos

async function photoInfo(absPath: string, size: number): Promise<MediaInfo> {
  const exif = await readExif(absPath);
  if (!exif.ok) return { ...NOTHING_KNOWN, problem: exif.reason };
  const damaged = exif.warnings.some(isDamageWarning) || (await jpegCutShort(absPath, size));
  return {
    ...fromExif(exif),
    // exiftool reads a Duration from some stills (CR3 containers say 1 s): not a photo's.
    durationS: null,
    problem: damaged ? CORRUPT_IMAGE : null,
  };
}

/**
 * exiftool's words for damaged image data, seen on the broken samples: 'Truncated PNG image',
 * 'File format error' (GIF), 'Error reading JPEG data' (CR3), "Truncated '…' data" (HEIC).
 * Metadata-only warnings ('Suspicious IFD0 offset…') are not a problem for the picture.
 */
function isDamageWarning(warning: string): boolean {
  return /truncat|format error|error reading|corrupt/i.test(warning);
}

/**
 * exiftool -fast stops before the image data, so it cannot see a JPEG cut short. A JPEG ends
 * with the EOI marker (FF D9), and that byte pair cannot occur inside the compressed data, so
 * its absence near the end is suspicious; the few files that legitimately carry a trailer
 * (motion photos with an MP4 appended) are told apart by decoding, which is only paid then.
 */
async function jpegCutShort(absPath: string, size: number): Promise<boolean> {
  const ends = await readEnds(absPath, size, 1024);
  if (!ends) return false;
  const { head, tail } = ends;
  const isJpeg = head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  if (!isJpeg || hasEoi(tail)) return false;
  return !(await decodesCompletely(absPath));
}

async function readEnds(absPath: string, size: number, tailBytes: number) {
  let handle: FileHandle | undefined;
  try {
    handle = await open(absPath, 'r');
    const head = Buffer.alloc(3);
    const tail = Buffer.alloc(Math.min(size, tailBytes));
    await handle.read(head, 0, head.length, 0);
    await handle.read(tail, 0, tail.length, size - tail.length);
    return { head, tail };
  } catch {
    // Gone or changed under us: the hasher reports that, this check has nothing to add.
    return null;
  } finally {
    await handle?.close();
  }
}

function hasEoi(tail: Buffer): boolean {
  return tail.includes(Buffer.from([0xff, 0xd9]));
}

/** A shrink-on-load decode: libjpeg still reads every block, at a fraction of the full cost. */
async function decodesCompletely(absPath: string): Promise<boolean> {
  try {
    await sharp(absPath, { failOn: 'truncated', limitInputPixels: false })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Videos

async function videoInfo(absPath: string): Promise<MediaInfo> {
  const [probe, exif] = await Promise.all([probeVideo(absPath), readExif(absPath)]);
  const meta = exif.ok ? fromExif(exif) : NOTHING_KNOWN;
  if (!probe.ok) return { ...meta, problem: probe.reason };
  return {
    ...meta,
    // ffprobe knows the stream; exiftool fills in what the container did not say.
    capturedAt: meta.capturedAt ?? probe.creationTime,
    width: probe.width ?? meta.width,
    height: probe.height ?? meta.height,
    orientation: probe.hasVideoStream ? orientationFromRotation(probe.rotation) : null,
    durationS: probe.durationS ?? meta.durationS,
    codec: probe.codec,
    problem: videoProblem(probe),
  };
}

function videoProblem(probe: Extract<VideoProbe, { ok: true }>): string | null {
  if (!probe.hasVideoStream) return 'no video stream';
  if (probe.truncated) return 'truncated video (the data ends before its stated duration)';
  return null;
}

const ORIENTATION_BY_ROTATION: Record<number, number> = { 0: 1, 90: 6, 180: 3, 270: 8 };

function orientationFromRotation(rotation: number): number {
  return ORIENTATION_BY_ROTATION[rotation] ?? 1;
}

function fromExif(exif: Extract<ExifResult, { ok: true }>): Omit<MediaInfo, 'problem'> {
  return {
    capturedAt: exif.capturedAt,
    cameraMake: exif.cameraMake,
    cameraModel: exif.cameraModel,
    width: exif.width,
    height: exif.height,
    orientation: exif.orientation,
    durationS: exif.durationS,
    codec: null,
    gpsLat: exif.gpsLat,
    gpsLon: exif.gpsLon,
  };
}
