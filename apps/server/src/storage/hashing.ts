/**
 * SHA-256 helpers for the checks of DESIGN.md's rule 2: what comes back from a destination is
 * compared against the hash the catalog holds, never trusted because a request succeeded.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { VerificationFailedError } from '../errors.js';

export function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

/** Hashes a stream to its end: `{ sha256: hex, size }`. */
export async function hashStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    const buffer = chunk as Buffer;
    hash.update(buffer);
    size += buffer.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * A pass-through that hashes what flows through it and fails the pipeline at the end
 * (VerificationFailedError) unless the bytes had the expected SHA-256 and size, e.g.
 * `pipeline(get.body, verifyStream({ sha256, size }, key), createWriteStream(tmp))`.
 */
export function verifyStream(
  expected: { sha256: string; size?: number },
  label: string,
): Transform {
  const hash = createHash('sha256');
  let size = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      const actual = hash.digest('hex');
      if (expected.size !== undefined && size !== expected.size) {
        return callback(
          new VerificationFailedError(
            `${label}: received ${size} bytes, expected ${expected.size}`,
            { size, expectedSize: expected.size },
          ),
        );
      }
      if (actual !== expected.sha256.toLowerCase()) {
        return callback(
          new VerificationFailedError(`${label}: the data does not match its SHA-256`, {
            sha256: actual,
            expectedSha256: expected.sha256,
          }),
        );
      }
      callback();
    },
  });
}

/** S3's composite checksum of a multipart object: SHA-256 of the parts' digests, base64. */
export function compositeSha256(partDigestsBase64: readonly string[]): string {
  const hash = createHash('sha256');
  for (const digest of partDigestsBase64) hash.update(Buffer.from(digest, 'base64'));
  return hash.digest('base64');
}
