import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endExiftool, readExif } from '../../src/media/exif.js';
import { readMediaInfo, type MediaInfo } from '../../src/media/info.js';
import { buildLibrary, type BuiltLibrary } from '../fixtures/library.js';
import { SAMPLES_DIR, sample } from '../fixtures/samples.js';

afterAll(endExiftool);

const run = promisify(execFile);

const VIDEO_EXTENSIONS = new Set(['.mp4', '.mov', '.mts', '.avi', '.3gp', '.webm', '.mkv']);

function kindOf(file: string): 'photo' | 'video' {
  return VIDEO_EXTENSIONS.has(path.extname(file).toLowerCase()) ? 'video' : 'photo';
}

describe('readMediaInfo on the camera samples', () => {
  it('gives the catalog everything about the iPhone 4 photo', async () => {
    expect(await readMediaInfo(sample('jpeg/mei_Apple_iPhone_4.jpg'), 'photo')).toEqual({
      capturedAt: '2011-01-13T14:33:39+01:00',
      cameraMake: 'Apple',
      cameraModel: 'iPhone 4',
      width: 1296,
      height: 968,
      orientation: 1,
      durationS: null,
      codec: null,
      gpsLat: 41.853,
      gpsLon: 12.488833,
      problem: null,
    } satisfies MediaInfo);
  });

  it('combines ffprobe and exiftool for the phone video held upright', async () => {
    expect(await readMediaInfo(sample('video/ne_phone_rot90_gps.mp4'), 'video')).toEqual({
      capturedAt: '2024-02-03T15:05:38+08:00',
      cameraMake: null,
      cameraModel: null,
      width: 1920,
      height: 1080,
      orientation: 6,
      durationS: 1.0632,
      codec: 'h264',
      gpsLat: 27.2939,
      gpsLon: 112.6932,
      problem: null,
    } satisfies MediaInfo);
  });

  it('takes the MTS duration from ffprobe, which exiftool -fast does not read', async () => {
    const info = await readMediaInfo(sample('video/mei_Sony_ILCE-7M3.mts'), 'video');
    expect(info).toMatchObject({
      cameraMake: 'Sony',
      cameraModel: 'ILCE-7M3',
      capturedAt: '2019-04-24T22:24:00+02:00',
      codec: 'h264',
      problem: null,
    });
    expect(info.durationS).toBeCloseTo(0.544, 3);
  });

  it('gives a still no duration, even where its container states one (CR3 says 1 s)', async () => {
    const info = await readMediaInfo(sample('raw/ex2_Canon_EOS_R6_pruned.CR3'), 'photo');
    expect(info.durationS).toBeNull();
  });

  it('finds a problem in no healthy sample but the CR3 whose image data was pruned', async () => {
    const problems: Record<string, string> = {};
    for (const folder of ['jpeg', 'heic', 'raw', 'video', 'other-images']) {
      for (const name of await readdir(path.join(SAMPLES_DIR, folder))) {
        const info = await readMediaInfo(sample(`${folder}/${name}`), kindOf(name));
        if (info.problem) problems[`${folder}/${name}`] = info.problem;
      }
    }
    expect(problems).toEqual({ 'raw/ex2_Canon_EOS_R6_pruned.CR3': 'corrupt or truncated image' });
  });
});

describe('readMediaInfo on broken/', () => {
  // What each broken sample is known to give; a new sample must be added here.
  const EXPECTED: Record<string, { problem: string | null; warning?: string }> = {
    'ft_Canon_EOS_R_truncated.cr3': { problem: 'corrupt or truncated image' },
    'ft_truncated.mkv': {
      problem: 'truncated video (the data ends before its stated duration)',
    },
    'gx_infinite_loop_exif.jpg': {
      problem: null,
      warning: 'Suspicious IFD0 offset for XResolution',
    },
    'ne_oom_large_box.heic': { problem: 'corrupt or truncated image' },
    'pil_decompression_bomb.gif': { problem: 'corrupt or truncated image' },
    'pil_truncated_image.png': { problem: 'corrupt or truncated image' },
    'pp_broken_truncated.jpg': { problem: 'corrupt or truncated image' },
    'pp_empty 2018-04-12 19_24_49.mov': { problem: 'empty file' },
    'pp_jpeg_named_heic.heic': {
      problem: null,
      warning: 'content is JPEG, not what the .heic extension says',
    },
  };

  it('gives every broken file a problem or a warning, without throwing or hanging', async () => {
    const names = (await readdir(path.join(SAMPLES_DIR, 'broken'))).sort();
    expect(names).toEqual(Object.keys(EXPECTED).sort());
    for (const name of names) {
      const file = sample(`broken/${name}`);
      // A hang would fail the suite by its timeout; no wall-clock assertion here.
      const info = await readMediaInfo(file, kindOf(name));
      const exif = await readExif(file);
      const expected = EXPECTED[name]!;
      expect({ name, problem: info.problem }).toEqual({ name, problem: expected.problem });
      if (expected.warning) {
        expect(exif.ok && exif.warnings).toContain(expected.warning);
      }
    }
  });

  it('answers "empty file" for a 0-byte video without starting ffprobe', async () => {
    // With no PATH, starting ffprobe would throw: the answer must come before any child.
    const searchPath = process.env.PATH;
    process.env.PATH = '';
    try {
      const info = await readMediaInfo(sample('broken/pp_empty 2018-04-12 19_24_49.mov'), 'video');
      expect(info.problem).toBe('empty file');
    } finally {
      process.env.PATH = searchPath;
    }
  });

  it('reports a file that is gone as unreadable, not as an exception', async () => {
    const info = await readMediaInfo(path.join(SAMPLES_DIR, 'video/no-such-clip.mp4'), 'video');
    expect(info.problem).toBe('cannot read: vanished during the scan');
  });
});

describe('readMediaInfo on generated files', () => {
  let dir: string;
  let lib: BuiltLibrary;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-info-'));
    const iphone = await readFile(sample('jpeg/mei_Apple_iPhone_4.jpg'));
    const clip = await readFile(sample('video/mei_sample.3gp'));
    lib = await buildLibrary(dir, [
      { path: 'big.jpg', photo: { width: 800, height: 600 } },
      { path: 'portrait.mov', video: { rotation: 270, creationTime: '2024-05-01T10:00:00Z' } },
      // A motion photo: a JPEG with a video appended after its end marker.
      { path: 'motion.jpg', bytes: Buffer.concat([iphone, clip]) },
    ]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('sees a JPEG cut short, which exiftool -fast reads without a word', async () => {
    const whole = await readFile(lib.file('big.jpg').absPath);
    const cut = path.join(dir, 'cut.jpg');
    await writeFile(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect((await readMediaInfo(cut, 'photo')).problem).toBe('corrupt or truncated image');
    expect((await readMediaInfo(lib.file('big.jpg').absPath, 'photo')).problem).toBeNull();
  });

  it('does not call a motion photo (video after the JPEG) truncated', async () => {
    const info = await readMediaInfo(lib.file('motion.jpg').absPath, 'photo');
    expect(info).toMatchObject({ cameraModel: 'iPhone 4', problem: null });
  });

  it('maps a 270° video rotation to EXIF orientation 8 and uses the container time', async () => {
    const info = await readMediaInfo(lib.file('portrait.mov').absPath, 'video');
    expect(info).toMatchObject({
      orientation: 8,
      width: 160,
      height: 120,
      codec: 'h264',
      capturedAt: '2024-05-01T10:00:00Z',
      problem: null,
    });
  });

  it('reports an audio-only file as a video without a video stream', async () => {
    const audio = path.join(dir, 'voice.m4a');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', audio]);
    const info = await readMediaInfo(audio, 'video');
    expect(info).toMatchObject({ problem: 'no video stream', orientation: null, codec: null });
    expect(info.durationS).toBeCloseTo(1, 1);
  });
});
