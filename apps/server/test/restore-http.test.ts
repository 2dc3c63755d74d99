import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_JOB } from '../src/archive/archive-job.js';
import { addDestination } from '../src/archive/destinations.js';
import { archiveParams } from '../src/archive/start.js';
import { fileByPath } from '../src/catalog/browse.js';
import { buildApp } from '../src/http/app.js';
import { getJob } from '../src/jobs/store.js';
import { itemsOf } from '../src/restore/store.js';
import type { RootRow } from '../src/roots/roots.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  MOTO_START_TIMEOUT_MS,
  startMoto,
  type Moto,
} from './helpers/moto.js';
import { createBucket } from './storage/support.js';

let moto: Moto;
let proxy: FaultProxy;
let env: TestEnv;
let app: FastifyInstance;
let root: RootRow;
let cookie: string;
const PHOTO = randomBytes(6000);
const HOST = 'nas.local:8377';

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
  });
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  await createBucket(moto.endpoint, 'vault');
  env = createTestEnv({ GLACIER_RESTORE_POLL_MS: '20,200' });
  root = makeRoot(env, 'photos', { 'Trip/IMG 1 "été".jpg': PHOTO, 'Trip/b.jpg': 'second' });
  await scan(env, root);
  const cold = addDestination(env.ctx.catalog, {
    name: 'cold',
    url: 's3://vault/nas',
    storageClass: 'glacier',
    endpoint: proxy.endpoint,
    region: MOTO_REGION,
  });
  await env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(cold, root, ''));
  app = await buildApp(env.ctx);
  const setup = await app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { password: 'correct horse battery' },
    headers: { host: HOST },
  });
  cookie = `glacier_session=${setup.cookies.find((c) => c.name === 'glacier_session')!.value}`;
  env.ctx.runner.start();
}, MOTO_START_TIMEOUT_MS);

afterAll(async () => {
  await app?.close();
  await env?.cleanup();
  await proxy?.stop();
  await moto?.stop();
});

const get = (url: string, session = cookie) =>
  app.inject({ url, headers: { host: HOST, ...(session ? { cookie: session } : {}) } });
const post = (url: string, payload: object) =>
  app.inject({
    method: 'POST',
    url,
    payload,
    headers: { host: HOST, origin: `http://${HOST}`, cookie },
  });

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('restores over HTTP', () => {
  it('quotes, restores, tells a phone to wait, then streams the verified file', async () => {
    const photo = fileByPath(env.ctx.catalog, root, 'Trip/IMG 1 "été".jpg');
    const downloadUrl = `/api/files/${photo.id}/download?from=cold`;
    expect((await get(downloadUrl, '')).statusCode).toBe(401);

    const cold = await get(downloadUrl);
    expect(cold.statusCode).toBe(409);
    expect(cold.json().error).toMatchObject({ code: 'object_not_readable' });
    expect(cold.json().error.message).toMatch(
      /is in GLACIER and not restored: restore it first \(Expedited 1–5 minutes, Standard 3–5 hours, Bulk 5–12 hours\)/,
    );

    const quote = await post('/api/restores/quote', { destination: 'cold', root: 'photos' });
    expect(quote.statusCode).toBe(200);
    expect(quote.json()).toMatchObject({ objects: 2, quote: { toRestore: { objects: 2 } } });
    expect(quote.json().quote.tiers.map((t: { tier: string }) => t.tier)).toEqual([
      'Bulk',
      'Standard',
      'Expedited',
    ]);

    await moto.holdRestores();
    const dl = path.join(env.dir, 'downloads');
    const started = await post('/api/restores', {
      destination: 'cold',
      root: 'photos',
      tier: 'standard',
      to: dl,
    });
    expect(started.statusCode).toBe(202);
    const jobId = started.json().id as number;
    expect(started.json()).toMatchObject({ kind: 'restore', state: 'queued' });
    await until('restores in progress', () =>
      itemsOf(env.ctx.catalog, jobId).some((i) => i.state === 'in-progress'),
    );

    // While they thaw, a second quote does not price them again either.
    const meanwhile = await post('/api/restores/quote', { destination: 'cold', root: 'photos' });
    expect(meanwhile.json()).toMatchObject({ thawing: 2, quote: { toRestore: { objects: 0 } } });

    const waiting = await get(downloadUrl);
    expect(waiting.statusCode).toBe(409);
    expect(waiting.json().error.message).toMatch(
      /still being restored \(Standard from GLACIER takes 3–5 hours; requested .* UTC, expected by .* UTC\)/,
    );
    const list = await get('/api/restores');
    expect(list.json().restores[0]).toMatchObject({
      jobId,
      kind: 'restore',
      tier: 'Standard',
      target: dl,
      objects: 2,
    });
    const twice = await post('/api/restores', { destination: 'cold', root: 'photos', to: dl });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.message).toMatch(/already being restored/);

    await moto.releaseRestores();
    await until('the restore job', () => getJob(env.ctx.catalog, jobId).state === 'done');
    const details = await get(`/api/restores/${jobId}`);
    expect(details.json().items.map((i: { state: string }) => i.state)).toEqual([
      'downloaded',
      'downloaded',
    ]);

    // Quoted again now, nothing is thawed twice: both copies are restored and not expired.
    const again = await post('/api/restores/quote', { destination: 'cold', root: 'photos' });
    expect(again.json()).toMatchObject({
      objects: 2,
      alreadyRestored: 2,
      thawing: 0,
      quote: { toRestore: { objects: 0 }, readable: { objects: 2 } },
    });

    const ready = await get(downloadUrl);
    expect(ready.statusCode).toBe(200);
    expect(ready.rawPayload).toEqual(PHOTO);
    expect(ready.headers['content-disposition']).toBe(
      `attachment; filename="IMG 1 __t__.jpg"; filename*=UTF-8''IMG%201%20%22%C3%A9t%C3%A9%22.jpg`,
    );
    expect(ready.headers['content-length']).toBe(String(PHOTO.length));
  });

  it('never hands a browser a corrupted file as complete', async () => {
    const photo = fileByPath(env.ctx.catalog, root, 'Trip/IMG 1 "été".jpg');
    proxy.inject({ method: 'GET', path: /IMG/ }, { kind: 'corrupt' });
    const answer = await get(`/api/files/${photo.id}/download?from=cold`);
    expect(proxy.requests.filter((r) => r.fault === 'corrupt')).toHaveLength(1);
    expect(answer.statusCode).toBe(503);
    expect(answer.json().error).toMatchObject({ code: 'verification_failed' });
  });

  it('browses a destination by prefix and refuses a request that names nothing', async () => {
    const listing = await get('/api/destinations/cold/objects?prefix=photos/');
    expect(listing.statusCode).toBe(200);
    expect(listing.json()).toMatchObject({
      prefix: 'photos/',
      folders: [{ prefix: 'photos/Trip/', objects: 2 }],
    });
    const inside = await get('/api/destinations/cold/objects?prefix=photos/Trip/');
    expect(
      inside.json().objects.map((o: { key: string; known: boolean }) => [o.key, o.known]),
    ).toEqual([
      ['photos/Trip/IMG 1 "été".jpg', true],
      ['photos/Trip/b.jpg', true],
    ]);
    const both = await post('/api/restores/quote', {
      destination: 'cold',
      root: 'photos',
      key: 'x',
    });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toMatch(/say what to restore/);
    const relative = await post('/api/restores', {
      destination: 'cold',
      root: 'photos',
      to: 'downloads',
    });
    expect(relative.statusCode).toBe(400);
    expect(relative.json().error.message).toMatch(/absolute path/);
  });
});
