/** Opening the local file to send, refusing one that changed since the catalog hashed it. */
import { open, type FileHandle } from 'node:fs/promises';
import { SourceChangedError, SourceUnreadableError, describeFsError } from '../errors.js';
import type { PutSource } from './destination.js';

/** Opens `source.path` for reading; its size and mtime must still be what the catalog holds. */
export async function openSource(source: PutSource): Promise<FileHandle> {
  let file: FileHandle;
  try {
    file = await open(source.path, 'r');
  } catch (error) {
    throw sourceError(source.path, error);
  }
  const stat = await file.stat();
  if (stat.size !== source.size || Math.floor(stat.mtimeMs) !== Math.floor(source.mtimeMs)) {
    await file.close();
    throw new SourceChangedError(`${source.path} changed since it was scanned`, {
      path: source.path,
    });
  }
  return file;
}

export function sourceError(path: string, error: unknown): Error {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
    return new SourceChangedError(`${path} no longer exists`, { path });
  }
  if ((error as NodeJS.ErrnoException).code) {
    return new SourceUnreadableError(`${path}: ${describeFsError(error)}`, { path });
  }
  return error as Error;
}

/** The error for a file whose bytes no longer hash to what the catalog holds. */
export function contentChanged(source: PutSource): SourceChangedError {
  return new SourceChangedError(`${source.path} changed while it was being sent`, {
    path: source.path,
  });
}

/** x-amz-meta-mtime in rclone's format (seconds since the epoch), so rclone restores dates too. */
export function formatMtime(mtimeMs: number): string {
  return (mtimeMs / 1000).toFixed(3);
}

export function parseMtime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? Math.round(seconds * 1000) : undefined;
}

/**
 * The value to give fs.utimes so the file's mtime reads back as `mtimeMs` to the millisecond.
 * A Date (or ms / 1000) loses the last millisecond about half the time: 1795700071.001 is
 * stored as 1795700071.000999…, which the kernel truncates. Half a microsecond more lands on
 * the intended millisecond, which is what the catalog compares.
 */
export function utimesSeconds(mtimeMs: number): number {
  return Math.floor(mtimeMs) / 1000 + 0.0000005;
}
