// Job views without their id lists (a count instead), and POST /api/jobs/:id/retry: a new job
// over the same stored params, through the same start checks as a new request.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDestination } from '../src/archive/destinations.js';
import { fileByPath } from '../src/catalog/browse.js';
import { getJob } from '../src/jobs/store.js';
import type { RootRow } from '../src/roots/roots.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';
import { signedInApp, TEST_HOST, type SignedInApp } from './helpers/http.js';

let env: TestEnv;
let http: SignedInApp;
let root: RootRow;

beforeAll(async () => {
  env = createTestEnv();
  const tree = ['Trip/a.jpg', 'Trip/b.jpg', 'Trip/c.jpg', 'Home/d.jpg'];
  root = makeRoot(env, 'photos', Object.fromEntries(tree.map((f) => [f, randomBytes(20_000)])));
  await scan(env, root);
  mkdirSync(path.join(env.dir, 'usb-drive'));
  addDestination(env.ctx.catalog, { name: 'usb', url: path.join(env.dir, 'usb-drive') });
  http = await signedInApp(env);
});
afterAll(async () => {
  await http?.app.close();
  await env?.cleanup();
});

const id = (relPath: string) => fileByPath(env.ctx.catalog, root, relPath).id;
const retry = (jobId: number | string, headers: Record<string, string> = {}) =>
  http.send('POST', `/api/jobs/${jobId}/retry`, undefined, headers);

/** Runs a queued job to its end in this process (the job loop is never started here). */
async function run(jobId: number) {
  return env.ctx.runner.runClaimed(getJob(env.ctx.catalog, jobId));
}

describe('job views and retry', () => {
  let archiveId: number;
  const picked = () => [id('Trip/a.jpg'), id('Trip/c.jpg')];

  it('sends the count of a selection, never its ids; the catalog keeps them', async () => {
    const started = await http.send('POST', '/api/archives', {
      destination: 'usb',
      root: 'photos',
      path: 'Trip',
      fileIds: picked(),
    });
    expect(started.statusCode).toBe(202);
    archiveId = started.json().id;
    expect(started.json()).toMatchObject({
      kind: 'archive',
      state: 'queued',
      params: { root: 'photos', path: 'Trip', destination: 'usb' },
      selection: { files: 2 },
      retryable: true,
    });
    for (const url of ['/api/jobs', `/api/jobs/${archiveId}`]) {
      const res = await http.get(url);
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('fileIds');
      expect(res.body).toContain('"selection":{"files":2}');
    }
    // Nor the process's bookkeeping.
    expect(started.json()).not.toHaveProperty('owner');
    expect(getJob(env.ctx.catalog, archiveId).params.fileIds).toEqual(picked());
  });

  it('refuses to retry a job still under way, and an unknown job', async () => {
    // The loop is never started here: the archive is still queued.
    const queued = await retry(archiveId);
    expect(queued.statusCode).toBe(409);
    expect(queued.json().error).toMatchObject({ code: 'conflict', details: { jobId: archiveId } });
    const unknown = await retry(999_999);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('not_found');
  });

  it('refuses a retry from a foreign origin, or without a session', async () => {
    const foreign = await retry(archiveId, { origin: 'http://evil.example' });
    expect(foreign.statusCode).toBe(403);
    const anonymous = await http.app.inject({
      method: 'POST',
      url: `/api/jobs/${archiveId}/retry`,
      headers: { host: TEST_HOST, origin: `http://${TEST_HOST}` },
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('starts a finished selection again over the same files only', async () => {
    expect((await run(archiveId)).summary).toMatchObject({ files: 2, archived: 2, selected: 2 });
    const again = await retry(archiveId);
    expect(again.statusCode).toBe(202);
    const next = again.json();
    expect(next).toMatchObject({ kind: 'archive', state: 'queued', selection: { files: 2 } });
    expect(next.id).not.toBe(archiveId);
    const params = getJob(env.ctx.catalog, archiveId).params;
    expect(getJob(env.ctx.catalog, next.id).params).toEqual(params);

    // A retry goes through the archive's own checks: one archive per root and destination.
    const meanwhile = await retry(archiveId);
    expect(meanwhile.statusCode).toBe(409);
    expect(meanwhile.json().error).toMatchObject({
      code: 'conflict',
      details: { jobId: next.id },
      message: expect.stringMatching(/one archive per root and destination/),
    });
    // The same two files (both there already: nothing to send), not the folder's three.
    expect((await run(next.id)).summary).toMatchObject({
      files: 0,
      selected: 2,
      alreadyArchived: 2,
      archived: 0,
    });
  });

  it('refuses a paused job, and re-checks a selection whose files left the folder', async () => {
    const paused = await http.send('POST', '/api/archives', {
      destination: 'usb',
      root: 'photos',
      path: 'Home',
    });
    expect((await http.send('POST', `/api/jobs/${paused.json().id}/pause`, {})).json().state).toBe(
      'paused',
    );
    expect((await retry(paused.json().id)).statusCode).toBe(409);
    await http.send('POST', `/api/jobs/${paused.json().id}/cancel`, {});

    // A selection's ids are checked again: the catalog now has one of them in Home.
    const stale = await http.send('POST', '/api/archives', {
      destination: 'usb',
      root: 'photos',
      path: 'Trip',
      fileIds: [id('Trip/b.jpg')],
    });
    await http.send('POST', `/api/jobs/${stale.json().id}/cancel`, {});
    env.ctx.catalog.sqlite
      .prepare("update files set rel_path = 'Home/b.jpg', dir = 'Home' where id = ?")
      .run(id('Trip/b.jpg'));
    const refused = await retry(stale.json().id);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toMatch(/not in photos\/Trip/);
  });

  it('starts a scan again', async () => {
    const first = await http.send('POST', '/api/scans', { root: 'photos', path: 'Home' });
    expect(first.statusCode).toBe(202);
    await run(first.json().id);
    const again = await retry(first.json().id);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({
      kind: 'scan',
      params: { root: 'photos', path: 'Home' },
      selection: null,
    });
    expect((await run(again.json().id)).state).toBe('done');
  });

  it('starts a download of picked files again: the same files, what is in place is skipped', async () => {
    const to = path.join(env.dir, 'restored');
    const first = await http.send('POST', '/api/downloads', {
      destination: 'usb',
      fileIds: picked(),
      to,
    });
    expect(first.statusCode).toBe(202);
    expect(first.json()).toMatchObject({
      kind: 'restore',
      params: { scope: { kind: 'files' } },
      selection: { files: 2 },
    });
    expect(first.body).not.toContain('fileIds');
    expect((await run(first.json().id)).summary).toMatchObject({ downloaded: 2 });

    // Quoted before it is asked again, as a new restore is: a folder thaws nothing.
    const quoted = await http.get(`/api/jobs/${first.json().id}/retry-quote`);
    expect(quoted.statusCode, quoted.body).toBe(200);
    expect(quoted.json()).toMatchObject({
      destination: 'usb',
      objects: 2,
      quote: { toRestore: { objects: 0 } },
    });
    const notRestore = await http.get(`/api/jobs/${archiveId}/retry-quote`);
    expect(notRestore.statusCode).toBe(400);
    expect(notRestore.json().error.message).toMatch(/only restores are quoted/);
    expect((await http.get(`/api/jobs/${first.json().id}/retry-quote`, '')).statusCode).toBe(401);

    const again = await retry(first.json().id);
    expect(again.statusCode).toBe(202);
    expect(again.json()).toMatchObject({ kind: 'restore', selection: { files: 2 } });
    const stored = getJob(env.ctx.catalog, again.json().id).params;
    expect(stored).toEqual(getJob(env.ctx.catalog, first.json().id).params);
    expect((await run(again.json().id)).summary).toMatchObject({
      objects: 2,
      skipped: 2,
      downloaded: 0,
    });
  });
});
