import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deadline } from '../../src/media/deadline.js';
import { endExiftool } from '../../src/media/exif.js';
import { readHeifLayout } from '../../src/media/heif-boxes.js';
import { heicThumbnail, type HeicDecoder } from '../../src/media/heic.js';
import { decodeHeicWasm, stopHeicWasm } from '../../src/media/heic-wasm.js';
import { nativeHeifTools } from '../../src/media/heic-native.js';
import { sample } from '../fixtures/samples.js';
import { expectImage, meanDifference, processesMentioning } from './thumbnail-helpers.js';

const run = promisify(execFile);

afterAll(async () => {
  await stopHeicWasm();
  await endExiftool();
});

function thumbnail(file: string, decoders: HeicDecoder[], size = 320) {
  const deadline = new Deadline(60_000);
  return heicThumbnail(sample(file), { size, maxPixels: 120e6, deadline, decoders });
}

const SAMPLES: [string, [number, number]][] = [
  ['heic/dc_iPhoneXR_IMG_3589.HEIC', [320, 240]],
  ['heic/ex2_Sony_ILCE-1.HIF', [320, 213]],
  ['heic/lh_libheif_example.heic', [320, 213]],
  // Stored landscape, EXIF orientation 6 and no irot: shown portrait.
  ['heic/pp_iPhone7.heic', [240, 320]],
];

describe('readHeifLayout', () => {
  it('reads the primary size and the stored thumbnails from the boxes', async () => {
    expect(await readHeifLayout(sample('heic/ex2_Sony_ILCE-1.HIF'))).toEqual({
      width: 8640,
      height: 5760,
      thumbnails: [
        [1616, 1080],
        [320, 212],
        [160, 120],
      ],
      transformed: false,
    });
    expect(await readHeifLayout(sample('heic/pp_iPhone7.heic'))).toEqual({
      width: 4032,
      height: 3024,
      thumbnails: [],
      transformed: false,
    });
  });

  it('gives null for what is not a readable HEIF', async () => {
    for (const file of [
      'broken/ne_oom_large_box.heic',
      'broken/pp_jpeg_named_heic.heic',
      'video/ne_phone_rot90_gps.mp4',
    ]) {
      expect(await readHeifLayout(sample(file))).toBeNull();
    }
  });
});

describe('HEIC decoders', () => {
  it('finds the native libheif tools (apt: libheif-examples, heif-thumbnailer)', () => {
    expect(nativeHeifTools()).toMatchObject({
      decode: expect.stringMatching(/heif-(dec|convert)$/),
    });
    expect(nativeHeifTools()?.thumbnailer).toMatch(/heif-thumbnailer$/);
  });

  describe.each(['native', 'wasm'] as const)('%s', (decoder) => {
    it.each(SAMPLES)('%s → %j, upright', async (file, [width, height]) => {
      const made = await expectImage(await thumbnail(file, [decoder]));
      expect(made.width).toBeCloseTo(width, -0.5);
      expect(made.height).toBeCloseTo(height, -0.5);
    });

    it('says a corrupt HEIC could not be decoded', async () => {
      expect(await thumbnail('broken/ne_oom_large_box.heic', [decoder])).toEqual({
        ok: false,
        reason: 'HEIC could not be decoded',
      });
    });
  });

  it.each(['heic/pp_iPhone7.heic', 'heic/dc_iPhoneXR_IMG_3589.HEIC'])(
    'native and wasm agree on %s',
    async (file) => {
      // 1024 px: past most stored thumbnails. The native path converts the iPhones' Display P3
      // to sRGB, heic-decode drops the ICC profile: colours differ by ~5 of 255. A picture
      // turned the wrong way differs by ~40.
      const native = await expectImage(await thumbnail(file, ['native'], 1024));
      const wasm = await expectImage(await thumbnail(file, ['wasm'], 1024));
      expect(await meanDifference(native.image, wasm.image)).toBeLessThan(10);
    },
  );

  it('turns the iPhone 7 photo like the EXIF says (reference: heif-convert, then sharp)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-heic-'));
    try {
      const jpeg = path.join(dir, 'ref.jpg');
      await run('heif-convert', ['-q', '90', sample('heic/pp_iPhone7.heic'), jpeg]);
      const reference = await sharp(jpeg).autoOrient().resize(240, 320).png().toBuffer();
      const made = await expectImage(await thumbnail('heic/pp_iPhone7.heic', ['native']));
      expect(await meanDifference(made.image, reference)).toBeLessThan(8); // WebP at q75
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('falls back to the EXIF thumbnail when no decoder can read the file', async () => {
    // The Sony HIF carries a 160×120 JPEG in its EXIF (padded to 4:3 around a 3:2 picture).
    const made = await expectImage(await thumbnail('heic/ex2_Sony_ILCE-1.HIF', []));
    expect([made.width, made.height]).toEqual([160, 120]);
  });

  it('gives "image too large" before decoding a primary image over the limit', async () => {
    const deadline = new Deadline(60_000);
    for (const decoders of [['native'], ['wasm']] as const) {
      const made = await heicThumbnail(sample('heic/pp_iPhone7.heic'), {
        size: 320,
        maxPixels: 10e6,
        deadline,
        decoders: [...decoders],
      });
      expect(made).toEqual({ ok: false, reason: 'image too large (12 megapixels)' });
    }
  });
});

describe('the WebAssembly decoder process', () => {
  const child = 'heic-decode-child.js';
  const mine = { childrenOfThisProcess: true };
  const request = (remainingMs: number) => ({
    absPath: sample('heic/dc_iPhoneXR_IMG_3589.HEIC'),
    size: 320,
    maxPixels: 120e6,
    remainingMs: () => remainingMs,
  });

  beforeAll(async () => {
    await stopHeicWasm();
  });

  it('is killed when a decode overruns, and the next decode starts a fresh one', async () => {
    expect(await decodeHeicWasm(request(1))).toEqual({
      ok: false,
      reason: 'HEIC decoding timed out',
    });
    expect(await processesMentioning(child, mine)).toEqual([]);
    expect((await decodeHeicWasm(request(60_000))).ok).toBe(true);
  });

  it('runs one decode at a time and is gone after stopHeicWasm', async () => {
    const results = await Promise.all([1, 2, 3].map(() => decodeHeicWasm(request(60_000))));
    expect(results.map((r) => r.ok)).toEqual([true, true, true]);
    expect((await processesMentioning(child, mine)).length).toBeLessThanOrEqual(1);
    await stopHeicWasm();
    expect(await processesMentioning(child, mine)).toEqual([]);
  });
});
