import { execFile } from 'node:child_process';
import path from 'node:path';
import { z } from 'zod';

/**
 * A small typed wrapper around Debian's `ffprobe` (fluent-ffmpeg is deprecated, see DESIGN.md).
 * It never throws for bad media: an unreadable, empty or hostile file comes back as
 * `{ ok: false, reason }` with a short reason a user can read. It throws only when ffprobe
 * itself cannot be started, which is a broken installation, not a bad file.
 */

export type VideoProbe =
  | {
      ok: true;
      durationS: number | null;
      codec: string | null;
      /**
       * The size of the stored frames, before the display rotation is applied: a portrait phone
       * clip reads 1920×1080 with rotation 90. Not ffprobe's coded_width/coded_height, which
       * include the codec's padding (the iPhone XR HEVC clip is coded 1440×1088, shown 1440×1080).
       */
      width: number | null;
      height: number | null;
      /** Degrees clockwise to turn the frames for display: 0, 90, 180 or 270. */
      rotation: number;
      hasVideoStream: boolean;
      /** ISO 8601 as the container states it; no offset when the container gives none (AVI). */
      creationTime: string | null;
      /** The data ends before the stated duration (a copy or download cut short). */
      truncated: boolean;
    }
  | { ok: false; reason: string };

export interface ProbeOptions {
  timeoutMs?: number;
  ffprobePath?: string;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 20_000;
// Normal output is a few KiB; a cap keeps a hostile file with huge tags from growing memory.
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

export async function probeVideo(absPath: string, options: ProbeOptions = {}): Promise<VideoProbe> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const run = await runFfprobe(options.ffprobePath ?? 'ffprobe', probeArgs(absPath), timeoutMs);
  if (run.outcome === 'timeout') {
    return { ok: false, reason: `ffprobe timed out after ${formatSeconds(timeoutMs)} s` };
  }
  if (run.outcome === 'overflow') return { ok: false, reason: 'ffprobe output too large' };
  if (run.outcome === 'signal') return { ok: false, reason: `ffprobe was killed (${run.signal})` };
  if (run.code !== 0) {
    return { ok: false, reason: `not a readable video (${firstError(run.stderr)})` };
  }
  const parsed = parseOutput(run.stdout);
  if (!parsed) return { ok: false, reason: 'ffprobe gave unreadable output' };
  return toProbe(parsed, run.stderr);
}

function probeArgs(absPath: string): string[] {
  return [
    '-v',
    'error',
    '-print_format',
    'json',
    '-show_format',
    '-show_streams',
    // Seek to the end and read one packet: a file cut short fails there, at the cost of one
    // index seek (measured: no slower on a 128 MB MKV than without it).
    '-show_entries',
    'packet=stream_index,pts_time',
    '-read_intervals',
    '99999999%+#1',
    // The file: protocol makes ffmpeg read a path as a path, never as a URL or other protocol.
    `file:${path.resolve(absPath)}`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Running the child

type RunResult =
  | { outcome: 'exited'; code: number; stdout: string; stderr: string }
  | { outcome: 'timeout' }
  | { outcome: 'overflow' }
  | { outcome: 'signal'; signal: string };

/** Runs ffprobe without a shell; on timeout the child gets SIGKILL (a hung read ignores TERM). */
function runFfprobe(binary: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const options = {
      encoding: 'utf8' as const,
      timeout: timeoutMs,
      killSignal: 'SIGKILL' as const,
      maxBuffer: MAX_OUTPUT_BYTES,
      windowsHide: true,
    };
    execFile(binary, args, options, (error, stdout, stderr) => {
      if (!error) return resolve({ outcome: 'exited', code: 0, stdout, stderr });
      if (error.code === 'ENOENT') {
        return reject(new Error(`cannot run ${binary}: not installed or not on PATH`));
      }
      if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER')
        return resolve({ outcome: 'overflow' });
      if (error.killed) return resolve({ outcome: 'timeout' });
      // Killed by someone else, e.g. the kernel's OOM killer on a small NAS.
      if (error.signal) return resolve({ outcome: 'signal', signal: error.signal });
      const code = typeof error.code === 'number' ? error.code : -1;
      resolve({ outcome: 'exited', code, stdout, stderr });
    });
  });
}

/** The most specific line of ffprobe's stderr, without the `[demuxer @ 0x…]` and path prefixes. */
function firstError(stderr: string): string {
  const line = stderr
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!line) return 'ffprobe failed without a message';
  const detail = line.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '').replace(/^file:.*?: /, '');
  return detail.length > 160 ? `${detail.slice(0, 157)}…` : detail;
}

function formatSeconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}

// ---------------------------------------------------------------------------------------------
// Reading the JSON

// Only the fields we use; zod drops the rest. Everything is optional: ffprobe omits what it
// does not know, and hostile files make it omit a lot.
const tagsSchema = z.record(z.string(), z.string()).optional();
const streamSchema = z.object({
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  duration: z.string().optional(),
  tags: tagsSchema,
  disposition: z.record(z.string(), z.number()).optional(),
  side_data_list: z.array(z.object({ rotation: z.number().optional() })).optional(),
});
const outputSchema = z.object({
  format: z.object({ duration: z.string().optional(), tags: tagsSchema }).optional(),
  streams: z.array(streamSchema).optional(),
  packets: z.array(z.object({ stream_index: z.number().optional() })).optional(),
});
type FfprobeOutput = z.infer<typeof outputSchema>;
type FfprobeStream = z.infer<typeof streamSchema>;

function parseOutput(stdout: string): FfprobeOutput | null {
  try {
    const result = outputSchema.safeParse(JSON.parse(stdout));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

function toProbe(output: FfprobeOutput, stderr: string): VideoProbe {
  const video = mainVideoStream(output.streams ?? []);
  const durationS = positiveNumber(output.format?.duration) ?? positiveNumber(video?.duration);
  return {
    ok: true,
    durationS,
    codec: video?.codec_name ?? null,
    width: video?.width ?? null,
    height: video?.height ?? null,
    rotation: video ? clockwiseRotation(video) : 0,
    hasVideoStream: video !== undefined,
    creationTime: isoCreationTime(output.format?.tags?.creation_time ?? video?.tags?.creation_time),
    truncated: looksTruncated(output, stderr, video !== undefined && durationS !== null),
  };
}

/** The first real video stream: cover art in MP4/MKV is a one-frame "video" stream to skip. */
function mainVideoStream(streams: FfprobeStream[]): FfprobeStream | undefined {
  return streams.find((s) => s.codec_type === 'video' && s.disposition?.attached_pic !== 1);
}

/**
 * ffprobe gives the display matrix as counter-clockwise degrees (`rotation: -90` for a phone
 * held upright, where exiftool says `Rotation: 90`); old muxers wrote a clockwise `rotate` tag.
 */
function clockwiseRotation(stream: FfprobeStream): number {
  const matrix = stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  if (matrix !== undefined) return normaliseQuarterTurns(-matrix);
  const tag = Number(stream.tags?.rotate);
  return Number.isFinite(tag) ? normaliseQuarterTurns(tag) : 0;
}

function normaliseQuarterTurns(degrees: number): number {
  const quarter = Math.round(degrees / 90) * 90;
  return ((quarter % 360) + 360) % 360;
}

function looksTruncated(output: FfprobeOutput, stderr: string, expectsPackets: boolean): boolean {
  if (/file ended prematurely|partial file|truncat/i.test(stderr)) return true;
  // A seek to the end that reads nothing: an MP4 whose index points past the end of the data.
  return expectsPackets && (output.packets ?? []).length === 0;
}

function positiveNumber(value: string | undefined): number | null {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : null;
}

/**
 * Containers write `2024-02-03T07:05:38.000000Z` (MP4), `2021-03-26 21:19:07` (AVI) or a zero
 * date when unset (1904/1970 epochs): keep real dates as ISO 8601 with at most milliseconds.
 */
function isoCreationTime(raw: string | undefined): string | null {
  const match = raw
    ?.trim()
    .match(/^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)?$/);
  if (!match) return null;
  const [, date = '', time = '', fraction, zone] = match;
  if (Number(date.slice(0, 4)) <= 1970) return null;
  const millis = fraction ? fraction.slice(0, 4).padEnd(4, '0') : '';
  const offset = zone?.replace(/^([+-]\d\d)(\d\d)$/, '$1:$2') ?? '';
  const iso = `${date}T${time}${millis}${offset}`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}
