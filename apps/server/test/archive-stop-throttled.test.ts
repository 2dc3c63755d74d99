import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDestination, type DestinationRow } from '../src/archive/destinations.js';
import { copiesIn } from '../src/archive/copies.js';
import { startArchive } from '../src/archive/start.js';
import { getJob, type JobRow } from '../src/jobs/store.js';
import type { RootRow } from '../src/roots/roots.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';
import { MOTO_CREDENTIALS, MOTO_START_TIMEOUT_MS, startMoto, type Moto } from './helpers/moto.js';
import { createBucket } from './storage/support.js';

/**
 * Pausing or cancelling an archive while its upload waits for bandwidth (a limit set in
 * Settings): the part's body is mid-stream when the job's signal aborts the request. The body
 * must end quietly: an error thrown into a stream the SDK has let go of is an unhandled 'error'
 * event, which ends the whole server (Vitest fails a run on any unhandled error).
 */

let moto: Moto;
let env: TestEnv;
let root: RootRow;
let s3: DestinationRow;
const FILE_BYTES = 3 * 1024 * 1024;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  moto = await startMoto();
  await createBucket(moto.endpoint, 'archive');
  // 256 KiB/s: a 3 MiB file takes twelve seconds, plenty of time to stop it half-way.
  env = createTestEnv({ GLACIER_UPLOAD_LIMIT_KIBPS: '256' });
  root = makeRoot(env, 'photos', {
    'Paused/clip.mov': randomBytes(FILE_BYTES),
    'Cancelled/clip.mov': randomBytes(FILE_BYTES),
  });
  await scan(env, root);
  s3 = addDestination(env.ctx.catalog, {
    name: 'ireland',
    url: 's3://archive/nas',
    storageClass: 'deep-archive',
    endpoint: moto.endpoint,
    region: 'us-east-1',
  });
  env.ctx.runner.start();
}, MOTO_START_TIMEOUT_MS);
afterAll(async () => {
  await env?.cleanup();
  await moto?.stop();
});

async function until<T>(what: string, check: () => T | undefined | false): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const value = check();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Waits until some of the job's bytes have left, but not all: the upload is mid-body. */
async function midUpload(job: JobRow): Promise<void> {
  await until('bytes on their way', () =>
    env.events.some(
      (e) =>
        e.type === 'job.progress' &&
        e.jobId === job.id &&
        e.bytesDone > 0 &&
        e.bytesDone < FILE_BYTES,
    ),
  );
}

const finalState = (job: JobRow, states: string[]) =>
  until(`job ${job.id} to be ${states.join(' or ')}`, () =>
    states.includes(getJob(env.ctx.catalog, job.id).state)
      ? getJob(env.ctx.catalog, job.id)
      : false,
  );

describe('stopping a throttled S3 upload half-way', () => {
  it('pauses quietly, records nothing, and sends the whole file on resume', async () => {
    const job = startArchive(env.ctx, s3, root, 'Paused');
    await midUpload(job);
    env.ctx.runner.pause(job.id);
    await finalState(job, ['paused']);
    expect(copiesIn(env.ctx.catalog, s3.id)).toHaveLength(0);
    // Longer than a throttle wait: a body left waiting would wake up and throw now.
    await new Promise((resolve) => setTimeout(resolve, 1500));

    env.ctx.runner.resume(job.id);
    const done = await finalState(job, ['done', 'failed', 'cancelled']);
    expect(done.state).toBe('done');
    const copies = copiesIn(env.ctx.catalog, s3.id);
    expect(copies.map((c) => c.key)).toEqual(['photos/Paused/clip.mov']);
  }, 60_000);

  it('cancels quietly and records nothing', async () => {
    const job = startArchive(env.ctx, s3, root, 'Cancelled');
    await midUpload(job);
    env.ctx.runner.cancel(job.id);
    expect((await finalState(job, ['cancelled', 'done', 'failed'])).state).toBe('cancelled');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(copiesIn(env.ctx.catalog, s3.id).map((c) => c.key)).toEqual(['photos/Paused/clip.mov']);
  }, 60_000);
});
