import { open } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import type { Deadline } from './deadline.js';
import { applyOrientation } from './orientation.js';
import { failure, type Thumbnail } from './thumbnail-types.js';

/**
 * The one sharp pipeline every still goes through: shrink on load, upright, fit in a square
 * of `size`, WebP. Decoders of other formats (RAW previews, HEIC) hand it a file, a buffer or
 * raw pixels. It never throws for bad pixels; sharp's errors become short reasons.
 */

// libvips' operation cache keeps up to 100 recent operations, 50 MB and 20 open files for
// reuse: thumbnails never read the same file twice, and open files would keep a USB drive
// from unmounting. sharp.concurrency stays at its default (1 thread per image on glibc
// without jemalloc, as here): the caller runs two images at once on a 2-core NAS instead.
sharp.cache(false);

export type ImageSource =
  | { file: string }
  | { buffer: Buffer }
  | { raw: Buffer; width: number; height: number; channels: 3 | 4 };

export interface RenderOptions {
  size: number;
  /**
   * 'auto': the orientation recorded in the image itself. A number: that EXIF orientation,
   * for pixels whose own metadata is missing or not to be trusted (RAW previews, HEIC).
   */
  orientation: 'auto' | number | null;
  maxPixels: number;
  deadline: Deadline;
  /**
   * Keep only this top-left region when the decoded picture is larger (a decoder that hands
   * over a picture with its codec padding); ignored when the picture is not larger.
   */
  crop?: { width: number; height: number } | undefined;
}

export const CORRUPT_IMAGE = 'corrupt or truncated image';
const WEBP_QUALITY = 75;

export async function renderImage(source: ImageSource, options: RenderOptions): Promise<Thumbnail> {
  const bomb = await gifBombPixels(source, options.maxPixels);
  if (bomb !== null) return failure(tooLarge(bomb));
  try {
    const image = await pipeline(source, options);
    const { data, info } = await image.toBuffer({ resolveWithObject: true });
    return { ok: true, image: data, width: info.width, height: info.height };
  } catch (error) {
    return failure(await describeSharpError(error, source, options));
  }
}

async function pipeline(source: ImageSource, options: RenderOptions): Promise<Sharp> {
  const common = {
    limitInputPixels: options.maxPixels,
    // 'error' fails truncated and corrupt data; mere warnings (a stray byte in a JPEG) still
    // give a picture, which beats a placeholder.
    failOn: 'error' as const,
    // Stream top to bottom: a 100 MP PNG or TIFF is never held whole in memory.
    sequentialRead: true,
  };
  let image =
    'file' in source
      ? sharp(source.file, common)
      : 'buffer' in source
        ? sharp(source.buffer, common)
        : sharp(source.raw, { ...common, raw: rawInfo(source) });
  if (options.crop) image = await cropPadding(image, options.crop);
  image =
    options.orientation === 'auto'
      ? image.autoOrient()
      : applyOrientation(image, options.orientation);
  return image
    .resize(options.size, options.size, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: WEBP_QUALITY })
    .timeout({ seconds: options.deadline.remainingSeconds() });
}

/** The top-left `crop` of the picture, when the picture is larger than that (header only). */
async function cropPadding(image: Sharp, crop: { width: number; height: number }): Promise<Sharp> {
  const { width = 0, height = 0 } = await image.metadata();
  if (width < crop.width || height < crop.height) return image;
  if (width === crop.width && height === crop.height) return image;
  return image.extract({ left: 0, top: 0, ...crop });
}

function rawInfo(source: { width: number; height: number; channels: 3 | 4 }) {
  return { width: source.width, height: source.height, channels: source.channels };
}

export function tooLarge(pixels: number): string {
  return `image too large (${Math.round(pixels / 1_000_000)} megapixels)`;
}

async function describeSharpError(
  error: unknown,
  source: ImageSource,
  options: RenderOptions,
): Promise<string> {
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    const pixels = await headerPixels(source);
    return pixels === null ? 'image too large' : tooLarge(pixels);
  }
  if (/timeout/i.test(message)) return options.deadline.reason();
  if (/unsupported image format/i.test(message)) return 'unsupported image format';
  return CORRUPT_IMAGE;
}

/** Width × height from the header alone, for the "too large" reason. */
async function headerPixels(source: ImageSource): Promise<number | null> {
  if ('raw' in source) return source.width * source.height;
  try {
    const input = 'file' in source ? source.file : source.buffer;
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    return meta.width && meta.height ? meta.width * meta.height : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// GIF decompression bombs

const GIF_HEAD_BYTES = 64 * 1024;

/**
 * A GIF whose first frame lies far outside its small logical screen (Pillow's decompression
 * bomb: a 32×32 screen, a frame placed at y = 65280, 65535 wide) would need a canvas of
 * gigapixels. libvips reads only the screen size and calls such a file corrupt, so the frame
 * descriptor is read here to give the real reason. Returns the canvas pixels when over the
 * limit, else null.
 */
async function gifBombPixels(source: ImageSource, maxPixels: number): Promise<number | null> {
  const head = await gifHead(source);
  if (!head) return null;
  const canvas = gifCanvasPixels(head);
  return canvas !== null && canvas > maxPixels ? canvas : null;
}

async function gifHead(source: ImageSource): Promise<Buffer | null> {
  if ('raw' in source) return null;
  if ('buffer' in source) return isGif(source.buffer) ? source.buffer : null;
  let handle;
  try {
    handle = await open(source.file, 'r');
    const buffer = Buffer.alloc(GIF_HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, bytesRead);
    return isGif(head) ? head : null;
  } catch {
    return null; // Unreadable: sharp will say why.
  } finally {
    await handle?.close();
  }
}

function isGif(bytes: Buffer): boolean {
  return bytes.subarray(0, 4).toString('latin1') === 'GIF8';
}

/** The canvas a GIF's first image needs: its screen, grown to hold the first frame. */
export function gifCanvasPixels(gif: Buffer): number | null {
  if (gif.length < 13) return null;
  const screenW = gif.readUInt16LE(6);
  const screenH = gif.readUInt16LE(8);
  const flags = gif[10] ?? 0;
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  while (at < gif.length) {
    const block = gif[at];
    if (block === 0x2c) {
      // Image descriptor: left, top, width, height (little-endian 16-bit each).
      if (at + 9 > gif.length) return null;
      const right = gif.readUInt16LE(at + 1) + gif.readUInt16LE(at + 5);
      const bottom = gif.readUInt16LE(at + 3) + gif.readUInt16LE(at + 7);
      return Math.max(screenW, right) * Math.max(screenH, bottom);
    }
    if (block !== 0x21) return null; // Trailer or garbage: no frame to measure.
    at = skipSubBlocks(gif, at + 2);
  }
  return null;
}

/** Skips an extension's data sub-blocks (length-prefixed, ended by a zero length). */
function skipSubBlocks(gif: Buffer, start: number): number {
  let at = start;
  while (at < gif.length) {
    const length = gif[at] ?? 0;
    at += 1 + length;
    if (length === 0) break;
  }
  return at;
}
