import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError } from '../errors.js';
import { Deadline } from './deadline.js';
import { heicThumbnail } from './heic.js';
import { stopHeicWasm } from './heic-wasm.js';
import { renderImage } from './photo-thumb.js';
import { embeddedThumbnail, rawThumbnail, readFacts } from './raw-preview.js';
import { failure, type Thumbnail, type ThumbnailRequest } from './thumbnail-types.js';
import { videoStrip } from './video-strip.js';

/**
 * Any catalogued photo or video to a WebP thumbnail, long edge `size`, upright. It never
 * throws for bad media and never hangs: a file that cannot be shown comes back as
 * `{ ok: false, reason }` for a placeholder tile, and every child process it starts is
 * killed when the time budget runs out.
 *
 *   stills (JPEG, PNG, TIFF, WebP, GIF, AVIF, MPO)  sharp, shrink on load   photo-thumb.ts
 *   RAW (CR2, CR3, CRW, NEF, ARW, DNG, …)           embedded preview        raw-preview.ts
 *   HEIC/HEIF/HIF                                    libheif                 heic.ts
 *   video                                            strip of frames         video-strip.ts
 */

export type { Thumbnail, ThumbnailRequest } from './thumbnail-types.js';

export interface ThumbnailOptions {
  /** For the whole thumbnail, every decoder and child included. Default 60 s. */
  timeoutMs?: number;
  /** Larger stills get 'image too large (N megapixels)'. Default 120. */
  maxMegapixels?: number;
}

export const DEFAULT_THUMBNAIL_TIMEOUT_MS = 60_000;
/** 100 MP medium-format cameras (GFX 100: 102 MP) with a margin. */
export const DEFAULT_MAX_MEGAPIXELS = 120;

export async function makeThumbnail(
  req: ThumbnailRequest,
  options: ThumbnailOptions = {},
): Promise<Thumbnail> {
  checkSize(req.size);
  const deadline = new Deadline(options.timeoutMs ?? DEFAULT_THUMBNAIL_TIMEOUT_MS);
  const maxPixels = (options.maxMegapixels ?? DEFAULT_MAX_MEGAPIXELS) * 1_000_000;
  const unreadable = await whyUnreadable(req.absPath);
  if (unreadable) return failure(unreadable);
  try {
    return await dispatch(req, { size: req.size, maxPixels, deadline });
  } catch (error) {
    // A bug or a broken installation (ffmpeg missing), not bad media; still a tile, not a crash.
    const message = error instanceof Error ? error.message : String(error);
    return failure(`thumbnail failed: ${message.split('\n')[0] ?? ''}`.slice(0, 160));
  }
}

/** Ends the HEIC decoder process; exiftool's processes are ended by endExiftool (exif.ts). */
export async function shutdownThumbnailers(): Promise<void> {
  await stopHeicWasm();
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 16 || size > 4096) {
    throw new RangeError(`thumbnail size must be an integer from 16 to 4096, got ${size}`);
  }
}

/**
 * Reasons to start nothing at all: a missing file, a folder, a FIFO or device (a decoder
 * would block on it forever), and an empty file.
 */
async function whyUnreadable(absPath: string): Promise<string | null> {
  try {
    const info = await stat(absPath);
    if (!info.isFile()) return 'not a regular file';
    return info.size === 0 ? 'empty file' : null;
  } catch (error) {
    return `cannot read: ${describeFsError(error)}`;
  }
}

// ---------------------------------------------------------------------------------------------
// Choosing the decoder

interface Job {
  size: number;
  maxPixels: number;
  deadline: Deadline;
}

type Route = 'still' | 'raw' | 'heic' | 'video';

async function dispatch(req: ThumbnailRequest, job: Job): Promise<Thumbnail> {
  const route = await chooseRoute(req);
  switch (route) {
    case 'video':
      return videoStrip(req.absPath, { ...job, probed: req.probed });
    case 'heic':
      return heicThumbnail(req.absPath, job);
    case 'raw':
      return rawThumbnail(req.absPath, job);
    case 'still':
      return stillThumbnail(req.absPath, job);
  }
}

/** A still sharp does not know may still carry a preview exiftool can find (PSD, odd RAWs). */
async function stillThumbnail(absPath: string, job: Job): Promise<Thumbnail> {
  const made = await renderImage({ file: absPath }, { ...job, orientation: 'auto' });
  if (made.ok || made.reason !== 'unsupported image format') return made;
  const facts = await readFacts(absPath, job.deadline);
  if (!facts.ok || facts.embedded.length === 0) return made;
  return embeddedThumbnail(absPath, facts, facts.orientation, job, made.reason);
}

// prettier-ignore
const RAW_EXTENSIONS = new Set([
  'cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'srf', 'sr2', 'dng', 'raf', 'orf', 'rw2', 'pef',
  'srw', 'kdc', 'dcr', 'mrw', 'x3f', '3fr', 'erf', 'mef', 'mos', 'iiq', 'rwl', 'gpr', 'raw',
]);
const HEIF_EXTENSIONS = new Set(['heic', 'heif', 'hif']);
const HEIF_MIMES = new Set([
  'image/heic',
  'image/heif',
  'image/heic-sequence',
  'image/heif-sequence',
]);
/** What sharp reads itself; TIFF only when the name is not a RAW's (most RAWs are TIFFs). */
const STILL_MIMES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);

/**
 * The content decides, as the scan sniffed it (a JPEG named .heic is a JPEG); the name only
 * where the content was not recognised (old RAW formats have no signature file-type knows).
 */
async function chooseRoute(req: ThumbnailRequest): Promise<Route> {
  if (req.kind === 'video') return 'video';
  const mime = req.mime ?? (await sniffMime(req.absPath));
  const ext = path.extname(req.absPath).slice(1).toLowerCase();
  if (mime && HEIF_MIMES.has(mime)) return 'heic';
  if (mime && STILL_MIMES.has(mime)) return 'still';
  if (RAW_EXTENSIONS.has(ext) || mime?.startsWith('image/x-')) return 'raw';
  if (!mime && HEIF_EXTENSIONS.has(ext)) return 'heic';
  return 'still';
}

/** HEIF brands in the ISO-BMFF 'ftyp' box. */
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1']);

/**
 * The type from the first bytes, for content the scan did not recognise: enough to send a
 * JPEG named .heic to sharp and a HEIC named .jpg to libheif.
 */
async function sniffMime(absPath: string): Promise<string | null> {
  let handle;
  try {
    handle = await open(absPath, 'r');
    const head = Buffer.alloc(16);
    await handle.read(head, 0, head.length, 0);
    return mimeFromMagic(head);
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

function mimeFromMagic(head: Buffer): string | null {
  const ascii = (from: number, to: number) => head.toString('latin1', from, to);
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (ascii(1, 4) === 'PNG') return 'image/png';
  if (ascii(0, 4) === 'GIF8') return 'image/gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'image/tiff';
  if (ascii(4, 8) !== 'ftyp') return null;
  const brand = ascii(8, 12);
  if (brand === 'avif' || brand === 'avis') return 'image/avif';
  return HEIF_BRANDS.has(brand) ? 'image/heif' : null;
}
