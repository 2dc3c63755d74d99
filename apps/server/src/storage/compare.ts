/**
 * Does a stored object (its HEAD) hold the bytes we think? The one comparison behind rule 2 of
 * DESIGN.md: the archive's read-back after a put (s3.ts `verifyStored`) and the check of a
 * recorded copy (archive/check-copies.ts) both call it, so they cannot drift apart.
 */
import type { Checksum, ObjectInfo } from './destination.js';

export interface StoredComparison {
  /** The object's size is the expected one. */
  size: boolean;
  /** x-amz-meta-sha256 (a folder's sidecar) against the expected SHA-256; absent on objects put by other tools. */
  sha256: 'match' | 'mismatch' | 'absent';
  /**
   * The object's native checksum against the expected one. `not-comparable`: a multipart
   * object's composite checksum, which cannot be derived from the whole file's SHA-256 alone
   * (it needs the parts' digests), when no expected composite was given.
   */
  checksum: 'match' | 'mismatch' | 'absent' | 'not-comparable';
}

/** Same digest; the part counts must agree where both say one (moto's HEAD leaves it off). */
export function sameChecksum(stored: Checksum, expected: Checksum): boolean {
  if (stored.value !== expected.value) return false;
  return (
    stored.parts === undefined || expected.parts === undefined || stored.parts === expected.parts
  );
}

/** S3 gives a multipart object an ETag ending in "-N" (the part count); moto does too. */
export function isMultipartObject(info: ObjectInfo): boolean {
  return info.checksum?.parts !== undefined || /-\d+"?$/.test(info.etag ?? '');
}

/**
 * Compares `info` with what it should hold. `expected.checksum` is the checksum the bytes sent
 * produced (a put knows it, composite included); without it, a single-part object's checksum
 * is compared with the whole file's SHA-256, which is what S3 stores for one PUT.
 */
export function compareStored(
  info: ObjectInfo,
  expected: { size: number; sha256: string; checksum?: Checksum },
): StoredComparison {
  const sha256 = expected.sha256.toLowerCase();
  return {
    size: info.size === expected.size,
    sha256: info.sha256 === undefined ? 'absent' : info.sha256 === sha256 ? 'match' : 'mismatch',
    checksum: compareChecksum(info, expected.checksum, sha256),
  };
}

function compareChecksum(
  info: ObjectInfo,
  expected: Checksum | undefined,
  sha256Hex: string,
): StoredComparison['checksum'] {
  if (!info.checksum) return 'absent';
  if (expected) return sameChecksum(info.checksum, expected) ? 'match' : 'mismatch';
  if (isMultipartObject(info)) return 'not-comparable';
  const whole: Checksum = {
    algorithm: 'SHA256',
    value: Buffer.from(sha256Hex, 'hex').toString('base64'),
  };
  return sameChecksum(info.checksum, whole) ? 'match' : 'mismatch';
}
