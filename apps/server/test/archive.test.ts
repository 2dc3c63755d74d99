import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_JOB } from '../src/archive/archive-job.js';
import {
  addDestination,
  getDestination,
  openFor,
  type DestinationRow,
} from '../src/archive/destinations.js';
import { planArchive } from '../src/archive/plan.js';
import { cleanupDestination, reconcileDestination } from '../src/archive/reconcile.js';
import { archiveParams } from '../src/archive/start.js';
import { browseFolder, fileByPath } from '../src/catalog/browse.js';
import { ObjectNotReadableError } from '../src/errors.js';
import { addRoot, type RootRow } from '../src/roots/roots.js';
import { planSummarise, SUMMARISE_JOB } from '../src/sheets/summarise.js';
import { buildLibrary } from './fixtures/library.js';
import {
  startFaultProxy,
  slowDown,
  internalError,
  type FaultProxy,
} from './helpers/fault-proxy.js';
import { MOTO_CREDENTIALS, MOTO_START_TIMEOUT_MS, startMoto, type Moto } from './helpers/moto.js';
import { createTestEnv, failuresOf, scan, type TestEnv } from './helpers/context.js';
import { createBucket } from './storage/support.js';

let moto: Moto;
let proxy: FaultProxy;
let env: TestEnv;
let root: RootRow;
let s3: DestinationRow;
let usb: DestinationRow;

const BIG = 'Trip/clips/long-take.mov';

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  await createBucket(moto.endpoint, 'archive');
  env = createTestEnv();
  const lib = await buildLibrary(path.join(env.dir, 'photos'), [
    { path: 'Trip/IMG_0001.jpg', photo: { takenAt: '2024-06-01T10:00:00' } },
    { path: 'Trip/IMG_0002.jpg', photo: { takenAt: '2024-06-01T10:01:00' } },
    { path: 'Trip/IMG_0002.xmp', bytes: '<x:xmpmeta/>' },
    { path: 'Trip/clips/clip.mp4', video: { durationS: 1 } },
    { path: 'Home/IMG_0100.jpg', photo: { takenAt: '2024-07-01T10:00:00' } },
  ]);
  // A long video, large enough to go up in several parts.
  writeFileSync(path.join(lib.root, BIG), randomBytes(40 * 1024 * 1024));
  root = addRoot(env.ctx.catalog, { path: lib.root, label: 'photos' });
  await scan(env, root);
  await env.ctx.runner.runNow(SUMMARISE_JOB, planSummarise(root, '', true));
  s3 = addDestination(env.ctx.catalog, {
    name: 'ireland',
    url: 's3://archive/nas',
    storageClass: 'deep-archive',
    endpoint: proxy.endpoint,
    region: 'us-east-1',
  });
  usb = addDestination(env.ctx.catalog, { name: 'usb', url: path.join(env.dir, 'usb-drive') });
  mkdirSync(path.join(env.dir, 'usb-drive'));
}, MOTO_START_TIMEOUT_MS);
afterAll(async () => {
  await env?.cleanup();
  await proxy?.stop();
  await moto?.stop();
});

const archive = (destination: DestinationRow, folder = '') =>
  env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(destination, root, folder));
const tagsOf = (folder: string) =>
  Object.fromEntries(
    browseFolder(env.ctx.catalog, root, { path: folder }).files.map((f) => [
      f.name,
      f.tags.archived,
    ]),
  );

describe('archiving', () => {
  it('plans first: what will be sent and what it costs', () => {
    const plan = planArchive(env.ctx.catalog, s3, root, '');
    expect(plan.items.map((i) => i.key).sort()).toEqual([
      'photos/Home/IMG_0100.jpg',
      'photos/Trip/IMG_0001.jpg',
      'photos/Trip/IMG_0002.jpg',
      'photos/Trip/IMG_0002.xmp',
      'photos/Trip/clips/clip.mp4',
      `photos/${BIG}`,
    ]);
    expect(plan.quote).toMatchObject({
      storageClass: 'DEEP_ARCHIVE',
      files: 6,
      minimumDays: 180,
      currency: 'USD',
    });
    expect(plan.quote!.putRequests).toBe(5 + 3 + 2); // 5 small PUTs, 3 parts + initiate + complete
  });

  it('archives a folder to S3, verified, in the destination class, and survives throttling', async () => {
    proxy.inject({ method: 'PUT', times: 2 }, slowDown());
    proxy.inject({ method: 'PUT', path: /partNumber=2/ }, internalError());
    const job = await archive(s3, 'Trip');
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ files: 5, archived: 5, failedFiles: 0 });
    expect(tagsOf('Trip')).toEqual({
      'IMG_0001.jpg': ['ireland'],
      'IMG_0002.jpg': ['ireland'],
      'IMG_0002.xmp': ['ireland'],
    });
    expect(tagsOf('Home')).toEqual({ 'IMG_0100.jpg': [] });

    const destination = openFor(s3);
    try {
      const big = await destination.head(`photos/${BIG}`);
      const local = fileByPath(env.ctx.catalog, root, BIG);
      expect(big).toMatchObject({
        storageClass: 'DEEP_ARCHIVE',
        size: local.size,
        sha256: local.sha256,
        readable: false,
      });
      await expect(destination.get(`photos/${BIG}`)).rejects.toThrow(ObjectNotReadableError);
      // The contact sheets went too, readable at once.
      const sheets = [];
      for await (const entry of destination.list('.glacier-archiver/sheets/')) sheets.push(entry);
      expect(sheets.map((s) => s.key).sort()).toEqual([
        '.glacier-archiver/sheets/photos/Trip/clips/page-001.json',
        '.glacier-archiver/sheets/photos/Trip/clips/page-001.webp',
        '.glacier-archiver/sheets/photos/Trip/page-001.json',
        '.glacier-archiver/sheets/photos/Trip/page-001.webp',
      ]);
      expect(sheets.every((s) => s.storageClass === 'STANDARD_IA')).toBe(true);
    } finally {
      destination.close();
    }
    // The tracker was told bytes, speed and time left.
    const progress = env.events.filter((e) => e.type === 'job.progress' && e.jobId === job.id);
    expect(
      progress.some(
        (e) =>
          e.type === 'job.progress' &&
          e.bytesTotal === job.summary!.bytes &&
          e.bytesPerSecond !== undefined,
      ),
    ).toBe(true);
  });

  it('sends nothing again, and counts a moved file as archived', async () => {
    renameSync(path.join(root.path, 'Trip/IMG_0001.jpg'), path.join(root.path, 'Trip/renamed.jpg'));
    await scan(env, root);
    const plan = planArchive(env.ctx.catalog, s3, root, 'Trip');
    expect(plan.items).toEqual([]);
    expect(plan.alreadyArchived).toBe(5);
    expect(tagsOf('Trip')['renamed.jpg']).toEqual(['ireland']);
    const again = await archive(s3, 'Trip');
    expect(again.summary).toMatchObject({ files: 0, bytesSent: 0 });
  });

  it('archives to a folder destination too: copies on two destinations, per file', async () => {
    const job = await archive(usb);
    expect(job.summary).toMatchObject({ files: 6, archived: 6, failedFiles: 0 });
    expect(tagsOf('Trip')).toMatchObject({
      'IMG_0002.jpg': ['ireland', 'usb'],
      'renamed.jpg': ['ireland', 'usb'],
    });
    expect(tagsOf('Home')).toEqual({ 'IMG_0100.jpg': ['usb'] });
  });

  it('does not archive a file edited since its scan, and says why', async () => {
    writeFileSync(path.join(root.path, 'Home/IMG_0100.jpg'), 'edited after the scan');
    const job = await archive(s3, 'Home');
    expect(job.summary).toMatchObject({ files: 1, archived: 0, failedFiles: 1 });
    expect(failuresOf(env, job.id).get('Home/IMG_0100.jpg')).toMatch(/changed since the last scan/);
    expect(tagsOf('Home')).toEqual({ 'IMG_0100.jpg': ['usb'] });
  });

  it('reports a bucket that does not exist in one line, recording nothing', async () => {
    const wrong = addDestination(env.ctx.catalog, {
      name: 'wrong',
      url: 's3://no-such-bucket/x',
      endpoint: moto.endpoint,
      region: 'us-east-1',
    });
    await scan(env, root);
    const job = await archive(wrong, 'Home');
    expect(job.summary).toMatchObject({ archived: 0, failedFiles: 1 });
    expect(failuresOf(env, job.id).get('Home/IMG_0100.jpg')).toMatch(
      /no-such-bucket.*does not exist/,
    );
    expect(tagsOf('Home')['IMG_0100.jpg']).not.toContain('wrong');
  });

  it('reconciles: a copy gone from the bucket is flagged, an object put by another tool is adopted', async () => {
    const destination = openFor(s3);
    try {
      await destination.delete('photos/Trip/IMG_0002.jpg');
      const home = fileByPath(env.ctx.catalog, root, 'Home/IMG_0100.jpg');
      await destination.put('by-rclone/IMG_0100.jpg', {
        path: path.join(root.path, 'Home/IMG_0100.jpg'),
        size: home.size,
        sha256: home.sha256!,
        mtimeMs: home.mtimeMs,
      });
    } finally {
      destination.close();
    }
    const report = await reconcileDestination(
      env.ctx.catalog,
      getDestination(env.ctx.catalog, 'ireland'),
    );
    expect(report.lost).toEqual(['photos/Trip/IMG_0002.jpg']);
    expect(report.adopted).toEqual(['by-rclone/IMG_0100.jpg']);
    expect(tagsOf('Trip')['IMG_0002.jpg']).toEqual(['usb']);
    // Edited since the usb copy was made: only the adopted copy holds its current content.
    expect(tagsOf('Home')['IMG_0100.jpg']).toEqual(['ireland']);
  });

  it('cleans up multipart uploads nobody will resume', async () => {
    const destination = openFor(s3, { retry: false });
    const big = fileByPath(env.ctx.catalog, root, BIG);
    const stop = new AbortController();
    try {
      await destination.put(
        'abandoned/long-take.mov',
        {
          path: path.join(root.path, BIG),
          size: big.size,
          sha256: big.sha256!,
          mtimeMs: big.mtimeMs,
        },
        {
          signal: stop.signal,
          onPartDone: (state) => {
            if (state.parts.length === 1) stop.abort();
          },
        },
      );
    } catch {
      // stopped half-way on purpose
    } finally {
      destination.close();
    }
    const result = await cleanupDestination(env.ctx.catalog, s3);
    expect(result.aborted).toEqual(['abandoned/long-take.mov']);
    expect((await cleanupDestination(env.ctx.catalog, s3)).aborted).toEqual([]);
  });
});

describe('archiving over HTTP', () => {
  it('adds and tests destinations, quotes, and runs an archive job to the end', async () => {
    const { buildApp } = await import('../src/http/app.js');
    const { createSession, setupAdminPassword, isSetupRequired } =
      await import('../src/auth/auth.js');
    const app = await buildApp(env.ctx);
    try {
      if (isSetupRequired(env.ctx.catalog))
        await setupAdminPassword(env.ctx.catalog, 'archive password');
      const cookie = `glacier_session=${createSession(env.ctx.catalog).token}`;
      const post = (url: string, payload: object) =>
        app.inject({ method: 'POST', url, payload, headers: { cookie } });

      const added = await post('/api/destinations', {
        name: 'second',
        url: 's3://archive/second',
        storageClass: 'GLACIER_IR',
        endpoint: moto.endpoint,
        region: 'us-east-1',
      });
      expect(added.statusCode).toBe(201);
      expect(added.json()).toMatchObject({
        name: 'second',
        kind: 's3',
        url: 's3://archive/second',
        storageClass: 'GLACIER_IR',
      });
      expect(JSON.stringify(added.json())).not.toMatch(/secret|test/i);
      const dup = await post('/api/destinations', { name: 'second', url: '/tmp' });
      expect(dup.statusCode).toBe(409);
      const probe = await post('/api/destinations/second/test', {});
      expect(probe.json()).toMatchObject({ ok: true });
      expect(probe.json().checks.map((c: { name: string }) => c.name)).toEqual([
        'list',
        'put',
        'head',
        'get',
        'delete',
      ]);

      const plan = await post('/api/archives/plan', {
        destination: 'second',
        root: 'photos',
        path: 'Trip',
      });
      expect(plan.statusCode).toBe(200);
      expect(plan.json()).toMatchObject({
        files: 5,
        quote: { storageClass: 'GLACIER_IR', minimumDays: 90 },
      });

      env.ctx.runner.start();
      const started = await post('/api/archives', {
        destination: 'second',
        root: 'photos',
        path: 'Trip',
      });
      expect(started.statusCode).toBe(202);
      const again = await post('/api/archives', {
        destination: 'second',
        root: 'photos',
        path: 'Trip',
      });
      expect(again.statusCode).toBe(409);
      const id = started.json().id as number;
      for (let i = 0; i < 400; i++) {
        const job = (await app.inject({ url: `/api/jobs/${id}`, headers: { cookie } })).json();
        if (job.state === 'done') break;
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(
        (await app.inject({ url: `/api/jobs/${id}`, headers: { cookie } })).json(),
      ).toMatchObject({
        state: 'done',
        summary: { files: 5, archived: 5 },
      });
      expect(tagsOf('Trip')['renamed.jpg']).toContain('second');
      const list = await app.inject({ url: '/api/destinations', headers: { cookie } });
      expect(list.json().destinations.map((d: { name: string }) => d.name)).toEqual([
        'ireland',
        'second',
        'usb',
        'wrong',
      ]);
      expect((await app.inject({ url: '/api/destinations' })).statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
