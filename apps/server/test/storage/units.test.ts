/** The storage layer's pure pieces: part sizes, parsing, keys, backoff, stream verification. */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  CancelledError,
  InvalidKeyError,
  PermanentStorageError,
  UserInputError,
  VerificationFailedError,
} from '../../src/errors.js';
import { FolderDestination } from '../../src/storage/folder.js';
import { verifyStream } from '../../src/storage/hashing.js';
import { assertValidKey } from '../../src/storage/keys.js';
import { MemoryBudget, sizeClass } from '../../src/storage/memory.js';
import { openDestination, parseDestinationUrl, parseStorageClass } from '../../src/storage/open.js';
import { MAX_PARTS, choosePartSize, partCount } from '../../src/storage/parts.js';
import {
  RetryingDestination,
  backoffDelay,
  DEFAULT_RETRY_POLICY,
} from '../../src/storage/retrying.js';
import { S3Destination } from '../../src/storage/s3.js';
import { parseRestoreHeader } from '../../src/storage/s3-objects.js';
import './support.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

describe('choosePartSize', () => {
  it.each([
    ['1 byte', 1, 16 * MiB, 1],
    ['5 GiB', 5 * GiB, 16 * MiB, 320],
    ['50 GiB', 50 * GiB, 16 * MiB, 3200],
    ['5 TiB', 5 * TiB, 525 * MiB, 9987],
  ])('%s → parts of %d bytes', (_label, size, partSize, parts) => {
    expect(choosePartSize(size)).toBe(partSize);
    expect(partCount(size, choosePartSize(size))).toBe(parts);
    expect(parts).toBeLessThanOrEqual(MAX_PARTS);
  });

  it('never goes under S3’s 5 MiB minimum and refuses objects over 5 TiB', () => {
    expect(choosePartSize(100 * MiB, 1 * MiB)).toBe(5 * MiB);
    expect(() => choosePartSize(5 * TiB + 1)).toThrow(PermanentStorageError);
  });
});

describe('parseDestinationUrl', () => {
  it('reads s3://BUCKET/PREFIX and absolute folder paths', () => {
    expect(parseDestinationUrl('s3://my-photos/nas/archive/')).toEqual({
      kind: 's3',
      bucket: 'my-photos',
      prefix: 'nas/archive',
    });
    expect(parseDestinationUrl('s3://my-photos')).toEqual({
      kind: 's3',
      bucket: 'my-photos',
      prefix: '',
    });
    expect(parseDestinationUrl('/mnt/usb/archive/')).toEqual({
      kind: 'folder',
      path: '/mnt/usb/archive',
    });
  });

  it.each([
    ['archive/relative', /absolute path/],
    ['gs://bucket/x', /unsupported destination/],
    ['s3://Bad_Bucket/x', /not a valid S3 bucket name/],
    ['s3://bucket/a/../b', /may not contain/],
  ])('refuses %s', (text, message) => {
    expect(() => parseDestinationUrl(text)).toThrow(UserInputError);
    expect(() => parseDestinationUrl(text)).toThrow(message);
  });

  it('reads storage classes as users type them', () => {
    expect(parseStorageClass('deep-archive')).toBe('DEEP_ARCHIVE');
    expect(parseStorageClass('GLACIER_IR')).toBe('GLACIER_IR');
    expect(() => parseStorageClass('cold')).toThrow(/unknown storage class "cold"/);
  });
});

describe('openDestination', () => {
  it('picks the implementation from the config and wraps it with retries', () => {
    const s3 = openDestination({
      kind: 's3',
      bucket: 'b-1',
      prefix: 'p',
      region: 'eu-west-1',
      storageClass: 'GLACIER',
    });
    expect(s3).toBeInstanceOf(RetryingDestination);
    expect((s3 as RetryingDestination).inner).toBeInstanceOf(S3Destination);
    expect(s3.features.description).toBe('s3://b-1/p/ (eu-west-1)');
    s3.close();
    const folder = openDestination({ kind: 'folder', path: '/mnt/usb' }, { retry: false });
    expect(folder).toBeInstanceOf(FolderDestination);
    expect(folder.features).toMatchObject({ needsRestore: false, storageClasses: [] });
  });
});

describe('keys', () => {
  it.each(['', '/abs', '../up', 'a/../b', 'a//b', 'a/./b', 'nul\0'])('refuses %j', (key) => {
    expect(() => assertValidKey(key)).toThrow(InvalidKeyError);
  });

  it('accepts what NAS paths look like', () => {
    expect(() => assertValidKey('photos/2024/Été à Nice/IMG 0001 (1).JPG')).not.toThrow();
  });
});

describe('parseRestoreHeader', () => {
  it('reads the three states of x-amz-restore', () => {
    expect(parseRestoreHeader(undefined)).toEqual({ state: 'none' });
    expect(parseRestoreHeader('ongoing-request="true"')).toEqual({ state: 'in-progress' });
    expect(
      parseRestoreHeader('ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"'),
    ).toEqual({ state: 'available', until: new Date('2012-12-21T00:00:00Z') });
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, scaled by the jitter', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, random: () => 0.5 };
    expect([1, 2, 3, 4].map((attempt) => backoffDelay(attempt, policy))).toEqual([
      250, 500, 1000, 2000,
    ]);
    expect(backoffDelay(20, policy)).toBe(15_000);
    expect(backoffDelay(3, { ...policy, random: () => 0 })).toBe(0);
  });
});

describe('verifyStream', () => {
  const data = Buffer.from('hello');
  const sha256 = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
  const run = (expected: { sha256: string; size?: number }) =>
    pipeline(Readable.from([data]), verifyStream(expected, 'x'), new PassThrough().resume());

  it('passes intact bytes and fails a wrong hash or size', async () => {
    await run({ sha256, size: 5 });
    await expect(run({ sha256: '0'.repeat(64) })).rejects.toThrow(VerificationFailedError);
    await expect(run({ sha256, size: 6 })).rejects.toThrow('x: received 5 bytes, expected 6');
  });
});

describe('MemoryBudget', () => {
  const KiB = 1024;

  it('rounds requests up to size classes', () => {
    expect([1, 64 * KiB, 100 * KiB, 300 * KiB, MiB, MiB + 1, 16 * MiB].map(sizeClass)).toEqual([
      64 * KiB,
      64 * KiB,
      128 * KiB,
      512 * KiB,
      MiB,
      2 * MiB,
      16 * MiB,
    ]);
  });

  it('lends no more than its limit: a request waits until enough comes back', async () => {
    const budget = new MemoryBudget(3 * MiB);
    const a = await budget.take(MiB);
    const b = await budget.take(2 * MiB);
    let c: Buffer | undefined;
    const waiting = budget.take(MiB).then((buffer) => (c = buffer));
    await Promise.resolve();
    expect(c).toBeUndefined();
    budget.give(a);
    await waiting;
    // The buffer given back is lent again rather than a new one allocated.
    expect(c).toBe(a);
    expect(budget.peak).toBe(3 * MiB);
    budget.give(b);
    budget.give(c!);
    expect(budget.used).toBeLessThanOrEqual(3 * MiB);
  });

  it('serves requests in order, so a large one is not starved by small ones', async () => {
    const budget = new MemoryBudget(3 * MiB);
    const held = await budget.take(2 * MiB);
    const order: string[] = [];
    // The small one would fit now, but the large one asked first.
    const large = budget.take(2 * MiB).then((b) => (order.push('large'), b));
    const small = budget.take(64 * KiB).then((b) => (order.push('small'), b));
    budget.give(held);
    budget.give(await large);
    await small;
    expect(order).toEqual(['large', 'small']);
  });

  it('serves a request larger than the whole budget alone', async () => {
    const budget = new MemoryBudget(MiB);
    const small = await budget.take(KiB);
    let huge: Buffer | undefined;
    const waiting = budget.take(4 * MiB).then((b) => (huge = b));
    await Promise.resolve();
    expect(huge).toBeUndefined();
    budget.give(small);
    await waiting;
    expect(huge?.length).toBe(4 * MiB);
    // Nothing is kept beside it.
    expect(budget.used).toBe(4 * MiB);
    budget.give(huge!);
    expect(budget.used).toBe(0);
  });

  it('drops kept buffers when another size needs the room, and on trim', async () => {
    const budget = new MemoryBudget(2 * MiB);
    budget.give(await budget.take(2 * MiB));
    expect(budget.used).toBe(2 * MiB);
    const other = await budget.take(MiB);
    expect(budget.used).toBe(MiB);
    budget.give(other);
    budget.trim();
    expect(budget.used).toBe(0);
  });

  it('drops the smallest kept buffers first, keeping part buffers for the next part', async () => {
    const budget = new MemoryBudget(3 * MiB);
    const part = await budget.take(2 * MiB);
    const photo = await budget.take(100 * KiB);
    budget.give(part);
    budget.give(photo);
    const other = await budget.take(MiB);
    expect(budget.used).toBe(3 * MiB);
    budget.give(other);
    expect(await budget.take(2 * MiB)).toBe(part);
  });

  it('lets a waiting request go when its signal aborts', async () => {
    const budget = new MemoryBudget(MiB);
    const held = await budget.take(MiB);
    const stop = new AbortController();
    const waiting = budget.take(MiB, stop.signal);
    stop.abort();
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    budget.give(held);
    expect((await budget.take(MiB)).length).toBe(MiB);
  });
});
