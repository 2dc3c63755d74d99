import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PutObjectCommand, type StorageClass } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_JOB } from '../src/archive/archive-job.js';
import { addDestination, type DestinationRow } from '../src/archive/destinations.js';
import { archiveParams } from '../src/archive/start.js';
import { fileByPath } from '../src/catalog/browse.js';
import { UserInputError } from '../src/errors.js';
import { getJob, listJobs, type JobRow } from '../src/jobs/store.js';
import { RESTORE_JOB } from '../src/restore/params.js';
import { listRemote } from '../src/restore/remote.js';
import { prepareRestore, quoteRestoreFor, type RestoreInput } from '../src/restore/start.js';
import { listRestores, restoreDetails } from '../src/restore/status.js';
import { itemsOf } from '../src/restore/store.js';
import type { RootRow } from '../src/roots/roots.js';
import { createTestEnv, failuresOf, makeRoot, scan, type TestEnv } from './helpers/context.js';
import {
  internalError,
  s3Error,
  slowDown,
  startFaultProxy,
  type FaultProxy,
} from './helpers/fault-proxy.js';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  MOTO_START_TIMEOUT_MS,
  startMoto,
  type Moto,
  motoClient,
} from './helpers/moto.js';
import { createBucket, filesUnder } from './storage/support.js';

let moto: Moto;
let proxy: FaultProxy;
let env: TestEnv;
let root: RootRow;
const dests: Record<string, DestinationRow> = {};
const BUCKET = 'vault';

const TREE: Record<string, Buffer> = {
  'Trip/a.jpg': randomBytes(3000),
  'Trip/b.jpg': randomBytes(5000),
  // Several 16 KiB chunks: fetched by parallel ranged GETs.
  'Trip/sub/c.mov': randomBytes(100 * 1024),
  'Home/d.jpg': randomBytes(4000),
};

beforeAll(async () => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
  });
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  await createBucket(moto.endpoint, BUCKET);
  env = createTestEnv({
    // Restores that take hours on S3 are checked every few milliseconds here.
    GLACIER_RESTORE_POLL_MS: '20,200',
    GLACIER_RESTORE_CHUNK_BYTES: String(16 * 1024),
  });
  root = makeRoot(env, 'photos', TREE);
  await scan(env, root);
  const add = (name: string, prefix: string, storageClass?: string) => {
    dests[name] = addDestination(env.ctx.catalog, {
      name,
      url: `s3://${BUCKET}/${prefix}`,
      endpoint: proxy.endpoint,
      region: MOTO_REGION,
      ...(storageClass ? { storageClass } : {}),
    });
  };
  add('deep', 'deep', 'deep-archive');
  add('glacier', 'glacier', 'glacier');
  add('instant', 'instant', 'glacier-ir');
  add('ext', 'ext', 'standard');
  mkdirSync(path.join(env.dir, 'usb'));
  dests.usb = addDestination(env.ctx.catalog, { name: 'usb', url: path.join(env.dir, 'usb') });
  for (const name of ['deep', 'glacier', 'instant', 'usb']) {
    const job = await env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(dests[name]!, root, ''));
    expect(job.summary).toMatchObject({ archived: 4, failedFiles: 0 });
  }
}, MOTO_START_TIMEOUT_MS);

afterAll(async () => {
  await env?.cleanup();
  await proxy?.stop();
  await moto?.stop();
});

const restoreRequests = () =>
  proxy.requests.filter((r) => r.method === 'POST' && /[?&]restore/.test(r.url));

async function restore(input: RestoreInput): Promise<JobRow> {
  const { params } = await prepareRestore(env.ctx, input, { request: true });
  return env.ctx.runner.runNow(RESTORE_JOB, params);
}

async function download(input: RestoreInput): Promise<JobRow> {
  const { params } = await prepareRestore(env.ctx, input, { request: false });
  return env.ctx.runner.runNow(RESTORE_JOB, params);
}

/** Waits (without timing anything) until `check` holds. */
async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

const latestRestoreJob = () => listJobs(env.ctx.catalog).jobs.find((j) => j.kind === RESTORE_JOB)!;
const states = (jobId: number) => itemsOf(env.ctx.catalog, jobId).map((i) => i.state);
const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function expectRestored(folder: string, rel: string): void {
  const file = path.join(folder, 'photos', ...rel.split('/'));
  expect(sha(readFileSync(file))).toBe(sha(TREE[rel]!));
  // The original mtime, to the millisecond the catalog holds.
  expect(Math.floor(statSync(file).mtimeMs)).toBe(fileByPath(env.ctx.catalog, root, rel).mtimeMs);
}

describe('restore quote', () => {
  it('quotes each tier from the classes of the copies; Deep Archive has no Expedited', async () => {
    const deep = await quoteRestoreFor(env.ctx, {
      destination: 'deep',
      root: 'photos',
      path: 'Trip',
    });
    expect(deep).toMatchObject({ objects: 3, notArchived: 0, quote: { days: 7 } });
    expect(deep.quote.toRestore.byClass).toEqual({ DEEP_ARCHIVE: 3 });
    expect(deep.quote.tiers.map((t) => [t.tier, t.available, t.wait?.text ?? null])).toEqual([
      ['Bulk', true, 'within 48 hours'],
      ['Standard', true, 'within 12 hours'],
      ['Expedited', false, null],
    ]);
    const glacier = await quoteRestoreFor(env.ctx, { destination: 'glacier', root: 'photos' });
    expect(glacier.quote.tiers.find((t) => t.tier === 'Expedited')).toMatchObject({
      available: true,
      wait: { text: '1–5 minutes' },
    });
    const instant = await quoteRestoreFor(env.ctx, { destination: 'instant', root: 'photos' });
    expect(instant.quote).toMatchObject({ tiers: [], readable: { objects: 4 } });
    const usb = await quoteRestoreFor(env.ctx, { destination: 'usb', root: 'photos' });
    expect(usb.quote).toMatchObject({ tiers: [], region: 'local', transferOut: { cost: 0 } });
    await expect(
      prepareRestore(
        env.ctx,
        { destination: 'deep', root: 'photos', tier: 'expedited' },
        { request: true },
      ),
    ).rejects.toThrow(/Deep Archive has no Expedited tier/);
  });
});

describe('a restore from Deep Archive', () => {
  it('waits while S3 thaws, refuses an early download with the wait, then downloads verified files', async () => {
    await moto.holdRestores();
    proxy.clear();
    const dl = path.join(env.dir, 'dl-deep');
    const running = restore({ destination: 'deep', root: 'photos', path: 'Trip', to: dl });
    await until('a restore job', () => latestRestoreJob() !== undefined);
    const jobId = latestRestoreJob().id;
    await until('the restores in progress', () => {
      const now = states(jobId);
      return now.length === 3 && now.every((s) => s === 'in-progress' || s === 'requested');
    });
    const sent = restoreRequests();
    expect(sent).toHaveLength(3);
    expect(
      sent.every((r) => /<Tier>Bulk<\/Tier>/.test(r.body) && /<Days>7<\/Days>/.test(r.body)),
    ).toBe(true);
    expect(listRestores(env.ctx.catalog)[0]).toMatchObject({
      jobId,
      kind: 'restore',
      jobState: 'running',
      objects: 3,
    });

    // Asked too early: a clear message with the expected wait, and nothing written.
    const early = await download({
      destination: 'deep',
      root: 'photos',
      path: 'Trip/a.jpg',
      to: path.join(env.dir, 'dl-early'),
    });
    expect(early.summary).toMatchObject({ downloaded: 0, failed: 1 });
    expect(failuresOf(env, early.id).get('photos/Trip/a.jpg')).toMatch(
      /still being restored \(Bulk from DEEP_ARCHIVE takes within 48 hours; requested .* UTC, expected by .* UTC\)/,
    );
    expect(filesUnder(path.join(env.dir, 'dl-early'))).toEqual([]);

    await moto.releaseRestores();
    const job = await running;
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ objects: 3, requested: 3, downloaded: 3, failed: 0 });
    for (const rel of ['Trip/a.jpg', 'Trip/b.jpg', 'Trip/sub/c.mov']) expectRestored(dl, rel);
    expect(filesUnder(dl).sort()).toEqual([
      'photos/Trip/a.jpg',
      'photos/Trip/b.jpg',
      'photos/Trip/sub/c.mov',
    ]);
    // The large file came in ranged pieces.
    expect(
      proxy.requests.filter((r) => r.method === 'GET' && /c\.mov/.test(r.url) && r.headers.range)
        .length,
    ).toBeGreaterThan(1);
    // The job's end is announced with a summary saying what is on disk.
    expect(env.events.find((e) => e.type === 'job.finished' && e.jobId === jobId)).toMatchObject({
      state: 'done',
      summary: { onDisk: `3 files (0.00 GB) verified in ${dl}` },
    });
  });

  it('asks nothing again for what is restored and already on disk', async () => {
    proxy.clear();
    const dl = path.join(env.dir, 'dl-deep');
    const again = await restore({ destination: 'deep', root: 'photos', path: 'Trip', to: dl });
    expect(again.summary).toMatchObject({ requested: 0, skipped: 3, failed: 0 });
    expect(restoreRequests()).toEqual([]);
  });
});

describe('what needs no restore', () => {
  it('downloads GLACIER_IR and folder copies without any restore request', async () => {
    proxy.clear();
    const dl = path.join(env.dir, 'dl-instant');
    const instant = await restore({ destination: 'instant', root: 'photos', to: dl });
    expect(instant.summary).toMatchObject({ requested: 0, downloaded: 4, failed: 0 });
    expect(restoreRequests()).toEqual([]);
    const usbDl = path.join(env.dir, 'dl-usb');
    const usb = await restore({ destination: 'usb', root: 'photos', path: 'Home', to: usbDl });
    expect(usb.summary).toMatchObject({ requested: 0, downloaded: 1, failed: 0 });
    expectRestored(dl, 'Trip/sub/c.mov');
    expectRestored(usbDl, 'Home/d.jpg');
  });

  it('takes S3\'s "restore already in progress" (409) as a state, not an error', async () => {
    proxy.clear();
    const future = new Date(Date.now() + 3 * 86_400_000).toUTCString();
    // The first HEAD sees the object cold; the request meets a restore someone else started;
    // the checks after see it running, then done.
    proxy.inject({ method: 'HEAD', path: /Home\/d\.jpg/ }, { kind: 'headers', headers: {} });
    proxy.inject(
      { method: 'POST', path: /[?&]restore/ },
      s3Error(409, 'RestoreAlreadyInProgress', 'Object restore is already in progress'),
    );
    proxy.inject(
      { method: 'HEAD', path: /Home\/d\.jpg/ },
      { kind: 'headers', headers: { 'x-amz-restore': 'ongoing-request="true"' } },
    );
    proxy.inject(
      { method: 'HEAD', path: /Home\/d\.jpg/ },
      {
        kind: 'headers',
        headers: { 'x-amz-restore': `ongoing-request="false", expiry-date="${future}"` },
      },
    );
    const job = await restore({
      destination: 'glacier',
      root: 'photos',
      path: 'Home',
      tier: 'standard',
    });
    expect(job.summary).toMatchObject({ available: 1, failed: 0, expired: 0 });
    expect(restoreRequests().map((r) => r.fault)).toEqual(['status']);
    expect(restoreRequests()[0]!.body).toMatch(/<Tier>Standard<\/Tier>/);
    expect(itemsOf(env.ctx.catalog, job.id)[0]!.expiresAt).toBe(Date.parse(future));
  });
});

describe('downloads never damage what is there', () => {
  it('leaves an existing file alone unless asked, and keeps it when the data does not verify', async () => {
    const thaw = await restore({ destination: 'glacier', root: 'photos', path: 'Home' });
    expect(thaw.summary).toMatchObject({ failed: 0 });
    const dl = path.join(env.dir, 'dl-existing');
    const target = path.join(dl, 'photos/Home/d.jpg');
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, 'my own edit');
    const home = { destination: 'glacier', root: 'photos', path: 'Home', to: dl };

    const kept = await download(home);
    expect(kept.summary).toMatchObject({ downloaded: 0, failed: 1 });
    expect(failuresOf(env, kept.id).get('photos/Home/d.jpg')).toMatch(
      /a different file is already at .*d\.jpg: not overwritten/,
    );
    expect(readFileSync(target, 'utf8')).toBe('my own edit');

    proxy.clear();
    proxy.inject({ method: 'GET', path: /Home\/d\.jpg/, times: 100 }, { kind: 'corrupt' });
    const corrupt = await download({ ...home, overwrite: true });
    expect(corrupt.summary).toMatchObject({ downloaded: 0, failed: 1 });
    expect(failuresOf(env, corrupt.id).get('photos/Home/d.jpg')).toMatch(
      /downloaded 3 times, the data never matched its SHA-256 .* was left as it was/,
    );
    expect(proxy.requests.filter((r) => r.fault === 'corrupt')).toHaveLength(3);
    expect(readFileSync(target, 'utf8')).toBe('my own edit');
    expect(filesUnder(dl)).toEqual(['photos/Home/d.jpg']);
    proxy.clear();

    const replaced = await download({ ...home, overwrite: true });
    expect(replaced.summary).toMatchObject({ downloaded: 1, failed: 0 });
    expectRestored(dl, 'Home/d.jpg');
  });
});

describe('a restored copy kept for less than asked', () => {
  it('is requested again, which moves its expiry', async () => {
    proxy.clear();
    const longer = await restore({
      destination: 'glacier',
      root: 'photos',
      path: 'Home',
      days: 30,
    });
    expect(longer.summary).toMatchObject({ requested: 1, available: 1, failed: 0 });
    expect(restoreRequests()[0]!.body).toMatch(/<Days>30<\/Days>/);
    const [item] = itemsOf(env.ctx.catalog, longer.id);
    expect(item!.expiresAt).toBeGreaterThan(Date.now() + 20 * 86_400_000);
  });
});

describe('objects the catalog does not know', () => {
  const put = async (
    key: string,
    body: Buffer,
    meta: Record<string, string>,
    cls: StorageClass,
  ) => {
    const s3 = motoClient(moto.endpoint);
    try {
      await s3.send(
        new PutObjectCommand({
          Bucket: BUCKET,
          Key: key,
          Body: body,
          Metadata: meta,
          StorageClass: cls,
        }),
      );
    } finally {
      s3.destroy();
    }
  };
  const ok = Buffer.from('put there by rclone');
  const wrong = Buffer.from('damaged on the way, or tagged wrong');

  it('are listed by prefix, restored by key, verified; hostile keys never leave the folder', async () => {
    await put('ext/rclone/ok.txt', ok, { sha256: sha(ok), mtime: '1700000000.250' }, 'GLACIER');
    await put('ext/rclone/bad.txt', wrong, { sha256: sha(ok) }, 'GLACIER');
    const hostile = [
      'ext/rclone/../../evil.txt',
      'ext/rclone//abs.txt',
      'ext/rclone/nul\u0000.txt',
      'ext/rclone/..\\..\\win.txt',
    ];
    for (const key of hostile) await put(key, ok, {}, 'STANDARD');

    const top = await listRemote(env.ctx, 'ext', '');
    expect(top.folders).toEqual([{ prefix: 'rclone/', objects: 6, bytes: expect.any(Number) }]);
    const listing = await listRemote(env.ctx, 'ext', 'rclone/');
    expect(listing.objects.map((o) => [o.key, o.known])).toContainEqual(['rclone/ok.txt', false]);

    mkdirSync(path.join(env.dir, 'dl-keys'));
    const dl = path.join(env.dir, 'dl-keys', 'inside');
    const job = await restore({ destination: 'ext', key: 'rclone', to: dl });
    expect(job.summary).toMatchObject({ objects: 6, downloaded: 1, failed: 5 });
    expect(readFileSync(path.join(dl, 'rclone/ok.txt'))).toEqual(ok);
    expect(Math.floor(statSync(path.join(dl, 'rclone/ok.txt')).mtimeMs)).toBe(1_700_000_000_250);
    const failures = failuresOf(env, job.id);
    expect(failures.get('rclone/bad.txt')).toMatch(/never matched its SHA-256/);
    expect(failures.get('rclone/../../evil.txt')).toMatch(/refused: it climbs out/);
    expect(failures.get('rclone//abs.txt')).toMatch(/refused: it has an empty/);
    expect(failures.get('rclone/nul\u0000.txt')).toMatch(/refused: it contains a NUL/);
    expect(failures.get('rclone/..\\..\\win.txt')).toMatch(/refused: it contains a backslash/);
    // Nothing anywhere but the one verified file inside the folder.
    expect(filesUnder(path.join(env.dir, 'dl-keys'))).toEqual(['inside/rclone/ok.txt']);
    expect(existsSync(path.join(env.dir, 'evil.txt'))).toBe(false);
    // No restore was asked for a refused key.
    expect(restoreRequests().some((r) => /evil|abs|nul|win/.test(r.url))).toBe(false);
  });
});

describe('an expired restore', () => {
  it('is detected when the object is cold again, and a new restore requests it again', async () => {
    const rel = 'Trip/b.jpg';
    const file = fileByPath(env.ctx.catalog, root, rel);
    const thawed = await restore({ destination: 'glacier', fileIds: [file.id] });
    expect(thawed.summary).toMatchObject({ available: 1, failed: 0 });
    // S3 deletes the restored copy at its expiry: here the object is stored anew, cold.
    await putCold(`glacier/photos/${rel}`, TREE[rel]!);

    const dl = path.join(env.dir, 'dl-expired');
    const late = await download({ destination: 'glacier', fileIds: [file.id], to: dl });
    expect(late.summary).toMatchObject({ downloaded: 0, expired: 1 });
    expect(failuresOf(env, late.id).get(`photos/${rel}`)).toMatch(
      /is cold again: the restored copy expired before it was downloaded.*; restore it again/,
    );
    expect(restoreDetails(env.ctx.catalog, late.id).items[0]).toMatchObject({ state: 'expired' });

    // A restored copy whose expiry has passed (x-amz-restore with a past date) is expired too.
    proxy.inject(
      { method: 'HEAD', path: /Trip\/b\.jpg/, times: 5 },
      {
        kind: 'headers',
        headers: {
          'x-amz-restore': 'ongoing-request="false", expiry-date="Fri, 01 Nov 2024 00:00:00 GMT"',
        },
      },
    );
    const past = await download({ destination: 'glacier', fileIds: [file.id], to: dl });
    expect(failuresOf(env, past.id).get(`photos/${rel}`)).toMatch(
      /it was available until 2024-11-01 00:00 UTC/,
    );
    proxy.clear();

    const again = await restore({ destination: 'glacier', fileIds: [file.id], to: dl });
    expect(again.summary).toMatchObject({ requested: 1, downloaded: 1, failed: 0 });
    expect(restoreRequests()).toHaveLength(1);
    expectRestored(dl, rel);
  });
});

describe('faults on the way', () => {
  it('retries throttling, server errors and dropped connections, and still verifies', async () => {
    const dl = path.join(env.dir, 'dl-faults');
    proxy.clear();
    proxy.inject({ method: 'POST', path: /[?&]restore/, times: 2 }, slowDown());
    proxy.inject({ method: 'HEAD', times: 1 }, internalError());
    proxy.inject({ method: 'GET', path: /c\.mov/, times: 2 }, { kind: 'drop' });
    const job = await restore({ destination: 'deep', root: 'photos', to: dl, tier: 'standard' });
    expect(job.summary).toMatchObject({ objects: 4, downloaded: 4, failed: 0 });
    const faults = proxy.requests.map((r) => r.fault).filter(Boolean);
    expect(faults.sort()).toEqual(['drop', 'drop', 'status', 'status', 'status']);
    for (const rel of Object.keys(TREE)) expectRestored(dl, rel);
  });
});

describe('original places and webhooks', () => {
  it('puts a missing file back where it was, and never writes into a read-only root', async () => {
    const original = path.join(root.path, 'Home/d.jpg');
    rmSync(original);
    const job = await restore({ destination: 'usb', root: 'photos', toOriginal: true });
    expect(job.summary).toMatchObject({ downloaded: 1, skipped: 3, failed: 0 });
    expect(readFileSync(original)).toEqual(TREE['Home/d.jpg']);
    expect(Math.floor(statSync(original).mtimeMs)).toBe(
      fileByPath(env.ctx.catalog, root, 'Home/d.jpg').mtimeMs,
    );
    expect(readdirSync(path.dirname(original))).toEqual(['d.jpg']);

    rmSync(original);
    const undo = makeReadOnly(root.path);
    try {
      await expect(
        prepareRestore(
          env.ctx,
          { destination: 'usb', root: 'photos', toOriginal: true },
          { request: true },
        ),
      ).rejects.toThrow(/The root "photos" .* is read-only: files cannot go back/);
    } finally {
      undo();
    }
    writeFileSync(original, TREE['Home/d.jpg']!);
  });

  it('calls the webhook at the end; a failing webhook is reported, not fatal', async () => {
    const calls: { body: Record<string, unknown>; type: string | undefined }[] = [];
    let status = 204;
    const hook = createServer(async (req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      calls.push({
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
        type: req.headers['content-type'],
      });
      res.writeHead(status).end();
    });
    await listen(hook);
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/push/topic`;
    try {
      const dl = path.join(env.dir, 'dl-hook');
      const job = await restore({ destination: 'instant', root: 'photos', to: dl, webhook: url });
      expect(job.summary).toMatchObject({ downloaded: 4, webhook: 'sent' });
      expect(calls).toHaveLength(1);
      expect(calls[0]).toMatchObject({
        type: 'application/json',
        body: {
          event: 'restore.finished',
          jobId: job.id,
          state: 'done',
          destination: 'instant',
          message: `4 files (0.00 GB) verified in ${dl}`,
        },
      });

      status = 500;
      const failing = await restore({
        destination: 'instant',
        root: 'photos',
        path: 'Home',
        webhook: url,
      });
      expect(failing.state).toBe('done');
      expect(failing.summary).toMatchObject({ webhook: 'failed: the webhook answered 500' });
      expect(failuresOf(env, failing.id).get(`webhook ${new URL(url).origin}`)).toBe(
        'the webhook answered 500',
      );
      await expect(
        prepareRestore(
          env.ctx,
          { destination: 'instant', root: 'photos', webhook: 'ftp://nas.local/x' },
          { request: true },
        ),
      ).rejects.toThrow(UserInputError);
    } finally {
      hook.close();
    }
    expect(getJob(env.ctx.catalog, latestRestoreJob().id).state).toBe('done');
  });
});

async function putCold(key: string, body: Buffer): Promise<void> {
  const s3 = motoClient(moto.endpoint);
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: key,
        Body: body,
        StorageClass: 'GLACIER',
        Metadata: { sha256: sha(body) },
      }),
    );
  } finally {
    s3.destroy();
  }
}

async function listen(server: Server): Promise<void> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
}

/** A read-only root, as a container mounts media: a read-only bind mount as root, else chmod. */
function makeReadOnly(dir: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync('mount', ['--bind', '-o', 'ro', dir, dir]);
    return () => execFileSync('umount', ['-l', dir]);
  }
  execFileSync('chmod', ['-R', 'a-w', dir]);
  return () => execFileSync('chmod', ['-R', 'u+w', dir]);
}
