import { utimesSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browseFolder,
  fileByPath,
  folderChildren,
  listFiles,
  type FileSort,
  type FileView,
  type FilesQuery,
} from '../src/catalog/browse.js';
import {
  copies,
  destinations,
  files,
  jobs,
  restoreItems,
  thumbnails,
  type RestoreItemState,
} from '../src/catalog/schema.js';
import { NotFoundError, UserInputError } from '../src/errors.js';
import { buildApp } from '../src/http/app.js';
import type { RootRow } from '../src/roots/roots.js';
import { byCaptureTime } from '../src/sheets/order.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';

/**
 * The explorer's server side: keyset pages that walk a folder forwards and backwards in every
 * order exactly as one big page lists it, offset jumps, the folder tree's children found by
 * index seeks, and the restore and thumbnail states each listed file carries.
 */

let env: TestEnv;
let root: RootRow;
const COUNT = 157;
const SORTS: FileSort[] = ['name', 'size', 'mtime', 'captured'];

beforeAll(async () => {
  env = createTestEnv();
  const tree: Record<string, string> = {
    'top.txt': 'top',
    // Folder names that sort between "c" and "c/…" byte-wise, and a folder of folders only.
    'a/c/one.txt': '1',
    'a/c x/two.txt': '2',
    'a/c.x/three.txt': '3',
    'a/c/sub/four.txt': '4',
    'a/c0/five.txt': '5',
    'a/d/e/f/six.txt': '6',
    'b/seven.txt': '7',
  };
  // Many sizes repeat (ties broken by name); a few files are photos, the rest text.
  for (let i = 0; i < COUNT; i++) {
    const name = `${i % 3 === 0 ? 'IMG' : 'doc'}_${String((i * 37) % COUNT).padStart(4, '0')}`;
    tree[`big/${name}.${i % 5 === 0 ? 'jpg' : 'txt'}`] = 'x'.repeat(1 + (i % 11));
  }
  root = makeRoot(env, 'photos', tree);
  // mtimes with ties too.
  for (const rel of Object.keys(tree).filter((p) => p.startsWith('big/'))) {
    const seconds = 1_700_000_000 + (rel.length % 4) * 1000;
    utimesSync(path.join(root.path, rel), seconds, seconds);
  }
  await scan(env, root);
  // Capture times as a camera would leave them: many equal, some missing (sorted first).
  const rows = env.ctx.catalog.db.select().from(files).where(eq(files.dir, 'big')).all();
  for (const row of rows) {
    const captured = row.id % 4 === 0 ? null : `2024-05-0${1 + (row.id % 3)}T10:00:00`;
    env.ctx.catalog.db
      .update(files)
      .set({ capturedAt: captured })
      .where(eq(files.id, row.id))
      .run();
  }
});
afterAll(() => env.cleanup());

const names = (list: FileView[]) => list.map((f) => f.name);

function everything(query: Omit<FilesQuery, 'limit' | 'cursor' | 'offset'>): string[] {
  return names(browseFolder(env.ctx.catalog, root, { ...query, pageSize: 1000 }).files);
}

describe('file pages', () => {
  for (const sort of SORTS) {
    for (const order of ['asc', 'desc'] as const) {
      it(`walks ${sort} ${order} forwards and backwards by cursor, and jumps by offset`, () => {
        const query = { path: 'big', sort, order };
        const all = everything(query);
        expect(all).toHaveLength(COUNT);

        const forwards: string[] = [];
        let page = listFiles(env.ctx.catalog, root, { ...query, limit: 20 });
        expect(page.prevCursor).toBeNull();
        for (;;) {
          forwards.push(...names(page.files));
          if (!page.nextCursor) break;
          page = listFiles(env.ctx.catalog, root, { ...query, limit: 20, cursor: page.nextCursor });
        }
        expect(forwards).toEqual(all);

        // From a jump near the end, back to the start through prevCursor.
        const jump = listFiles(env.ctx.catalog, root, { ...query, limit: 20, offset: 140 });
        expect(names(jump.files)).toEqual(all.slice(140, 160));
        expect(jump.nextCursor).toBeNull();
        const backwards: string[][] = [names(jump.files)];
        let back = jump;
        while (back.prevCursor) {
          back = listFiles(env.ctx.catalog, root, { ...query, limit: 20, cursor: back.prevCursor });
          backwards.unshift(names(back.files));
        }
        expect(backwards.flat()).toEqual(all);
        // The pages met on the way back sit where the offsets say.
        expect(backwards[0]).toEqual(all.slice(0, 20));
        expect(backwards[1]).toEqual(all.slice(20, 40));
      });
    }
  }

  it('pages filtered listings the same way', () => {
    const query = {
      path: 'big',
      kind: 'photo' as const,
      sort: 'size' as const,
      order: 'desc' as const,
    };
    const all = everything(query);
    expect(all.length).toBeGreaterThan(10);
    expect(all.every((n) => n.endsWith('.jpg'))).toBe(true);
    const first = listFiles(env.ctx.catalog, root, { ...query, limit: 7 });
    const second = listFiles(env.ctx.catalog, root, {
      ...query,
      limit: 7,
      cursor: first.nextCursor!,
    });
    expect([...names(first.files), ...names(second.files)]).toEqual(all.slice(0, 14));
    // The first page of the folder view hands over to the cursor pages.
    const head = browseFolder(env.ctx.catalog, root, { ...query, pageSize: 7 });
    expect(head.nextCursor).toBe(first.nextCursor);
  });

  it('refuses cursors it did not make or made for another order', () => {
    const first = listFiles(env.ctx.catalog, root, { path: 'big', sort: 'size', limit: 5 });
    expect(() =>
      listFiles(env.ctx.catalog, root, { path: 'big', sort: 'name', cursor: first.nextCursor! }),
    ).toThrow(/another sort order/);
    expect(() =>
      listFiles(env.ctx.catalog, root, {
        path: 'big',
        sort: 'size',
        order: 'desc',
        cursor: first.nextCursor!,
      }),
    ).toThrow(UserInputError);
    for (const bad of ['', 'nope', Buffer.from('[1,2]').toString('base64url')]) {
      expect(() => listFiles(env.ctx.catalog, root, { path: 'big', cursor: bad })).toThrow(
        /not one the server made/,
      );
    }
    expect(() =>
      listFiles(env.ctx.catalog, root, {
        path: 'big',
        sort: 'size',
        cursor: first.nextCursor!,
        offset: 5,
      }),
    ).toThrow(/not both/);
  });
});

describe('folder tree', () => {
  it('lists each folder’s own folders, with or without files in them', () => {
    const top = folderChildren(env.ctx.catalog, root, '');
    expect(top).toMatchObject({ root: 'photos', path: '', online: true });
    expect(top.folders).toEqual([
      { name: 'a', path: 'a', hasChildren: true },
      { name: 'b', path: 'b', hasChildren: false },
      { name: 'big', path: 'big', hasChildren: false },
    ]);
    const a = folderChildren(env.ctx.catalog, root, 'a/');
    expect(a.path).toBe('a');
    expect(a.folders.map((f) => [f.path, f.hasChildren])).toEqual([
      ['a/c', true],
      ['a/c x', false],
      ['a/c.x', false],
      ['a/c0', false],
      ['a/d', true],
    ]);
    expect(folderChildren(env.ctx.catalog, root, 'a/d').folders).toEqual([
      { name: 'e', path: 'a/d/e', hasChildren: true },
    ]);
    expect(folderChildren(env.ctx.catalog, root, 'a/c/sub').folders).toEqual([]);
    expect(() => folderChildren(env.ctx.catalog, root, 'a/nope')).toThrow(NotFoundError);
    expect(() => folderChildren(env.ctx.catalog, root, '../x')).toThrow(UserInputError);
  });

  it('agrees with the folder cards of every folder', () => {
    for (const dir of ['', 'a', 'a/c', 'a/d', 'a/d/e']) {
      const cards = browseFolder(env.ctx.catalog, root, { path: dir }).folders.map((f) => f.path);
      expect(folderChildren(env.ctx.catalog, root, dir).folders.map((f) => f.path)).toEqual(cards);
    }
  });
});

describe('what a listed file carries', () => {
  it('says whether it has a thumbnail, or why not', () => {
    const db = env.ctx.catalog.db;
    const photo = fileByPath(env.ctx.catalog, root, 'big/IMG_0000.jpg');
    const text = fileByPath(env.ctx.catalog, root, 'big/doc_0037.txt');
    const status = () => {
      const listed = browseFolder(env.ctx.catalog, root, { path: 'big', pageSize: 1000 }).files;
      const of = (id: number) => listed.find((f) => f.id === id)!.thumbnail;
      return { photo: of(photo.id), text: of(text.id) };
    };
    expect(photo.kind).toBe('photo');
    expect(status().text).toEqual({
      state: 'none',
      reason: 'doc_0037.txt is not a photo or a video: it has no thumbnail',
    });
    expect(status().photo).toEqual({ state: 'on-demand', reason: null });
    db.insert(thumbnails)
      .values({
        sha256: photo.sha256!,
        kind: 'placeholder',
        reason: 'corrupt or truncated image',
        createdAt: Date.now(),
      })
      .run();
    expect(status().photo).toEqual({
      state: 'placeholder',
      reason: 'IMG_0000.jpg cannot be shown: corrupt or truncated image',
    });
    db.update(thumbnails)
      .set({ kind: 'image', reason: null, width: 10, height: 10 })
      .where(eq(thumbnails.sha256, photo.sha256!))
      .run();
    expect(status().photo).toEqual({ state: 'ready', reason: null });
  });

  it('shows the latest restore of its content in each destination, with the expiry', () => {
    const db = env.ctx.catalog.db;
    const file = fileByPath(env.ctx.catalog, root, 'b/seven.txt');
    const now = Date.now();
    const dest = (name: string) =>
      db
        .insert(destinations)
        .values({ name, kind: 's3', config: { bucket: name }, createdAt: now })
        .returning()
        .get();
    const cold = dest('cold');
    const other = dest('other');
    for (const d of [cold, other]) {
      db.insert(copies)
        .values({
          destinationId: d.id,
          key: `nas/photos/b/seven.txt`,
          sha256: file.sha256!,
          size: file.size,
          storageClass: 'DEEP_ARCHIVE',
          fileId: file.id,
          verifiedAt: now,
        })
        .run();
    }
    const job = db
      .insert(jobs)
      .values({ kind: 'restore', state: 'running', params: {}, createdAt: now })
      .returning()
      .get();
    let n = 0;
    const item = (
      destinationId: number,
      state: RestoreItemState,
      extra: Partial<typeof restoreItems.$inferInsert> = {},
    ) =>
      db
        .insert(restoreItems)
        .values({
          jobId: job.id,
          destinationId,
          key: 'nas/photos/b/seven.txt',
          relPath: `photos/b/seven-${n++}.txt`,
          fileId: file.id,
          sha256: file.sha256,
          size: file.size,
          storageClass: 'DEEP_ARCHIVE',
          state,
          requestedAt: now - 1000,
          updatedAt: now,
          ...extra,
        })
        .run();
    const tags = () => {
      const listed = browseFolder(env.ctx.catalog, root, { path: 'b' }).files[0]!;
      return listed.tags.restores;
    };
    expect(tags()).toBeUndefined();
    item(cold.id, 'requested');
    expect(tags()).toEqual([
      { destination: 'cold', state: 'requested', expiresAt: null, reason: null },
    ]);
    const until = now + 7 * 86_400_000;
    item(cold.id, 'available', { expiresAt: until });
    item(other.id, 'expired', { expiresAt: now - 1 });
    expect(tags()).toEqual([
      { destination: 'cold', state: 'available', expiresAt: until, reason: null },
      { destination: 'other', state: 'expired', expiresAt: now - 1, reason: null },
    ]);
    // Items that needed no thaw are no news: skipped, or readable without a restore.
    item(cold.id, 'skipped');
    item(cold.id, 'available', { expiresAt: null });
    item(cold.id, 'failed', { requestedAt: null, reason: 'a different file is there' });
    item(other.id, 'downloaded', { expiresAt: now + 5 });
    expect(tags()).toEqual([
      { destination: 'cold', state: 'available', expiresAt: until, reason: null },
      { destination: 'other', state: 'downloaded', expiresAt: now + 5, reason: null },
    ]);
    item(other.id, 'failed', { reason: 'access denied' });
    expect(tags()![1]).toEqual({
      destination: 'other',
      state: 'failed',
      expiresAt: null,
      reason: 'access denied',
    });
    // A copy reported lost no longer speaks for the file.
    db.update(copies).set({ lostAt: now }).where(eq(copies.destinationId, other.id)).run();
    expect(tags()!.map((t) => t.destination)).toEqual(['cold']);
    const details = browseFolder(env.ctx.catalog, root, { path: 'b' }).files[0]!;
    expect(details.tags.restores).toEqual(tags());
  });
});

describe('HTTP', () => {
  let app: FastifyInstance;
  let cookie = '';
  beforeAll(async () => {
    app = await buildApp(env.ctx);
    const setup = await app.inject({
      method: 'POST',
      url: '/api/auth/setup',
      payload: { password: 'correct horse battery' },
    });
    cookie = `glacier_session=${setup.cookies.find((c) => c.name === 'glacier_session')!.value}`;
  });
  afterAll(() => app.close());

  it('serves file pages and folder children', async () => {
    const get = (url: string) => app.inject({ url, headers: { cookie } });
    const head = (await get('/api/roots/photos/browse?path=big&pageSize=30')).json();
    expect(head.total).toBe(COUNT);
    const next = await get(
      `/api/roots/photos/files?path=big&limit=30&cursor=${encodeURIComponent(head.nextCursor)}`,
    );
    expect(next.statusCode).toBe(200);
    const all = everything({ path: 'big' });
    expect(next.json().files.map((f: FileView) => f.name)).toEqual(all.slice(30, 60));
    const jump = (await get('/api/roots/photos/files?path=big&limit=30&offset=150')).json();
    expect(jump.files.map((f: FileView) => f.name)).toEqual(all.slice(150));
    expect(jump.nextCursor).toBeNull();

    const bad = await get('/api/roots/photos/files?path=big&cursor=zzz');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(/not one the server made/);

    const tree = await get('/api/roots/photos/folders?path=a');
    expect(tree.json().folders.map((f: { name: string }) => f.name)).toEqual([
      'c',
      'c x',
      'c.x',
      'c0',
      'd',
    ]);
    expect((await get('/api/roots/photos/folders?path=zz')).statusCode).toBe(404);
    expect((await get('/api/roots/photos/folders?path=../x')).statusCode).toBe(400);
    const refused = await app.inject({ url: '/api/roots/photos/folders' });
    expect(refused.statusCode).toBe(401);
  });
});

describe('capture-time order', () => {
  it('places each capture time by its zone, a time without one as UTC, as the sheets do', async () => {
    // What exiftool gives: a phone's MP4 in UTC, a camera with its offset, one with its wall
    // clock only, a date alone, and no date at all.
    const taken: Record<string, string | null> = {
      'clip.mp4': '2024-06-01T08:45:00.000Z',
      'paris.jpg': '2024-06-01T10:30:00.000+02:00', // 08:30 UTC: the first of the day
      'wall.jpg': '2024-06-01T09:00:00',
      'day.jpg': '2024-05-31',
      'undated.jpg': null,
    };
    const zones = makeRoot(
      env,
      'zones',
      Object.fromEntries(Object.keys(taken).map((name) => [`trip/${name}`, name])),
    );
    await scan(env, zones);
    for (const [name, at] of Object.entries(taken)) {
      env.ctx.catalog.db
        .update(files)
        .set({ capturedAt: at })
        .where(eq(files.relPath, `trip/${name}`))
        .run();
    }
    const order = (o: 'asc' | 'desc') =>
      names(
        browseFolder(env.ctx.catalog, zones, { path: 'trip', sort: 'captured', order: o }).files,
      );
    const dated = ['day.jpg', 'paris.jpg', 'clip.mp4', 'wall.jpg'];
    expect(order('asc')).toEqual(['undated.jpg', ...dated]);
    expect(order('desc')).toEqual([...dated].reverse().concat('undated.jpg'));
    // The same order as a contact sheet's.
    const rows = env.ctx.catalog.db.select().from(files).where(eq(files.dir, 'trip')).all();
    expect(byCaptureTime(rows.filter((r) => r.capturedAt)).map((r) => r.name)).toEqual(dated);
  });

  it('reads a folder in capture order from its index, without sorting it', () => {
    const plan = env.ctx.catalog.sqlite
      .prepare(
        `explain query plan select id from files where root_id = 1 and dir = 'big'
         and state <> 'moved' order by captured_ms desc, name desc limit 50`,
      )
      .all() as { detail: string }[];
    const details = plan.map((p) => p.detail).join('\n');
    expect(details).toContain('files_root_dir_captured_ms');
    expect(details).not.toContain('TEMP B-TREE');
  });
});
