/**
 * Sending one file to S3: a single PutObject up to the multipart threshold, a resumable
 * multipart upload above it.
 *
 * Memory stays bounded whatever the file size: parts are read one at a time at their offset
 * through a file handle into at most `concurrency + 1` part-sized buffers, and every buffer
 * (a single PUT's body too) comes from the job's memory budget (memory.ts). Every part is
 * hashed once with SHA-256, and that digest serves three uses: the S3 checksum that S3
 * verifies on receipt (x-amz-checksum-sha256), the SigV4 payload hash (so the SDK does not
 * hash the part again) and the composite checksum we compare after completion. The whole
 * file's SHA-256 is computed from the same reads and compared with the catalog's before the
 * object is committed: a file that changed while it was sent never becomes an object.
 */
import type { FileHandle } from 'node:fs/promises';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { PutOptions, PutSource } from './destination.js';
import { sha256 } from './hashing.js';
import { MemoryBudget } from './memory.js';
import { readExactly } from './parts.js';
import { MultipartUpload } from './s3-multipart.js';
import {
  bodyOf,
  objectFields,
  send,
  usePayloadHash,
  type UploadOutcome,
  type UploadTarget,
} from './s3-requests.js';
import { parseChecksum } from './s3-objects.js';
import { contentChanged, openSource } from './source.js';

export type { UploadOutcome, UploadTarget } from './s3-requests.js';

export async function uploadFile(
  target: UploadTarget,
  source: PutSource,
  options: PutOptions,
): Promise<UploadOutcome> {
  const file = await openSource(source);
  const memory = options.memory ?? new MemoryBudget(Infinity);
  try {
    if (options.resume || source.size > target.multipartThreshold) {
      return await new MultipartUpload(target, file, source, options, memory).run();
    }
    const buffer = await memory.take(source.size, options.signal);
    try {
      return await putSingle(target, file, source, options, buffer);
    } finally {
      memory.give(buffer);
    }
  } finally {
    await file.close();
  }
}

async function putSingle(
  target: UploadTarget,
  file: FileHandle,
  source: PutSource,
  options: PutOptions,
  buffer: Buffer,
): Promise<UploadOutcome> {
  const data = await readExactly(file, buffer, 0, source.size, source.path);
  const digest = sha256(data);
  if (digest.toString('hex') !== source.sha256.toLowerCase()) throw contentChanged(source);
  const command = new PutObjectCommand({
    ...objectFields(target, source, options),
    Body: bodyOf(data, (sent) => options.onProgress?.(sent), options.throttle),
    ContentLength: data.length,
    ChecksumSHA256: digest.toString('base64'),
  });
  usePayloadHash(command, digest);
  const out = await send(target, 'put', options.signal, () =>
    target.client.send(command, { abortSignal: options.signal }),
  );
  const stored = parseChecksum(out.ChecksumSHA256);
  return {
    ...(out.ETag ? { etag: out.ETag } : {}),
    ...(out.VersionId && out.VersionId !== 'null' ? { versionId: out.VersionId } : {}),
    checksum: { algorithm: 'SHA256', value: digest.toString('base64') },
    bytesSent: data.length,
    // S3 accepted exactly Content-Length bytes (it refuses a short or long body).
    ...(stored ? { stored: { checksum: stored, size: out.Size ?? data.length } } : {}),
  };
}
