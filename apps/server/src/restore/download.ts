/**
 * Downloads one object to a file, by rule 3 of DESIGN.md: into a hidden partial file beside the
 * target, verified against the SHA-256 the catalog or the object's metadata holds, dated with the
 * original mtime, then renamed. An existing file is never replaced unless asked, and a download
 * that fails verification leaves any existing file as it was.
 *
 * Large objects come in chunks (`chunkSize`, default 16 MiB) fetched by parallel ranged GETs
 * pinned to one version (If-Match). A sidecar beside the partial lists the chunks written; a
 * download interrupted by a restart resumes from them if the object is still the same version
 * (same ETag and size). Chunks are not trusted on their own: the whole partial file is read back
 * and hashed before the rename, so a chunk damaged on disk or in flight fails that check, the
 * partial is dropped and the download starts again (up to `verifyAttempts` times).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import {
  link,
  open,
  readFile,
  rename,
  stat,
  unlink,
  utimes,
  writeFile,
  type FileHandle,
} from 'node:fs/promises';
import path from 'node:path';
import {
  AppError,
  CancelledError,
  DestinationFullError,
  PermanentStorageError,
  TransientStorageError,
  VerificationFailedError,
} from '../errors.js';
import type { Destination, ObjectInfo } from '../storage/destination.js';
import { freeBytes, removeQuietly, syncDir } from '../storage/folder-files.js';
import { hashStream } from '../storage/hashing.js';
import { utimesSeconds } from '../storage/source.js';
import { forEachLimited } from '../util/concurrency.js';
import { prepareParent } from './safe-path.js';

/** A file is already at the target and overwriting was not asked for. */
export class TargetExistsError extends AppError {
  readonly code = 'target_exists';
  readonly httpStatus = 409;
  readonly exitCode = 5;
}

export interface DownloadRequest {
  key: string;
  /** A HEAD of the object made just before: size, ETag, metadata, readability. */
  info: ObjectInfo;
  /** Absolute path of the file to write. */
  target: string;
  /** The folder the target must stay inside (the download folder, or the root). */
  folder: string;
  /** Expected hex SHA-256 from the catalog; the object's metadata is used when null. */
  sha256: string | null;
  mtimeMs: number | null;
  overwrite: boolean;
}

export interface DownloadSettings {
  chunkSize: number;
  rangeConcurrency: number;
  verifyAttempts: number;
}

export type DownloadOutcome =
  /** Written and renamed into place; `verified` false when no SHA-256 was known (size only). */
  | { kind: 'written'; verified: boolean }
  /** The same content was already at the target: nothing written. */
  | { kind: 'identical' };

export async function downloadFile(
  destination: Destination,
  request: DownloadRequest,
  settings: DownloadSettings,
  signal: AbortSignal,
  onProgress: (bytes: number) => void = () => undefined,
): Promise<DownloadOutcome> {
  const expected = expectedSha256(request);
  try {
    await prepareParent(request.folder, request.target);
    const existing = await existingSize(request.target);
    if (existing !== undefined && !request.overwrite) {
      if (await sameContent(request.target, existing, request.info.size, expected)) {
        return { kind: 'identical' };
      }
      throw new TargetExistsError(
        `a different file is already at ${request.target}: not overwritten (ask to overwrite it)`,
        { path: request.target },
      );
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await fetchToPartial(destination, request, expected, settings, signal, onProgress);
        await placePartial(request);
        return { kind: 'written', verified: expected !== undefined };
      } catch (error) {
        if (!(error instanceof VerificationFailedError)) throw error;
        if (attempt >= settings.verifyAttempts) {
          throw new VerificationFailedError(
            `${request.key}: downloaded ${attempt} times, the data never matched ${expected ? 'its SHA-256' : 'its size'} ` +
              `(${error.message}); the stored copy may be damaged; ${existing === undefined ? 'nothing was written' : `${request.target} was left as it was`}`,
            { key: request.key, attempts: attempt },
          );
        }
      }
    }
  } catch (error) {
    throw localError(path.dirname(request.target), error);
  }
}

/** The SHA-256 to check against: the catalog's, else x-amz-meta-sha256, else S3's own. */
export function expectedSha256(request: {
  sha256: string | null;
  info: ObjectInfo;
}): string | undefined {
  if (request.sha256) return request.sha256.toLowerCase();
  if (request.info.sha256) return request.info.sha256;
  // A single-part object's native checksum is the SHA-256 of the whole object.
  const checksum = request.info.checksum;
  if (checksum && checksum.parts === undefined) {
    return Buffer.from(checksum.value, 'base64').toString('hex');
  }
  return undefined;
}

interface Sidecar {
  version: 1;
  key: string;
  etag: string | null;
  size: number;
  chunkSize: number;
  /** Indexes of the chunks written to the partial file. */
  done: number[];
}

/** `.<hash of the name>.glacier-partial` beside the target: short, hidden, stable across runs. */
export function partialPaths(target: string): { data: string; sidecar: string } {
  const id = createHash('sha256').update(path.basename(target)).digest('hex').slice(0, 16);
  const data = path.join(path.dirname(target), `.${id}.glacier-partial`);
  return { data, sidecar: `${data}.json` };
}

async function fetchToPartial(
  destination: Destination,
  request: DownloadRequest,
  expected: string | undefined,
  settings: DownloadSettings,
  signal: AbortSignal,
  onProgress: (bytes: number) => void,
): Promise<void> {
  const size = request.info.size;
  const paths = partialPaths(request.target);
  const chunkSize = Math.max(1, settings.chunkSize);
  const { handle, sidecar } = await openPartial(paths, request, chunkSize);
  try {
    const chunks = Math.ceil(size / chunkSize);
    const done = new Set(sidecar.done);
    let bytes = [...done].reduce((n, i) => n + chunkLength(i, size, chunkSize), 0);
    onProgress(bytes);
    await ensureRoom(path.dirname(request.target), size - bytes);
    const todo = Array.from({ length: chunks }, (_, i) => i).filter((i) => !done.has(i));
    // Chunks end in parallel: their sidecar writes go one after the other.
    let saving = Promise.resolve();
    await forEachLimited(todo, settings.rangeConcurrency, signal, async (index) => {
      const offset = index * chunkSize;
      const length = chunkLength(index, size, chunkSize);
      await fetchChunk(destination, request, handle, chunks > 1 ? { offset, length } : undefined, {
        signal,
        onBytes: (n) => onProgress((bytes += n)),
      });
      done.add(index);
      const next = { ...sidecar, done: [...done].sort((a, b) => a - b) };
      saving = saving.then(() => saveSidecar(paths.sidecar, next));
      await saving;
    });
    if (signal.aborted) throw new CancelledError(`the download of ${request.key} was stopped`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await verifyPartial(paths, request, expected);
}

async function openPartial(
  paths: { data: string; sidecar: string },
  request: DownloadRequest,
  chunkSize: number,
): Promise<{ handle: FileHandle; sidecar: Sidecar }> {
  const fresh: Sidecar = {
    version: 1,
    key: request.key,
    etag: request.info.etag ?? null,
    size: request.info.size,
    chunkSize,
    done: [],
  };
  const saved = await readSidecar(paths.sidecar);
  const partialSize = await existingSize(paths.data);
  const resumable =
    saved !== undefined &&
    saved.key === fresh.key &&
    saved.etag === fresh.etag &&
    saved.size === fresh.size &&
    saved.chunkSize === chunkSize &&
    partialSize === fresh.size;
  if (resumable) return { handle: await open(paths.data, 'r+'), sidecar: saved };
  await removeQuietly(paths.sidecar);
  const handle = await open(paths.data, 'w');
  await handle.truncate(fresh.size);
  await saveSidecar(paths.sidecar, fresh);
  return { handle, sidecar: fresh };
}

async function fetchChunk(
  destination: Destination,
  request: DownloadRequest,
  handle: FileHandle,
  range: { offset: number; length: number } | undefined,
  options: { signal: AbortSignal; onBytes: (n: number) => void },
): Promise<void> {
  const etag = request.info.etag;
  const got = await destination.get(request.key, {
    ...(range ? { range } : {}),
    ...(etag ? { ifMatch: etag } : {}),
    signal: options.signal,
  });
  const start = range?.offset ?? 0;
  const expected = range?.length ?? request.info.size;
  let written = 0;
  for await (const chunk of got.body) {
    const buffer = chunk as Buffer;
    await handle.write(buffer, 0, buffer.length, start + written);
    written += buffer.length;
    options.onBytes(buffer.length);
  }
  if (written !== expected) {
    throw new TransientStorageError(
      `${request.key}: received ${written} of ${expected} bytes at offset ${start}`,
    );
  }
}

/** Reads the partial back and checks size and SHA-256; a bad one is dropped. */
async function verifyPartial(
  paths: { data: string; sidecar: string },
  request: DownloadRequest,
  expected: string | undefined,
): Promise<void> {
  const actual = await hashStream(createReadStream(paths.data));
  const sizeOk = actual.size === request.info.size;
  if (sizeOk && (expected === undefined || actual.sha256 === expected)) return;
  await removeQuietly(paths.sidecar);
  await removeQuietly(paths.data);
  throw new VerificationFailedError(
    sizeOk
      ? `got SHA-256 ${actual.sha256.slice(0, 12)}…, expected ${expected?.slice(0, 12)}…`
      : `got ${actual.size} bytes, expected ${request.info.size}`,
    { key: request.key, sha256: actual.sha256, expectedSha256: expected },
  );
}

/** Dates the verified partial and moves it to the target, never over a file unless asked. */
async function placePartial(request: DownloadRequest): Promise<void> {
  const paths = partialPaths(request.target);
  const mtimeMs = request.mtimeMs ?? request.info.mtimeMs ?? request.info.lastModified?.getTime();
  if (mtimeMs !== undefined) {
    await utimes(paths.data, new Date(), utimesSeconds(mtimeMs));
  }
  if (request.overwrite) {
    await rename(paths.data, request.target);
  } else {
    await placeWithoutReplacing(paths.data, request.target);
  }
  await removeQuietly(paths.sidecar);
  await syncDir(path.dirname(request.target));
}

/**
 * link() fails if the target exists, so a file that appeared meanwhile is never replaced. File
 * systems without hard links (exFAT, some SMB mounts) get a check and a rename instead.
 */
async function placeWithoutReplacing(partial: string, target: string): Promise<void> {
  try {
    await link(partial, target);
    await unlink(partial);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw new TargetExistsError(`a file appeared at ${target} meanwhile: not overwritten`, {
        path: target,
      });
    }
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') {
      throw error;
    }
  }
  if ((await existingSize(target)) !== undefined) {
    throw new TargetExistsError(`a file appeared at ${target} meanwhile: not overwritten`);
  }
  await rename(partial, target);
}

async function sameContent(
  file: string,
  size: number,
  objectSize: number,
  expected: string | undefined,
): Promise<boolean> {
  if (size !== objectSize || expected === undefined) return false;
  return (await hashStream(createReadStream(file))).sha256 === expected;
}

async function ensureRoom(dir: string, needed: number): Promise<void> {
  const free = await freeBytes(dir);
  if (free === undefined || free >= needed) return;
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  throw new DestinationFullError(
    `the download folder ${dir} is full (${mb(free)} free, ${mb(needed)} needed)`,
    { path: dir, freeBytes: free, neededBytes: needed },
  );
}

async function existingSize(file: string): Promise<number | undefined> {
  try {
    const stats = await stat(file);
    if (!stats.isFile()) {
      throw new TargetExistsError(`${file} exists and is not a file: nothing written there`);
    }
    return stats.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function readSidecar(file: string): Promise<Sidecar | undefined> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<Sidecar>;
    return value.version === 1 && Array.isArray(value.done) ? (value as Sidecar) : undefined;
  } catch {
    return undefined;
  }
}

/** Written through a temp file and a rename: a crash leaves the old list or the new one. */
async function saveSidecar(file: string, sidecar: Sidecar): Promise<void> {
  const temp = `${file}.tmp`;
  await writeFile(temp, JSON.stringify(sidecar));
  await rename(temp, file);
}

function chunkLength(index: number, size: number, chunkSize: number): number {
  return Math.min(chunkSize, size - index * chunkSize);
}

/** An error of the local file system, in the app's terms and naming the folder. */
function localError(dir: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (error instanceof AppError || !code) return error as Error;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new DestinationFullError(`the download folder ${dir} is full`, { path: dir });
  }
  const reasons: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    EINVAL: 'the file system refuses this name',
    EILSEQ: 'the file system refuses this name',
    ENAMETOOLONG: 'path too long for the file system',
    EIO: 'input/output error (failing disk or lost mount?)',
    ENOTDIR: 'a part of the path is a file, not a folder',
  };
  return new PermanentStorageError(`${dir}: ${reasons[code] ?? `file system error ${code}`}`, {
    path: dir,
    code,
  });
}
