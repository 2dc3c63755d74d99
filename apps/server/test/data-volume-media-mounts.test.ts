import { execFileSync } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { browseFolder } from '../src/catalog/browse.js';
import { RootOfflineError } from '../src/errors.js';
import { buildApp } from '../src/http/app.js';
import { addRoot, listRoots, type RootRow } from '../src/roots/roots.js';
import { planScan, SCAN_JOB } from '../src/scan/scan.js';
import { folderSheets } from '../src/sheets/store.js';
import { planSummarise, SUMMARISE_JOB } from '../src/sheets/summarise.js';
import { buildLibrary } from './fixtures/library.js';
import { createTestEnv, failuresOf, scan, type TestEnv } from './helpers/context.js';

/**
 * The media folders as a container sees them: mounted read-only (as the compose file does),
 * missing (a share not mounted, a USB drive unplugged before the start), or gone while the app
 * runs. Read-only mounts use `mount --bind -o ro` as root (so any write would fail with EROFS,
 * as in a container); without root the folder is made read-only with chmod instead, which the
 * owner could still undo: the snapshot comparison is what proves nothing was written then.
 */

const isRoot = process.getuid?.() === 0;
let env: TestEnv;
const mounts: string[] = [];

beforeEach(() => {
  env = createTestEnv();
});
afterEach(async () => {
  for (const m of mounts.splice(0).reverse()) execFileSync('umount', ['-l', m]);
  await env.cleanup();
});

/** Mounts `source` read-only at `target` (root), or makes it read-only with chmod. */
function readOnlyMount(source: string, target: string): string {
  if (isRoot) {
    mkdirSync(target, { recursive: true });
    execFileSync('mount', ['--bind', '-o', 'ro', source, target]);
    mounts.push(target);
    return target;
  }
  execFileSync('chmod', ['-R', 'a-w', source]);
  return source;
}

function bindMount(source: string, target: string): void {
  mkdirSync(target, { recursive: true });
  execFileSync('mount', ['--bind', source, target]);
  mounts.push(target);
}

/** Every path under `dir` with its size, mtime and ctime: any write would change one of them. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      const s = statSync(p);
      out.push(`${path.relative(dir, p)} ${s.size} ${s.mtimeMs} ${s.ctimeMs} ${s.mode}`);
      if (s.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out;
}

function fileStates(root: RootRow): Record<string, string> {
  return Object.fromEntries(
    (
      env.ctx.catalog.sqlite
        .prepare('select rel_path, state from files where root_id = ? order by rel_path')
        .all(root.id) as { rel_path: string; state: string }[]
    ).map((r) => [r.rel_path, r.state]),
  );
}

describe('media mounts', () => {
  it('scans and summarises a read-only media mount without writing anything into it', async () => {
    const lib = await buildLibrary(path.join(env.dir, 'share'), [
      { path: '2024/Trip/IMG_0001.jpg', photo: { make: 'Canon', takenAt: '2024-06-01T10:00:00' } },
      { path: '2024/Trip/IMG_0002.png', photo: {} },
      { path: '2024/Trip/clip.mp4', video: { durationS: 1 } },
      { path: '2024/Trip/IMG_0001.xmp', bytes: '<x:xmpmeta/>' },
      { path: 'notes.txt', bytes: 'not media' },
    ]);
    const media = readOnlyMount(lib.root, path.join(env.dir, 'media', 'photos'));
    const before = snapshot(media);
    if (isRoot) {
      expect(() => writeFileSync(path.join(media, 'probe.txt'), 'x')).toThrow(/EROFS/);
    }
    const root = addRoot(env.ctx.catalog, { path: media, label: 'photos' });

    const scanned = await scan(env, root);
    expect(scanned.state).toBe('done');
    expect(failuresOf(env, scanned.id)).toEqual(new Map());
    const trip = browseFolder(env.ctx.catalog, root, { path: '2024/Trip' });
    expect(trip.files.map((f) => [f.name, f.kind, f.sha256 !== null])).toEqual([
      ['IMG_0001.jpg', 'photo', true],
      ['IMG_0001.xmp', 'sidecar', true],
      ['IMG_0002.png', 'photo', true],
      ['clip.mp4', 'video', true],
    ]);

    const summarised = await env.ctx.runner.runNow(
      SUMMARISE_JOB,
      planSummarise(root, '2024/Trip', false),
    );
    expect(summarised.state, summarised.error ?? '').toBe('done');
    const sheets = folderSheets(env.ctx.catalog, root.id, '2024/Trip');
    expect(sheets.length).toBeGreaterThan(0);
    // The sheets and thumbnails went to the data dir, nothing to the media.
    expect(statSync(path.join(env.dataDir, sheets[0]!.imagePath)).size).toBeGreaterThan(0);
    expect(snapshot(media)).toEqual(before);
    if (!isRoot) execFileSync('chmod', ['-R', 'u+w', lib.root]);
  });

  it('shows a missing media mount offline, refuses to scan it, and keeps its catalog', async () => {
    const media = path.join(env.dir, 'usb');
    mkdirSync(path.join(media, 'DCIM'), { recursive: true });
    writeFileSync(path.join(media, 'DCIM/IMG_0001.JPG'), 'photo');
    const root = addRoot(env.ctx.catalog, { path: media, label: 'usb' });
    expect((await scan(env, root)).state).toBe('done');
    const app: FastifyInstance = await buildApp(env.ctx);
    try {
      // Unplugged: docker then mounts an empty folder at the path, or nothing at all.
      for (const unplug of [
        () => rmSync(path.join(media, 'DCIM'), { recursive: true }),
        () => rmSync(media, { recursive: true }),
      ]) {
        unplug();
        expect(listRoots(env.ctx.catalog)[0]).toMatchObject({ label: 'usb', online: false });
        expect(() => planScan(env.ctx.catalog, root)).toThrow(RootOfflineError);
        const listing = browseFolder(env.ctx.catalog, root, { path: 'DCIM' });
        expect(listing.online).toBe(false);
        expect(listing.files.map((f) => [f.name, f.state])).toEqual([['IMG_0001.JPG', 'present']]);
      }
      // What a browser sees when it asks for a scan: a 409 with the reason, not a failure.
      const setup = await app.inject({
        method: 'POST',
        url: '/api/auth/setup',
        payload: { password: 'a long enough password' },
        headers: { host: 'nas.local:8377', origin: 'http://nas.local:8377' },
      });
      const cookie = `glacier_session=${setup.cookies.find((c) => c.name === 'glacier_session')!.value}`;
      const refused = await app.inject({
        method: 'POST',
        url: '/api/scans',
        payload: { root: 'usb' },
        headers: { host: 'nas.local:8377', origin: 'http://nas.local:8377', cookie },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error).toMatchObject({
        code: 'root_offline',
        message: expect.stringMatching(/offline/),
      });
    } finally {
      await app.close();
    }
    expect(fileStates(root)).toEqual({ 'DCIM/IMG_0001.JPG': 'present' });
  });

  it('stops a scan as offline when the media mount disappears mid-way, marking nothing missing', async () => {
    const source = path.join(env.dir, 'share');
    const tree: Record<string, string> = {};
    for (let i = 0; i < 60; i++) tree[`f${i % 6}/file-${i}.txt`] = `content ${i}`;
    for (const [rel, content] of Object.entries(tree)) {
      mkdirSync(path.dirname(path.join(source, rel)), { recursive: true });
      writeFileSync(path.join(source, rel), content);
    }
    // As root the media is a real mount that is unmounted (the mount point stays, empty); else
    // the folder is moved away. Either way every file vanishes at once.
    const media = isRoot ? path.join(env.dir, 'mnt', 'photos') : source;
    if (isRoot) bindMount(source, media);
    const unplug = () => {
      if (isRoot) execFileSync('umount', ['-l', mounts.pop()!]);
      else renameSync(source, `${source}.away`);
    };
    const plugBack = () => {
      if (isRoot) bindMount(source, media);
      else renameSync(`${source}.away`, source);
    };
    const root = addRoot(env.ctx.catalog, { path: media, label: 'photos' });

    // A first inventory knows every file; content is read in a second scan.
    const params = planScan(env.ctx.catalog, root);
    await env.ctx.runner.runNow(SCAN_JOB, { ...params, contentless: true });
    expect(Object.values(fileStates(root)).every((s) => s === 'present')).toBe(true);

    // The drive goes away as the scan starts reading files.
    const off = env.ctx.bus.subscribe((event) => {
      if (event.type === 'job.progress' && event.phase === 'reading') {
        off();
        unplug();
      }
    });
    const job = await scan(env, root);
    off();
    expect(job.state).toBe('failed');
    expect(job.error).toMatch(/The root "photos" .*(offline|empty)/);
    expect(Object.values(fileStates(root)).every((s) => s === 'present')).toBe(true);
    expect(env.ctx.catalog.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');

    // While it is away a scan is refused, and one queued before it went fails when it runs.
    expect(() => planScan(env.ctx.catalog, root)).toThrow(RootOfflineError);
    const queued = await env.ctx.runner.runNow(SCAN_JOB, params);
    expect(queued.state).toBe('failed');
    expect(queued.error).toMatch(/offline|empty/);
    expect(Object.values(fileStates(root)).every((s) => s === 'present')).toBe(true);

    // Back again: the next scan reads everything, and nothing was ever missing.
    plugBack();
    const again = await scan(env, root);
    expect(again.state).toBe('done');
    expect(again.summary).toMatchObject({ missing: 0, hashed: 60 });
    expect(Object.values(fileStates(root)).every((s) => s === 'present')).toBe(true);
  });
});
