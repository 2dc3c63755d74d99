/**
 * File-system building blocks of the folder destination: where each key's data, metadata and
 * partial upload live, durable writes, the walk behind list(), and fs errors in our terms.
 */
import { randomBytes } from 'node:crypto';
import { opendir, open, readFile, rename, statfs, unlink } from 'node:fs/promises';
import path from 'node:path';
import {
  AppError,
  DestinationFullError,
  InvalidKeyError,
  PermanentStorageError,
  TransientStorageError,
  describeFsError,
} from '../errors.js';
import { assertValidKey } from './keys.js';

/** Our own objects live under this folder of the destination, hidden from list(). */
export const META_DIR = '.glacier-archiver/meta';
const PARTIAL = /^\.(.+)\.glacier-partial-([0-9a-f]{16})$/;

/** What the sidecar `<base>/.glacier-archiver/meta/<key>.json` holds about one object. */
export interface ObjectMeta {
  version: 1;
  size: number;
  sha256: string;
  mtimeMs: number;
  storedAt: string;
}

export class FolderLayout {
  constructor(readonly base: string) {}

  /** The data file of `key`; refuses keys that would reach the metadata folder. */
  dataPath(key: string): string {
    assertValidKey(key);
    if (key === META_DIR || key.startsWith(`${META_DIR}/`)) {
      throw new InvalidKeyError(`the key "${key}" is reserved for the folder's metadata`, { key });
    }
    return path.join(this.base, ...key.split('/'));
  }

  metaPath(key: string): string {
    return path.join(this.base, ...META_DIR.split('/'), ...`${key}.json`.split('/'));
  }

  /** A partial upload sits beside its target so the final rename is atomic. */
  partialPath(key: string, uploadId: string): string {
    const target = this.dataPath(key);
    return path.join(path.dirname(target), `.${path.basename(target)}.glacier-partial-${uploadId}`);
  }

  /** The key and upload id of a partial file's name, if it is one. */
  parsePartial(relativePath: string): { key: string; uploadId: string } | undefined {
    const match = PARTIAL.exec(path.posix.basename(relativePath));
    if (!match?.[1] || !match[2]) return undefined;
    const dir = path.posix.dirname(relativePath);
    return { key: dir === '.' ? match[1] : `${dir}/${match[1]}`, uploadId: match[2] };
  }
}

/** The sidecar of `key`, if there is a readable one. */
export async function readMeta(layout: FolderLayout, key: string): Promise<ObjectMeta | undefined> {
  try {
    const meta = JSON.parse(await readFile(layout.metaPath(key), 'utf8')) as ObjectMeta;
    return typeof meta.sha256 === 'string' && typeof meta.size === 'number' ? meta : undefined;
  } catch {
    return undefined;
  }
}

/** Writes `data` to `target` through a temp file, fsync and rename: all or nothing. */
export async function writeFileDurably(target: string, data: string): Promise<void> {
  const temp = `${target}.glacier-tmp-${randomBytes(6).toString('hex')}`;
  try {
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(data);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, target);
  } catch (error) {
    await removeQuietly(temp);
    throw error;
  }
  await syncDir(path.dirname(target));
}

/** Makes a rename durable; file systems that cannot fsync a folder (some FUSE) are let be. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM') throw error;
  }
}

export async function removeQuietly(file: string): Promise<void> {
  await unlink(file).catch(() => undefined);
}

export async function freeBytes(dir: string): Promise<number | undefined> {
  try {
    const stats = await statfs(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}

export function fullError(
  base: string,
  free: number | undefined,
  needed: number,
): DestinationFullError {
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const room = free === undefined ? '' : ` (${mb(free)} free, ${mb(needed)} needed)`;
  return new DestinationFullError(`the destination folder ${base} is full${room}`, {
    path: base,
    ...(free !== undefined ? { freeBytes: free } : {}),
    neededBytes: needed,
  });
}

/** An fs error on the destination, in our terms (ENOSPC → DestinationFullError, …). */
export function folderError(base: string, error: unknown, needed = 0): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (error instanceof AppError || !code) return error as Error;
  if (code === 'ENOSPC' || code === 'EDQUOT') return fullError(base, undefined, needed);
  if (code === 'EROFS') {
    return new PermanentStorageError(`the destination folder ${base} is read-only`, { path: base });
  }
  if (code === 'EIO' || code === 'EAGAIN' || code === 'EBUSY') {
    return new TransientStorageError(`the destination folder ${base}: ${describeFsError(error)}`, {
      path: base,
    });
  }
  const what = code === 'ENOENT' ? 'a folder vanished' : describeFsError(error);
  return new PermanentStorageError(`the destination folder ${base}: ${what}`, {
    path: base,
    code,
  });
}

export interface WalkEntry {
  /** Path relative to the base, with `/`. */
  relative: string;
  absolute: string;
}

/** Every regular file under `dir` (relative `start`), skipping the metadata folder. */
export async function* walkFiles(base: string, start: string): AsyncGenerator<WalkEntry> {
  let handle;
  try {
    handle = await opendir(path.join(base, ...start.split('/').filter(Boolean)));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw error;
  }
  for await (const entry of handle) {
    const relative = start ? `${start}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (relative === META_DIR) continue;
      yield* walkFiles(base, relative);
    } else if (entry.isFile()) {
      yield { relative, absolute: path.join(base, ...relative.split('/')) };
    }
  }
}
