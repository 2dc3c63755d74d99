import { readHeifLayout, type HeifLayout } from './heif-boxes.js';
import { HEIC_FAILED, nativeHeicThumbnail, nativeHeifTools } from './heic-native.js';
import { decodeHeicWasm } from './heic-wasm.js';
import type { ImageFacts } from './exif.js';
import { renderImage } from './photo-thumb.js';
import { embeddedThumbnail, readFacts, type PreviewOptions } from './raw-preview.js';
import { failure, type Thumbnail } from './thumbnail-types.js';

/**
 * HEIC/HEIF/HIF, which sharp's libvips cannot decode (no HEVC): Debian's native libheif tools
 * where installed, else heic-decode (WebAssembly) in a recycled child process, and as a last
 * resort the JPEG thumbnail exiftool finds in the EXIF.
 */

export type HeicDecoder = 'native' | 'wasm';

export interface HeicOptions extends PreviewOptions {
  /** Which decoders to try, in order; by default the native tools when installed, then wasm. */
  decoders?: HeicDecoder[];
}

/** Reasons that another decoder would only repeat. */
const FINAL_REASON = /too large|timed out/;

export async function heicThumbnail(absPath: string, options: HeicOptions): Promise<Thumbnail> {
  const [facts, boxes] = await Promise.all([
    readFacts(absPath, options.deadline),
    readHeifLayout(absPath),
  ]);
  const layout = boxes ?? layoutFromFacts(facts);
  // The EXIF orientation counts only where the container does not turn the image itself
  // (iPhone 7: Orientation 6 and no irot; libheif applies irot, so both would turn twice).
  const orientation = facts.ok && !layout?.transformed ? facts.orientation : null;
  let reason = HEIC_FAILED;
  for (const decoder of options.decoders ?? defaultDecoders()) {
    const made = await decodeWith(decoder, absPath, layout, { ...options, orientation });
    if (made.ok || FINAL_REASON.test(made.reason)) return made;
    reason = made.reason;
  }
  if (facts.ok && facts.embedded.length > 0 && !options.deadline.expired()) {
    // An EXIF thumbnail is stored as the camera held it: its EXIF orientation applies.
    const made = await embeddedThumbnail(absPath, facts, facts.orientation, options, reason);
    if (made.ok) return made;
  }
  return failure(options.deadline.expired() ? options.deadline.reason() : reason);
}

export function defaultDecoders(): HeicDecoder[] {
  return nativeHeifTools() ? ['native', 'wasm'] : ['wasm'];
}

/** What exiftool knows when the boxes could not be read: the size, for the pixel limit. */
function layoutFromFacts(facts: ImageFacts): HeifLayout | null {
  if (!facts.ok || facts.width === null || facts.height === null) return null;
  const { width, height, containerTransform } = facts;
  return { width, height, thumbnails: [], transformed: containerTransform };
}

async function decodeWith(
  decoder: HeicDecoder,
  absPath: string,
  layout: HeifLayout | null,
  options: HeicOptions & { orientation: number | null },
): Promise<Thumbnail> {
  if (decoder === 'native') {
    const tools = nativeHeifTools();
    if (!tools) return failure(HEIC_FAILED);
    return nativeHeicThumbnail(tools, absPath, layout, options);
  }
  const decoded = await decodeHeicWasm({
    absPath,
    size: options.size,
    maxPixels: options.maxPixels,
    remainingMs: () => options.deadline.remainingMs(),
  });
  if (!decoded.ok) {
    return failure(/timed out/.test(decoded.reason) ? options.deadline.reason() : decoded.reason);
  }
  const { data, width, height } = decoded;
  return renderImage({ raw: data, width, height, channels: 3 }, options);
}
