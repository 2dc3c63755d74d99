import {
  copyFileSync,
  existsSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SheetIndex } from '../src/api/schemas.js';
import { browseFolder, fileByPath } from '../src/catalog/browse.js';
import { addRoot, type RootRow } from '../src/roots/roots.js';
import { folderSheets } from '../src/sheets/store.js';
import { planSummarise, SUMMARISE_JOB } from '../src/sheets/summarise.js';
import { probedVideo, ThumbnailCache } from '../src/sheets/thumbnail-cache.js';
import { buildLibrary, type LibraryEntry } from './fixtures/library.js';
import { createTestEnv, failuresOf, scan, type TestEnv } from './helpers/context.js';

let env: TestEnv;
let root: RootRow;

/** 50 photos shot one minute apart, named so that name order and capture order differ. */
function photos(): LibraryEntry[] {
  return Array.from({ length: 50 }, (_, i) => ({
    path: `Trip/IMG_${String((i * 37) % 50).padStart(4, '0')}.jpg`,
    photo: {
      width: 120,
      height: 80,
      fill: 'solid' as const,
      color: i === 0 ? '#ff0000' : '#3060a0',
      takenAt: `2024-06-01T10:${String(i).padStart(2, '0')}:00`,
      make: 'Canon',
    },
  }));
}

beforeAll(async () => {
  env = createTestEnv();
  const lib = await buildLibrary(path.join(env.dir, 'photos'), [
    ...photos(),
    {
      path: 'Trip/portrait.jpg',
      photo: { width: 120, height: 80, orientation: 6, takenAt: '2024-06-01T11:00:00' },
    },
    {
      path: 'Trip/clip.mp4',
      video: { durationS: 3, width: 160, height: 90, creationTime: '2024-06-01T11:01:00Z' },
    },
    { path: 'Trip/phone.mp4', sample: 'video/ne_phone_rot90_gps.mp4' },
    { path: 'Trip/truncated.jpg', sample: 'broken/pp_broken_truncated.jpg' },
    { path: 'Trip/empty.mov', sample: 'broken/pp_empty 2018-04-12 19_24_49.mov' },
    { path: 'Trip/notes.txt', bytes: 'not media' },
    { path: 'Trip/Day2/IMG_9000.jpg', photo: { takenAt: '2024-06-02T09:00:00' } },
  ]);
  root = addRoot(env.ctx.catalog, { path: lib.root, label: 'photos' });
  expect((await scan(env, root)).state).toBe('done');
});
afterAll(async () => {
  await env.cleanup();
});

const summarise = (folder: string, recursive = false) =>
  env.ctx.runner.runNow(SUMMARISE_JOB, planSummarise(root, folder, recursive));
const readIndex = (indexPath: string): SheetIndex =>
  JSON.parse(readFileSync(path.join(env.dataDir, indexPath), 'utf8')) as SheetIndex;

describe('contact sheets', () => {
  it('summarises a folder into pages of tiles in capture order, each linked to its file', async () => {
    const job = await summarise('Trip');
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ folders: 1, tiles: 55, sheetsWritten: 2, placeholders: 2 });
    const sheets = folderSheets(env.ctx.catalog, root.id, 'Trip');
    expect(sheets.map((s) => [s.page, s.pages, s.tileCount])).toEqual([
      [1, 2, 48],
      [2, 2, 7],
    ]);
    const first = readIndex(sheets[0]!.indexPath);
    // Capture order, not name order: the phone clip of February first, then the photos of
    // June 1st minute by minute, whatever their names.
    expect(first.tiles.slice(0, 4).map((t) => t.name)).toEqual([
      'phone.mp4',
      'IMG_0000.jpg',
      'IMG_0037.jpg',
      'IMG_0024.jpg',
    ]);
    for (const tile of first.tiles) {
      const file = fileByPath(env.ctx.catalog, root, tile.path);
      expect(tile).toMatchObject({
        fileId: file.id,
        sha256: file.sha256,
        name: file.name,
        root: 'photos',
      });
      expect(tile.x + tile.w).toBeLessThanOrEqual(first.width);
      expect(tile.y + tile.h).toBeLessThanOrEqual(first.height);
    }
    const image = await sharp(path.join(env.dataDir, sheets[0]!.imagePath)).metadata();
    expect(image).toMatchObject({ format: 'webp', width: first.width, height: first.height });
    expect(statSync(path.join(env.dataDir, sheets[0]!.imagePath)).size).toBeLessThan(2_000_000);
  });

  it('draws each thumbnail where the index says: the red photo is red on the sheet', async () => {
    const [sheet] = folderSheets(env.ctx.catalog, root.id, 'Trip');
    const index = readIndex(sheet!.indexPath);
    const red = index.tiles.find((t) => t.name === 'IMG_0000.jpg')!;
    const { data, info } = await sharp(path.join(env.dataDir, sheet!.imagePath))
      .extract({
        left: red.image.x + Math.floor(red.image.w / 2),
        top: red.image.y + Math.floor(red.image.h / 2),
        width: 1,
        height: 1,
      })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect(data[0]).toBeGreaterThan(200);
    expect(data[1]).toBeLessThan(60);
    expect(data[2]).toBeLessThan(60);
  });

  it('shows rotated photos and videos upright, and videos with their duration', async () => {
    const sheets = folderSheets(env.ctx.catalog, root.id, 'Trip');
    const tiles = sheets.flatMap((s) => readIndex(s.indexPath).tiles);
    const portrait = tiles.find((t) => t.name === 'portrait.jpg')!;
    expect(portrait.image.h).toBeGreaterThan(portrait.image.w);
    const clip = tiles.find((t) => t.name === 'clip.mp4')!;
    expect(clip.kind).toBe('video');
    expect(clip.durationS).toBeCloseTo(3, 0);
    expect(clip.problem).toBeNull();
  });

  it('gives damaged files a labelled placeholder tile and goes on', async () => {
    const sheets = folderSheets(env.ctx.catalog, root.id, 'Trip');
    const tiles = sheets.flatMap((s) => readIndex(s.indexPath).tiles);
    expect(tiles.find((t) => t.name === 'truncated.jpg')?.problem).toBe(
      'corrupt or truncated image',
    );
    expect(tiles.find((t) => t.name === 'empty.mov')?.problem).toBe('empty file');
    expect(tiles.some((t) => t.name === 'notes.txt')).toBe(false);
  });

  it('tags summarised files, and only while their content is on a sheet', async () => {
    const listing = browseFolder(env.ctx.catalog, root, { path: 'Trip', pageSize: 100 });
    const tags = Object.fromEntries(listing.files.map((f) => [f.name, f.tags.summarised]));
    expect(tags['IMG_0000.jpg']).toBe(true);
    expect(tags['truncated.jpg']).toBe(true);
    expect(tags['notes.txt']).toBe(false);
    expect(
      browseFolder(env.ctx.catalog, root, { path: 'Trip/Day2' }).files[0]!.tags.summarised,
    ).toBe(false);
    expect(
      browseFolder(env.ctx.catalog, root, { path: 'Trip', tag: 'summarised', pageSize: 100 }).total,
    ).toBe(55);
  });

  it('redraws only the page whose files changed, reusing every other thumbnail', async () => {
    const again = await summarise('Trip');
    expect(again.summary).toMatchObject({ sheetsWritten: 0, sheetsUnchanged: 2 });
    const thumbsBefore = countThumbnails();
    // A new photo without a capture date sorts last (by its mtime): only page 2 is redrawn.
    writeFileSync(
      path.join(root.path, 'Trip/IMG_9999.jpg'),
      await sharp({ create: { width: 60, height: 40, channels: 3, background: '#00ff00' } })
        .jpeg()
        .toBuffer(),
    );
    await scan(env, root);
    expect(fileByPath(env.ctx.catalog, root, 'Trip/IMG_9999.jpg').sha256).not.toBeNull();
    expect(
      browseFolder(env.ctx.catalog, root, { path: 'Trip', search: 'IMG_9999' }).files[0]!.tags
        .summarised,
    ).toBe(false);
    const third = await summarise('Trip');
    expect(third.summary).toMatchObject({ tiles: 56, sheetsWritten: 1, sheetsUnchanged: 1 });
    expect(countThumbnails()).toBe(thumbsBefore + 1);
    expect(
      browseFolder(env.ctx.catalog, root, { path: 'Trip', search: 'IMG_9999' }).files[0]!.tags
        .summarised,
    ).toBe(true);
  });

  it('summarises folders recursively and reports files a scan has not read', async () => {
    writeFileSync(path.join(root.path, 'Trip/Day2/unscanned.jpg'), 'not yet scanned');
    await scan(env, root, 'Trip/Day2');
    writeFileSync(path.join(root.path, 'Trip/Day2/IMG_9000.jpg'), 'changed after the scan');
    const job = await summarise('Trip', true);
    expect(job.summary).toMatchObject({ folders: 2, skipped: 1 });
    expect(failuresOf(env, job.id).get('Trip/Day2/IMG_9000.jpg')).toMatch(/scan the folder first/);
  });
});

function countThumbnails(): number {
  return (
    env.ctx.catalog.sqlite.prepare('select count(*) as n from thumbnails').get() as { n: number }
  ).n;
}

describe('contact sheets over HTTP', () => {
  it('lists, serves and revalidates sheets, indexes and thumbnails only to a session', async () => {
    const { buildApp } = await import('../src/http/app.js');
    const { createSession, setupAdminPassword } = await import('../src/auth/auth.js');
    const app = await buildApp(env.ctx);
    try {
      await setupAdminPassword(env.ctx.catalog, 'sheets password');
      const cookie = `glacier_session=${createSession(env.ctx.catalog).token}`;
      const list = await app.inject({
        url: '/api/roots/photos/sheets?path=Trip',
        headers: { cookie },
      });
      expect(list.statusCode).toBe(200);
      const [page1] = list.json().sheets as {
        imageUrl: string;
        indexUrl: string;
        tileCount: number;
      }[];
      expect(page1).toMatchObject({ page: 1, tileCount: 48 });

      const image = await app.inject({ url: page1!.imageUrl, headers: { cookie } });
      expect(image.statusCode).toBe(200);
      expect(image.headers['content-type']).toBe('image/webp');
      const etag = image.headers.etag as string;
      const again = await app.inject({
        url: page1!.imageUrl,
        headers: { cookie, 'if-none-match': etag },
      });
      expect(again.statusCode).toBe(304);

      const index = (
        await app.inject({ url: page1!.indexUrl, headers: { cookie } })
      ).json() as SheetIndex;
      expect(index.tiles).toHaveLength(48);
      const thumb = await app.inject({
        url: `/api/files/${index.tiles[1]!.fileId}/thumbnail`,
        headers: { cookie },
      });
      expect(thumb.statusCode).toBe(200);
      expect(thumb.headers.etag).toBe(`"${index.tiles[1]!.sha256}"`);
      expect((await sharp(thumb.rawPayload).metadata()).format).toBe('webp');

      const broken = fileByPath(env.ctx.catalog, root, 'Trip/truncated.jpg');
      const placeholder = await app.inject({
        url: `/api/files/${broken.id}/thumbnail`,
        headers: { cookie },
      });
      expect(placeholder.statusCode).toBe(404);
      expect(placeholder.json().error.message).toBe(
        'truncated.jpg cannot be shown: corrupt or truncated image',
      );

      for (const url of [
        page1!.imageUrl,
        page1!.indexUrl,
        '/api/roots/photos/sheets',
        `/api/files/${broken.id}/thumbnail`,
      ]) {
        expect((await app.inject({ url })).statusCode, url).toBe(401);
      }
      const started = await app.inject({
        method: 'POST',
        url: '/api/summaries',
        payload: { root: 'photos', path: '../x' },
        headers: { cookie },
      });
      expect(started.statusCode).toBe(400);
      expect(started.json().error.code).toBe('path_outside_root');
    } finally {
      await app.close();
    }
  });

  it('never makes a thumbnail through a symbolic link that leads out of the root', async () => {
    const { buildApp } = await import('../src/http/app.js');
    const { createSession, setupAdminPassword } = await import('../src/auth/auth.js');
    const app = await buildApp(env.ctx);
    try {
      await setupAdminPassword(env.ctx.catalog, 'sheets password').catch(() => undefined);
      const cookie = `glacier_session=${createSession(env.ctx.catalog).token}`;
      // A scanned photo whose thumbnail is not cached is swapped for a link to a file outside
      // the root with the same size and mtime: only the link check can tell.
      const file = fileByPath(env.ctx.catalog, root, 'Trip/IMG_0007.jpg');
      const cache = new ThumbnailCache(env.ctx.catalog, env.dataDir);
      rmSync(cache.imagePath(file.sha256!), { force: true });
      const inside = path.join(root.path, file.relPath);
      const outside = path.join(env.dir, 'outside-secret.jpg');
      copyFileSync(inside, outside);
      const { atime, mtime } = statSync(inside);
      utimesSync(outside, atime, mtime);
      rmSync(inside);
      symlinkSync(outside, inside);

      const thumb = await app.inject({
        url: `/api/files/${file.id}/thumbnail`,
        headers: { cookie },
      });
      expect(thumb.statusCode).toBe(404);
      expect(thumb.json().error.message).toMatch(/outside its root/);
      expect(existsSync(cache.imagePath(file.sha256!))).toBe(false);
    } finally {
      await app.close();
    }
  });
});

describe("a video's strip reuses the scan's probe", () => {
  const clean = { kind: 'video', codec: 'h264', durationS: 12.5, problem: null };

  it('when the scan found a stream, a duration and nothing wrong', () => {
    expect(probedVideo(clean)).toEqual({ durationS: 12.5 });
  });

  it('not for a truncated clip, an audio-only file, an unknown duration or a photo', () => {
    expect(probedVideo({ ...clean, problem: 'truncated video' })).toBeUndefined();
    expect(probedVideo({ ...clean, codec: null })).toBeUndefined();
    expect(probedVideo({ ...clean, durationS: null })).toBeUndefined();
    expect(probedVideo({ ...clean, durationS: 0 })).toBeUndefined();
    expect(probedVideo({ ...clean, kind: 'photo' })).toBeUndefined();
  });
});
