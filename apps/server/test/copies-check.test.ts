/**
 * GET /api/files/:id/copies/check: each recorded copy of a file HEADed in its destination (moto
 * through the fault proxy, and a folder), reported per copy, the catalog left as it was.
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ARCHIVE_JOB } from '../src/archive/archive-job.js';
import { addDestination } from '../src/archive/destinations.js';
import { archiveParams } from '../src/archive/start.js';
import { fileByPath } from '../src/catalog/browse.js';
import { copies } from '../src/catalog/schema.js';
import type { RootRow } from '../src/roots/roots.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';
import { accessDenied, startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { signedInApp, type SignedInApp } from './helpers/http.js';
import { MOTO_REGION, MOTO_START_TIMEOUT_MS, type Moto, motoClient } from './helpers/moto.js';
import { makeSource, s3Destination, startMotoWithBucket } from './storage/support.js';

let moto: Moto;
let proxy: FaultProxy;
let env: TestEnv;
let http: SignedInApp;
let root: RootRow;
let usb: string;
const SIZE = 3000;

beforeAll(async () => {
  moto = await startMotoWithBucket('vault');
  proxy = await startFaultProxy(moto.endpoint);
  env = createTestEnv();
  root = makeRoot(env, 'photos', {
    'Trip/a.jpg': randomBytes(SIZE),
    'Trip/b.jpg': randomBytes(SIZE),
    'Trip/c.jpg': randomBytes(SIZE),
    // Past the 16 MiB part size: a multipart object, with S3's composite checksum.
    'Trip/long.mov': randomBytes(17 * 1024 * 1024),
  });
  usb = path.join(env.dir, 'usb-drive');
  mkdirSync(usb);
  await scan(env, root);
  const offsite = addDestination(env.ctx.catalog, {
    name: 'offsite',
    url: 's3://vault/nas',
    storageClass: 'deep_archive',
    endpoint: proxy.endpoint,
    region: MOTO_REGION,
  });
  const folder = addDestination(env.ctx.catalog, { name: 'usb', url: usb });
  await env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(offsite, root, 'Trip'));
  await env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(folder, root, 'Trip'));
  http = await signedInApp(env);
}, MOTO_START_TIMEOUT_MS);

afterAll(async () => {
  await http?.app.close();
  await env?.cleanup();
  await proxy?.stop();
  await moto?.stop();
});
afterEach(() => proxy.clear());

const get = (url: string, session?: string) => http.get(url, session);

async function check(relPath: string) {
  const file = fileByPath(env.ctx.catalog, root, relPath);
  const response = await get(`/api/files/${file.id}/copies/check`);
  expect(response.statusCode).toBe(200);
  const body = response.json();
  const by = (name: string) =>
    body.copies.find((c: { destination: string }) => c.destination === name);
  return { file, body, offsite: by('offsite'), usb: by('usb') };
}

function copyRows(sha256: string) {
  return env.ctx.catalog.db.select().from(copies).where(eq(copies.sha256, sha256)).all();
}

describe('checking the copies of a file', () => {
  it('finds both copies present and verified, with class and encryption', async () => {
    const { body, offsite, usb: folder } = await check('Trip/a.jpg');
    expect(body.copies.map((c: { destination: string }) => c.destination)).toEqual([
      'offsite',
      'usb',
    ]);
    expect(offsite).toMatchObject({
      kind: 's3',
      region: MOTO_REGION,
      key: 'photos/Trip/a.jpg',
      status: 'verified',
      size: SIZE,
      sha256: 'match',
      checksum: 'match',
      storageClass: 'DEEP_ARCHIVE',
      restore: { state: 'none', until: null },
      replication: null,
      serverSideEncryption: 'AES256',
      problem: null,
      catalogLostAt: null,
    });
    expect(folder).toMatchObject({
      kind: 'folder',
      region: null,
      status: 'verified',
      sha256: 'match',
      storageClass: 'LOCAL',
    });
  });

  it('verifies a multipart copy by its composite checksum, as recorded when it was sent', async () => {
    const { file, offsite } = await check('Trip/long.mov');
    expect(offsite).toMatchObject({ status: 'verified', sha256: 'match', checksum: 'match' });
    const [row] = copyRows(file.sha256!).filter((c) => c.key === 'photos/Trip/long.mov');
    // 17 MiB in 16 MiB parts: a composite of 2.
    expect(row!.checksum).toMatch(/^[A-Za-z0-9+/]+=*-2$/);
  });

  it('catches a multipart copy replaced by other bytes that carry the same SHA-256 metadata', async () => {
    const { file } = await check('Trip/long.mov');
    // Another tool's multipart upload of other bytes of the same size that copied the old
    // metadata: only S3's own checksum of the bytes differs.
    await forgeMultipart('nas/photos/Trip/long.mov', file.sha256!, [
      randomBytes(16 * 1024 * 1024),
      randomBytes(1024 * 1024),
    ]);
    const { offsite } = await check('Trip/long.mov');
    expect(offsite).toMatchObject({ status: 'mismatch', sha256: 'match', checksum: 'mismatch' });
    expect(offsite.problem).toMatch(/checksum of its bytes does not match/);
  });

  it('falls back to size and SHA-256 metadata for a multipart copy recorded without its checksum', async () => {
    const { file } = await check('Trip/long.mov');
    // As a copy recorded by an earlier release (or adopted by a reconcile) is.
    env.ctx.catalog.db
      .update(copies)
      .set({ checksum: null })
      .where(eq(copies.sha256, file.sha256!))
      .run();
    const { offsite } = await check('Trip/long.mov');
    expect(offsite).toMatchObject({ sha256: 'match', checksum: 'not-comparable' });
  });

  it("reads a folder copy's bytes again: one flipped byte under an intact sidecar is caught", async () => {
    const copyPath = path.join(usb, 'photos/Trip/a.jpg');
    const original = readFileSync(copyPath);
    const rotten = Buffer.from(original);
    rotten.writeUInt8(rotten.readUInt8(SIZE >> 1) ^ 0xff, SIZE >> 1);
    writeFileSync(copyPath, rotten);
    try {
      const { offsite, usb: folder } = await check('Trip/a.jpg');
      expect(folder).toMatchObject({
        status: 'mismatch',
        size: SIZE,
        sha256: 'match', // the sidecar still says what was written
        checksum: 'mismatch',
      });
      expect(folder.problem).toMatch(/bytes no longer hash .* the drive may be failing/);
      expect(offsite.status).toBe('verified');
    } finally {
      writeFileSync(copyPath, original);
    }
    expect((await check('Trip/a.jpg')).usb).toMatchObject({
      status: 'verified',
      checksum: 'match',
    });
  });

  it('surfaces S3 replication status with its meaning', async () => {
    proxy.inject(
      { method: 'HEAD' },
      { kind: 'headers', headers: { 'x-amz-replication-status': 'COMPLETED' } },
    );
    let { offsite } = await check('Trip/a.jpg');
    expect(offsite.replication).toEqual({
      status: 'COMPLETED',
      meaning: 'a replica exists in the other region',
    });
    proxy.inject(
      { method: 'HEAD' },
      { kind: 'headers', headers: { 'x-amz-replication-status': 'FAILED' } },
    );
    ({ offsite } = await check('Trip/a.jpg'));
    expect(offsite).toMatchObject({ status: 'verified', replication: { status: 'FAILED' } });
    expect(offsite.replication.meaning).toMatch(/could not copy it to the other region/);
  });

  it('reports a copy deleted behind our back as missing, and leaves the catalog as it was', async () => {
    const { file } = await check('Trip/b.jpg');
    const before = copyRows(file.sha256!);
    await s3Destination(moto.endpoint, { bucket: 'vault' }).delete('photos/Trip/b.jpg');
    const { offsite, usb: folder } = await check('Trip/b.jpg');
    expect(offsite).toMatchObject({ status: 'missing', size: null, catalogLostAt: null });
    expect(offsite.problem).toMatch(/no object at photos\/Trip\/b\.jpg/);
    expect(folder.status).toBe('verified');
    expect(copyRows(file.sha256!)).toEqual(before);
    const details = (await get(`/api/files/${file.id}`)).json();
    expect(details.tags.archived).toEqual(['offsite', 'usb']);
  });

  it('reports a changed object as a mismatch', async () => {
    const dest = s3Destination(moto.endpoint, { bucket: 'vault' });
    try {
      await dest.put('photos/Trip/c.jpg', makeSource(env.dir, 'other.jpg', randomBytes(SIZE)));
    } finally {
      dest.close();
    }
    const { offsite, usb: folder } = await check('Trip/c.jpg');
    expect(offsite).toMatchObject({
      status: 'mismatch',
      size: SIZE,
      sha256: 'mismatch',
      checksum: 'mismatch',
    });
    expect(offsite.problem).toMatch(/changed or replaced.*checksum of its bytes does not match/);
    expect(folder.status).toBe('verified');
  });

  it('reports an unreachable destination per copy while the other still answers', async () => {
    proxy.inject({ method: 'HEAD' }, accessDenied());
    let { offsite, usb: folder } = await check('Trip/a.jpg');
    expect(offsite).toMatchObject({ status: 'error', size: null });
    expect(offsite.problem).toMatch(/access denied: the key lacks s3:GetObject/);
    expect(folder.status).toBe('verified');

    const unplugged = `${usb}-unplugged`;
    renameSync(usb, unplugged);
    try {
      ({ offsite, usb: folder } = await check('Trip/a.jpg'));
    } finally {
      renameSync(unplugged, usb);
    }
    expect(offsite.status).toBe('verified');
    expect(folder.status).toBe('error');
    expect(folder.problem).toContain(path.basename(usb));
  });

  it('answers 404 for a file the catalog does not know, and 401 without a session', async () => {
    const unknown = await get('/api/files/999999/copies/check');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toMatch(/no file 999999/);
    const a = fileByPath(env.ctx.catalog, root, 'Trip/a.jpg');
    const anonymous = await get(`/api/files/${a.id}/copies/check`, '');
    expect(anonymous.statusCode).toBe(401);
  });
});

/** A multipart upload straight through the AWS SDK, with the metadata given: what a careless tool does. */
async function forgeMultipart(key: string, sha256: string, parts: Buffer[]): Promise<void> {
  const s3 = motoClient(moto.endpoint);
  try {
    const bucket = 'vault';
    const { UploadId } = await s3.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        Metadata: { sha256 },
        ChecksumAlgorithm: 'SHA256',
        StorageClass: 'DEEP_ARCHIVE',
      }),
    );
    const done = [];
    for (const [i, body] of parts.entries()) {
      const part = await s3.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: key,
          UploadId,
          PartNumber: i + 1,
          Body: body,
          ChecksumAlgorithm: 'SHA256',
        }),
      );
      done.push({ PartNumber: i + 1, ETag: part.ETag, ChecksumSHA256: part.ChecksumSHA256 });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        UploadId,
        MultipartUpload: { Parts: done },
      }),
    );
  } finally {
    s3.destroy();
  }
}
