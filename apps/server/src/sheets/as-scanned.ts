import { statSync } from 'node:fs';
import type { files } from '../catalog/schema.js';
import { resolveInsideRoot } from '../roots/paths.js';

export type ScannedFile = Pick<
  typeof files.$inferSelect,
  'relPath' | 'sha256' | 'size' | 'mtimeMs' | 'contentSize' | 'contentMtimeMs'
>;

/**
 * Where to read a catalogued file for its thumbnail, or null when what is there now is not the
 * content the scan read: never read, changed since (size or mtime), gone, or now reached
 * through a symbolic link that leads out of the root. A thumbnail is cached under the
 * catalog's hash, so reading anything else would show (and keep) a picture the catalog does
 * not know, or one from outside the media folders.
 */
export function scannedContentPath(rootPath: string, file: ScannedFile): string | null {
  if (!file.sha256 || file.contentSize !== file.size || file.contentMtimeMs !== file.mtimeMs) {
    return null;
  }
  try {
    const absPath = resolveInsideRoot(rootPath, file.relPath);
    const stat = statSync(absPath);
    const same =
      stat.isFile() && stat.size === file.size && Math.floor(stat.mtimeMs) === file.mtimeMs;
    return same ? absPath : null;
  } catch {
    return null;
  }
}
