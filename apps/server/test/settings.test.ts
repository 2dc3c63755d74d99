import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_JOB } from '../src/archive/archive-job.js';
import { addDestination } from '../src/archive/destinations.js';
import { archiveParams } from '../src/archive/start.js';
import {
  currentRuntimeValues,
  readRuntimeSettings,
  updateRuntimeSettings,
} from '../src/settings/runtime.js';
import { VERSION } from '../src/version.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';
import { signedInApp, type SignedInApp } from './helpers/http.js';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  MOTO_START_TIMEOUT_MS,
  startMoto,
  type Moto,
} from './helpers/moto.js';
import { createBucket } from './storage/support.js';

// The configuration's values are the defaults the settings fall back to.
const CONFIG = {
  GLACIER_UPLOAD_LIMIT_KIBPS: '512',
  GLACIER_ARCHIVE_CONCURRENCY: '3',
  GLACIER_ARCHIVE_SMALL_CONCURRENCY: '6',
};

let env: TestEnv;
let http: SignedInApp;

beforeAll(async () => {
  env = createTestEnv(CONFIG);
  http = await signedInApp(env);
});

afterAll(async () => {
  await http?.app.close();
  await env?.cleanup();
});

const patch = (payload: unknown, headers: Record<string, string> = {}) =>
  http.send('PATCH', '/api/settings', payload, headers);

describe('settings changed at run time', () => {
  it('start from the configuration', () => {
    expect(readRuntimeSettings(env.ctx.catalog, env.ctx.config)).toEqual({
      uploadLimitKiBps: { value: 512, default: 512, overridden: false },
      archiveFileConcurrency: { value: 3, default: 3, overridden: false },
      archiveSmallFileConcurrency: { value: 6, default: 6, overridden: false },
      defaultStorageClass: { value: 'DEEP_ARCHIVE', default: 'DEEP_ARCHIVE', overridden: false },
    });
  });

  it('are stored in the catalog, survive a restart, and go back to the default with null', async () => {
    updateRuntimeSettings(env.ctx.catalog, env.ctx.config, {
      uploadLimitKiBps: 0,
      archiveFileConcurrency: 5,
      archiveSmallFileConcurrency: 20,
      defaultStorageClass: 'GLACIER',
    });
    // Another process on the same data dir (the CLI, or the server after a restart).
    const again = createTestEnv(CONFIG, { dir: env.dir });
    try {
      expect(currentRuntimeValues(again.ctx.catalog, again.ctx.config)).toEqual({
        uploadLimitKiBps: null, // 0 means no limit
        archiveFileConcurrency: 5,
        archiveSmallFileConcurrency: 20,
        defaultStorageClass: 'GLACIER',
      });
    } finally {
      await again.ctx.close();
    }
    const view = updateRuntimeSettings(env.ctx.catalog, env.ctx.config, {
      uploadLimitKiBps: null,
      archiveFileConcurrency: null,
      archiveSmallFileConcurrency: null,
    });
    expect(view.uploadLimitKiBps).toEqual({ value: 512, default: 512, overridden: false });
    expect(view.archiveFileConcurrency).toEqual({ value: 3, default: 3, overridden: false });
    expect(view.archiveSmallFileConcurrency).toEqual({ value: 6, default: 6, overridden: false });
    expect(view.defaultStorageClass).toEqual({
      value: 'GLACIER',
      default: 'DEEP_ARCHIVE',
      overridden: true,
    });
    updateRuntimeSettings(env.ctx.catalog, env.ctx.config, { defaultStorageClass: null });
  });

  it('give a new S3 destination its storage class when none is named', async () => {
    const add = (name: string, storageClass?: string) =>
      http.send('POST', '/api/destinations', {
        name,
        url: `s3://class-default/${name}`,
        ...(storageClass ? { storageClass } : {}),
      });
    const before = await add('before-setting');
    expect(before.statusCode).toBe(201);
    expect(before.json()).toMatchObject({ storageClass: 'DEEP_ARCHIVE' });
    updateRuntimeSettings(env.ctx.catalog, env.ctx.config, { defaultStorageClass: 'GLACIER_IR' });
    try {
      expect((await add('after-setting')).json()).toMatchObject({ storageClass: 'GLACIER_IR' });
      // A class named by the user wins; the one set earlier is not changed.
      expect((await add('named', 'STANDARD_IA')).json()).toMatchObject({
        storageClass: 'STANDARD_IA',
      });
      const list = (await http.get('/api/destinations')).json() as {
        destinations: { name: string; storageClass: string | null }[];
      };
      expect(list.destinations.find((d) => d.name === 'before-setting')?.storageClass).toBe(
        'DEEP_ARCHIVE',
      );
    } finally {
      updateRuntimeSettings(env.ctx.catalog, env.ctx.config, { defaultStorageClass: null });
    }
  });

  it('refuse a bad value without changing anything', () => {
    expect(() =>
      updateRuntimeSettings(env.ctx.catalog, env.ctx.config, {
        archiveFileConcurrency: 4,
        uploadLimitKiBps: -5,
      }),
    ).toThrow('The upload limit must be a whole number from 0 to 10,000,000 KiB/s');
    expect(currentRuntimeValues(env.ctx.catalog, env.ctx.config).archiveFileConcurrency).toBe(3);
    expect(() => updateRuntimeSettings(env.ctx.catalog, env.ctx.config, {})).toThrow(
      'Name at least one setting',
    );
  });
});

describe('/api/settings', () => {
  it('needs a session, and a state change our own origin', async () => {
    expect((await http.get('/api/settings', '')).statusCode).toBe(401);
    const anonymous = await patch({ uploadLimitKiBps: 100 }, { cookie: '' });
    expect(anonymous.statusCode).toBe(401);
    const foreign = await patch({ uploadLimitKiBps: 100 }, { origin: 'http://evil.example' });
    expect(foreign.statusCode).toBe(403);
    expect(currentRuntimeValues(env.ctx.catalog, env.ctx.config).uploadLimitKiBps).toBe(512);
  });

  it('shows the version and the data dir to a signed-in user only; health stays minimal', async () => {
    const res = await http.get('/api/settings');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      version: VERSION,
      dataDir: env.dataDir,
      uploadLimitKiBps: { value: 512, default: 512, overridden: false },
      storageClasses: ['DEEP_ARCHIVE', 'GLACIER', 'GLACIER_IR', 'STANDARD_IA', 'STANDARD'],
      appliesAt: {
        uploadLimitKiBps: 'now',
        archiveFileConcurrency: 'next-start',
        archiveSmallFileConcurrency: 'next-start',
      },
    });
    const health = await http.get('/api/health', '');
    expect(Object.keys(health.json()).sort()).toEqual(['status', 'version']);
  });

  it('changes a setting and answers the new values', async () => {
    const res = await patch({ uploadLimitKiBps: 2048 });
    expect(res.statusCode).toBe(200);
    expect(res.json().uploadLimitKiBps).toEqual({ value: 2048, default: 512, overridden: true });
    expect((await http.get('/api/settings')).json().uploadLimitKiBps.value).toBe(2048);
    expect((await patch({ uploadLimitKiBps: null })).json().uploadLimitKiBps.value).toBe(512);
  });

  it('sets the rate of the live upload throttle, which running uploads share', async () => {
    const throttle = env.ctx.uploadThrottle;
    // Started from the configuration: 512 KiB/s.
    expect(throttle.bytesPerSecond).toBe(512 * 1024);
    await patch({ uploadLimitKiBps: 100 });
    expect(throttle.bytesPerSecond).toBe(100 * 1024);
    await patch({ uploadLimitKiBps: 0 });
    expect(throttle.bytesPerSecond).toBeNull();
    await patch({ uploadLimitKiBps: 4096 });
    expect(throttle.bytesPerSecond).toBe(4096 * 1024);
    // A refused change leaves it alone; another setting does not touch it.
    expect((await patch({ uploadLimitKiBps: -5 })).statusCode).toBe(400);
    await patch({ archiveFileConcurrency: 4 });
    expect(throttle.bytesPerSecond).toBe(4096 * 1024);
    await patch({ uploadLimitKiBps: null, archiveFileConcurrency: null });
    expect(throttle.bytesPerSecond).toBe(512 * 1024);
    expect(env.ctx.uploadThrottle).toBe(throttle);
  });

  it.each([
    [{ uploadLimitKiBps: -1 }, 'uploadLimitKiBps: at least 0 (0 means no limit)'],
    [{ uploadLimitKiBps: 1.5 }, 'uploadLimitKiBps: a whole number of KiB/s is expected'],
    [{ uploadLimitKiBps: 'fast' }, 'uploadLimitKiBps: a number of KiB/s is expected'],
    [{ uploadLimitKiBps: 20_000_000 }, 'uploadLimitKiBps: at most 10000000 KiB/s'],
    [{ archiveFileConcurrency: 0 }, 'archiveFileConcurrency: at least 1 file'],
    [{ archiveFileConcurrency: 17 }, 'archiveFileConcurrency: at most 16 files'],
    [{ archiveSmallFileConcurrency: 65 }, 'archiveSmallFileConcurrency: at most 64 files'],
    [{ archiveSmallFileConcurrency: null, x: 1 }, 'Unrecognized key: "x"'],
    [{ defaultStorageClass: 'COLD' }, 'defaultStorageClass: one of DEEP_ARCHIVE, GLACIER'],
    [{ bandwidth: 5 }, 'Unrecognized key: "bandwidth"'],
    [{}, 'name at least one setting to change'],
  ])('refuses %j with a 400 that says why', async (body, message) => {
    const res = await patch(body);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invalid_input');
    expect(res.json().error.message).toContain(message);
  });
});

describe('archive jobs', () => {
  let moto: Moto;

  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
    moto = await startMoto();
    await createBucket(moto.endpoint, 'limits');
  }, MOTO_START_TIMEOUT_MS);
  afterAll(async () => {
    await moto?.stop();
  });
  const bucketDestination = (name: string, prefix: string) =>
    addDestination(env.ctx.catalog, {
      name,
      url: `s3://limits/${prefix}`,
      storageClass: 'STANDARD',
      endpoint: moto.endpoint,
      region: MOTO_REGION,
    });

  it('follow a change of the upload limit while they upload', async () => {
    const root = makeRoot(env, 'live', { 'C/three.jpg': randomBytes(1024 * 1024) });
    await scan(env, root);
    const s3 = bucketDestination('live', 'live');
    // 1 KiB/s: after the burst, the rest of this file would take more than ten minutes.
    await patch({ uploadLimitKiBps: 1 });
    const from = env.events.length;
    const running = env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(s3, root, 'C'));
    const uploading = () =>
      env.events.slice(from).some((e) => e.type === 'job.progress' && e.bytesDone > 0);
    while (!uploading()) await new Promise((r) => setTimeout(r, 20));
    // Held by the limit: the file is not through.
    await new Promise((r) => setTimeout(r, 300));
    expect(env.events.slice(from).some((e) => e.type === 'job.finished')).toBe(false);
    // Lifting the limit mid-upload lets it finish now (the test would time out otherwise).
    await patch({ uploadLimitKiBps: 0 });
    const job = await running;
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ archived: 1, bytesSent: 1024 * 1024 });
  });
});
