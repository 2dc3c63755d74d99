// @ts-check
/**
 * Child process that decodes HEIC with heic-decode (libheif compiled to WebAssembly), for
 * machines without Debian's native libheif tools. It runs apart from the server because the
 * WebAssembly heap grows to ~870 MB on a 12 MP photo and never shrinks: the parent sends one
 * file at a time and ends this process after a few decodes or when it hangs (heic-wasm.ts).
 * It shrinks the picture to the thumbnail size itself, so only a small RGB buffer crosses
 * the IPC channel.
 *
 * Plain JavaScript with JSDoc types because Node starts it directly, in the tests as in
 * production; tsc checks it (checkJs) and copies it to dist.
 *
 * In:  { id, absPath, size, maxPixels }
 * Out: { id, rss, ok: true, width, height, data } (RGB, width × height × 3)
 *    | { id, rss, ok: false, reason }
 */
import { readFile } from 'node:fs/promises';
import decode from 'heic-decode';
import sharp from 'sharp';

sharp.cache(false);

/** @typedef {{ id: number; absPath: string; size: number; maxPixels: number }} DecodeRequest */

process.on('message', (message) => {
  const request = /** @type {DecodeRequest} */ (message);
  void handle(request).then((reply) => process.send?.(reply));
});

// The parent went away (crash, SIGKILL): nothing left to do for it.
process.on('disconnect', () => process.exit(0));

/** @param {DecodeRequest} request */
async function handle(request) {
  const { id } = request;
  // The parent recycles this process when its memory, which never shrinks, has grown.
  const rss = () => process.memoryUsage.rss();
  try {
    return { id, ...(await decodeFile(request)), rss: rss() };
  } catch {
    return {
      id,
      ok: /** @type {const} */ (false),
      reason: 'HEIC could not be decoded',
      rss: rss(),
    };
  }
}

/** @param {DecodeRequest} request */
async function decodeFile({ absPath, size, maxPixels }) {
  const buffer = await readFile(absPath);
  const images = await decode.all({ buffer });
  try {
    const first = images[0];
    if (!first) return { ok: /** @type {const} */ (false), reason: 'HEIC could not be decoded' };
    // Checked before decoding: the size is in the header, the memory is spent in the decode.
    const pixels = first.width * first.height;
    if (pixels > maxPixels) {
      const megapixels = Math.round(pixels / 1_000_000);
      return {
        ok: /** @type {const} */ (false),
        reason: `image too large (${megapixels} megapixels)`,
      };
    }
    const { width, height, data } = await first.decode();
    const rgba = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const small = await sharp(rgba, { raw: { width, height, channels: 4 } })
      .removeAlpha()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      ok: /** @type {const} */ (true),
      width: small.info.width,
      height: small.info.height,
      data: small.data,
    };
  } finally {
    images.dispose();
  }
}
