/**
 * put() for the folder destination. The copy goes into a hidden partial file beside its target,
 * part by part, each part flushed to disk (fdatasync) before onPartDone reports it, so a
 * restarted job resumes a 50 GB video on a USB drive where it stopped. At the end the partial
 * is fsynced, read back and hashed (rule 2 of DESIGN.md), given the source's mtime and renamed
 * over the target; only then is the metadata sidecar written. A file is never half there under
 * its real name; a full disk or a changed source leaves nothing behind.
 */
import { randomBytes, createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, utimes, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, VerificationFailedError } from '../errors.js';
import type {
  CompletedPart,
  MultipartState,
  PutOptions,
  PutResult,
  PutSource,
} from './destination.js';
import {
  folderError,
  freeBytes,
  fullError,
  readMeta,
  removeQuietly,
  syncDir,
  writeFileDurably,
  type FolderLayout,
  type ObjectMeta,
} from './folder-files.js';
import { hashStream, sha256 } from './hashing.js';
import { MemoryBudget } from './memory.js';
import { partCount, partRange, readExactly } from './parts.js';
import { contentChanged, openSource, utimesSeconds } from './source.js';

/** Parts are only resume points here (the disk is the limit, not requests): 64 MiB. */
export const FOLDER_PART_SIZE = 64 * 1024 * 1024;

export async function writeObject(
  layout: FolderLayout,
  key: string,
  source: PutSource,
  options: PutOptions,
): Promise<PutResult> {
  const target = layout.dataPath(key);
  const input = await openSource(source);
  let partial: string | undefined;
  try {
    await mkdir(path.dirname(target), { recursive: true }).catch((error: unknown) => {
      throw folderError(layout.base, error, source.size);
    });
    const earlier = await completedEarlier(layout, key, source, options.resume);
    if (earlier) return earlier;
    const start = await startOrResume(layout, key, source, options);
    partial = start.partial;
    const result = await copyParts(layout, input, source, options, start);
    await finish(layout, key, source, partial, target);
    partial = undefined;
    return result;
  } catch (error) {
    // A pause or shutdown keeps the partial for a resume; anything else leaves nothing.
    const keep = error instanceof CancelledError && !options.abortOnCancel;
    if (partial && !keep) await removeQuietly(partial);
    throw folderError(layout.base, error, source.size);
  } finally {
    await input.close();
  }
}

/**
 * A resume whose partial is gone because an earlier run finished the copy and died before
 * reporting it: if the object there hashes to the file's SHA-256, nothing is copied again.
 */
async function completedEarlier(
  layout: FolderLayout,
  key: string,
  source: PutSource,
  resume: MultipartState | undefined,
): Promise<PutResult | undefined> {
  if (!resume || !sameSource(resume, key, source)) return undefined;
  if (await exists(layout.partialPath(key, resume.uploadId))) return undefined;
  const meta = await readMeta(layout, key);
  const sha256 = source.sha256.toLowerCase();
  if (meta?.sha256 !== sha256 || meta.size !== source.size) return undefined;
  const stored = await hashStream(createReadStream(layout.dataPath(key))).catch(() => undefined);
  if (stored?.sha256 !== sha256) return undefined;
  return storedResult(source, 0);
}

function sameSource(resume: MultipartState, key: string, source: PutSource): boolean {
  return (
    resume.key === key &&
    resume.size === source.size &&
    resume.sha256.toLowerCase() === source.sha256.toLowerCase()
  );
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function storedResult(source: PutSource, bytesSent: number): PutResult {
  return {
    etag: source.sha256.toLowerCase(),
    checksum: { algorithm: 'SHA256', value: Buffer.from(source.sha256, 'hex').toString('base64') },
    bytesSent,
    checksumVerified: true,
  };
}

interface Start {
  partial: string;
  state: MultipartState;
  output: FileHandle;
}

async function startOrResume(
  layout: FolderLayout,
  key: string,
  source: PutSource,
  options: PutOptions,
): Promise<Start> {
  const resume = options.resume;
  if (resume && sameSource(resume, key, source)) {
    const partial = layout.partialPath(key, resume.uploadId);
    const output = await open(partial, 'r+').catch(() => undefined);
    if (output) {
      const parts = await confirmedParts(output, resume.parts);
      return { partial, output, state: { ...resume, parts } };
    }
  } else if (resume) {
    await removeQuietly(layout.partialPath(key, resume.uploadId));
  }
  const free = await freeBytes(path.dirname(layout.dataPath(key)));
  if (free !== undefined && free < source.size) throw fullError(layout.base, free, source.size);
  const uploadId = randomBytes(8).toString('hex');
  const partial = layout.partialPath(key, uploadId);
  const output = await open(partial, 'wx');
  const partSize = options.partSize ?? FOLDER_PART_SIZE;
  const state = { key, uploadId, partSize, size: source.size, sha256: source.sha256, parts: [] };
  return { partial, output, state };
}

/** The saved parts the partial file really holds: the longest run from part 1 that hashes right. */
async function confirmedParts(
  output: FileHandle,
  parts: CompletedPart[],
): Promise<CompletedPart[]> {
  const confirmed: CompletedPart[] = [];
  const { size } = await output.stat();
  let offset = 0;
  for (const part of [...parts].sort((a, b) => a.partNumber - b.partNumber)) {
    if (part.partNumber !== confirmed.length + 1 || offset + part.size > size) break;
    const data = await readExactly(output, Buffer.allocUnsafe(part.size), offset, part.size, '');
    if (sha256(data).toString('base64') !== part.sha256) break;
    confirmed.push(part);
    offset += part.size;
  }
  return confirmed;
}

async function copyParts(
  layout: FolderLayout,
  input: FileHandle,
  source: PutSource,
  options: PutOptions,
  { output, state }: Start,
): Promise<PutResult> {
  const whole = createHash('sha256');
  const memory = options.memory ?? new MemoryBudget(Infinity);
  const size = Math.min(state.partSize, Math.max(source.size, 1));
  const buffer = await memory.take(size, options.signal).catch(async (error: unknown) => {
    await output.close();
    throw error;
  });
  let bytesSent = 0;
  let done = 0;
  try {
    await options.onPartDone?.(snapshot(state));
    for (let n = 1; n <= partCount(source.size, state.partSize); n++) {
      if (options.signal?.aborted) {
        throw new CancelledError(`the copy of ${state.key} was cancelled`);
      }
      const { offset, length } = partRange(source.size, state.partSize, n);
      const data = await readExactly(input, buffer, offset, length, source.path);
      const digest = sha256(data).toString('base64');
      whole.update(data);
      const saved = state.parts.find((p) => p.partNumber === n);
      if (saved && saved.sha256 !== digest) throw contentChanged(source);
      if (!saved) {
        await writeAll(output, data, offset).catch((error: unknown) => {
          throw folderError(layout.base, error, source.size);
        });
        await output.datasync();
        state.parts.push({ partNumber: n, size: length, etag: digest, sha256: digest });
        bytesSent += length;
        await options.onPartDone?.(snapshot(state));
      }
      done += length;
      options.onProgress?.(done);
    }
    if (whole.digest('hex') !== source.sha256.toLowerCase()) throw contentChanged(source);
    // A resumed partial may be longer than the file if a part was rewritten shorter.
    await output.truncate(source.size);
    await output.sync();
  } finally {
    memory.give(buffer);
    await output.close();
  }
  return storedResult(source, bytesSent);
}

async function writeAll(output: FileHandle, data: Buffer, position: number): Promise<void> {
  let written = 0;
  while (written < data.length) {
    const { bytesWritten } = await output.write(
      data,
      written,
      data.length - written,
      position + written,
    );
    written += bytesWritten;
  }
}

/** Read back, date, rename into place, then describe it in the sidecar. */
async function finish(
  layout: FolderLayout,
  key: string,
  source: PutSource,
  partial: string,
  target: string,
): Promise<void> {
  const readBack = await hashStream(createReadStream(partial));
  if (readBack.sha256 !== source.sha256.toLowerCase() || readBack.size !== source.size) {
    throw new VerificationFailedError(`${key}: the copy on ${layout.base} reads back wrong`, {
      key,
    });
  }
  const mtime = utimesSeconds(source.mtimeMs);
  await utimes(partial, mtime, mtime);
  const metaPath = layout.metaPath(key);
  // The old sidecar must never describe the new data, even after a crash right here.
  await removeQuietly(metaPath);
  await rename(partial, target);
  await syncDir(path.dirname(target));
  const meta: ObjectMeta = {
    version: 1,
    size: source.size,
    sha256: source.sha256.toLowerCase(),
    mtimeMs: source.mtimeMs,
    storedAt: new Date().toISOString(),
  };
  try {
    await mkdir(path.dirname(metaPath), { recursive: true });
    await writeFileDurably(metaPath, `${JSON.stringify(meta)}\n`);
  } catch (error) {
    // Data without its sidecar cannot be verified later: take it away rather than leave it.
    await removeQuietly(target);
    throw error;
  }
}

function snapshot(state: MultipartState): MultipartState {
  return { ...state, parts: state.parts.map((p) => ({ ...p })) };
}
