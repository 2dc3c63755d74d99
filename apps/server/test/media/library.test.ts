import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endExiftool, readExif } from '../../src/media/exif.js';
import { probeVideo } from '../../src/media/ffmpeg.js';
import { buildLibrary, type BuiltLibrary, type LibrarySpec } from '../fixtures/library.js';
import { sample } from '../fixtures/samples.js';

const MTIME = new Date('2024-06-30T12:00:00Z');

const SPEC: LibrarySpec = [
  {
    path: 'Trip/2024/IMG_0001.jpg',
    photo: {
      width: 120,
      height: 80,
      make: 'Canon',
      model: 'EOS R6',
      orientation: 6,
      takenAt: '2024-06-01T12:34:56.250+02:00',
      gps: { lat: -33.8568, lon: 151.2153 },
    },
  },
  {
    path: 'Trip/2024/IMG_0002.png',
    photo: { make: 'Google', model: 'Pixel 8', takenAt: '2024-06-02T08:00:00' },
  },
  {
    path: 'Trip/2024/IMG_0003.tif',
    photo: {
      make: 'Nikon',
      model: 'Z 6',
      takenAt: '2024-06-03T09:10:11Z',
      gps: { lat: 40.7128, lon: -74.006 },
    },
  },
  {
    path: 'Trip/2024/IMG_0004.webp',
    photo: { fill: 'solid', color: '#336699', make: 'Fujifilm', model: 'X-T5' },
  },
  {
    path: 'Trip/2024/MVI_0005.mp4',
    video: {
      durationS: 2,
      audio: true,
      rotation: 90,
      creationTime: '2024-06-05T10:00:00Z',
      gps: { lat: 48.8584, lon: 2.2945 },
    },
  },
  { path: 'Trip/2024/MVI_0006.mov', video: { codec: 'hevc', width: 128, height: 96 } },
  { path: 'Trip/2024/MVI_0007.avi', video: { durationS: 1.5, audio: true } },
  { path: 'Trip/2024/00008.MTS', video: { audio: true } },
  { path: 'Phone/IMG_4.jpg', sample: 'jpeg/mei_Apple_iPhone_4.jpg', mtime: MTIME },
  { path: 'Trip/2024/IMG_0001.xmp', bytes: '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>\n' },
  { path: 'Trip/2024/notes.txt', bytes: 'packing list\n' },
  { path: 'Trip/2024/empty.jpg', bytes: Buffer.alloc(0) },
];

let dir: string;
let lib: BuiltLibrary;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-library-'));
  lib = await buildLibrary(path.join(dir, 'one'), SPEC);
});

afterAll(async () => {
  await endExiftool();
  await rm(dir, { recursive: true, force: true });
});

async function sha256(file: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

describe('buildLibrary', () => {
  it('writes every entry in spec order, with its real size', async () => {
    expect(lib.files.map((f) => f.relPath)).toEqual(SPEC.map((e) => e.path));
    for (const file of lib.files) {
      expect(file.absPath).toBe(path.join(lib.root, file.relPath));
      expect((await stat(file.absPath)).size).toBe(file.size);
    }
    expect(lib.file('Trip/2024/empty.jpg').size).toBe(0);
    expect(await readFile(lib.file('Trip/2024/notes.txt').absPath, 'utf8')).toBe('packing list\n');
  });

  it('generates photos that decode at the requested size and format', async () => {
    const cases = [
      ['Trip/2024/IMG_0001.jpg', 'jpeg', 120, 80],
      ['Trip/2024/IMG_0002.png', 'png', 64, 48],
      ['Trip/2024/IMG_0003.tif', 'tiff', 64, 48],
      ['Trip/2024/IMG_0004.webp', 'webp', 64, 48],
    ] as const;
    for (const [relPath, format, width, height] of cases) {
      const meta = await sharp(lib.file(relPath).absPath).metadata();
      expect({ relPath, format: meta.format, width: meta.width, height: meta.height }).toEqual({
        relPath,
        format,
        width,
        height,
      });
    }
    const turned = await sharp(lib.file('Trip/2024/IMG_0001.jpg').absPath).metadata();
    expect(turned.orientation).toBe(6);
  });

  it('writes EXIF that exiftool reads back: camera, capture time, GPS', async () => {
    const jpeg = await readExif(lib.file('Trip/2024/IMG_0001.jpg').absPath);
    expect(jpeg).toMatchObject({
      ok: true,
      cameraMake: 'Canon',
      cameraModel: 'EOS R6',
      orientation: 6,
      capturedAt: '2024-06-01T12:34:56.250+02:00',
    });
    expect(jpeg.ok && [jpeg.gpsLat, jpeg.gpsLon]).toEqual([
      expect.closeTo(-33.8568, 4),
      expect.closeTo(151.2153, 4),
    ]);
    expect(await readExif(lib.file('Trip/2024/IMG_0002.png').absPath)).toMatchObject({
      cameraModel: 'Pixel 8',
      capturedAt: '2024-06-02T08:00:00',
    });
    const tiff = await readExif(lib.file('Trip/2024/IMG_0003.tif').absPath);
    expect(tiff).toMatchObject({ cameraMake: 'Nikon', capturedAt: '2024-06-03T09:10:11Z' });
    expect(tiff.ok && [tiff.gpsLat, tiff.gpsLon]).toEqual([
      expect.closeTo(40.7128, 4),
      expect.closeTo(-74.006, 4),
    ]);
    expect(await readExif(lib.file('Trip/2024/IMG_0004.webp').absPath)).toMatchObject({
      cameraMake: 'Fujifilm',
      capturedAt: null,
    });
  });

  it('generates videos that ffprobe reads with the requested codec, size, length, rotation', async () => {
    const cases = [
      ['Trip/2024/MVI_0005.mp4', 'h264', 160, 120, 2, 90],
      ['Trip/2024/MVI_0006.mov', 'hevc', 128, 96, 1, 0],
      ['Trip/2024/MVI_0007.avi', 'mjpeg', 160, 120, 1.5, 0],
      ['Trip/2024/00008.MTS', 'h264', 160, 120, 1, 0],
    ] as const;
    for (const [relPath, codec, width, height, durationS, rotation] of cases) {
      const probe = await probeVideo(lib.file(relPath).absPath);
      expect(probe, relPath).toMatchObject({ ok: true, codec, width, height, rotation });
      expect(probe.ok && probe.durationS, relPath).toBeCloseTo(durationS, 1);
      expect(probe.ok && probe.truncated, relPath).toBe(false);
    }
  });

  it('writes the creation time and location a phone would', async () => {
    const file = lib.file('Trip/2024/MVI_0005.mp4').absPath;
    const probe = await probeVideo(file);
    expect(probe.ok && probe.creationTime).toBe('2024-06-05T10:00:00.000Z');
    const exif = await readExif(file);
    expect(exif.ok && [exif.gpsLat, exif.gpsLon]).toEqual([
      expect.closeTo(48.8584, 3),
      expect.closeTo(2.2945, 3),
    ]);
  });

  it('copies samples byte for byte and sets the requested mtime', async () => {
    const copy = lib.file('Phone/IMG_4.jpg');
    expect(await sha256(copy.absPath)).toBe(await sha256(sample('jpeg/mei_Apple_iPhone_4.jpg')));
    expect((await stat(copy.absPath)).mtimeMs).toBe(MTIME.getTime());
  });

  it('builds the same bytes on every run', async () => {
    const again = await buildLibrary(path.join(dir, 'two'), SPEC);
    for (const [index, file] of lib.files.entries()) {
      const other = again.files[index]!;
      expect({ relPath: file.relPath, sha: await sha256(other.absPath) }).toEqual({
        relPath: file.relPath,
        sha: await sha256(file.absPath),
      });
    }
  });

  it('makes duplicates from a shared seed and distinct files from distinct paths', async () => {
    const seeded = await buildLibrary(path.join(dir, 'seeds'), [
      { path: 'a.jpg', photo: { seed: 'same' } },
      { path: 'copy/a.jpg', photo: { seed: 'same' } },
      { path: 'b.jpg', photo: {} },
      { path: 'c.jpg', photo: {} },
      { path: 'a.mp4', video: { seed: 7 } },
      { path: 'copy/a.mp4', video: { seed: 7 } },
      { path: 'b.mp4', video: {} },
    ]);
    const hash = async (relPath: string) => sha256(seeded.file(relPath).absPath);
    expect(await hash('a.jpg')).toBe(await hash('copy/a.jpg'));
    expect(await hash('b.jpg')).not.toBe(await hash('c.jpg'));
    expect(await hash('a.mp4')).toBe(await hash('copy/a.mp4'));
    expect(await hash('a.mp4')).not.toBe(await hash('b.mp4'));
  });

  it('refuses entry paths that leave the library', async () => {
    await expect(
      buildLibrary(path.join(dir, 'escape'), [{ path: '../outside.txt', bytes: 'x' }]),
    ).rejects.toThrow(/inside the library/);
  });
});
