/**
 * What only the S3 destination does, against moto over HTTP: storage classes and restores,
 * encryption, checksums and metadata as any S3 tool sees them, and the faults of a real S3 and
 * a home uplink (injected by the proxy in front of moto): retried when transient, reported in
 * one line when permanent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  AccessDeniedError,
  BadCredentialsError,
  BucketNotFoundError,
  ObjectNotReadableError,
  TransientStorageError,
  VerificationFailedError,
  WrongRegionError,
} from '../../src/errors.js';
import { compositeSha256, sha256, verifyStream } from '../../src/storage/hashing.js';
import { testDestination } from '../../src/storage/probe.js';
import { RetryingDestination, type RetryEvent } from '../../src/storage/retrying.js';
import type { S3DestinationConfig } from '../../src/storage/s3.js';
import {
  accessDenied,
  internalError,
  permanentRedirect,
  s3Error,
  slowDown,
  startFaultProxy,
  type FaultProxy,
} from '../helpers/fault-proxy.js';
import {
  MOTO_PART_MIN_SIZE,
  MOTO_START_TIMEOUT_MS,
  startMoto,
  type Moto,
} from '../helpers/moto.js';
import { collect, createBucket, makeSource, readAll, s3Destination } from './support.js';

const PART = MOTO_PART_MIN_SIZE;
let moto: Moto;
let proxy: FaultProxy;
let work: string;
const opened: { close(): void }[] = [];

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
}, MOTO_START_TIMEOUT_MS);
afterAll(async () => {
  await proxy.stop();
  await moto.stop();
});
beforeEach(async () => {
  await moto.reset();
  await createBucket(moto.endpoint, 'archive');
  proxy.clear();
  work = mkdtempSync(path.join(tmpdir(), 'glacier-s3-'));
});
afterEach(() => {
  for (const dest of opened.splice(0)) dest.close();
  rmSync(work, { recursive: true, force: true });
});

/** The S3 destination behind the proxy, with quick retries; `retries` records each one. */
function open(overrides: Partial<S3DestinationConfig> = {}, maxAttempts = 4) {
  const retries: RetryEvent[] = [];
  const bare = s3Destination(proxy.endpoint, {
    multipartThreshold: 2 * PART,
    requestTimeoutMs: 500,
    ...overrides,
  });
  const dest = new RetryingDestination(bare, {
    maxAttempts,
    baseDelayMs: 1,
    maxDelayMs: 5,
    onRetry: (event) => retries.push(event),
  });
  opened.push(dest);
  return { dest, retries };
}

const requestsTo = (method: string, url: RegExp) =>
  proxy.requests.filter((r) => r.method === method && url.test(r.url));

describe('storage classes and restores', () => {
  it('stores in the destination class; a DEEP_ARCHIVE object reads only once restored', async () => {
    const { dest } = open();
    const source = makeSource(work, 'a.jpg', 1000);
    await dest.put('photos/a.jpg', source);
    expect(await dest.head('photos/a.jpg')).toMatchObject({
      storageClass: 'DEEP_ARCHIVE',
      readable: false,
      restore: { state: 'none' },
    });
    const refused = await dest.get('photos/a.jpg').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ObjectNotReadableError);
    expect(refused).toMatchObject({
      restore: 'none',
      message: 'photos/a.jpg is in DEEP_ARCHIVE: request a restore before downloading it',
    });

    expect(await dest.requestRestore('photos/a.jpg', { days: 2, tier: 'Bulk' })).toBe('requested');
    const restored = await dest.head('photos/a.jpg');
    expect(restored?.readable).toBe(true);
    expect(restored?.restore).toEqual({ state: 'available', until: expect.any(Date) });
    expect(await readAll(dest, 'photos/a.jpg')).toEqual({ sha256: source.sha256, size: 1000 });
    expect(await dest.requestRestore('photos/a.jpg', { days: 2, tier: 'Bulk' })).toBe(
      'already-available',
    );
  });

  it('shows a held restore as in progress until the server lets it finish', async () => {
    const { dest } = open({ storageClass: 'GLACIER' });
    await dest.put('photos/b.jpg', makeSource(work, 'b.jpg', 500));
    await moto.holdRestores();
    expect(await dest.requestRestore('photos/b.jpg', { days: 1, tier: 'Standard' })).toBe(
      'requested',
    );
    for (let i = 0; i < 3; i++) {
      expect(await dest.head('photos/b.jpg')).toMatchObject({
        restore: { state: 'in-progress' },
        readable: false,
      });
    }
    await expect(dest.get('photos/b.jpg')).rejects.toMatchObject({
      restore: 'in-progress',
      message: 'photos/b.jpg is being restored from GLACIER: not readable yet',
    });
    await moto.releaseRestores();
    expect(await dest.head('photos/b.jpg')).toMatchObject({ restore: { state: 'available' } });
    expect((await readAll(dest, 'photos/b.jpg')).size).toBe(500);
  });

  it('treats 409 RestoreAlreadyInProgress as in progress and a readable class as needing none', async () => {
    const { dest } = open();
    await dest.put('photos/c.jpg', makeSource(work, 'c.jpg', 10));
    await dest.put('sheets/c.webp', makeSource(work, 'c.webp', 10), {
      storageClass: 'STANDARD_IA',
    });
    proxy.inject(
      { method: 'POST', path: /\?restore/ },
      s3Error(409, 'RestoreAlreadyInProgress', 'Object restore is already in progress'),
    );
    expect(await dest.requestRestore('photos/c.jpg', { days: 1, tier: 'Bulk' })).toBe(
      'in-progress',
    );
    expect(requestsTo('POST', /restore/)).toHaveLength(1);
    expect(await dest.head('sheets/c.webp')).toMatchObject({
      storageClass: 'STANDARD_IA',
      readable: true,
    });
    expect(await dest.requestRestore('sheets/c.webp', { days: 1, tier: 'Bulk' })).toBe(
      'not-needed',
    );
  });

  it('lists storage classes; moto reports no RestoreStatus, so the entry leaves it unknown', async () => {
    const { dest } = open();
    await dest.put('photos/d.jpg', makeSource(work, 'd.jpg', 10));
    const [entry] = await collect(dest.list('photos/', { restoreStatus: true }));
    expect(entry).toMatchObject({ key: 'photos/d.jpg', size: 10, storageClass: 'DEEP_ARCHIVE' });
    expect(entry?.restore).toBeUndefined();
  });
});

describe('what any S3 tool sees', () => {
  it('stores SHA-256 and mtime metadata, SSE-S3 and a SHA-256 checksum', async () => {
    const { dest } = open();
    const source = makeSource(work, 'e.jpg', 2000);
    await dest.put('photos/e.jpg', source);
    const raw = await fetch(`${moto.endpoint}/archive/nas/photos/e.jpg`, {
      method: 'HEAD',
      // moto checks no signature, only that the request claims to be signed.
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=0`,
        'x-amz-checksum-mode': 'ENABLED',
      },
    });
    expect(raw.headers.get('x-amz-meta-sha256')).toBe(source.sha256);
    expect(Number(raw.headers.get('x-amz-meta-mtime')) * 1000).toBeCloseTo(source.mtimeMs, 0);
    expect(raw.headers.get('x-amz-server-side-encryption')).toBe('AES256');
    expect(raw.headers.get('x-amz-checksum-sha256')).toBe(
      Buffer.from(source.sha256, 'hex').toString('base64'),
    );
    expect(await dest.head('photos/e.jpg')).toMatchObject({ serverSideEncryption: 'AES256' });
    // The signer was handed our digest instead of hashing the body a second time.
    expect(requestsTo('PUT', /e\.jpg/)[0]?.headers['x-amz-content-sha256']).toBe(source.sha256);
  });

  it("stores a multipart object's composite checksum and verifies it", async () => {
    const { dest } = open();
    const source = makeSource(work, 'f.mov', 5 * PART + 1);
    const result = await dest.put('videos/f.mov', source, { partSize: PART });
    expect(result).toMatchObject({ checksumVerified: true, checksum: { parts: 6 } });
    expect((await dest.head('videos/f.mov'))?.checksum?.value).toBe(result.checksum?.value);
  });

  it('can leave encryption to the bucket for S3-compatible services', async () => {
    const { dest } = open({ serverSideEncryption: 'none' });
    await dest.put('photos/g.jpg', makeSource(work, 'g.jpg', 10));
    expect((await dest.head('photos/g.jpg'))?.serverSideEncryption).toBeUndefined();
  });

  it('reads x-amz-replication-status where replication is set up', async () => {
    const { dest } = open();
    await dest.put('photos/h.jpg', makeSource(work, 'h.jpg', 10));
    proxy.inject(
      { method: 'HEAD' },
      { kind: 'headers', headers: { 'x-amz-replication-status': 'COMPLETED' } },
    );
    expect((await dest.head('photos/h.jpg'))?.replication).toBe('COMPLETED');
    expect((await dest.head('photos/h.jpg'))?.replication).toBeUndefined();
  });

  it('finds and aborts abandoned multipart uploads', async () => {
    const { dest } = open();
    const stop = new AbortController();
    const put = dest.put('videos/i.mov', makeSource(work, 'i.mov', 6 * PART), {
      partSize: PART,
      signal: stop.signal,
      onPartDone: (state) => {
        if (state.parts.length >= 1) stop.abort('shutdown');
      },
    });
    await expect(put).rejects.toThrow(/cancelled/);
    const [upload] = await dest.listMultipartUploads('videos/');
    expect(upload?.key).toBe('videos/i.mov');
    await dest.abortMultipart('videos/i.mov', upload!.uploadId);
    await dest.abortMultipart('videos/i.mov', upload!.uploadId);
    expect(await dest.listMultipartUploads('')).toEqual([]);
  });
});

describe('rule 2: a put returns only once the stored copy matched the bytes sent', () => {
  const otherChecksum = createHash('sha256').update('other bytes').digest('base64');
  const withoutChecksum = {
    kind: 'headers',
    headers: {},
    remove: ['x-amz-checksum-sha256'],
  } as const;
  const wrongChecksum = {
    kind: 'headers',
    headers: { 'x-amz-checksum-sha256': otherChecksum },
  } as const;

  /** S3's composite checksum of `data` cut into `partSize` parts, as "base64-N". */
  function composite(data: Buffer, partSize: number): string {
    const digests = [];
    for (let offset = 0; offset < data.length; offset += partSize) {
      digests.push(sha256(data.subarray(offset, offset + partSize)).toString('base64'));
    }
    return `${compositeSha256(digests)}-${digests.length}`;
  }

  it('verifies a single PUT from the checksum its answer carries, with no HEAD', async () => {
    const { dest } = open();
    const source = makeSource(work, 'v1.jpg', 3000);
    expect(await dest.put('photos/v1.jpg', source)).toMatchObject({ checksumVerified: true });
    expect(requestsTo('PUT', /v1\.jpg/)).toHaveLength(1);
    expect(requestsTo('HEAD', /v1\.jpg/)).toEqual([]);
  });

  it('refuses a PUT whose answer names another checksum, and sends the file again', async () => {
    const { dest, retries } = open();
    proxy.inject({ method: 'PUT', path: /v2\.jpg/ }, wrongChecksum);
    const result = await dest.put('photos/v2.jpg', makeSource(work, 'v2.jpg', 3000));
    expect(retries.map((r) => r.error)).toEqual([expect.any(VerificationFailedError)]);
    expect(retries[0]?.error.message).toBe(
      "photos/v2.jpg: the stored copy's checksum does not match the file",
    );
    expect(requestsTo('PUT', /v2\.jpg/)).toHaveLength(2);
    expect(result.checksumVerified).toBe(true);
  });

  it('fails the put when the stored checksum never matches', async () => {
    const { dest } = open({}, 2);
    proxy.inject({ method: 'PUT', path: /v3\.jpg/, times: 5 }, wrongChecksum);
    await expect(dest.put('photos/v3.jpg', makeSource(work, 'v3.jpg', 3000))).rejects.toThrow(
      "photos/v3.jpg: the stored copy's checksum does not match the file (gave up after 2 attempts)",
    );
  });

  it('reads the copy back with a HEAD when the answer carries no checksum', async () => {
    const { dest } = open();
    proxy.inject({ method: 'PUT', path: /v4\.jpg/ }, withoutChecksum);
    const result = await dest.put('photos/v4.jpg', makeSource(work, 'v4.jpg', 3000));
    expect(result.checksumVerified).toBe(true);
    expect(requestsTo('HEAD', /v4\.jpg/)).toHaveLength(1);
  });

  it('refuses what that HEAD shows wrong, and sends the file again', async () => {
    const { dest, retries } = open();
    proxy.inject({ method: 'PUT', path: /v5\.jpg/, times: 2 }, withoutChecksum);
    proxy.inject({ method: 'HEAD', path: /v5\.jpg/ }, wrongChecksum);
    const result = await dest.put('photos/v5.jpg', makeSource(work, 'v5.jpg', 3000));
    expect(retries.map((r) => r.error.message)).toEqual([
      "photos/v5.jpg: the stored copy's checksum does not match the file",
    ]);
    expect(requestsTo('HEAD', /v5\.jpg/)).toHaveLength(2);
    expect(result.checksumVerified).toBe(true);
  });

  it('says when a server keeps no checksum at all (size and metadata still checked)', async () => {
    const { dest } = open();
    proxy.inject({ method: 'PUT', path: /v6\.jpg/ }, withoutChecksum);
    proxy.inject({ method: 'HEAD', path: /v6\.jpg/ }, withoutChecksum);
    const result = await dest.put('photos/v6.jpg', makeSource(work, 'v6.jpg', 3000));
    expect(result.checksumVerified).toBe(false);
  });

  it("verifies a multipart upload from CompleteMultipartUpload's checksum where S3 gives one", async () => {
    const { dest } = open();
    const data = randomBytes(5 * PART + 1);
    const source = makeSource(work, 'v7.mov', data);
    // moto leaves the checksum out of that answer; S3 puts it there, as the proxy does here.
    proxy.inject(
      { method: 'POST', path: /v7\.mov\?uploadId=/ },
      {
        kind: 'rewrite',
        body: (xml) =>
          xml.replace(
            '</CompleteMultipartUploadResult>',
            `<ChecksumSHA256>${composite(data, PART)}</ChecksumSHA256></CompleteMultipartUploadResult>`,
          ),
      },
    );
    const result = await dest.put('videos/v7.mov', source, { partSize: PART });
    expect(result).toMatchObject({ checksumVerified: true, checksum: { parts: 6 } });
    expect(`${result.checksum?.value}-6`).toBe(composite(data, PART));
    expect(requestsTo('POST', /v7\.mov\?uploadId=/)).toHaveLength(1);
    expect(requestsTo('HEAD', /v7\.mov/)).toEqual([]);
  });

  it('refuses a multipart upload whose completion names another checksum', async () => {
    const { dest, retries } = open();
    const source = makeSource(work, 'v8.mov', 5 * PART + 1);
    proxy.inject(
      { method: 'POST', path: /v8\.mov\?uploadId=/ },
      {
        kind: 'rewrite',
        body: (xml) =>
          xml.replace(
            '</CompleteMultipartUploadResult>',
            `<ChecksumSHA256>${otherChecksum}-6</ChecksumSHA256></CompleteMultipartUploadResult>`,
          ),
      },
    );
    const result = await dest.put('videos/v8.mov', source, { partSize: PART });
    expect(retries[0]?.error).toBeInstanceOf(VerificationFailedError);
    // The retry finds the completed object and checks it with a HEAD (moto's answer has none).
    expect(requestsTo('HEAD', /v8\.mov/).length).toBeGreaterThan(0);
    expect(result.checksumVerified).toBe(true);
  });

  it('checks a multipart upload with a HEAD where the completion carries no checksum', async () => {
    const { dest } = open();
    const result = await dest.put('videos/v9.mov', makeSource(work, 'v9.mov', 5 * PART + 1), {
      partSize: PART,
    });
    expect(result.checksumVerified).toBe(true);
    expect(requestsTo('HEAD', /v9\.mov/)).toHaveLength(1);
  });
});

describe('transient faults are retried', () => {
  it('retries 500 and 503 SlowDown, then succeeds', async () => {
    const { dest, retries } = open();
    proxy.inject({ method: 'PUT', times: 1 }, internalError());
    proxy.inject({ method: 'PUT', times: 1 }, slowDown());
    const source = makeSource(work, 'j.jpg', 100);
    await dest.put('photos/j.jpg', source);
    expect(retries.map((r) => r.error.message)).toEqual([
      'S3 failed (500 InternalError)',
      'S3 asks to slow down (503 SlowDown)',
    ]);
    expect((await dest.head('photos/j.jpg'))?.sha256).toBe(source.sha256);
  });

  it('retries a failed part without sending the stored parts again', async () => {
    const { dest } = open({ storageClass: 'GLACIER_IR', partConcurrency: 1 });
    proxy.inject({ method: 'PUT', path: /partNumber=3&/, times: 2 }, slowDown());
    const source = makeSource(work, 'k.mov', 6 * PART);
    await dest.put('videos/k.mov', source, { partSize: PART });
    expect(requestsTo('PUT', /partNumber=1&/)).toHaveLength(1);
    expect(requestsTo('PUT', /partNumber=3&/)).toHaveLength(3);
    expect(await readAll(dest, 'videos/k.mov')).toEqual({ sha256: source.sha256, size: 6 * PART });
  });

  it('retries a request that gets no answer before the timeout', async () => {
    const { dest, retries } = open();
    await dest.put('photos/l.jpg', makeSource(work, 'l.jpg', 10));
    proxy.inject({ method: 'HEAD' }, { kind: 'stall', ms: 5000 });
    expect((await dest.head('photos/l.jpg'))?.size).toBe(10);
    expect(retries[0]?.error).toBeInstanceOf(TransientStorageError);
  });

  it('retries an upload whose connection drops mid-body', async () => {
    const { dest, retries } = open();
    proxy.inject({ method: 'PUT' }, { kind: 'drop' });
    const source = makeSource(work, 'm.jpg', 5000);
    await dest.put('photos/m.jpg', source);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.error.message).toMatch(/connection .* was lost/);
    expect((await dest.head('photos/m.jpg'))?.sha256).toBe(source.sha256);
  });

  it('retries a HEAD whose answer is lost and records what was asked', async () => {
    const { dest, retries } = open();
    await dest.put('photos/n0.jpg', makeSource(work, 'n0.jpg', 10));
    proxy.inject({ method: 'HEAD' }, { kind: 'drop' });
    expect((await dest.head('photos/n0.jpg'))?.size).toBe(10);
    expect(retries).toHaveLength(1);
    proxy.clear();
    await dest.requestRestore('photos/n0.jpg', { days: 3, tier: 'Bulk' });
    expect(proxy.requests[0]?.body).toMatch(/<Days>3<\/Days>.*<Tier>Bulk<\/Tier>/s);
  });

  it('continues a download that drops mid-body with a ranged GET of the same version', async () => {
    const { dest } = open({ storageClass: 'STANDARD' });
    const source = makeSource(work, 'n.jpg', 40_000);
    await dest.put('photos/n.jpg', source);
    proxy.clear();
    proxy.inject({ method: 'GET' }, { kind: 'drop' });
    expect(await readAll(dest, 'photos/n.jpg')).toEqual({ sha256: source.sha256, size: 40_000 });
    expect(requestsTo('GET', /n\.jpg/)).toHaveLength(2);
  });

  it("lets the caller's SHA-256 check catch a corrupted download", async () => {
    const { dest } = open({ storageClass: 'STANDARD' });
    const source = makeSource(work, 'o.jpg', 4000);
    await dest.put('photos/o.jpg', source);
    proxy.inject({ method: 'GET' }, { kind: 'corrupt' });
    const { body } = await dest.get('photos/o.jpg');
    await expect(
      pipeline(body, verifyStream(source, 'photos/o.jpg'), new PassThrough().resume()),
    ).rejects.toThrow(VerificationFailedError);
    const { body: again } = await dest.get('photos/o.jpg');
    await pipeline(again, verifyStream(source, 'photos/o.jpg'), new PassThrough().resume());
  });

  it('gives up after the configured attempts with the last reason', async () => {
    const { dest } = open({}, 3);
    proxy.inject({ method: 'PUT', times: 10 }, slowDown());
    await expect(dest.put('photos/p.jpg', makeSource(work, 'p.jpg', 10))).rejects.toThrow(
      'S3 asks to slow down (503 SlowDown) (gave up after 3 attempts)',
    );
    expect(requestsTo('PUT', /p\.jpg/)).toHaveLength(3);
  });
});

describe('permanent errors fail at once with one line', () => {
  it('names a bucket that does not exist', async () => {
    const { dest, retries } = open({ bucket: 'no-such-bucket' });
    const error = await dest.put('photos/q.jpg', makeSource(work, 'q.jpg', 10)).catch((e) => e);
    expect(error).toBeInstanceOf(BucketNotFoundError);
    expect(error.message).toBe('the bucket no-such-bucket does not exist');
    expect(retries).toEqual([]);
  });

  it('names the permission an AccessDenied lacks', async () => {
    const { dest, retries } = open();
    proxy.inject({ method: 'PUT' }, accessDenied());
    const error = await dest.put('photos/r.jpg', makeSource(work, 'r.jpg', 10)).catch((e) => e);
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.message).toBe(
      'access denied: the key lacks s3:PutObject on archive/nas/photos/r.jpg',
    );
    expect(retries).toEqual([]);
    expect(requestsTo('PUT', /r\.jpg/)).toHaveLength(1);
  });

  it('says which region the bucket is in, from a listing or a bodiless HEAD', async () => {
    const { dest } = open();
    proxy.inject({ method: 'GET' }, permanentRedirect('eu-west-1'));
    await expect(collect(dest.list(''))).rejects.toThrow(
      "the bucket archive is in region eu-west-1, not us-east-1: set the destination's region to eu-west-1",
    );
    proxy.inject({ method: 'HEAD' }, permanentRedirect('ap-southeast-2'));
    const error = await dest.head('photos/x.jpg').catch((e) => e);
    expect(error).toBeInstanceOf(WrongRegionError);
    expect(error.details).toMatchObject({ region: 'ap-southeast-2' });
  });

  it('tells unknown keys, wrong secrets and expired sessions apart', async () => {
    const { dest } = open();
    const cases = [
      ['InvalidAccessKeyId', "the access key ID is not known to AWS: check the destination's keys"],
      ['SignatureDoesNotMatch', 'the secret access key does not match the access key ID'],
      ['ExpiredToken', 'the AWS session credentials have expired'],
    ] as const;
    for (const [code, message] of cases) {
      proxy.inject({ method: 'GET' }, s3Error(403, code, 'refused'));
      const error = await collect(dest.list('')).catch((e) => e);
      expect(error).toBeInstanceOf(BadCredentialsError);
      expect(error.message).toBe(message);
    }
  });
});

describe('destination test', () => {
  it('passes every check on a working bucket and leaves nothing behind', async () => {
    const { dest } = open();
    const result = await testDestination(dest);
    expect(result.checks.map((c) => [c.name, c.ok])).toEqual([
      ['list', true],
      ['put', true],
      ['head', true],
      ['get', true],
      ['delete', true],
    ]);
    expect(result.ok).toBe(true);
    expect(await collect(dest.list(''))).toEqual([]);
  });

  it('says plainly what is missing', async () => {
    const { dest } = open();
    proxy.inject({ method: 'PUT' }, accessDenied());
    const denied = await testDestination(dest);
    expect(denied.ok).toBe(false);
    expect(denied.checks.find((c) => c.name === 'put')?.message).toMatch(
      /^access denied: the key lacks s3:PutObject on archive\/nas\/\.glacier-archiver\/probe-/,
    );
    expect(denied.checks.find((c) => c.name === 'get')?.message).toBe(
      'not tried: the probe object could not be written',
    );

    const missing = await testDestination(open({ bucket: 'missing-bucket' }).dest);
    expect(missing.checks[0]).toEqual({
      name: 'list',
      ok: false,
      message: 'the bucket missing-bucket does not exist',
    });
  });
});
