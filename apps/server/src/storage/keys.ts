/** Key rules shared by every destination: relative, `/`-separated, never climbing out. */
import { InvalidKeyError } from '../errors.js';

/** Throws InvalidKeyError unless `key` is a clean relative key ("a/b.jpg", not "../b", "/b", "a//b"). */
export function assertValidKey(key: string): void {
  const reason = keyProblem(key);
  if (reason) throw new InvalidKeyError(`invalid object key "${key}": ${reason}`, { key });
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'empty';
  if (key.includes('\0')) return 'contains a NUL character';
  if (key.startsWith('/')) return 'starts with /';
  if (Buffer.byteLength(key) > 1024) return 'longer than 1,024 bytes';
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      return 'has an empty, "." or ".." path segment';
    }
  }
  return undefined;
}

/**
 * Throws InvalidKeyError unless `prefix` is a clean start of keys: "", "photos/", "photos/IMG_"
 * (never "../", "/etc", "a//b"). A folder destination walks the folder a prefix names, so a
 * prefix that climbs out would list files outside it.
 */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  const reason = keyProblem(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  if (reason) throw new InvalidKeyError(`invalid key prefix "${prefix}": ${reason}`, { prefix });
}

/** Joins a destination prefix and a key or key prefix with exactly one `/`. */
export function joinKey(prefix: string, key: string): string {
  if (!prefix) return key;
  return key ? `${prefix}/${key}` : `${prefix}/`;
}

/** "photos/" and "/photos/" → "photos"; "" stays "". */
export function normalizePrefix(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}
