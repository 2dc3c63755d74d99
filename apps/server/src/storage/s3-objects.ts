/** S3's answers in our types: object info, restore state, checksums, ranges, guarded bodies. */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { TransientStorageError } from '../errors.js';
import {
  classNeedsRestore,
  type Checksum,
  type ObjectInfo,
  type RestoreState,
} from './destination.js';
import { parseMtime } from './source.js';

export function objectInfo(key: string, out: HeadObjectCommandOutput): ObjectInfo {
  const storageClass = out.StorageClass ?? 'STANDARD';
  const restore = parseRestoreHeader(out.Restore);
  const sha256 = out.Metadata?.sha256;
  const mtimeMs = parseMtime(out.Metadata?.mtime);
  const checksum = parseChecksum(out.ChecksumSHA256);
  return {
    key,
    size: out.ContentLength ?? 0,
    storageClass,
    restore,
    readable: !classNeedsRestore(storageClass) || restore.state === 'available',
    ...(sha256 ? { sha256: sha256.toLowerCase() } : {}),
    ...(mtimeMs !== undefined ? { mtimeMs } : {}),
    ...(out.ETag ? { etag: out.ETag } : {}),
    ...(out.LastModified ? { lastModified: out.LastModified } : {}),
    ...(checksum ? { checksum } : {}),
    ...(out.ReplicationStatus ? { replication: out.ReplicationStatus } : {}),
    ...(out.ServerSideEncryption ? { serverSideEncryption: out.ServerSideEncryption } : {}),
    ...(out.VersionId && out.VersionId !== 'null' ? { versionId: out.VersionId } : {}),
  };
}

/** x-amz-restore: `ongoing-request="true"` or `ongoing-request="false", expiry-date="…"`. */
export function parseRestoreHeader(value: string | undefined): RestoreState {
  if (!value) return { state: 'none' };
  if (/ongoing-request="true"/.test(value)) return { state: 'in-progress' };
  const expiry = /expiry-date="([^"]+)"/.exec(value)?.[1];
  return expiry ? { state: 'available', until: new Date(expiry) } : { state: 'none' };
}

export function restoreFromStatus(
  inProgress: boolean | undefined,
  expiry: Date | undefined,
): RestoreState {
  if (inProgress) return { state: 'in-progress' };
  return expiry ? { state: 'available', until: expiry } : { state: 'none' };
}

/** "base64" or S3's composite "base64-N" (moto's HEAD leaves the "-N" off). */
export function parseChecksum(value: string | undefined): Checksum | undefined {
  if (!value) return undefined;
  const match = /^(.*?)(?:-(\d+))?$/.exec(value);
  const parts = match?.[2];
  return {
    algorithm: 'SHA256',
    value: match?.[1] ?? value,
    ...(parts ? { parts: Number(parts) } : {}),
  };
}

export function rangeHeader(range: { offset: number; length?: number }): string {
  const end = range.length === undefined ? '' : String(range.offset + range.length - 1);
  return `bytes=${range.offset}-${end}`;
}

/** The whole size from Content-Range "bytes 0-99/1234". */
export function totalSize(contentRange: string | undefined): number | undefined {
  const total = contentRange?.split('/')[1];
  return total && total !== '*' ? Number(total) : undefined;
}

/**
 * Passes the SDK's body through, turning its errors (a connection reset mid-body) into ours
 * and a body that ends short of Content-Length into a TransientStorageError.
 */
export function guardBody(
  body: Readable,
  length: number,
  mapError: (error: unknown) => Error,
): Readable {
  let seen = 0;
  const guarded = new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      callback(
        seen === length
          ? null
          : new TransientStorageError(`the download ended after ${seen} of ${length} bytes`),
      );
    },
  });
  body.once('error', (error) => guarded.destroy(mapError(error)));
  guarded.once('close', () => body.destroy());
  return body.pipe(guarded);
}
