import { createHash } from 'node:crypto';
import { readFileSync, renameSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browseFolder, fileByPath } from '../src/catalog/browse.js';
import { addRoot, type RootRow } from '../src/roots/roots.js';
import { buildLibrary, type BuiltLibrary } from './fixtures/library.js';
import { createTestEnv, failuresOf, scan, type TestEnv } from './helpers/context.js';

/** A photographer's folder: generated photos and clips plus real camera files, good and bad. */
let env: TestEnv;
let lib: BuiltLibrary;
let root: RootRow;
let jobId: number;

beforeAll(async () => {
  env = createTestEnv();
  lib = await buildLibrary(path.join(env.dir, 'photos'), [
    {
      path: 'Trip/IMG_0001.jpg',
      photo: {
        make: 'Canon',
        model: 'EOS R6',
        takenAt: '2024-06-01T12:34:56+02:00',
        gps: { lat: 46.5, lon: 7.9 },
      },
    },
    { path: 'Trip/IMG_0002.png', photo: { width: 96, height: 64 } },
    { path: 'Trip/IMG_0003.tif', photo: { orientation: 6, make: 'Nikon', model: 'Z 6' } },
    {
      path: 'Trip/MVI_0004.mp4',
      video: { durationS: 2, rotation: 90, creationTime: '2024-06-01T13:00:00Z' },
    },
    { path: 'Trip/IMG_0001.xmp', bytes: '<x:xmpmeta xmlns:x="adobe:ns:meta/"/>' },
    { path: 'Phone/iphone4.jpg', sample: 'jpeg/mei_Apple_iPhone_4.jpg' },
    { path: 'Phone/IMG_3589.HEIC', sample: 'heic/dc_iPhoneXR_IMG_3589.HEIC' },
    { path: 'Phone/rot90.mp4', sample: 'video/ne_phone_rot90_gps.mp4' },
    { path: 'Raw/CRW_0101.CRW', sample: 'raw/dc_Canon_PowerShot_S40_CRW_0101.CRW' },
    { path: 'Raw/CRW_0101.THM', sample: 'jpeg/dc_Canon_PowerShot_S40_CRW_0101.THM' },
    { path: 'Broken/truncated.jpg', sample: 'broken/pp_broken_truncated.jpg' },
    { path: 'Broken/empty.mov', sample: 'broken/pp_empty 2018-04-12 19_24_49.mov' },
    { path: 'Broken/jpeg_named.heic', sample: 'broken/pp_jpeg_named_heic.heic' },
    { path: 'Broken/loop_exif.jpg', sample: 'broken/gx_infinite_loop_exif.jpg' },
    { path: 'Broken/bomb.gif', sample: 'broken/pil_decompression_bomb.gif' },
  ]);
  root = addRoot(env.ctx.catalog, { path: lib.root, label: 'photos' });
  const job = await scan(env, root);
  expect(job.state).toBe('done');
  jobId = job.id;
});
afterAll(async () => {
  await env.cleanup();
});

const get = (rel: string) => fileByPath(env.ctx.catalog, root, rel);

describe('scanning real media', () => {
  it('records the metadata of generated photos and videos', () => {
    expect(get('Trip/IMG_0001.jpg')).toMatchObject({
      kind: 'photo',
      mime: 'image/jpeg',
      cameraMake: 'Canon',
      cameraModel: 'EOS R6',
      capturedAt: '2024-06-01T12:34:56+02:00',
      width: 64,
      height: 48,
      problem: null,
    });
    expect(get('Trip/IMG_0001.jpg').gpsLat).toBeCloseTo(46.5, 4);
    expect(get('Trip/IMG_0002.png')).toMatchObject({
      kind: 'photo',
      mime: 'image/png',
      width: 96,
      height: 64,
    });
    expect(get('Trip/IMG_0003.tif')).toMatchObject({
      kind: 'photo',
      orientation: 6,
      cameraModel: 'Z 6',
    });
    const clip = get('Trip/MVI_0004.mp4');
    expect(clip).toMatchObject({
      kind: 'video',
      codec: 'h264',
      orientation: 6,
      capturedAt: '2024-06-01T13:00:00Z',
    });
    expect(clip.durationS).toBeCloseTo(2, 1);
    expect(get('Trip/IMG_0001.xmp').kind).toBe('sidecar');
  });

  it('records the metadata of real camera files', () => {
    expect(get('Phone/iphone4.jpg')).toMatchObject({
      cameraMake: 'Apple',
      cameraModel: 'iPhone 4',
      capturedAt: '2011-01-13T14:33:39+01:00',
    });
    expect(get('Phone/IMG_3589.HEIC')).toMatchObject({
      kind: 'photo',
      mime: 'image/heic',
      width: 4032,
      height: 3024,
    });
    const phoneClip = get('Phone/rot90.mp4');
    expect(phoneClip).toMatchObject({ kind: 'video', codec: 'h264', orientation: 6 });
    expect(phoneClip.gpsLat).not.toBeNull();
    expect(get('Raw/CRW_0101.CRW')).toMatchObject({ kind: 'photo', cameraMake: 'Canon' });
    // A .THM is a JPEG by content, but a sidecar by its role next to the RAW.
    expect(get('Raw/CRW_0101.THM')).toMatchObject({ kind: 'sidecar', mime: 'image/jpeg' });
  });

  it('hashes exactly the bytes on disk', () => {
    for (const rel of ['Phone/iphone4.jpg', 'Trip/MVI_0004.mp4', 'Raw/CRW_0101.CRW']) {
      const expected = createHash('sha256')
        .update(readFileSync(path.join(lib.root, rel)))
        .digest('hex');
      expect(get(rel).sha256, rel).toBe(expected);
    }
  });

  it('classifies by content and reports damaged files with a reason, without stopping', () => {
    expect(get('Broken/jpeg_named.heic')).toMatchObject({
      kind: 'photo',
      mime: 'image/jpeg',
      problem: null,
    });
    expect(get('Broken/empty.mov')).toMatchObject({
      kind: 'video',
      size: 0,
      problem: 'empty file',
    });
    expect(get('Broken/truncated.jpg').problem).toBe('corrupt or truncated image');
    expect(get('Broken/loop_exif.jpg').sha256).not.toBeNull();
    expect(get('Broken/bomb.gif').sha256).not.toBeNull();
    const failures = failuresOf(env, jobId);
    expect(failures.get('Broken/empty.mov')).toBe('empty file');
    expect(failures.get('Broken/truncated.jpg')).toBe('corrupt or truncated image');
    // Every file is catalogued, damaged or not.
    expect(env.ctx.catalog.sqlite.prepare('select count(*) as n from files').get()).toEqual({
      n: 15,
    });
  });

  it('browses a folder filtered by kind, sorted by capture time', () => {
    const videos = browseFolder(env.ctx.catalog, root, { path: 'Trip', kind: 'video' });
    expect(videos.files.map((f) => f.name)).toEqual(['MVI_0004.mp4']);
    const byCapture = browseFolder(env.ctx.catalog, root, { path: 'Phone', sort: 'captured' });
    expect(byCapture.files.map((f) => [f.name, f.capturedAt?.slice(0, 4)])).toEqual([
      ['iphone4.jpg', '2011'],
      ['IMG_3589.HEIC', '2020'],
      ['rot90.mp4', '2024'],
    ]);
    const problems = browseFolder(env.ctx.catalog, root, { path: 'Broken', tag: 'problem' });
    expect(Object.fromEntries(problems.files.map((f) => [f.name, f.problem]))).toEqual({
      'bomb.gif': 'corrupt or truncated image',
      'empty.mov': 'empty file',
      'truncated.jpg': 'corrupt or truncated image',
    });
  });

  it('recognises a real photo moved to another folder without reading its metadata again', async () => {
    mkdirSync(path.join(lib.root, 'Best'));
    renameSync(path.join(lib.root, 'Phone/iphone4.jpg'), path.join(lib.root, 'Best/iphone4.jpg'));
    const job = await scan(env, root);
    expect(job.summary).toMatchObject({ moved: 1, missing: 1, added: 1, hashed: 1 });
    expect(get('Phone/iphone4.jpg').state).toBe('moved');
    expect(get('Best/iphone4.jpg')).toMatchObject({
      cameraModel: 'iPhone 4',
      movedFromId: get('Phone/iphone4.jpg').id,
    });
  });
});
