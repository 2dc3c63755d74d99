import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { findExecutable, runChild } from './child-process.js';
import type { Deadline } from './deadline.js';
import { renderImage, tooLarge } from './photo-thumb.js';
import { failure, type Thumbnail } from './thumbnail-types.js';
import { withTempDir } from './temp-dir.js';
import type { HeifLayout } from './heif-boxes.js';

/**
 * HEIC/HEIF through Debian's native libheif tools (libheif-examples, heif-thumbnailer).
 * A stored thumbnail at least as large as asked for is used when there is one (heif-
 * thumbnailer: 20–90 ms, 7–27 MB on the samples); otherwise the primary image is decoded to
 * a temporary JPEG (heif-dec, named heif-convert before libheif 1.17; 0.3 s and 61 MB for
 * 12 MP) and shrunk on load by sharp. The WebAssembly decoder takes 0.4–0.6 s and ~210 MB
 * for the same 12 MP, and cannot use the stored thumbnails. libheif applies the container's
 * rotation and mirroring (irot/imir) itself.
 */

export const HEIC_FAILED = 'HEIC could not be decoded';
/** HEVC codes pictures in blocks of up to 64 px: padding never exceeds that. */
const THUMBNAIL_PADDING_ALLOWANCE = 64;

export interface NativeOptions {
  size: number;
  maxPixels: number;
  deadline: Deadline;
  /** EXIF orientation to apply on top of the decoded pixels, when the container has none. */
  orientation: number | null;
}

interface HeifTools {
  decode: string;
  thumbnailer: string | null;
}

/** The native tools, or null when the decoder is not installed. */
export function nativeHeifTools(): HeifTools | null {
  const decode = findExecutable('heif-dec') ?? findExecutable('heif-convert');
  return decode ? { decode, thumbnailer: findExecutable('heif-thumbnailer') } : null;
}

export async function nativeHeicThumbnail(
  tools: HeifTools,
  absPath: string,
  layout: HeifLayout | null,
  options: NativeOptions,
): Promise<Thumbnail> {
  const file = path.resolve(absPath); // Absolute: never read as an option.
  return withTempDir(async (dir) => {
    const thumbnail = layout ? usableThumbnail(layout, options) : null;
    if (layout && thumbnail && tools.thumbnailer) {
      const made = await fromStoredThumbnail(tools.thumbnailer, file, thumbnail, dir, {
        ...options,
        crop: layout.transformed ? undefined : { width: thumbnail[0], height: thumbnail[1] },
      });
      const longEdge = Math.max(...thumbnail);
      if (made.ok && Math.max(made.width, made.height) >= Math.min(options.size, longEdge)) {
        return made;
      }
    }
    const pixels = layout ? layout.width * layout.height : 0;
    if (pixels > options.maxPixels) return failure(tooLarge(pixels));
    return fromPrimary(tools.decode, file, dir, options);
  });
}

/**
 * The stored thumbnail heif-thumbnailer would use (the first one), when it is big enough, or
 * when the primary image is over the pixel limit and only a thumbnail can be shown. Null:
 * decode the primary image.
 */
function usableThumbnail(layout: HeifLayout, options: NativeOptions): [number, number] | null {
  const first = layout.thumbnails[0];
  if (!first) return null;
  const overLimit = layout.width * layout.height > options.maxPixels;
  return Math.max(...first) >= options.size || overLimit ? first : null;
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * heif-thumbnailer writes the first stored thumbnail scaled to fit -s (never enlarged). A
 * bound above the thumbnail's size keeps libheif's nearest-neighbour scaler out of it (sharp
 * does the shrinking): libheif 1.15 hands over the coded picture, which can be larger than
 * the thumbnail's stated size (Sony HIF: 1664×1088 coded, 1616×1080 stated), and the extra
 * rows and columns of padding are cropped off.
 */
async function fromStoredThumbnail(
  binary: string,
  file: string,
  thumbnail: [number, number],
  dir: string,
  options: NativeOptions & { crop: { width: number; height: number } | undefined },
): Promise<Thumbnail> {
  const out = path.join(dir, 'thumbnail.png');
  const bound = Math.max(...thumbnail) + THUMBNAIL_PADDING_ALLOWANCE;
  const run = await runChild(binary, ['-s', String(bound), file, out], {
    timeoutMs: options.deadline.remainingMs(),
  });
  if (run.outcome === 'timeout') return failure(options.deadline.reason());
  if (run.outcome !== 'exited' || run.code !== 0) return failure(HEIC_FAILED);
  return renderImage({ file: out }, options);
}

async function fromPrimary(
  binary: string,
  file: string,
  dir: string,
  options: NativeOptions,
): Promise<Thumbnail> {
  // A JPEG, not a PNG: encoding 12 MP takes ~0.1 s instead of ~1 s, and sharp shrinks a JPEG
  // on load. Quality 90 keeps the intermediate step invisible at thumbnail size.
  const run = await runChild(binary, ['-q', '90', file, path.join(dir, 'primary.jpg')], {
    timeoutMs: options.deadline.remainingMs(),
  });
  if (run.outcome === 'timeout') return failure(options.deadline.reason());
  if (run.outcome !== 'exited' || run.code !== 0) return failure(HEIC_FAILED);
  const written = await firstWritten(dir);
  if (!written) return failure(HEIC_FAILED);
  return renderImage({ file: written }, options);
}

/**
 * heif-convert writes primary.jpg, or primary-1.jpg, primary-2.jpg… when the file holds
 * several top-level images (the first is the primary in every file seen).
 */
async function firstWritten(dir: string): Promise<string | null> {
  const names = (await readdir(dir)).filter((n) => /^primary(-1)?\.jpg$/.test(n)).sort();
  const name = names[0];
  return name === undefined ? null : path.join(dir, name);
}
