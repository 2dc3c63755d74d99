// "Check copies" in plain words: one line a copy, as the file details dialog shows it.
import { describe, expect, it } from 'vitest';
import { describeCopyCheck, type CopyCheck } from './copies';
import { formatDateTime } from './format';

const verified: CopyCheck = {
  destination: 'offsite',
  kind: 's3',
  region: 'eu-west-1',
  key: 'photos/Trip/a.jpg',
  catalogLostAt: null,
  status: 'verified',
  size: 3000,
  expectedSize: 3000,
  sha256: 'match',
  checksum: 'match',
  storageClass: 'DEEP_ARCHIVE',
  restore: { state: 'none', until: null },
  replication: { status: 'COMPLETED', meaning: 'a replica exists in the other region' },
  serverSideEncryption: null,
  problem: null,
};

const unasked = {
  size: null,
  sha256: null,
  checksum: null,
  storageClass: null,
  restore: null,
  replication: null,
  serverSideEncryption: null,
} as const;

describe('describeCopyCheck', () => {
  it('says a verified S3 copy, its class and its replication', () => {
    expect(describeCopyCheck(verified)).toEqual({
      where: 'offsite (eu-west-1)',
      text: 'present, verified SHA-256, Glacier Deep Archive, replication COMPLETED — a replica exists in the other region',
      tone: 'ok',
    });
  });

  it('names encryption and a restored copy with its expiry', () => {
    const until = Date.UTC(2026, 0, 5, 9, 0);
    const { text } = describeCopyCheck({
      ...verified,
      replication: null,
      serverSideEncryption: 'AES256',
      restore: { state: 'available', until },
    });
    expect(text).toBe(
      `present, verified SHA-256, Glacier Deep Archive, restored until ${formatDateTime(until)}, encrypted at rest (SSE-S3)`,
    );
  });

  it('says "missing" alone for a folder copy that is gone', () => {
    expect(
      describeCopyCheck({
        ...verified,
        ...unasked,
        destination: 'usb',
        kind: 'folder',
        region: null,
        status: 'missing',
        problem: 'no object at photos/Trip/a.jpg: it was deleted or moved since it was archived',
      }),
    ).toEqual({ where: 'usb', text: 'missing', tone: 'bad' });
  });

  it('gives the reason of a changed copy or an unreachable destination', () => {
    expect(
      describeCopyCheck({
        ...verified,
        replication: null,
        status: 'mismatch',
        checksum: 'mismatch',
        problem: 'the object was changed or replaced',
      }).text,
    ).toBe('present but different, Glacier Deep Archive: the object was changed or replaced');
    expect(
      describeCopyCheck({
        ...verified,
        ...unasked,
        status: 'error',
        problem: 'access denied: the key lacks s3:GetObject on vault/nas/photos/Trip/a.jpg',
      }),
    ).toMatchObject({
      text: 'could not be checked: access denied: the key lacks s3:GetObject on vault/nas/photos/Trip/a.jpg',
      tone: 'bad',
    });
  });

  it('warns when only the size could be compared, and when the catalog counts the copy lost', () => {
    const lostAt = Date.UTC(2025, 5, 1);
    expect(
      describeCopyCheck({
        ...verified,
        kind: 'folder',
        region: null,
        destination: 'usb',
        storageClass: 'LOCAL',
        replication: null,
        status: 'unverified',
        sha256: 'absent',
        checksum: 'absent',
        catalogLostAt: lostAt,
        problem: 'the object carries no SHA-256 to compare: only its size matches',
      }),
    ).toEqual({
      where: 'usb',
      text: `present, same size, SHA-256 not verifiable: the object carries no SHA-256 to compare: only its size matches (the catalog counts it lost since ${formatDateTime(lostAt)})`,
      tone: 'warn',
    });
  });
});
