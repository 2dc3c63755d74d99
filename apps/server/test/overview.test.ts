import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_JOB } from '../src/archive/archive-job.js';
import { recordCopy } from '../src/archive/copies.js';
import { addDestination, type DestinationRow } from '../src/archive/destinations.js';
import { MULTIPART_THRESHOLD } from '../src/archive/plan.js';
import { archiveParams } from '../src/archive/start.js';
import { catalogOverview } from '../src/catalog/overview.js';
import { copies, files } from '../src/catalog/schema.js';
import { quoteArchive } from '../src/cost/archive-quote.js';
import type { RootRow } from '../src/roots/roots.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';
import { signedInApp, type SignedInApp } from './helpers/http.js';

let env: TestEnv;
let photos: RootRow;
let usb: DestinationRow;
let cold: DestinationRow;
let http: SignedInApp;

const TRIP = {
  'Trip/a.jpg': 'a'.repeat(1000),
  'Trip/b.jpg': 'b'.repeat(2000),
  'Trip/c.mp4': 'c'.repeat(4000),
};

beforeAll(async () => {
  env = createTestEnv();
  photos = makeRoot(env, 'photos', TRIP);
  makeRoot(env, 'videos', { 'clip.mov': 'v'.repeat(500) });
  await scan(env, photos);
  // Never scanned: its file is not in the catalog at all.
  const usbDir = path.join(env.dir, 'usb');
  mkdirSync(usbDir);
  usb = addDestination(env.ctx.catalog, { name: 'usb', url: usbDir });
  // An S3 destination is only written to the catalog here (no request is made).
  cold = addDestination(env.ctx.catalog, {
    name: 'cold',
    url: 's3://vault/nas',
    storageClass: 'DEEP_ARCHIVE',
    region: 'eu-west-1',
  });
  http = await signedInApp(env);
});

afterAll(async () => {
  await http?.app.close();
  await env?.cleanup();
});

describe('overview', () => {
  it('starts with every file not yet archived, in every destination', () => {
    const overview = catalogOverview(env.ctx.catalog);
    expect(overview.totals).toEqual({
      files: 3,
      bytes: 7000,
      unreadFiles: 0,
      archivedFiles: 0,
      archivedBytes: 0,
      costPerMonth: 0,
    });
    const root = overview.roots.find((r) => r.label === 'photos')!;
    expect(root).toMatchObject({ online: true, files: 3, bytes: 7000, missingFiles: 0 });
    expect(root.destinations).toEqual([
      { destination: 'cold', files: 0, bytes: 0 },
      { destination: 'usb', files: 0, bytes: 0 },
    ]);
    expect(overview.roots.find((r) => r.label === 'videos')).toMatchObject({
      files: 0,
      lastScanAt: null,
    });
    expect(overview.costByClass).toEqual([]);
    expect(overview.destinations.find((d) => d.name === 'usb')).toMatchObject({
      kind: 'folder',
      objects: 0,
      costPerMonth: null,
    });
  });

  it('counts what an archive to a folder copied, per root and per destination', async () => {
    const job = await env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(usb, photos, ''));
    expect(job.state).toBe('done');
    const overview = catalogOverview(env.ctx.catalog);
    const root = overview.roots.find((r) => r.label === 'photos')!;
    expect(root.archivedAnywhere).toEqual({ files: 3, bytes: 7000 });
    expect(root.destinations).toEqual([
      { destination: 'cold', files: 0, bytes: 0 },
      { destination: 'usb', files: 3, bytes: 7000 },
    ]);
    const dest = overview.destinations.find((d) => d.name === 'usb')!;
    expect(dest).toMatchObject({
      objects: 3,
      bytes: 7000,
      archived: { files: 3, bytes: 7000 },
      lostObjects: 0,
      // A folder costs nothing a month; it has no storage class to chart.
      costPerMonth: null,
    });
    expect(overview.totals).toMatchObject({ archivedFiles: 3, archivedBytes: 7000 });
    expect(overview.costByClass).toEqual([]);
  });

  it('prices S3 copies by storage class as the archive quote does, lost copies aside', () => {
    const cls = [
      // Media in Deep Archive: 32 KB + 8 KB of overhead each.
      { key: 'photos/Trip/a.jpg', size: 1000, storageClass: 'DEEP_ARCHIVE' },
      { key: 'photos/Trip/big.mov', size: 50 * 1024 * 1024, storageClass: 'DEEP_ARCHIVE' },
      // Contact sheets in Standard-IA: billed as 128 KB at least.
      {
        key: '.glacier-archiver/sheets/photos/Trip/1.webp',
        size: 20_000,
        storageClass: 'STANDARD_IA',
      },
      {
        key: '.glacier-archiver/sheets/photos/Trip/1.json',
        size: 300,
        storageClass: 'STANDARD_IA',
      },
    ];
    for (const [i, c] of cls.entries()) {
      recordCopy(env.ctx.catalog, {
        destinationId: cold.id,
        key: c.key,
        sha256: `${'0'.repeat(63)}${i}`,
        size: c.size,
        storageClass: c.storageClass,
        etag: null,
        fileId: null,
      });
    }
    recordCopy(env.ctx.catalog, {
      destinationId: cold.id,
      key: 'photos/gone.jpg',
      sha256: 'f'.repeat(64),
      size: 10 ** 9,
      storageClass: 'DEEP_ARCHIVE',
      etag: null,
      fileId: null,
    });
    env.ctx.catalog.db
      .update(copies)
      .set({ lostAt: Date.now() })
      .where(and(eq(copies.destinationId, cold.id), eq(copies.key, 'photos/gone.jpg')))
      .run();

    const overview = catalogOverview(env.ctx.catalog);
    const quote = (sizes: number[], storageClass: string) =>
      quoteArchive(sizes, storageClass, 'eu-west-1', MULTIPART_THRESHOLD);
    const deep = quote([1000, 50 * 1024 * 1024], 'DEEP_ARCHIVE');
    const ia = quote([20_000, 300], 'STANDARD_IA');
    expect(overview.costByClass.map((c) => c.storageClass)).toEqual(
      // Dearest first.
      ia.storagePerMonth > deep.storagePerMonth
        ? ['STANDARD_IA', 'DEEP_ARCHIVE']
        : ['DEEP_ARCHIVE', 'STANDARD_IA'],
    );
    const byClass = Object.fromEntries(overview.costByClass.map((c) => [c.storageClass, c]));
    expect(byClass.DEEP_ARCHIVE).toMatchObject({
      objects: 2,
      bytes: 1000 + 50 * 1024 * 1024,
      billedBytes: deep.billedBytes,
      byDestination: [{ destination: 'cold', costPerMonth: byClass.DEEP_ARCHIVE!.costPerMonth }],
    });
    // Fractions of a cent are kept (the quote rounds to a hundredth of a cent).
    const GiB = 1024 ** 3;
    const deepExact =
      ((1000 + 50 * 1024 * 1024 + 2 * 32768) / GiB) * 0.00099 + ((2 * 8192) / GiB) * 0.023;
    expect(byClass.DEEP_ARCHIVE!.costPerMonth).toBeCloseTo(deepExact, 8);
    expect(byClass.DEEP_ARCHIVE!.costPerMonth).toBeCloseTo(deep.storagePerMonth, 4);
    expect(byClass.STANDARD_IA).toMatchObject({ objects: 2, billedBytes: 2 * 131072 });
    expect(byClass.STANDARD_IA!.costPerMonth).toBeCloseTo(((2 * 131072) / GiB) * 0.0125, 8);
    expect(byClass.STANDARD_IA!.costPerMonth).toBeCloseTo(ia.storagePerMonth, 4);
    const dest = overview.destinations.find((d) => d.name === 'cold')!;
    expect(dest).toMatchObject({
      kind: 's3',
      storageClass: 'DEEP_ARCHIVE',
      region: 'eu-west-1',
      objects: 4,
      lostObjects: 1,
      estimated: false,
    });
    expect(dest.costPerMonth).toBeCloseTo(
      byClass.DEEP_ARCHIVE!.costPerMonth + byClass.STANDARD_IA!.costPerMonth,
      8,
    );
    expect(overview.totals.costPerMonth).toBeCloseTo(dest.costPerMonth!, 8);
    // a.jpg's content is a different hash here: the media files are still not in "cold".
    expect(overview.roots.find((r) => r.label === 'photos')!.destinations[0]).toEqual({
      destination: 'cold',
      files: 0,
      bytes: 0,
    });
  });

  it('does not count a file changed since its copy, nor one not read since it changed', async () => {
    const trip = path.join(env.dir, 'photos', 'Trip');
    writeFileSync(path.join(trip, 'b.jpg'), 'B'.repeat(2500));
    await scan(env, photos);
    let root = catalogOverview(env.ctx.catalog).roots.find((r) => r.label === 'photos')!;
    // usb holds b.jpg's old content only.
    expect(root).toMatchObject({ files: 3, bytes: 7500, unreadFiles: 0 });
    expect(root.destinations[1]).toEqual({ destination: 'usb', files: 2, bytes: 5000 });

    // What a scan leaves for a file that changed while it was read: listed at its new mtime,
    // content (hash) from before.
    env.ctx.catalog.db
      .update(files)
      .set({ contentMtimeMs: 1 })
      .where(and(eq(files.rootId, photos.id), eq(files.relPath, 'Trip/c.mp4')))
      .run();
    root = catalogOverview(env.ctx.catalog).roots.find((r) => r.label === 'photos')!;
    expect(root).toMatchObject({ files: 3, unreadFiles: 1 });
    expect(root.destinations[1]).toEqual({ destination: 'usb', files: 1, bytes: 1000 });
    expect(root.archivedAnywhere).toEqual({ files: 1, bytes: 1000 });
  });

  it('lists the latest per-file failures of jobs, newest first', async () => {
    const job = await env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(usb, photos, ''));
    const overview = catalogOverview(env.ctx.catalog);
    expect(overview.roots.find((r) => r.label === 'photos')!.destinations[1]).toEqual({
      destination: 'usb',
      files: 2,
      bytes: 3500,
    });
    expect(overview.recentFailures[0]).toEqual({
      jobId: job.id,
      jobKind: 'archive',
      jobState: 'done',
      item: 'Trip/c.mp4',
      reason: expect.stringContaining('not read by a scan yet'),
      at: expect.any(Number),
    });
    // Then the scans' (c.mp4 is no real video), newest first.
    const rest = overview.recentFailures.slice(1);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((f) => f.jobKind === 'scan' && f.jobId < job.id)).toBe(true);
    const times = overview.recentFailures.map((f) => f.at);
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });
});

describe('GET /api/overview', () => {
  it('needs a session', async () => {
    const res = await http.get('/api/overview', '');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'auth_required' } });
  });

  it('answers the dashboard numbers', async () => {
    const res = await http.get('/api/overview');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ currency: 'USD', pricesAsOf: expect.any(String) });
    expect(body.roots.map((r: { label: string }) => r.label)).toEqual(['photos', 'videos']);
    expect(body.destinations.map((d: { name: string }) => d.name)).toEqual(['cold', 'usb']);
  });
});
