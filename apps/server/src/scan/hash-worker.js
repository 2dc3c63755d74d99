// @ts-check
/**
 * Piscina worker: hashes one file (SHA-256, streamed through one reused 1 MiB buffer, so
 * memory stays flat whatever the file size) and sniffs its type from the first bytes.
 *
 * Plain JavaScript with JSDoc types because worker threads load it directly, in the tests as
 * in production; tsc checks it (checkJs) and copies it to dist.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { fileTypeFromBuffer } from 'file-type';

const CHUNK = 1024 * 1024;
const SNIFF_BYTES = 4100;
const buffer = Buffer.allocUnsafe(CHUNK);

/**
 * @param {{ absPath: string }} task
 * @returns {Promise<import('./hasher.js').HashResult>}
 */
export default async function hashFile({ absPath }) {
  let fd;
  try {
    fd = openSync(absPath, 'r');
  } catch (error) {
    return failure(error);
  }
  try {
    const before = fstatSync(fd);
    const hash = createHash('sha256');
    /** @type {Buffer | undefined} */
    let head;
    let total = 0;
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      if (head === undefined) head = Buffer.from(buffer.subarray(0, Math.min(n, SNIFF_BYTES)));
      hash.update(buffer.subarray(0, n));
      total += n;
    }
    const after = fstatSync(fd);
    const stable =
      before.size === after.size && before.mtimeMs === after.mtimeMs && total === after.size;
    const type = head ? await fileTypeFromBuffer(head).catch(() => undefined) : undefined;
    return {
      ok: true,
      sha256: hash.digest('hex'),
      size: after.size,
      mtimeMs: Math.floor(after.mtimeMs),
      inode: after.ino,
      stable,
      mime: type?.mime ?? null,
    };
  } catch (error) {
    return failure(error);
  } finally {
    closeSync(fd);
  }
}

/** @param {unknown} error */
function failure(error) {
  const err = /** @type {NodeJS.ErrnoException} */ (error);
  return {
    ok: /** @type {const} */ (false),
    code: err?.code ?? 'UNKNOWN',
    message: String(err?.message ?? error),
  };
}
