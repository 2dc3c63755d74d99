import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endExiftool, readExif, type ExifResult } from '../../src/media/exif.js';
import { buildLibrary, type BuiltLibrary } from '../fixtures/library.js';
import { sample } from '../fixtures/samples.js';

afterAll(endExiftool);

async function readOk(absPath: string): Promise<Extract<ExifResult, { ok: true }>> {
  const result = await readExif(absPath);
  if (!result.ok) throw new Error(`expected metadata, got: ${result.reason}`);
  return result;
}

describe('readExif on the camera samples', () => {
  it('reads the iPhone 4 JPEG: camera, capture time with its offset, GPS, size', async () => {
    expect(await readOk(sample('jpeg/mei_Apple_iPhone_4.jpg'))).toEqual({
      ok: true,
      capturedAt: '2011-01-13T14:33:39+01:00',
      cameraMake: 'Apple',
      cameraModel: 'iPhone 4',
      width: 1296,
      height: 968,
      orientation: 1,
      gpsLat: 41.853,
      gpsLon: 12.488833,
      durationS: null,
      warnings: [],
    });
  });

  it('reads orientation 6 on a JPEG without camera tags', async () => {
    const exif = await readOk(sample('jpeg/ia_orientation_portrait_6.jpg'));
    expect(exif).toMatchObject({ orientation: 6, width: 600, height: 450, cameraMake: null });
  });

  it.each([
    ['heic/pp_iPhone7.heic', 4032, 3024, 'iPhone 7', '2018-09-10T12:16:13.023+09:00'],
    ['heic/dc_iPhoneXR_IMG_3589.HEIC', 4032, 3024, 'iPhone XR', '2020-04-17T10:03:48.064-06:00'],
    ['heic/ex2_Sony_ILCE-1.HIF', 8640, 5760, 'ILCE-1', '2021-02-18T19:55:41.948Z'],
    ['heic/lh_libheif_example.heic', 1280, 854, null, null],
  ])('reads HEIF %s: %i×%i, model %s, taken %s', async (file, width, height, model, takenAt) => {
    const exif = await readOk(sample(file));
    expect(exif).toMatchObject({ width, height, cameraModel: model, capturedAt: takenAt });
  });

  it('reads the iPhone 7 HEIC as turned (orientation 6) with its GPS position', async () => {
    const exif = await readOk(sample('heic/pp_iPhone7.heic'));
    expect(exif.orientation).toBe(6);
    expect(exif.gpsLat).toBeCloseTo(34.79745, 5);
    expect(exif.gpsLon).toBeCloseTo(134.764633, 5);
  });

  it('reads GPS and the capture instant of the phone MP4', async () => {
    const exif = await readOk(sample('video/ne_phone_rot90_gps.mp4'));
    expect(exif.gpsLat).toBeCloseTo(27.2939, 4);
    expect(exif.gpsLon).toBeCloseTo(112.6932, 4);
    // Stored in UTC; exiftool-vendored gives it the zone of the GPS position (China, +08:00).
    expect(exif.capturedAt).toBe('2024-02-03T15:05:38+08:00');
    expect(Date.parse(exif.capturedAt!)).toBe(Date.parse('2024-02-03T07:05:38Z'));
    expect(exif.durationS).toBeCloseTo(1.0632, 4);
  });

  it('reads the Sony MTS camera and its local time with offset', async () => {
    const exif = await readOk(sample('video/mei_Sony_ILCE-7M3.mts'));
    expect(exif).toMatchObject({
      cameraMake: 'Sony',
      cameraModel: 'ILCE-7M3',
      capturedAt: '2019-04-24T22:24:00+02:00',
    });
  });

  it('keeps the AVI camera clock without the UTC zone exiftool-vendored assumes', async () => {
    const exif = await readOk(sample('video/dc_Canon_PowerShot_S40_MVI_0121.AVI'));
    expect(exif.capturedAt).toBe('2021-03-26T21:19:07');
  });

  it('reads names with spaces and non-ASCII letters', async () => {
    expect(await readOk(sample('jpeg/mei_Olympus μ Digital 800.JPG'))).toMatchObject({
      cameraMake: 'Digital',
      cameraModel: 'Digital Cam',
      capturedAt: '2006-04-26T00:26:14',
    });
    expect(await readOk(sample('raw/rp_RAW_KODAK_DC50_é.KDC'))).toMatchObject({
      cameraMake: 'Eastman Kodak Company',
      width: 756,
      height: 504,
    });
  });

  it('reads RAW files: CR3, CRW, DNG', async () => {
    expect(await readOk(sample('raw/ex2_Canon_EOS_R6_pruned.CR3'))).toMatchObject({
      cameraModel: 'Canon EOS R6',
      capturedAt: '2021-05-12T12:21:21.920+02:00',
    });
    expect(await readOk(sample('raw/dc_Canon_PowerShot_S40_CRW_0101.CRW'))).toMatchObject({
      cameraModel: 'Canon PowerShot S40',
      width: 2272,
      height: 1704,
    });
    expect(await readOk(sample('raw/pp_Canon_EOS_6D.dng'))).toMatchObject({
      cameraModel: 'Canon EOS 6D',
      capturedAt: '2019-06-06T07:29:51.000',
    });
  });
});

describe('readExif on damaged and odd files', () => {
  it('says the empty .mov is empty', async () => {
    const result = await readExif(sample('broken/pp_empty 2018-04-12 19_24_49.mov'));
    expect(result).toEqual({ ok: false, reason: 'empty file' });
  });

  it('passes on exiftool warnings about damage', async () => {
    const png = await readOk(sample('broken/pil_truncated_image.png'));
    expect(png.warnings).toEqual(['Truncated PNG image']);
    const loop = await readOk(sample('broken/gx_infinite_loop_exif.jpg'));
    expect(loop.warnings).toEqual(['Suspicious IFD0 offset for XResolution']);
    expect(loop).toMatchObject({ width: 8, height: 8 });
    const bomb = await readOk(sample('broken/pil_decompression_bomb.gif'));
    expect(bomb.warnings).toEqual(['File format error']);
  });

  it('treats the orientation 0 of a damaged JPEG as unknown', async () => {
    const exif = await readOk(sample('broken/pp_broken_truncated.jpg'));
    expect(exif.orientation).toBeNull();
  });

  it('warns when the content is not what the extension says', async () => {
    const exif = await readOk(sample('broken/pp_jpeg_named_heic.heic'));
    expect(exif.warnings).toContain('content is JPEG, not what the .heic extension says');
    expect(exif).toMatchObject({ cameraModel: 'Canon EOS 6D', width: 500, height: 500 });
  });

  it('does not question a THM sidecar or an MPO, which are JPEGs by design', async () => {
    expect((await readOk(sample('jpeg/dc_Canon_PowerShot_S40_CRW_0101.THM'))).warnings).toEqual([]);
    expect((await readOk(sample('other-images/pil_Nintendo3DS_frozenpond.mpo'))).warnings).toEqual(
      [],
    );
  });

  it('answers ok:false for a missing file and for bytes of no known format', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-exif-'));
    try {
      expect(await readExif(path.join(dir, 'gone.jpg'))).toEqual({
        ok: false,
        reason: 'file not found',
      });
      const noise = path.join(dir, 'noise.jpg');
      await writeFile(noise, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251)));
      expect(await readExif(noise)).toEqual({ ok: false, reason: 'file format error' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('readExif on photos written by the library fixture', () => {
  let dir: string;
  let lib: BuiltLibrary;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-exif-lib-'));
    lib = await buildLibrary(dir, [
      {
        path: 'zero-date.jpg',
        photo: {
          exif: {
            IFD2: {
              DateTimeOriginal: '0000:00:00 00:00:00',
              DateTimeDigitized: '2020:01:02 03:04:05',
            },
          },
        },
      },
      { path: 'south-west.jpg', photo: { gps: { lat: -33.4489, lon: -70.6693 } } },
      { path: 'null-island.jpg', photo: { gps: { lat: 0, lon: 0 } } },
      { path: 'no-zone.jpg', photo: { takenAt: '2024-03-31T02:30:00' } },
    ]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('skips a 0000:00:00 capture date and falls back to CreateDate', async () => {
    expect((await readOk(lib.file('zero-date.jpg').absPath)).capturedAt).toBe(
      '2020-01-02T03:04:05',
    );
  });

  it('signs southern and western coordinates', async () => {
    const exif = await readOk(lib.file('south-west.jpg').absPath);
    expect(exif.gpsLat).toBeCloseTo(-33.4489, 4);
    expect(exif.gpsLon).toBeCloseTo(-70.6693, 4);
  });

  it('treats 0,0 as no position', async () => {
    const exif = await readOk(lib.file('null-island.jpg').absPath);
    expect([exif.gpsLat, exif.gpsLon]).toEqual([null, null]);
  });

  it('keeps a zone-less wall time as written, whatever the server zone', async () => {
    // 02:30 on 31 March 2024 does not exist in Paris: a conversion through it would move it.
    const serverZone = process.env.TZ;
    process.env.TZ = 'Europe/Paris';
    try {
      const exif = await readOk(lib.file('no-zone.jpg').absPath);
      expect(exif.capturedAt).toBe('2024-03-31T02:30:00');
    } finally {
      if (serverZone === undefined) delete process.env.TZ;
      else process.env.TZ = serverZone;
    }
  });
});
