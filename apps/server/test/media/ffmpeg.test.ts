import { execFile } from 'node:child_process';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeVideo, type VideoProbe } from '../../src/media/ffmpeg.js';
import { buildLibrary, type BuiltLibrary } from '../fixtures/library.js';
import { sample } from '../fixtures/samples.js';

const run = promisify(execFile);

function expectOk(probe: VideoProbe): Extract<VideoProbe, { ok: true }> {
  if (!probe.ok) throw new Error(`expected a readable video, got: ${probe.reason}`);
  return probe;
}

describe('probeVideo on the camera samples', () => {
  it('reads the phone clip held upright: rotation 90, stored size, duration, creation time', async () => {
    const probe = expectOk(await probeVideo(sample('video/ne_phone_rot90_gps.mp4')));
    expect(probe).toEqual({
      ok: true,
      durationS: 1.0632,
      codec: 'h264',
      width: 1920,
      height: 1080,
      rotation: 90,
      hasVideoStream: true,
      creationTime: '2024-02-03T07:05:38.000Z',
      truncated: false,
    });
  });

  it.each([
    ['video/mei_Sony_ILCE-7M3.mts', 'h264', 1920, 1080, 0.544],
    ['video/dc_Canon_PowerShot_S40_MVI_0121.AVI', 'mjpeg', 160, 120, 9.467],
    ['video/mei_sample.3gp', 'mpeg4', 176, 144, 4.933],
    ['video/ne_webm_480.webm', 'vp8', 480, 270, 30.543],
    // Shown size 1440×1080, although HEVC codes it as 1440×1088.
    ['video/dc_iPhoneXR_IMG_3589.mov', 'hevc', 1440, 1080, 2.937],
  ])('%s: %s %i×%i, %f s', async (file, codec, width, height, durationS) => {
    const probe = expectOk(await probeVideo(sample(file)));
    expect(probe).toMatchObject({ codec, width, height, rotation: 0, truncated: false });
    expect(probe.durationS).toBeCloseTo(durationS, 2);
  });

  it('keeps an AVI creation time as the camera clock, without an invented zone', async () => {
    const probe = expectOk(await probeVideo(sample('video/dc_Canon_PowerShot_S40_MVI_0121.AVI')));
    expect(probe.creationTime).toBe('2021-03-26T21:19:07');
  });

  it('says why the empty .mov is not a video', async () => {
    const probe = await probeVideo(sample('broken/pp_empty 2018-04-12 19_24_49.mov'));
    expect(probe).toEqual({ ok: false, reason: 'not a readable video (moov atom not found)' });
  });

  it('flags the truncated MKV whose header claims 1132 s in 100 KiB', async () => {
    const probe = expectOk(await probeVideo(sample('broken/ft_truncated.mkv')));
    expect(probe.truncated).toBe(true);
    expect(probe.durationS).toBeCloseTo(1132.048, 2);
  });
});

describe('probeVideo on generated files', () => {
  let dir: string;
  let lib: BuiltLibrary;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-ffprobe-'));
    lib = await buildLibrary(dir, [
      { path: 'rot180.mp4', video: { rotation: 180 } },
      { path: 'rot270.mov', video: { rotation: 270 } },
      { path: 'long.mp4', video: { durationS: 4, fps: 10, gop: 10 } },
      { path: 'ok.mkv', video: { audio: true } },
      { path: 'ok.avi', video: { audio: true } },
      { path: 'ok.mts', video: { audio: true } },
      { path: 'hevc.mp4', video: { codec: 'hevc' } },
      { path: 'not-a-video.mp4', bytes: 'just some text\n' },
    ]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each([
    ['rot180.mp4', 180],
    ['rot270.mov', 270],
  ])('%s: rotation %i clockwise', async (name, rotation) => {
    const probe = expectOk(await probeVideo(lib.file(name).absPath));
    expect(probe.rotation).toBe(rotation);
  });

  it.each(['ok.mkv', 'ok.avi', 'ok.mts', 'hevc.mp4', 'long.mp4'])(
    'does not call a healthy %s truncated',
    async (name) => {
      const probe = expectOk(await probeVideo(lib.file(name).absPath));
      expect(probe.truncated).toBe(false);
      expect(probe.hasVideoStream).toBe(true);
    },
  );

  it('flags an MP4 cut in half, whose index points past the end', async () => {
    const cut = path.join(dir, 'cut.mp4');
    const source = lib.file('long.mp4').absPath;
    await run('ffmpeg', [
      '-v',
      'error',
      '-i',
      source,
      '-c',
      'copy',
      '-movflags',
      '+faststart',
      cut,
    ]);
    const bytes = await readFile(cut);
    await truncate(cut, Math.floor(bytes.length / 2));
    const probe = expectOk(await probeVideo(cut));
    expect(probe.truncated).toBe(true);
  });

  it('reports an audio-only file as having no video stream', async () => {
    const audio = path.join(dir, 'voice.m4a');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', audio]);
    const probe = expectOk(await probeVideo(audio));
    expect(probe.hasVideoStream).toBe(false);
    expect(probe.codec).toBeNull();
    expect(probe.durationS).toBeCloseTo(1, 1);
  });

  it('says a text file named .mp4 is not a video', async () => {
    // ffmpeg trusts the extension enough to try MP4 first, hence the MP4 complaint.
    const probe = await probeVideo(lib.file('not-a-video.mp4').absPath);
    expect(probe).toEqual({ ok: false, reason: 'not a readable video (moov atom not found)' });
  });

  it('reads a path that looks like an option or a URL as a plain file', async () => {
    const odd = path.join(dir, '-i http:', 'concat:x|y.mp4');
    await mkdir(path.dirname(odd));
    await copyFile(lib.file('long.mp4').absPath, odd);
    expect(expectOk(await probeVideo(odd)).codec).toBe('h264');
  });

  it('gives up on output above the bound instead of buffering it', async () => {
    // A 5 MB comment tag: ffprobe prints it whole in the JSON.
    const meta = path.join(dir, 'meta.txt');
    await writeFile(meta, `;FFMETADATA1\ncomment=${'x'.repeat(5_000_000)}\n`);
    const tagged = path.join(dir, 'tagged.mp4');
    const source = lib.file('long.mp4').absPath;
    const args = ['-i', source, '-i', meta, '-map', '0', '-map_metadata', '1', '-c', 'copy'];
    await run('ffmpeg', ['-v', 'error', ...args, tagged]);
    expect(await probeVideo(tagged)).toEqual({ ok: false, reason: 'ffprobe output too large' });
  });
});

describe('probeVideo timeout', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-fifo-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('kills a child hung on a FIFO nobody writes to, and says so', async () => {
    const fifo = path.join(dir, 'hung.mp4');
    await run('mkfifo', [fifo]);
    const probe = await probeVideo(fifo, { timeoutMs: 300 });
    expect(probe).toEqual({ ok: false, reason: 'ffprobe timed out after 0.3 s' });
    expect(await processesMentioning(fifo)).toEqual([]);
  });
});

/** Live processes whose command line contains `needle` (read from /proc, Linux only). */
async function processesMentioning(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(needle)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  return found;
}
