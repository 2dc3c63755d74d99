import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  ftruncateSync,
} from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { browseFolder, fileByPath } from '../src/catalog/browse.js';
import { RootOfflineError } from '../src/errors.js';
import {
  createTestEnv,
  failuresOf,
  makeRoot,
  scan,
  writeTree,
  type TestEnv,
} from './helpers/context.js';

let env: TestEnv;
beforeEach(() => {
  env = createTestEnv();
});
afterEach(async () => {
  await env.cleanup();
});

const sha256 = (text: string) =>
  execFileSync('sha256sum', { input: text }).toString().split(' ')[0];

describe('scan', () => {
  it('catalogs files with size, hash and kind, skipping OS and NAS junk', async () => {
    const root = makeRoot(env, 'photos', {
      'Trip/notes.txt': 'hello',
      'Trip/IMG_1.xmp': '<x:xmpmeta/>',
      'Trip/.DS_Store': 'junk',
      'Trip/._IMG_1.jpg': 'apple double',
      '@eaDir/thumb.jpg': 'synology thumbnail',
      '#recycle/old.txt': 'deleted',
      'Thumbs.db': 'windows',
    });
    const job = await scan(env, root);
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ files: 2, added: 2, hashed: 2, failures: 0 });
    const notes = fileByPath(env.ctx.catalog, root, 'Trip/notes.txt');
    expect(notes).toMatchObject({
      size: 5,
      kind: 'other',
      sha256: sha256('hello'),
      state: 'present',
    });
    expect(fileByPath(env.ctx.catalog, root, 'Trip/IMG_1.xmp').kind).toBe('sidecar');
    const listing = browseFolder(env.ctx.catalog, root, {});
    expect(listing.folders.map((f) => f.name)).toEqual(['Trip']);
  });

  it('rescans an unchanged tree without reading any file again', async () => {
    const root = makeRoot(env, 'photos', { 'a.txt': 'a', 'b/c.txt': 'c', 'b/d/e.txt': 'e' });
    await scan(env, root);
    const again = await scan(env, root);
    expect(again.summary).toMatchObject({ files: 3, added: 0, changed: 0, missing: 0, hashed: 0 });
  });

  it('rehashes only what changed, marks deleted files missing and keeps their history', async () => {
    const root = makeRoot(env, 'photos', { 'a.txt': 'one', 'b.txt': 'two', 'gone/c.txt': 'three' });
    await scan(env, root);
    writeFileSync(path.join(root.path, 'a.txt'), 'one, edited');
    rmSync(path.join(root.path, 'b.txt'));
    rmSync(path.join(root.path, 'gone'), { recursive: true });
    const job = await scan(env, root);
    expect(job.summary).toMatchObject({ changed: 1, missing: 2, hashed: 1 });
    expect(fileByPath(env.ctx.catalog, root, 'a.txt').sha256).toBe(sha256('one, edited'));
    const b = fileByPath(env.ctx.catalog, root, 'b.txt');
    expect(b.state).toBe('missing');
    expect(b.sha256).toBe(sha256('two'));
    expect(fileByPath(env.ctx.catalog, root, 'gone/c.txt').state).toBe('missing');
    // The missing file stays browsable, with its tag.
    const missing = browseFolder(env.ctx.catalog, root, { tag: 'missing' });
    expect(missing.files.map((f) => f.name)).toEqual(['b.txt']);
    expect(missing.files[0]!.tags.missing).toBe(true);
  });

  it('finds a folder and a file that come back after being missing: the same records, present again', async () => {
    const root = makeRoot(env, 'photos', {
      'keep.txt': 'kept',
      'trip/day1/a.txt': 'a',
      'trip/day1/b.txt': 'b',
      'lone.txt': 'alone',
    });
    await scan(env, root);
    const ids = new Map(
      ['trip/day1/a.txt', 'trip/day1/b.txt', 'lone.txt'].map((p) => [
        p,
        fileByPath(env.ctx.catalog, root, p).id,
      ]),
    );
    // An unplugged folder (renamed away) and a file taken out.
    renameSync(path.join(root.path, 'trip'), path.join(env.dir, 'trip-away'));
    renameSync(path.join(root.path, 'lone.txt'), path.join(env.dir, 'lone-away.txt'));
    expect((await scan(env, root)).summary).toMatchObject({ missing: 3, added: 0 });
    // Scanned again while still gone: nothing changes, nothing counted twice.
    expect((await scan(env, root)).summary).toMatchObject({ missing: 0, added: 0, changed: 0 });
    for (const p of ids.keys()) expect(fileByPath(env.ctx.catalog, root, p).state).toBe('missing');

    renameSync(path.join(env.dir, 'trip-away'), path.join(root.path, 'trip'));
    renameSync(path.join(env.dir, 'lone-away.txt'), path.join(root.path, 'lone.txt'));
    const back = await scan(env, root);
    expect(back.summary).toMatchObject({ missing: 0 });
    for (const [p, id] of ids) {
      const file = fileByPath(env.ctx.catalog, root, p);
      expect(file.state, p).toBe('present');
      expect(file.id, p).toBe(id);
    }
    expect(browseFolder(env.ctx.catalog, root, { tag: 'missing' }).files).toEqual([]);
    expect(fileByPath(env.ctx.catalog, root, 'keep.txt').state).toBe('present');
  });

  it('recognises a moved file by its hash', async () => {
    const root = makeRoot(env, 'photos', { 'inbox/IMG_0001.jpg': 'pixels of a sunset' });
    await scan(env, root);
    mkdirSync(path.join(root.path, '2024/sunsets'), { recursive: true });
    renameSync(
      path.join(root.path, 'inbox/IMG_0001.jpg'),
      path.join(root.path, '2024/sunsets/sunset.jpg'),
    );
    const job = await scan(env, root);
    expect(job.summary).toMatchObject({ moved: 1 });
    const old = fileByPath(env.ctx.catalog, root, 'inbox/IMG_0001.jpg');
    const moved = fileByPath(env.ctx.catalog, root, '2024/sunsets/sunset.jpg');
    expect(old.state).toBe('moved');
    expect(old.movedToId).toBe(moved.id);
    expect(moved.movedFromId).toBe(old.id);
  });

  it('applies ignore patterns from the config and never follows symbolic links (no loops)', async () => {
    await env.cleanup();
    env = createTestEnv({ GLACIER_IGNORE: '*.tmp,cache/**' });
    const root = makeRoot(env, 'photos', {
      'keep.jpg': 'k',
      'x.tmp': 't',
      'deep/y.tmp': 't',
      'cache/z.bin': 'z',
    });
    symlinkSync('..', path.join(root.path, 'deep', 'loop'));
    symlinkSync('/etc', path.join(root.path, 'escape'));
    symlinkSync(path.join(root.path, 'keep.jpg'), path.join(root.path, 'link.jpg'));
    const job = await scan(env, root);
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ files: 1, skipped: 3 });
  });

  it('keeps names in NFC and NFD form apart, and zero-byte files', async () => {
    const nfc = 'Cafe\u0301'.normalize('NFC') + '.jpg';
    const nfd = 'Cafe\u0301'.normalize('NFD') + '.jpg';
    const root = makeRoot(env, 'photos', {
      [nfc]: 'composed',
      [nfd]: 'decomposed',
      'empty.mov': '',
    });
    const job = await scan(env, root);
    expect(job.summary).toMatchObject({ files: 3 });
    expect(fileByPath(env.ctx.catalog, root, nfc).sha256).toBe(sha256('composed'));
    expect(fileByPath(env.ctx.catalog, root, nfd).sha256).toBe(sha256('decomposed'));
    const empty = fileByPath(env.ctx.catalog, root, 'empty.mov');
    expect(empty).toMatchObject({ size: 0, sha256: sha256(''), problem: 'empty file' });
  });

  it('reports a name that is not valid UTF-8 and catalogs the rest', async () => {
    const root = makeRoot(env, 'photos', { 'fine.jpg': 'ok' });
    const badName = Buffer.concat([
      Buffer.from(root.path + '/bad-'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('.jpg'),
    ]);
    writeFileSync(badName, 'bytes');
    const job = await scan(env, root);
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ files: 1, skipped: 1, failures: 1 });
    expect([...failuresOf(env, job.id).values()]).toEqual([
      'name is not valid UTF-8: rename the file to catalog it',
    ]);
  });

  it('reports paths too long for the file system and goes on', async () => {
    const root = makeRoot(env, 'photos', { 'short.txt': 's' });
    // Build a chain of folders deeper than PATH_MAX (4096) by walking down with relative paths.
    const segment = 'd'.repeat(200);
    const script = `cd '${root.path}' && for i in $(seq 1 22); do mkdir ${segment} && cd ${segment}; done && echo deep > deep.txt`;
    execFileSync('bash', ['-c', script]);
    const job = await scan(env, root);
    expect(job.state).toBe('done');
    expect(fileByPath(env.ctx.catalog, root, 'short.txt').state).toBe('present');
    const reasons = [...failuresOf(env, job.id).values()];
    expect(reasons.some((r) => r.includes('path too long'))).toBe(true);
  });

  it('refuses to scan an unmounted root and keeps its catalog', async () => {
    const root = makeRoot(env, 'usb', { 'a.jpg': 'a' });
    await scan(env, root);
    // The drive is unplugged: its mount point is an empty folder.
    rmSync(path.join(root.path, 'a.jpg'));
    await expect(scan(env, root)).rejects.toThrow(RootOfflineError);
    expect(fileByPath(env.ctx.catalog, root, 'a.jpg').state).toBe('present');
    // The mount point itself is gone.
    rmSync(root.path, { recursive: true });
    await expect(scan(env, root)).rejects.toThrow(/offline/);
    const listing = browseFolder(env.ctx.catalog, root, {});
    expect(listing.online).toBe(false);
    expect(listing.files.map((f) => f.name)).toEqual(['a.jpg']);
  });

  it('marks a file that vanished before it was read missing, with the reason', async () => {
    const root = makeRoot(env, 'photos', { 'stays.txt': 's', 'goes.txt': 'g' });
    const off = env.ctx.bus.subscribe((event) => {
      if (event.type === 'job.progress' && event.phase === 'reading')
        rmSync(path.join(root.path, 'goes.txt'), { force: true });
    });
    const job = await scan(env, root);
    off();
    expect(job.state).toBe('done');
    expect(failuresOf(env, job.id).get('goes.txt')).toBe('vanished during the scan');
    expect(fileByPath(env.ctx.catalog, root, 'goes.txt').state).toBe('missing');
    expect(fileByPath(env.ctx.catalog, root, 'stays.txt').sha256).toBe(sha256('s'));
  });

  it('does not record a hash for a file that grew while it was read', async () => {
    const root = makeRoot(env, 'photos', {});
    const big = path.join(root.path, 'recording.raw-stream');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 768 * 1024 * 1024); // sparse: reads fast, but takes a moment to hash
    closeSync(fd);
    let appender: ReturnType<typeof spawn> | undefined;
    const off = env.ctx.bus.subscribe((event) => {
      if (event.type === 'job.progress' && event.phase === 'reading' && !appender) {
        appender = spawn('bash', [
          '-c',
          `for i in $(seq 1 2000); do echo frame >> '${big}'; sleep 0.005; done`,
        ]);
      }
    });
    const job = await scan(env, root);
    off();
    appender?.kill();
    expect(failuresOf(env, job.id).get('recording.raw-stream')).toMatch(
      /changed while it was being read/,
    );
    const row = fileByPath(env.ctx.catalog, root, 'recording.raw-stream');
    expect(row.sha256).toBeNull();
    expect(browseFolder(env.ctx.catalog, root, {}).files[0]!.tags.unread).toBe(true);
    // Once it is quiet, the next scan reads it.
    appendFileSync(big, 'end');
    const again = await scan(env, root);
    expect(again.summary).toMatchObject({ hashed: 1, failures: 0 });
  });

  it('scans only a folder when asked, leaving the rest of the catalog alone', async () => {
    const root = makeRoot(env, 'photos', { 'a/1.txt': '1', 'b/2.txt': '2' });
    await scan(env, root);
    rmSync(path.join(root.path, 'b/2.txt'));
    writeTree(root.path, { 'a/3.txt': '3' });
    const job = await scan(env, root, 'a');
    expect(job.summary).toMatchObject({ files: 2, added: 1, missing: 0 });
    expect(fileByPath(env.ctx.catalog, root, 'b/2.txt').state).toBe('present');
  });
});
