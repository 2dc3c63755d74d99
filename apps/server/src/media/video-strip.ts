import path from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { firstLine, runChild } from './child-process.js';
import type { Deadline } from './deadline.js';
import { probeVideo } from './ffmpeg.js';
import { failure, type ProbedVideo, type Thumbnail } from './thumbnail-types.js';

/**
 * A video's thumbnail: one horizontal strip of frames spread over the clip (never the black
 * first frame), `size` wide and 9/16 of that high, so every video tile has the same shape.
 * Frames come from Debian's ffmpeg seeking to keyframes, two grabs at a time; ffmpeg applies
 * the display rotation itself, so a phone clip held upright gives portrait frames.
 */

export interface StripOptions {
  size: number;
  deadline: Deadline;
  /** The scan's probe of this content, when it found a clean video stream. */
  probed?: ProbedVideo | undefined;
}

export interface StripLayout {
  width: number;
  height: number;
}

export const NO_VIDEO_STREAM = 'no video stream';
const NO_FRAME = 'no frame could be decoded';
const MAX_FRAMES = 5;
/** Seconds of clip per frame: keyframes come every 0.5–2 s, closer frames would repeat. */
const SECONDS_PER_FRAME = 2;
const PARALLEL_GRABS = 2;
const WEBP_QUALITY = 75;
// A frame is at most size × 9/16 size as a JPEG: a few tens of KiB. A bound stops a runaway.
const MAX_FRAME_BYTES = 8 * 1024 * 1024;

export async function videoStrip(absPath: string, options: StripOptions): Promise<Thumbnail> {
  const { deadline } = options;
  if (deadline.expired()) return failure(deadline.reason());
  const probe = options.probed ?? (await probeForStrip(absPath, deadline));
  if ('reason' in probe) return failure(probe.reason);
  const layout = stripLayout(options.size);
  const grabbed = await grabFrames(absPath, frameTimes(probe.durationS), layout, deadline);
  if (grabbed.frames.length === 0) {
    return failure(deadline.expired() ? deadline.reason() : grabbed.reason);
  }
  const image = await composeStrip(grabbed.frames, layout);
  if (!image) return failure(NO_FRAME);
  return {
    ok: true,
    image,
    ...layout,
    ...(probe.durationS === null ? {} : { durationS: probe.durationS }),
    frames: grabbed.frames.length,
  };
}

async function probeForStrip(
  absPath: string,
  deadline: Deadline,
): Promise<{ durationS: number | null } | { reason: string }> {
  const probe = await probeVideo(absPath, { timeoutMs: Math.ceil(deadline.remainingMs()) });
  if (!probe.ok) return { reason: probe.reason };
  if (!probe.hasVideoStream) return { reason: NO_VIDEO_STREAM };
  return { durationS: probe.durationS };
}

export function stripLayout(size: number): StripLayout {
  return { width: size, height: Math.max(1, Math.round((size * 9) / 16)) };
}

/**
 * Seconds from the start at which to grab: the middles of n equal parts (10, 30, 50, 70 and
 * 90 % for five), one frame per two seconds of clip, one to five. Null: the duration is
 * unknown, so only the first keyframe is asked for.
 */
export function frameTimes(durationS: number | null): (number | null)[] {
  if (durationS === null || !(durationS > 0)) return [null];
  const count = Math.min(MAX_FRAMES, Math.max(1, Math.ceil(durationS / SECONDS_PER_FRAME)));
  return Array.from({ length: count }, (_, i) => ((i + 0.5) / count) * durationS);
}

// ---------------------------------------------------------------------------------------------
// Grabbing frames

interface Grabbed {
  /** JPEG frames in clip order, duplicates removed. */
  frames: Buffer[];
  reason: string;
}

/**
 * ffmpeg with `-skip_frame nokey -ss T` decodes only keyframes, so it returns the first
 * keyframe at or after T: fast, but nothing at all (and exit code 0) when no keyframe
 * follows T. Times that gave nothing are retried with a plain seek, which decodes from the
 * keyframe before T up to T (up to a GOP of frames: costly in 4K), but only when the strip
 * would otherwise show fewer than half the frames wanted: a 4K clip missing its last frame
 * keeps four. When no time gave a frame (a truncated file whose header claims more than its
 * data holds, an MTS clip of one keyframe), the clip's first frame is taken.
 */
export async function grabFrames(
  absPath: string,
  times: (number | null)[],
  box: StripLayout,
  deadline: Deadline,
): Promise<Grabbed> {
  const file = `file:${path.resolve(absPath)}`;
  let reason = NO_FRAME;
  const grab = async (time: number | null, mode: GrabMode): Promise<Buffer | null> => {
    const frame = await grabFrame(file, time, mode, box, deadline);
    if (!frame.ok && frame.reason) reason = frame.reason;
    return frame.ok ? frame.data : null;
  };
  const found = await mapLimited(times, PARALLEL_GRABS, (time) => grab(time, 'keyframe'));
  if (dedupe(found).length * 2 < times.length) {
    const missed = times.flatMap((time, i) => (found[i] === null && time !== null ? [i] : []));
    const exact = await mapLimited(missed, PARALLEL_GRABS, (i) => grab(times[i] ?? null, 'exact'));
    missed.forEach((i, k) => (found[i] = exact[k] ?? null));
  }
  let frames = dedupe(found);
  if (frames.length === 0 && !times.includes(null)) {
    const first = (await grab(null, 'keyframe')) ?? (await grab(null, 'exact'));
    frames = first ? [first] : [];
  }
  return { frames, reason };
}

type GrabMode = 'keyframe' | 'exact';

type Frame = { ok: true; data: Buffer } | { ok: false; reason: string | null };

async function grabFrame(
  file: string,
  time: number | null,
  mode: GrabMode,
  box: StripLayout,
  deadline: Deadline,
): Promise<Frame> {
  if (deadline.expired()) return { ok: false, reason: null };
  const run = await runChild('ffmpeg', frameArgs(file, time, mode, box), {
    timeoutMs: deadline.remainingMs(),
    maxOutputBytes: MAX_FRAME_BYTES,
  });
  if (run.outcome === 'missing') throw new Error('cannot run ffmpeg: not installed or not on PATH');
  if (run.outcome !== 'exited') return { ok: false, reason: null };
  // Exit code 0 with nothing written: T was past the last keyframe (or the data's end).
  if (run.code === 0 && isJpeg(run.stdout)) return { ok: true, data: run.stdout };
  return { ok: false, reason: run.code === 0 ? null : `${NO_FRAME} (${ffmpegError(run.stderr)})` };
}

function frameArgs(file: string, time: number | null, mode: GrabMode, box: StripLayout): string[] {
  return [
    ...['-nostdin', '-hide_banner', '-v', 'error'],
    ...(mode === 'keyframe' ? ['-skip_frame', 'nokey'] : []),
    ...(time === null ? [] : ['-ss', time.toFixed(3)]),
    // Only local files, even when a playlist-like file names other inputs.
    ...['-protocol_whitelist', 'file', '-i', file],
    // The main picture: 'V' skips cover art stored as a one-frame video stream.
    ...['-map', '0:V:0', '-frames:v', '1', '-vf', scaleFilter(box)],
    ...['-f', 'image2pipe', '-c:v', 'mjpeg', '-q:v', '3', 'pipe:1'],
  ];
}

/**
 * Shrinks the (already rotated) frame to fit the strip, in ffmpeg, before the JPEG encoding:
 * encoding a 4K frame costs more than scaling it. The display size counts the sample aspect
 * ratio (anamorphic DV and HDV store 1440 px for 1920), and a small clip is never enlarged.
 */
function scaleFilter(box: StripLayout): string {
  const fit = `min(1,min(${box.width}/(iw*sar),${box.height}/ih))`;
  return `scale=w='max(1,round(iw*sar*${fit}))':h='max(1,round(ih*${fit}))',setsar=1`;
}

/** ffmpeg's first complaint without its `[demuxer @ 0x…]` and `file:/path: ` prefixes. */
function ffmpegError(stderr: string): string {
  const line = firstLine(stderr, 400)
    .replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '')
    .replace(/^file:.*?: /, '');
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function isJpeg(data: Buffer): boolean {
  return data.length > 3 && data[0] === 0xff && data[1] === 0xd8;
}

/** Two times that land on the same keyframe give the same bytes: show that frame once. */
function dedupe(frames: (Buffer | null)[]): Buffer[] {
  const kept: Buffer[] = [];
  for (const frame of frames) {
    if (frame && !kept.some((k) => k.equals(frame))) kept.push(frame);
  }
  return kept;
}

async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Composing the strip

/**
 * Frames side by side in equal cells with a thin black gap, each cropped around its centre to
 * fill its cell; a single frame is shown whole, letterboxed, so a portrait clip reads as one.
 */
export async function composeStrip(frames: Buffer[], layout: StripLayout): Promise<Buffer | null> {
  const gap = frames.length > 1 ? Math.max(1, Math.round(layout.width / 160)) : 0;
  const widths = cellWidths(layout.width - gap * (frames.length - 1), frames.length);
  const tiles: OverlayOptions[] = [];
  let left = 0;
  for (const [index, frame] of frames.entries()) {
    const width = widths[index] ?? 1;
    const tile = await fitFrame(frame, width, layout.height, frames.length === 1);
    if (tile) tiles.push({ input: tile, left, top: 0 });
    left += width + gap;
  }
  if (tiles.length === 0) return null;
  return sharp({ create: { ...layout, channels: 3, background: BLACK } })
    .composite(tiles)
    .webp({ quality: WEBP_QUALITY })
    .toBuffer();
}

const BLACK = { r: 0, g: 0, b: 0 };

function cellWidths(total: number, count: number): number[] {
  const base = Math.max(1, Math.floor(total / count));
  const extra = Math.max(0, total - base * count);
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}

async function fitFrame(
  frame: Buffer,
  width: number,
  height: number,
  whole: boolean,
): Promise<Buffer | null> {
  try {
    return await sharp(frame, { failOn: 'error' })
      .resize(width, height, { fit: whole ? 'contain' : 'cover', background: BLACK })
      .png({ compressionLevel: 0 })
      .toBuffer();
  } catch {
    return null; // A frame ffmpeg wrote but libjpeg refuses: leave its cell black.
  }
}
