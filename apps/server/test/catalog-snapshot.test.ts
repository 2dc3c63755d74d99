import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_JOB } from '../src/archive/archive-job.js';
import {
  listSnapshots,
  sendCatalogSnapshot,
  SNAPSHOT_PREFIX,
} from '../src/archive/catalog-snapshot.js';
import {
  addDestination,
  describeDestination,
  getDestination,
  listDestinations,
  openFor,
  type DestinationRow,
} from '../src/archive/destinations.js';
import { planArchive } from '../src/archive/plan.js';
import { archiveParams } from '../src/archive/start.js';
import { eq } from 'drizzle-orm';
import { destinations, sessions } from '../src/catalog/schema.js';
import type { JobRow } from '../src/jobs/store.js';
import { getRoot, listRoots, type RootRow } from '../src/roots/roots.js';
import { runCli } from './helpers/cli.js';
import { createTestEnv, failuresOf, makeRoot, scan, type TestEnv } from './helpers/context.js';
import { MOTO_REGION, MOTO_START_TIMEOUT_MS, type Moto } from './helpers/moto.js';
import { startMotoWithBucket } from './storage/support.js';

/**
 * The catalog kept in each destination: sent after an archive that sent something, a readable
 * SQLite file once gunzipped that knows what was archived there, without login sessions; the
 * oldest pruned; its failure fails no file.
 */

let moto: Moto;
let env: TestEnv;
let root: RootRow;
let usb: DestinationRow;
let s3: DestinationRow;
let usbDir: string;

beforeAll(async () => {
  moto = await startMotoWithBucket('snapshots');
  env = createTestEnv();
  root = makeRoot(env, 'photos', {
    'Trip/a.jpg': randomBytes(30_000),
    'Trip/b.jpg': randomBytes(30_000),
  });
  await scan(env, root);
  usbDir = path.join(env.dir, 'usb-drive');
  mkdirSync(usbDir);
  usb = addDestination(env.ctx.catalog, { name: 'usb', url: usbDir });
  s3 = addDestination(env.ctx.catalog, {
    name: 'offsite',
    url: 's3://snapshots/nas',
    storageClass: 'DEEP_ARCHIVE',
    endpoint: moto.endpoint,
    region: MOTO_REGION,
  });
  // A signed-in browser: its session must not travel with the catalog.
  env.ctx.catalog.db
    .insert(sessions)
    .values({ tokenHash: 'a'.repeat(64), createdAt: Date.now(), expiresAt: Date.now() + 1e9 })
    .run();
}, MOTO_START_TIMEOUT_MS);
afterAll(async () => {
  await env?.cleanup();
  await moto?.stop();
});

const archive = (destination: DestinationRow, folder = 'Trip'): Promise<JobRow> =>
  env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(destination, root, folder));

/** The snapshot's SQLite file, gunzipped into the test dir and opened read-only. */
function openSnapshot(gz: Buffer): Database.Database {
  const file = path.join(env.dir, `snapshot-${Date.now()}-${Math.random()}.sqlite`);
  writeFileSync(file, gunzipSync(gz));
  return new Database(file, { readonly: true, fileMustExist: true });
}

describe('the catalog kept in a destination', () => {
  it('follows an archive to a folder: a checked SQLite copy that knows what went there', async () => {
    const job = await archive(usb);
    expect(job.state).toBe('done');
    // The tracker is told, after the files.
    const phases = env.events
      .filter((e) => e.type === 'job.progress' && e.jobId === job.id)
      .map((e) => (e as { phase: string }).phase);
    expect(phases.at(-1)).toBe('copying the catalog');
    expect(phases).toContain('uploading');
    const summary = job.summary as { archived: number; catalogSnapshot: string | null };
    expect(summary.archived).toBe(2);
    expect(summary.catalogSnapshot).toMatch(
      /^\.glacier-archiver\/catalog\/catalog-\d{8}T\d{9}Z-v\d+\.sqlite\.gz$/,
    );
    const file = path.join(usbDir, summary.catalogSnapshot!);
    const copy = openSnapshot(readFileSync(file));
    try {
      expect(copy.pragma('quick_check', { simple: true })).toBe('ok');
      const archived = copy
        .prepare(
          `select f.rel_path from copies c join files f on f.id = c.file_id
           join destinations d on d.id = c.destination_id where d.name = 'usb' order by 1`,
        )
        .pluck()
        .all();
      expect(archived).toEqual(['Trip/a.jpg', 'Trip/b.jpg']);
      expect(copy.prepare('select count(*) from sessions').pluck().get()).toBe(0);
    } finally {
      copy.close();
    }
    // Settings shows when it was sent, from the destination's row.
    expect(describeDestination(getDestination(env.ctx.catalog, 'usb')).catalogSnapshot).toEqual({
      key: summary.catalogSnapshot,
      at: expect.any(Number),
    });
    // The live catalog keeps its session; nothing is left in the data folder's work place.
    expect(env.ctx.catalog.db.select().from(sessions).all()).toHaveLength(1);
    expect(
      readdirSync(path.join(env.dataDir, 'backups')).filter((n) => n.startsWith('offsite')),
    ).toEqual([]);
  });

  it('is not sent again by an archive that sends nothing', async () => {
    const before = await listSnapshots(openFor(usb));
    const job = await archive(usb);
    expect(job.summary).toMatchObject({ archived: 0, alreadyArchived: 2, catalogSnapshot: null });
    expect(await listSnapshots(openFor(usb))).toEqual(before);
  });

  it('is still sent by a run that resumes after its files were sent but before its snapshot', async () => {
    // As if the last snapshot had been taken before these copies were verified (a crash or a
    // pause between the last file and the snapshot).
    env.ctx.catalog.db
      .update(destinations)
      .set({ catalogSnapshotAt: 1 })
      .where(eq(destinations.id, usb.id))
      .run();
    const job = await archive(usb);
    expect(job.summary).toMatchObject({ archived: 0, alreadyArchived: 2 });
    const key = (job.summary as { catalogSnapshot: string | null }).catalogSnapshot;
    expect(key).not.toBeNull();
    expect((await listSnapshots(openFor(usb)))[0]).toBe(key);
  });

  it('goes to S3 in STANDARD_IA, readable at once, with its SHA-256', async () => {
    const job = await archive(s3);
    const key = (job.summary as { catalogSnapshot: string }).catalogSnapshot;
    const destination = openFor(s3);
    try {
      const info = await destination.head(key);
      expect(info).toMatchObject({ storageClass: 'STANDARD_IA' });
      const { body } = await destination.get(key);
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      const copy = openSnapshot(Buffer.concat(chunks));
      try {
        expect(
          copy.prepare("select count(*) from copies where key like 'photos/%'").pluck().get(),
        ).toBe(4);
      } finally {
        copy.close();
      }
    } finally {
      destination.close();
    }
  });

  it('keeps the newest few and leaves other objects under its prefix alone', async () => {
    const destination = openFor(usb);
    writeFileSync(path.join(usbDir, SNAPSHOT_PREFIX, 'README.txt'), 'mine');
    // A crash's leftover work folder goes; one another process is using now stays.
    const backups = path.join(env.dataDir, 'backups');
    mkdirSync(path.join(backups, 'offsite-crashed'), { recursive: true });
    mkdirSync(path.join(backups, 'offsite-busy'), { recursive: true });
    const yesterday = new Date(Date.now() - 24 * 3_600_000);
    utimesSync(path.join(backups, 'offsite-crashed'), yesterday, yesterday);
    const at = (day: number) => Date.UTC(2030, 0, day, 12);
    for (const day of [1, 2, 3]) {
      await sendCatalogSnapshot(env.ctx.catalog, destination, usb, env.dataDir, {
        keep: 2,
        now: at(day),
      });
    }
    const kept = await listSnapshots(destination);
    expect(kept).toEqual([
      `${SNAPSHOT_PREFIX}catalog-20300103T120000000Z-v${schemaVersion()}.sqlite.gz`,
      `${SNAPSHOT_PREFIX}catalog-20300102T120000000Z-v${schemaVersion()}.sqlite.gz`,
    ]);
    expect(readFileSync(path.join(usbDir, SNAPSHOT_PREFIX, 'README.txt'), 'utf8')).toBe('mine');
    expect(readdirSync(backups).filter((n) => n.startsWith('offsite'))).toEqual(['offsite-busy']);
    rmSync(path.join(backups, 'offsite-busy'), { recursive: true });
  });

  it('fails no file when it cannot be written: one failure says so, the files are archived', async () => {
    const blocked = path.join(env.dir, 'usb-blocked');
    // Where its folder should be, a file: the snapshot cannot be written there.
    mkdirSync(path.join(blocked, '.glacier-archiver'), { recursive: true });
    writeFileSync(path.join(blocked, SNAPSHOT_PREFIX.slice(0, -1)), 'not a folder');
    const stuck = addDestination(env.ctx.catalog, { name: 'blocked', url: blocked });
    const job = await archive(stuck);
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ archived: 2, failedFiles: 0, catalogSnapshot: null });
    expect(failuresOf(env, job.id).get(SNAPSHOT_PREFIX)).toMatch(/^catalog snapshot not sent: /);
  });

  it('brings the catalog back on a new NAS by the README procedure: nothing is sent again', async () => {
    const [newest] = await listSnapshots(openFor(usb));
    // A new data folder with the snapshot gunzipped as its catalog, the media at the same path.
    const newNas = mkdtempSync(path.join(tmpdir(), 'glacier-new-nas-'));
    mkdirSync(path.join(newNas, 'data'));
    writeFileSync(
      path.join(newNas, 'data', 'catalog.sqlite'),
      gunzipSync(readFileSync(path.join(usbDir, newest!))),
    );
    const again = createTestEnv({}, { dir: newNas });
    try {
      const [back] = listRoots(again.ctx.catalog);
      expect(back).toMatchObject({ label: 'photos', path: root.path });
      expect(listDestinations(again.ctx.catalog).map((d) => d.name)).toEqual(
        expect.arrayContaining(['usb', 'offsite']),
      );
      await scan(again, getRoot(again.ctx.catalog, 'photos'));
      const plan = planArchive(
        again.ctx.catalog,
        getDestination(again.ctx.catalog, 'offsite'),
        getRoot(again.ctx.catalog, 'photos'),
        'Trip',
      );
      expect(plan.items).toEqual([]);
      expect(plan.alreadyArchived).toBe(2);
    } finally {
      await again.cleanup();
    }
  });

  it('is sent on demand by `glacier backup --to`, and a typo is a clear error', () => {
    const sent = runCli(env.dataDir, ['backup', '--to', 'usb', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    const { key } = JSON.parse(sent.stdout) as { key: string };
    expect(key.startsWith(SNAPSHOT_PREFIX)).toBe(true);
    expect(existsSync(path.join(usbDir, key))).toBe(true);
    const typo = runCli(env.dataDir, ['backup', '--to', 'usbb']);
    expect(typo.code).toBe(4);
    expect(typo.stderr).toMatch(/usbb/);
    expect(typo.stderr).not.toMatch(/ at .*\.ts:\d+/);
  });
});

function schemaVersion(): number {
  return env.ctx.catalog.sqlite.pragma('user_version', { simple: true }) as number;
}
