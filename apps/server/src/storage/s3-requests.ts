/**
 * What every S3 write shares: the target, the fields each object carries, calls that turn our
 * own abort into CancelledError, part bodies that report progress, and the SigV4 shortcut.
 */
import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { CancelledError } from '../errors.js';
import type { Checksum, ObjectInfo, PutOptions, PutSource, StorageClass } from './destination.js';
import type { S3Operation } from './s3-errors.js';
import { formatMtime } from './source.js';

export interface UploadTarget {
  client: S3Client;
  bucket: string;
  /** The full S3 key (destination prefix included). */
  objectKey: string;
  /** The destination-relative key, as callers know it (kept in MultipartState). */
  key: string;
  storageClass: StorageClass;
  serverSideEncryption?: 'AES256';
  concurrency: number;
  multipartThreshold: number;
  /** The object now at the key (HEAD), to recognise an upload completed by an earlier run. */
  existing(): Promise<ObjectInfo | null>;
  /** Runs an SDK call, translating what it throws (s3-errors.ts). */
  call<T>(operation: S3Operation, run: () => Promise<T>): Promise<T>;
}

export interface UploadOutcome {
  etag?: string;
  versionId?: string;
  /** The checksum of the bytes we sent, computed here as they were read. */
  checksum: Checksum;
  bytesSent: number;
  /**
   * The object as the answer that created it describes it, when that answer carries its
   * checksum (S3 does for a PUT or CompleteMultipartUpload that named SHA256): the checksum S3
   * stored (it recomputes it from the bytes it received and refuses a body that does not
   * match, BadDigest) and the object's size (S3's own figure where it gives one, else the
   * length it accepted: the PUT's Content-Length, or the sum of the parts it confirmed).
   * Absent when the answer lacks the checksum: the object is then read back with a HEAD.
   */
  stored?: { checksum: Checksum; size: number };
}

/** The fields every object write carries: class, encryption, our metadata, checksum kind. */
export function objectFields(target: UploadTarget, source: PutSource, options: PutOptions) {
  return {
    Bucket: target.bucket,
    Key: target.objectKey,
    StorageClass: options.storageClass ?? target.storageClass,
    ContentType: options.contentType ?? 'application/octet-stream',
    Metadata: { sha256: source.sha256, mtime: formatMtime(source.mtimeMs) },
    ...(target.serverSideEncryption ? { ServerSideEncryption: target.serverSideEncryption } : {}),
    ChecksumAlgorithm: 'SHA256' as const,
  };
}

/** Best effort: a failed abort leaves an upload the cleanup action will find. */
export async function abortUpload(target: UploadTarget, uploadId: string): Promise<void> {
  await target
    .call('abort-upload', () =>
      target.client.send(
        new AbortMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.objectKey,
          UploadId: uploadId,
        }),
      ),
    )
    .catch(() => undefined);
}

/** A call that turns an abort by our signal into CancelledError, whatever the SDK threw. */
export async function send<T>(
  target: UploadTarget,
  operation: S3Operation,
  signal: AbortSignal | undefined,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await target.call(operation, run);
  } catch (error) {
    if (signal?.aborted) throw new CancelledError(`the upload of ${target.key} was cancelled`);
    throw error;
  }
}

/**
 * Streams a part buffer in 256 KiB slices so the caller sees bytes leave as the socket takes
 * them (the HTTP layer pulls with backpressure) rather than only when the part is done.
 */
export function bodyOf(
  data: Buffer,
  onSent: (bytes: number) => void,
  throttle?: (bytes: number) => Promise<void>,
): Readable {
  const slice = 256 * 1024;
  return Readable.from(
    (async function* () {
      for (let offset = 0; offset < data.length; offset += slice) {
        const chunk = data.subarray(offset, offset + slice);
        if (throttle) {
          try {
            await throttle(chunk.length);
          } catch {
            // The job stopped while waiting for bandwidth: its signal aborts the request; an
            // error thrown into a body nobody reads any more would end the process.
            return;
          }
        }
        yield chunk;
        onSent(offset + chunk.length);
      }
    })(),
    { objectMode: false },
  );
}

/**
 * Gives the SigV4 signer the payload hash we already have: it takes x-amz-content-sha256 as
 * set instead of hashing the body again (and could not hash a stream body at all).
 */
export function usePayloadHash(
  command: PutObjectCommand | UploadPartCommand,
  digest: Buffer,
): void {
  const hex = digest.toString('hex');
  (command.middlewareStack as unknown as BuildStack).add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (request.headers) request.headers['x-amz-content-sha256'] = hex;
      return next(args);
    },
    { step: 'build', name: 'glacierPayloadHash' },
  );
}

/** The part of the SDK's middleware stack we use (its full type is a union of overloads). */
interface BuildStack {
  add(
    middleware: (
      next: (args: { request: unknown }) => Promise<unknown>,
    ) => (args: { request: unknown }) => Promise<unknown>,
    options: { step: 'build'; name: string },
  ): void;
}
