import { execFileSync } from 'node:child_process';
import type { FastifyInstance } from 'fastify';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createAppContext, type AppContext } from '../src/app-context.js';
import { backupBeforeMigration, BackupSchedule, backupsDir } from '../src/catalog/backup.js';
import { openCatalog } from '../src/catalog/db.js';
import { loadConfig } from '../src/config.js';
import { DataVolumeFullError } from '../src/errors.js';
import { buildApp } from '../src/http/app.js';
import { runCli } from './helpers/cli.js';
import { writeTree } from './helpers/context.js';

/**
 * A data volume that fills up (a NAS share at quota, a small SSD). Here a small tmpfs is the data
 * dir: mounting one needs root, which CI and the dev machines have; elsewhere these tests are
 * skipped rather than faked. Writes must fail with a plain message (the UI shows it), nothing
 * half-written may stay, and everything must work again once space is freed.
 */

const isRoot = process.getuid?.() === 0;
const PASSWORD = 'a long enough password';
const ORIGIN = 'http://nas.local:8377';

let dir: string;
let dataDir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'glacier-full-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A tmpfs of a few MB as the data dir. Not smaller than 8 MB where a scan must finish once room
 * is made: SQLite lets the WAL grow to about 4 MB before it folds it back into the catalog.
 */
function mountSmallVolume(name: string, size: string): string {
  const mountPoint = path.join(dir, name);
  mkdirSync(mountPoint, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mountPoint]);
  mounted.push(mountPoint);
  return mountPoint;
}
const mounted: string[] = [];
afterEach(() => {
  for (const m of mounted.splice(0)) execFileSync('umount', ['-l', m]);
});

/** Fills the volume up to `leaveBytes` free with a filler file; returns its path. */
function fillVolume(volume: string, leaveBytes = 0): string {
  const filler = path.join(volume, 'filler.bin');
  const chunk = Buffer.alloc(4096, 1);
  const free = () => {
    const s = statfsSync(volume);
    return s.bavail * s.bsize;
  };
  try {
    while (free() > leaveBytes) appendFileSync(filler, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  }
  return filler;
}

function mediaTree(label: string, files: number): string {
  const root = path.join(dir, label);
  const tree: Record<string, string> = {};
  for (let i = 0; i < files; i++) {
    tree[`folder-${i % 40}/a-reasonably-long-file-name-${i}.txt`] = `content ${label} ${i}`;
  }
  writeTree(root, tree);
  return root;
}

async function waitForJob(app: FastifyInstance, cookie: string, id: number) {
  let job: { state: string; error: string | null } = { state: '', error: null };
  for (let i = 0; i < 400; i++) {
    job = (await app.inject({ url: `/api/jobs/${id}`, headers: { cookie } })).json();
    if (['done', 'failed', 'cancelled', 'paused'].includes(job.state)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return job;
}

describe.skipIf(!isRoot)('a full data volume', () => {
  let ctx: AppContext | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await ctx?.close();
    app = undefined;
    ctx = undefined;
  });

  it('fails writes with a plain message, keeps the catalog whole, and recovers once space is freed', async () => {
    dataDir = mountSmallVolume('data', '8m');
    ctx = createAppContext(
      loadConfig({ GLACIER_DATA_DIR: dataDir, GLACIER_SCAN_CONCURRENCY: '2' }),
      { tickMs: 50, staleAfterMs: 2000 },
    );
    app = await buildApp(ctx);
    const post = (url: string, body: unknown, cookie?: string) =>
      app!.inject({
        method: 'POST',
        url,
        payload: body as object,
        headers: { host: 'nas.local:8377', origin: ORIGIN, ...(cookie ? { cookie } : {}) },
      });
    const setup = await post('/api/auth/setup', { password: PASSWORD });
    expect(setup.statusCode).toBe(204);
    const cookie = `glacier_session=${setup.cookies.find((c) => c.name === 'glacier_session')!.value}`;
    ctx.runner.start();

    // A first root is catalogued while there is room.
    const small = mediaTree('small', 30);
    expect((await post('/api/roots', { path: small, label: 'small' }, cookie)).statusCode).toBe(
      201,
    );
    const first = await post('/api/scans', { root: 'small' }, cookie);
    expect((await waitForJob(app, cookie, first.json().id)).state).toBe('done');
    const big = mediaTree('big', 600);
    expect((await post('/api/roots', { path: big, label: 'big' }, cookie)).statusCode).toBe(201);
    const before = ctx.catalog.sqlite.prepare('select count(*) as n from files').get();

    // The volume fills up (something else wrote to the share). Leave a little room: the job
    // can be queued, but its thousands of new rows cannot be written.
    ctx.catalog.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    const filler = fillVolume(dataDir, 128 * 1024);
    const started = await post('/api/scans', { root: 'big' }, cookie);
    expect(started.statusCode).toBe(202);
    const failed = await waitForJob(app, cookie, started.json().id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/^The data volume is full: .*Free some space/);

    // The catalog is whole, and what was there before is untouched.
    expect(ctx.catalog.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const small2 = (
      await app.inject({ url: '/api/roots/small/browse?path=folder-1', headers: { cookie } })
    ).json();
    expect(small2.files.length).toBeGreaterThan(0);

    // With no room at all, a request that writes is answered 507 with the same plain words,
    // and the CLI says it in one line with its own exit code; reading still works.
    rmSync(filler);
    ctx.catalog.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    fillVolume(dataDir, 0);
    const refused = await post('/api/scans', { root: 'small' }, cookie);
    expect(refused.statusCode).toBe(507);
    expect(refused.json().error).toMatchObject({
      code: 'data_volume_full',
      message: expect.stringMatching(/^The data volume is full/),
    });
    const cli = runCli(dataDir, ['scan', 'small']);
    expect(cli.code, cli.stderr).toBe(new DataVolumeFullError('').exitCode);
    expect(cli.stderr).toMatch(/^glacier: The data volume is full/);
    expect(cli.stderr).not.toMatch(/at .*\.ts:\d+/);
    const listed = runCli(dataDir, ['roots', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(ctx.catalog.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');

    // Space is freed: the same scan now runs to its end, without a restart.
    rmSync(filler);
    const retried = await post('/api/scans', { root: 'big' }, cookie);
    expect(retried.statusCode).toBe(202);
    const done = await waitForJob(app, cookie, retried.json().id);
    expect(done.state, done.error ?? '').toBe('done');
    const big2 = (await app.inject({ url: '/api/roots', headers: { cookie } })).json();
    expect(big2.roots.find((r: { label: string }) => r.label === 'big').fileCount).toBe(600);
    expect(ctx.catalog.sqlite.prepare('select count(*) as n from files').get()).not.toEqual(before);
  });

  it('does not upgrade a catalog it cannot back up first, and says why', async () => {
    dataDir = mountSmallVolume('data-upgrade', '2m');
    // A catalog from the previous release: as this one, with the last migration not yet applied.
    const handle = openCatalog(dataDir);
    handle.sqlite.pragma(
      `user_version = ${(handle.sqlite.pragma('user_version', { simple: true }) as number) - 1}`,
    );
    const oldVersion = handle.sqlite.pragma('user_version', { simple: true });
    handle.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    handle.close();
    // Room for SQLite to open the catalog (its -shm file), not for a copy of it.
    const filler = fillVolume(dataDir, 48 * 1024);

    await expect(backupBeforeMigration(dataDir)).rejects.toThrow(DataVolumeFullError);
    await expect(backupBeforeMigration(dataDir)).rejects.toThrow(/backup could not be written/);
    expect(existsSync(backupsDir(dataDir)) ? readdirSync(backupsDir(dataDir)) : []).toEqual([]);
    // The CLI (like the server's start) stops there, in one line: nothing was migrated.
    const cli = runCli(dataDir, ['roots', 'list']);
    expect(cli.code).toBe(new DataVolumeFullError('').exitCode);
    expect(cli.stderr).toMatch(/^glacier: The data volume is full: the catalog backup/);
    expect(userVersionInHeader(path.join(dataDir, 'catalog.sqlite'))).toBe(oldVersion);

    // A scheduled backup on a full volume is logged and the server goes on.
    rmSync(filler);
    const ctx2 = createAppContext(loadConfig({ GLACIER_DATA_DIR: dataDir }));
    ctx = ctx2;
    ctx2.catalog.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    fillVolume(dataDir, 0);
    const errors: string[] = [];
    const schedule = new BackupSchedule(ctx2.catalog.sqlite, dataDir, {
      intervalHours: 24,
      keep: 7,
      log: { info: () => undefined, error: (_o, msg) => errors.push(msg ?? '') },
    });
    schedule.start();
    for (let i = 0; i < 200 && errors.length === 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    await schedule.stop();
    expect(errors[0]).toMatch(/scheduled catalog backup failed: .*data volume is full/);
    expect(readdirSync(backupsDir(dataDir))).toEqual([]);
  });
});

/** The schema version in a catalog file's header (bytes 60-63), read without opening it in SQLite. */
function userVersionInHeader(file: string): number {
  return readFileSync(file).readUInt32BE(60);
}
