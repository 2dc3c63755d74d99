/**
 * A restore job waiting hours for Glacier gives its slot up (jobs/runner.ts waitOutsideSlot):
 * the next restore job starts and finishes meanwhile, and the waiting one, still `running` and
 * leased by this process, takes a slot again and finishes once its restore completes. Against
 * moto, with the restore held in progress by moto's state manager, through the server's job loop.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ARCHIVE_JOB } from '../src/archive/archive-job.js';
import { addDestination, type DestinationRow } from '../src/archive/destinations.js';
import { archiveParams } from '../src/archive/start.js';
import { getJob } from '../src/jobs/store.js';
import type { RootRow } from '../src/roots/roots.js';
import { startRestore } from '../src/restore/start.js';
import { itemsOf } from '../src/restore/store.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  MOTO_START_TIMEOUT_MS,
  startMoto,
  type Moto,
} from './helpers/moto.js';
import { createBucket } from './storage/support.js';

let moto: Moto;
let env: TestEnv;
let root: RootRow;
let deep: DestinationRow;
const HELD = randomBytes(3000);
const FREE = randomBytes(4000);

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
  });
  moto = await startMoto();
  await createBucket(moto.endpoint, 'vault');
  // Restores that take hours on S3 are checked every 20 to 200 ms here.
  env = createTestEnv({ GLACIER_RESTORE_POLL_MS: '20,200' });
  root = makeRoot(env, 'photos', { 'held/a.jpg': HELD, 'free/b.jpg': FREE });
  await scan(env, root);
  deep = addDestination(env.ctx.catalog, {
    name: 'deep',
    url: 's3://vault/nas',
    storageClass: 'deep-archive',
    endpoint: moto.endpoint,
    region: MOTO_REGION,
  });
  const archive = (folder: string) =>
    env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(deep, root, folder));
  expect((await archive('held')).summary).toMatchObject({ archived: 1 });
  // Restores of the objects there now stay in progress; objects put later restore at once.
  await moto.holdRestores();
  expect((await archive('free')).summary).toMatchObject({ archived: 1 });
}, MOTO_START_TIMEOUT_MS);

afterAll(async () => {
  await env?.cleanup();
  await moto?.stop();
});

/** Waits (without timing anything) until `check` holds. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const ended = (id: number) =>
  ['done', 'failed', 'cancelled'].includes(getJob(env.ctx.catalog, id).state);
const checksOf = (id: number) => itemsOf(env.ctx.catalog, id).reduce((n, i) => n + i.checks, 0);

it('runs the next restore job to its end while the first waits for Glacier', async () => {
  env.ctx.runner.start();
  const restore = (folder: string) =>
    startRestore(
      env.ctx,
      { destination: 'deep', root: 'photos', path: folder, to: path.join(env.dir, `dl-${folder}`) },
      { request: true },
    );
  const first = await restore('held');
  await until('the first restore to be in progress', () => checksOf(first.id) > 0);
  const second = await restore('free');

  // The first keeps polling (20 → 200 ms); a second job left queued behind it never ends.
  const checksBefore = checksOf(first.id);
  await until(
    'the second job to end, or the first to poll 50 more times',
    () => ended(second.id) || checksOf(first.id) >= checksBefore + 50,
  );
  expect(getJob(env.ctx.catalog, second.id).state).toBe('done');
  expect(readFileSync(path.join(env.dir, 'dl-free', 'photos', 'free', 'b.jpg'))).toEqual(FREE);
  // Meanwhile the first was waiting, still running and leased by this process.
  expect(getJob(env.ctx.catalog, first.id)).toMatchObject({
    state: 'running',
    owner: env.ctx.runner.owner,
  });
  expect(itemsOf(env.ctx.catalog, first.id).map((i) => i.state)).toEqual(['in-progress']);

  // Once S3 has restored it, the first takes a slot again and downloads.
  await moto.releaseRestores();
  await until('the first job to end', () => ended(first.id));
  expect(getJob(env.ctx.catalog, first.id).state).toBe('done');
  expect(readFileSync(path.join(env.dir, 'dl-held', 'photos', 'held', 'a.jpg'))).toEqual(HELD);
});
