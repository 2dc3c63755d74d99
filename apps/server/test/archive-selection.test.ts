import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_JOB, archiveParamsSchema } from '../src/archive/archive-job.js';
import { addDestination, openFor, type DestinationRow } from '../src/archive/destinations.js';
import { MAX_ARCHIVE_SELECTION } from '../src/archive/limits.js';
import { planArchive } from '../src/archive/plan.js';
import { archiveParams } from '../src/archive/start.js';
import { browseFolder, fileByPath } from '../src/catalog/browse.js';
import { jobs } from '../src/catalog/schema.js';
import { FilesOutsideScopeError, UserInputError } from '../src/errors.js';
import { getJob } from '../src/jobs/store.js';
import type { RootRow } from '../src/roots/roots.js';
import { createTestEnv, failuresOf, makeRoot, scan, type TestEnv } from './helpers/context.js';
import { signedInApp, type SignedInApp } from './helpers/http.js';
import { MOTO_REGION, MOTO_START_TIMEOUT_MS, type Moto } from './helpers/moto.js';
import { collect, startMotoWithBucket } from './storage/support.js';

let moto: Moto;
let env: TestEnv;
let http: SignedInApp;
let root: RootRow;
let other: RootRow;
let s3: DestinationRow;
let usb: DestinationRow;

beforeAll(async () => {
  moto = await startMotoWithBucket('picked');
  env = createTestEnv();
  // Every file different: the same content twice would be sent once.
  root = makeRoot(env, 'photos', {
    'Trip/a.jpg': randomBytes(40_000),
    'Trip/b.jpg': randomBytes(40_000),
    'Trip/c.jpg': randomBytes(40_000),
    'Trip/d.jpg': randomBytes(40_000),
    'Trip/day2/e.jpg': randomBytes(40_000),
    'Trip/day2/f.jpg': randomBytes(40_000),
    'Home/g.jpg': randomBytes(40_000),
  });
  other = makeRoot(env, 'phone', { 'Camera/h.jpg': randomBytes(40_000) });
  await scan(env, root);
  await scan(env, other);
  s3 = addDestination(env.ctx.catalog, {
    name: 'offsite',
    url: 's3://picked/nas',
    storageClass: 'DEEP_ARCHIVE',
    endpoint: moto.endpoint,
    region: MOTO_REGION,
  });
  mkdirSync(path.join(env.dir, 'usb-drive'));
  usb = addDestination(env.ctx.catalog, { name: 'usb', url: path.join(env.dir, 'usb-drive') });
  mkdirSync(path.join(env.dir, 'usb-two'));
  addDestination(env.ctx.catalog, { name: 'usb2', url: path.join(env.dir, 'usb-two') });
  http = await signedInApp(env);
}, MOTO_START_TIMEOUT_MS);
afterAll(async () => {
  await http?.app.close();
  await env?.cleanup();
  await moto?.stop();
});

const id = (relPath: string, r: RootRow = root) => fileByPath(env.ctx.catalog, r, relPath).id;
const tagsOf = (folder: string) =>
  Object.fromEntries(
    browseFolder(env.ctx.catalog, root, { path: folder }).files.map((f) => [
      f.name,
      f.tags.archived,
    ]),
  );

/** POSTs an archive request (plan or start) about photos/Trip unless told otherwise. */
const ask = (
  what: 'plan' | 'start',
  body: { destination: string; path?: string; fileIds?: number[] },
) =>
  http.send('POST', what === 'plan' ? '/api/archives/plan' : '/api/archives', {
    root: 'photos',
    path: 'Trip',
    ...body,
  });

async function waitForEnd(jobId: number) {
  for (let i = 0; i < 600; i++) {
    const job = getJob(env.ctx.catalog, jobId);
    if (job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') return job;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${jobId} did not end`);
}

describe('archiving a selection of files', () => {
  it('plans only the picked files, folder plans stay whole', () => {
    const picked = [id('Trip/a.jpg'), id('Trip/day2/e.jpg'), id('Trip/a.jpg')];
    const plan = planArchive(env.ctx.catalog, s3, root, 'Trip', picked);
    expect(plan.items.map((i) => i.key)).toEqual(['photos/Trip/a.jpg', 'photos/Trip/day2/e.jpg']);
    expect(plan).toMatchObject({ selected: 2, missing: [], unread: [], alreadyArchived: 0 });
    expect(plan.quote).toMatchObject({ files: 2 });
    expect(plan.sheetFolders?.sort()).toEqual(['Trip', 'Trip/day2']);

    const folder = planArchive(env.ctx.catalog, s3, root, 'Trip');
    expect(folder.items).toHaveLength(6);
    expect(folder).toMatchObject({ selected: null, sheetFolders: null });
  });

  it('one archive per root and destination: a selection and a folder job do not run together', async () => {
    const selection = await ask('start', { destination: 'usb', fileIds: [id('Trip/b.jpg')] });
    expect(selection.statusCode).toBe(202);
    const folder = await ask('start', { destination: 'usb', path: 'Home' });
    expect(folder.statusCode).toBe(409);
    expect(folder.json().error).toMatchObject({
      code: 'conflict',
      details: { jobId: selection.json().id },
    });
    const otherSelection = await ask('start', { destination: 'usb', fileIds: [id('Trip/d.jpg')] });
    expect(otherSelection.statusCode).toBe(409);
    // Another destination is not held up.
    const elsewhere = await ask('start', { destination: 'usb2', fileIds: [id('Trip/b.jpg')] });
    expect(elsewhere.statusCode).toBe(202);

    env.ctx.runner.start();
    expect((await waitForEnd(selection.json().id)).summary).toMatchObject({ archived: 1 });
    expect((await waitForEnd(elsewhere.json().id)).summary).toMatchObject({ archived: 1 });
    expect(tagsOf('Trip')['b.jpg']?.sort()).toEqual(['usb', 'usb2']);
    expect(tagsOf('Trip')['d.jpg']).toEqual([]);
    expect(tagsOf('Home')).toEqual({ 'g.jpg': [] });
  });

  it('sends only the picked files to S3 and records copies of those alone', async () => {
    const picked = [id('Trip/a.jpg'), id('Trip/c.jpg'), id('Trip/day2/f.jpg')];
    const quoted = await ask('plan', { destination: 'offsite', fileIds: picked });
    expect(quoted.statusCode).toBe(200);
    expect(quoted.json()).toMatchObject({
      files: 3,
      selected: 3,
      missing: 0,
      quote: { files: 3 },
    });

    const started = await ask('start', { destination: 'offsite', fileIds: picked });
    expect(started.statusCode).toBe(202);
    // The selection is in the job's stored parameters: a resume after a restart plans it again.
    const stored = archiveParamsSchema.parse(getJob(env.ctx.catalog, started.json().id).params);
    expect(stored.fileIds).toEqual(picked);

    const job = await waitForEnd(started.json().id);
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ files: 3, archived: 3, selected: 3, failedFiles: 0 });
    const onS3 = (folder: string) =>
      Object.entries(tagsOf(folder)).flatMap(([name, at]) =>
        at.includes('offsite') ? [name] : [],
      );
    expect(onS3('Trip')).toEqual(['a.jpg', 'c.jpg']);
    expect(onS3('Trip/day2')).toEqual(['f.jpg']);
    expect(onS3('Home')).toEqual([]);

    const destination = openFor(s3);
    try {
      const keys = (await collect(destination.list('photos/'))).map((o) => o.key).sort();
      expect(keys).toEqual(['photos/Trip/a.jpg', 'photos/Trip/c.jpg', 'photos/Trip/day2/f.jpg']);
    } finally {
      destination.close();
    }
  });

  it('refuses ids outside the root and folder with a clear 400, starting nothing', async () => {
    const before = env.ctx.catalog.db.select().from(jobs).all().length;
    const cases = [
      { ids: [id('Trip/b.jpg'), id('Home/g.jpg')], bad: id('Home/g.jpg') }, // another folder
      { ids: [id('Camera/h.jpg', other)], bad: id('Camera/h.jpg', other) }, // another root
      { ids: [id('Trip/b.jpg'), 999_999], bad: 999_999 }, // no such file
    ];
    for (const { ids, bad } of cases) {
      for (const what of ['plan', 'start'] as const) {
        const res = await ask(what, { destination: 'usb', fileIds: ids });
        expect(res.statusCode).toBe(400);
        expect(res.json().error).toMatchObject({
          code: 'files_outside_scope',
          details: { fileIds: [bad] },
        });
        expect(res.json().error.message).toContain(`${bad} is not in photos/Trip`);
      }
    }
    expect(() => planArchive(env.ctx.catalog, usb, root, 'Trip', [999_999])).toThrow(
      FilesOutsideScopeError,
    );
    expect(env.ctx.catalog.db.select().from(jobs).all().length).toBe(before);
  });

  it(`takes at most ${MAX_ARCHIVE_SELECTION.toLocaleString('en-US')} files, and at least one`, async () => {
    const tooMany = Array.from({ length: MAX_ARCHIVE_SELECTION + 1 }, (_, i) => i + 1);
    const res = await ask('plan', { destination: 'usb', fileIds: tooMany });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.message).toMatch(/at most 100,000 files/);
    expect(() => planArchive(env.ctx.catalog, usb, root, 'Trip', tooMany)).toThrow(
      /at most 100,000 picked files/,
    );
    expect(() =>
      archiveParams(usb, root, 'Trip', { catalog: env.ctx.catalog, fileIds: [] }),
    ).toThrow(UserInputError);
  });

  it('reports a picked file gone from the NAS since its scan, and sends the rest', async () => {
    rmSync(path.join(root.path, 'Trip/day2/e.jpg'));
    await scan(env, root, 'Trip/day2');
    const picked = [id('Trip/day2/e.jpg'), id('Trip/d.jpg')];
    const plan = planArchive(env.ctx.catalog, usb, root, 'Trip', picked);
    expect(plan.missing).toEqual(['Trip/day2/e.jpg']);
    expect(plan.items.map((i) => i.relPath)).toEqual(['Trip/d.jpg']);

    const job = await env.ctx.runner.runNow(
      ARCHIVE_JOB,
      archiveParams(usb, root, 'Trip', { catalog: env.ctx.catalog, fileIds: picked }),
    );
    expect(job.summary).toMatchObject({ archived: 1, missing: 1, selected: 2 });
    expect(failuresOf(env, job.id).get('Trip/day2/e.jpg')).toMatch(/gone from the NAS/);
    expect(tagsOf('Trip')['d.jpg']).toEqual(['usb']);
    expect(tagsOf('Trip')['c.jpg']).toEqual(['offsite']);
    expect(tagsOf('Trip')['a.jpg']).toEqual(['offsite']);
  });
});
