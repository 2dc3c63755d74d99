import { realpathSync } from 'node:fs';
import path from 'node:path';
import { PathOutsideRootError } from '../errors.js';

/**
 * Turns a user-supplied path inside a root into the catalog's form: '/'-separated, no leading
 * or trailing slash, '' for the root itself. Refuses anything that could point elsewhere.
 */
export function normalizeRelPath(input: string): string {
  if (input.includes('\0')) throw new PathOutsideRootError('A path may not contain a NUL byte');
  if (input.startsWith('/') || /^[A-Za-z]:[\\/]/.test(input) || input.startsWith('\\')) {
    throw new PathOutsideRootError(
      `"${input}" is an absolute path: give a path relative to the root`,
    );
  }
  const trimmed = input.replace(/\/+$/g, '');
  if (trimmed === '') return '';
  const segments = trimmed.split('/');
  for (const segment of segments) {
    if (segment === '..') {
      throw new PathOutsideRootError(`"${input}" climbs out of the root with ".."`);
    }
    if (segment === '' || segment === '.') {
      throw new PathOutsideRootError(`"${input}" has an empty or "." segment`);
    }
  }
  return segments.join('/');
}

/**
 * Resolves a catalog path to a real file system path and proves it lies inside the root,
 * following symlinks on the way: a link that points out of the root is refused.
 */
export function resolveInsideRoot(rootPath: string, relPath: string): string {
  const rel = normalizeRelPath(relPath);
  const realRoot = realpathSync(rootPath);
  const candidate = path.join(realRoot, rel);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return candidate;
    throw error;
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
    throw new PathOutsideRootError(`"${relPath}" leads outside the root through a symbolic link`);
  }
  return real;
}

export function joinRel(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

export function parentOf(relPath: string): string {
  const slash = relPath.lastIndexOf('/');
  return slash < 0 ? '' : relPath.slice(0, slash);
}
