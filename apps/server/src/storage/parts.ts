/**
 * Multipart arithmetic and bounded-memory reading of a file's parts.
 *
 * S3 takes parts of 5 MiB to 5 GiB (the last may be smaller), at most 10,000 of them, for
 * objects up to 5 TiB. We prefer 16 MiB parts: few enough requests (PUTs are billed per 1,000
 * in cold classes), small enough that `concurrency + 1` part buffers stay well under the
 * 300 MB a NAS can spare, and large enough to fill a home uplink. The buffers themselves come
 * from a MemoryBudget (memory.ts). Past 160 GiB the part grows
 * so the file still fits in 10,000 parts.
 */
import type { FileHandle } from 'node:fs/promises';
import { PermanentStorageError, SourceChangedError } from '../errors.js';

const MiB = 1024 * 1024;
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * 1024 * MiB;
export const MAX_PARTS = 10_000;
export const MAX_OBJECT_SIZE = 5 * 1024 * 1024 * MiB;
export const DEFAULT_PART_SIZE = 16 * MiB;

/** The part size for a file of `size` bytes: `preferred`, grown to a whole MiB if needed. */
export function choosePartSize(size: number, preferred = DEFAULT_PART_SIZE): number {
  if (size > MAX_OBJECT_SIZE) {
    throw new PermanentStorageError(
      `the file is ${size} bytes: S3 stores objects of at most 5 TiB`,
    );
  }
  const needed = Math.ceil(Math.ceil(size / MAX_PARTS) / MiB) * MiB;
  return Math.min(MAX_PART_SIZE, Math.max(MIN_PART_SIZE, preferred, needed));
}

export interface PartRange {
  partNumber: number;
  offset: number;
  length: number;
}

export function partCount(size: number, partSize: number): number {
  return Math.max(1, Math.ceil(size / partSize));
}

export function partRange(size: number, partSize: number, partNumber: number): PartRange {
  const offset = (partNumber - 1) * partSize;
  return { partNumber, offset, length: Math.max(0, Math.min(partSize, size - offset)) };
}

/**
 * Reads exactly `length` bytes at `offset` into `buffer` (which may be larger) and returns the
 * filled slice. A file that ends early was truncated since it was scanned.
 */
export async function readExactly(
  file: FileHandle,
  buffer: Buffer,
  offset: number,
  length: number,
  path: string,
): Promise<Buffer> {
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await file.read(buffer, filled, length - filled, offset + filled);
    if (bytesRead === 0) {
      throw new SourceChangedError(`${path} shrank while it was being sent`, { path });
    }
    filled += bytesRead;
  }
  return buffer.subarray(0, length);
}
