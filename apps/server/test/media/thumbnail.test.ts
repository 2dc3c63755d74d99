import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runChild } from '../../src/media/child-process.js';
import { endExiftool } from '../../src/media/exif.js';
import { makeThumbnail, shutdownThumbnailers } from '../../src/media/thumbnail.js';
import { buildLibrary, type BuiltLibrary } from '../fixtures/library.js';
import { SAMPLES_DIR, sample } from '../fixtures/samples.js';
import {
  expectImage,
  kindOf,
  meanDifference,
  processesMentioning,
  sniffedMime,
} from './thumbnail-helpers.js';

const run = promisify(execFile);

afterAll(async () => {
  await shutdownThumbnailers();
  await endExiftool();
});

async function thumbnailOf(absPath: string, size = 320, mime?: string | null) {
  const sniffed = mime === undefined ? await sniffedMime(absPath) : mime;
  return makeThumbnail({ absPath, kind: kindOf(absPath), mime: sniffed, size });
}

// What each sample gives at 320 px: [width, height] of the thumbnail, or the reason.
// HEIC sizes differ by a pixel between the stored thumbnail and the decoded primary image.
const EXPECTED: Record<string, [number, number] | string> = {
  'jpeg/dc_Canon_PowerShot_S40_CRW_0101.THM': [160, 120],
  'jpeg/ia_orientation_portrait_6.jpg': [240, 320],
  'jpeg/mei_Apple_iPhone_4.jpg': [320, 239],
  'jpeg/mei_Olympus μ Digital 800.JPG': [320, 240],
  'jpeg/pp_GoPro_HD2.jpg': [240, 180],
  'heic/dc_iPhoneXR_IMG_3589.HEIC': [320, 240],
  'heic/ex2_Sony_ILCE-1.HIF': [320, 214],
  'heic/lh_libheif_example.heic': [320, 213],
  'heic/pp_iPhone7.heic': [240, 320],
  'raw/dc_Canon_PowerShot_S40_CRW_0101.CRW': [320, 240],
  'raw/ex2_Canon_EOS_R6_pruned.CR3': [320, 213],
  'raw/pp_Canon_EOS_6D.dng': [320, 213],
  // The only image in this 1995 file is a 96×64 TIFF thumbnail.
  'raw/rp_RAW_KODAK_DC50_é.KDC': [96, 64],
  'other-images/pil_Nintendo3DS_frozenpond.mpo': [320, 240],
  'other-images/pp_pythagoras_animated.gif': [296, 320],
  // Cut at 128 KiB: the preview is gone, the 160×120 thumbnail is whole; Orientation 6.
  'broken/ft_Canon_EOS_R_truncated.cr3': [120, 160],
  'broken/gx_infinite_loop_exif.jpg': [8, 8],
  'broken/pp_jpeg_named_heic.heic': [320, 320],
  'broken/ne_oom_large_box.heic': 'HEIC could not be decoded',
  'broken/pil_decompression_bomb.gif': 'image too large (4365 megapixels)',
  'broken/pil_truncated_image.png': 'corrupt or truncated image',
  'broken/pp_broken_truncated.jpg': 'corrupt or truncated image',
  'broken/pp_empty 2018-04-12 19_24_49.mov': 'empty file',
};

// Videos: frames in the strip and duration. Frames depend on where the keyframes are.
const VIDEOS: Record<string, { frames: number; durationS: number }> = {
  'video/dc_Canon_PowerShot_S40_MVI_0121.AVI': { frames: 5, durationS: 9.467 },
  'video/dc_iPhoneXR_IMG_3589.mov': { frames: 2, durationS: 2.937 },
  // 0.544 s and a single keyframe: every seek lands past it, the first frame is taken.
  'video/mei_Sony_ILCE-7M3.mts': { frames: 1, durationS: 0.544 },
  'video/mei_sample.3gp': { frames: 2, durationS: 4.933 },
  'video/ne_phone_rot90_gps.mp4': { frames: 1, durationS: 1.063 },
  'video/ne_webm_480.webm': { frames: 5, durationS: 30.543 },
  // 100 KiB of a clip whose header says 1132 s: only the start is there.
  'broken/ft_truncated.mkv': { frames: 1, durationS: 1132.048 },
};

describe('makeThumbnail on the camera samples', () => {
  it('has an expectation for every sample, so a new one cannot go untested', async () => {
    const dirs = ['jpeg', 'heic', 'raw', 'video', 'other-images', 'broken'];
    const all = (
      await Promise.all(
        dirs.map(async (d) => (await readdir(path.join(SAMPLES_DIR, d))).map((f) => `${d}/${f}`)),
      )
    ).flat();
    expect(all.filter((f) => !(f in EXPECTED) && !(f in VIDEOS))).toEqual([]);
  });

  it.each(Object.entries(EXPECTED))('%s → %j', async (file, expected) => {
    const made = await thumbnailOf(sample(file));
    if (typeof expected === 'string') {
      expect(made).toEqual({ ok: false, reason: expected });
      return;
    }
    const image = await expectImage(made);
    expect(image.width).toBeCloseTo(expected[0], -0.5);
    expect(image.height).toBeCloseTo(expected[1], -0.5);
    expect(image.durationS).toBeUndefined();
  });

  it.each(Object.entries(VIDEOS))('%s → a strip of %j', async (file, expected) => {
    const strip = await expectImage(await thumbnailOf(sample(file)));
    expect([strip.width, strip.height]).toEqual([320, 180]);
    expect(strip.frames).toBe(expected.frames);
    expect(strip.durationS).toBeCloseTo(expected.durationS, 2);
  });

  it('sends a JPEG named .heic to sharp even when the scan could not tell its type', async () => {
    const made = await thumbnailOf(sample('broken/pp_jpeg_named_heic.heic'), 320, null);
    expect((await expectImage(made)).width).toBe(320);
  });

  it('shows the upright-held phone clip as one portrait frame between black bars', async () => {
    const strip = await expectImage(await thumbnailOf(sample('video/ne_phone_rot90_gps.mp4')));
    const { data, info } = await sharp(strip.image)
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const columnMean = (x: number) => {
      let sum = 0;
      for (let y = 0; y < info.height; y++) sum += data[y * info.width + x] ?? 0;
      return sum / info.height;
    };
    // A 9:16 frame 180 px high is ~101 px wide: columns 0–105 and 215–319 are bars.
    for (const x of [2, 60, 100, 220, 260, 317]) expect(columnMean(x)).toBeLessThan(8);
    expect(columnMean(160)).toBeGreaterThan(20);
  });

  it('keeps the long edge at the size asked for, and never enlarges', async () => {
    const big = await expectImage(await thumbnailOf(sample('jpeg/mei_Apple_iPhone_4.jpg'), 1024));
    expect([big.width, big.height]).toEqual([1024, 765]);
    const small = await expectImage(await thumbnailOf(sample('jpeg/pp_GoPro_HD2.jpg'), 1024));
    expect([small.width, small.height]).toEqual([240, 180]);
    const strip = await expectImage(await thumbnailOf(sample('video/ne_webm_480.webm'), 640));
    expect([strip.width, strip.height]).toEqual([640, 360]);
  });
});

describe('makeThumbnail on generated files', () => {
  let dir: string;
  let lib: BuiltLibrary;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-thumbs-'));
    lib = await buildLibrary(dir, [
      // 12 MP, stored landscape, shown portrait (EXIF orientation 6), as a camera held upright.
      { path: 'IMG_12MP.jpg', photo: { width: 4000, height: 3000, orientation: 6 } },
      { path: 'portrait.mp4', video: { rotation: 90, width: 320, height: 180, durationS: 4 } },
      { path: 'flat.mov', video: { width: 320, height: 180, durationS: 12, fps: 5, gop: 5 } },
      { path: 'text.mp4', bytes: 'not a video\n' },
      { path: 'notes.jpg', bytes: 'not a photo either\n' },
    ]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('turns a 12 MP photo with orientation 6 upright: the stored left edge becomes the top', async () => {
    const file = lib.file('IMG_12MP.jpg').absPath;
    const made = await expectImage(await thumbnailOf(file));
    expect([made.width, made.height]).toEqual([240, 320]);
    // The stored pixels, shrunk and turned a quarter clockwise by hand.
    const stored = await sharp(file).resize(320, 240).png().toBuffer();
    const reference = await sharp(stored).rotate(90).png().toBuffer();
    expect(await meanDifference(made.image, reference)).toBeLessThan(6);
  });

  it('makes a strip of portrait frames from a clip with rotation 90', async () => {
    const strip = await expectImage(await thumbnailOf(lib.file('portrait.mp4').absPath));
    expect([strip.width, strip.height, strip.frames]).toEqual([320, 180, 2]);
  });

  it('spreads five frames over a 12 s clip', async () => {
    const strip = await expectImage(await thumbnailOf(lib.file('flat.mov').absPath));
    expect(strip.frames).toBe(5);
    expect(strip.durationS).toBeCloseTo(12, 1);
  });

  it("spreads the frames over the scan's duration when the scan's probe is passed in", async () => {
    // The catalog's facts stand for the content: told the 12 s clip lasts 2 s, the strip takes
    // its one frame from the first 2 s and reports that duration, without probing the clip again.
    const made = await makeThumbnail({
      absPath: lib.file('flat.mov').absPath,
      kind: 'video',
      mime: 'video/quicktime',
      size: 320,
      probed: { durationS: 2 },
    });
    const strip = await expectImage(made);
    expect([strip.frames, strip.durationS]).toEqual([1, 2]);
  });

  it('says an audio-only file has no video stream', async () => {
    const audio = path.join(dir, 'voice.m4a');
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', audio]);
    expect(await thumbnailOf(audio)).toEqual({ ok: false, reason: 'no video stream' });
  });

  it('gives text named as media a reason, not an exception', async () => {
    expect(await thumbnailOf(lib.file('text.mp4').absPath)).toEqual({
      ok: false,
      reason: 'not a readable video (moov atom not found)',
    });
    expect(await thumbnailOf(lib.file('notes.jpg').absPath)).toEqual({
      ok: false,
      reason: 'unsupported image format',
    });
  });

  it('starts nothing for a file that is gone, a folder or a FIFO', async () => {
    const fifo = path.join(dir, 'hung.mp4');
    await run('mkfifo', [fifo]);
    expect(await thumbnailOf(fifo, 320, null)).toEqual({ ok: false, reason: 'not a regular file' });
    expect(await thumbnailOf(dir, 320, null)).toEqual({ ok: false, reason: 'not a regular file' });
    expect(await thumbnailOf(path.join(dir, 'gone.jpg'), 320, null)).toEqual({
      ok: false,
      reason: 'cannot read: vanished during the scan',
    });
  });

  it('refuses a size that cannot be right', async () => {
    const absPath = lib.file('IMG_12MP.jpg').absPath;
    for (const size of [0, 8, 320.5, 10_000]) {
      await expect(makeThumbnail({ absPath, kind: 'photo', mime: null, size })).rejects.toThrow(
        RangeError,
      );
    }
  });
});

describe('time limits', () => {
  it('gives up on a video when the time is out and leaves no child behind', async () => {
    const file = sample('video/ne_phone_rot90_gps.mp4');
    const made = await makeThumbnail(
      { absPath: file, kind: 'video', mime: 'video/mp4', size: 320 },
      { timeoutMs: 1 },
    );
    expect(made.ok).toBe(false);
    expect(made.ok ? '' : made.reason).toMatch(/timed out/);
    expect(await processesMentioning(file, { childrenOfThisProcess: true })).toEqual([]);
  });

  it('kills a child that outlives its time with SIGKILL', async () => {
    // A shell spinning with SIGTERM ignored, as a decoder stuck in a loop effectively is.
    const script = 'trap "" TERM; while :; do :; done';
    const result = await runChild('sh', ['-c', script, 'glacier-hung-child-marker'], {
      timeoutMs: 200,
    });
    expect(result).toEqual({ outcome: 'timeout' });
    expect(await processesMentioning('glacier-hung-child-marker')).toEqual([]);
  });

  it('reports a tool that is not installed instead of throwing', async () => {
    const result = await runChild('glacier-no-such-tool', [], { timeoutMs: 1000 });
    expect(result).toEqual({ outcome: 'missing' });
  });
});
