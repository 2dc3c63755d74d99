// @ts-check
/**
 * Piscina worker: lists one folder and lstat()s its files. Listing runs on worker threads so
 * that both cores make system calls while the main thread reconciles the catalog; a rescan of
 * an unchanged tree is mostly this. Answers with arrays of primitives (cheap to pass back).
 * Plain JavaScript with JSDoc types, like hash-worker.js.
 */
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * @param {{ absDir: string }} task
 * @returns {import('./lister.js').FolderListing}
 */
export default function listFolder({ absDir }) {
  let entries;
  try {
    entries = readdirSync(absDir, { withFileTypes: true });
  } catch (error) {
    const err = /** @type {NodeJS.ErrnoException} */ (error);
    return { ok: false, code: err.code ?? 'UNKNOWN', message: err.message };
  }
  /** @type {string[]} */ const names = [];
  /** @type {number[]} */ const sizes = [];
  /** @type {number[]} */ const mtimes = [];
  /** @type {number[]} */ const inodes = [];
  /** @type {string[]} */ const dirs = [];
  /** @type {string[]} */ const others = [];
  /** @type {[string, string][]} */ const errors = [];
  for (const entry of entries) {
    if (entry.isDirectory()) dirs.push(entry.name);
    else if (entry.isFile()) {
      try {
        const stat = lstatSync(path.join(absDir, entry.name));
        names.push(entry.name);
        sizes.push(stat.size);
        mtimes.push(Math.floor(stat.mtimeMs));
        inodes.push(stat.ino);
      } catch (error) {
        errors.push([entry.name, /** @type {NodeJS.ErrnoException} */ (error).code ?? 'UNKNOWN']);
      }
    } else others.push(entry.name);
  }
  return { ok: true, names, sizes, mtimes, inodes, dirs, others, errors };
}
