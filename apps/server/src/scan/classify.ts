import type { FileKind } from '../catalog/schema.js';

// prettier-ignore
const PHOTO_EXTENSIONS = new Set([
  'jpg', 'jpeg', 'jpe', 'jfif', 'png', 'tif', 'tiff', 'webp', 'gif', 'avif', 'heic', 'heif',
  'hif', 'mpo', 'bmp', 'jxl', 'psd',
  // RAW: read through their embedded previews.
  'cr2', 'cr3', 'crw', 'nef', 'nrw', 'arw', 'srf', 'sr2', 'dng', 'raf', 'orf', 'rw2', 'pef',
  'srw', 'kdc', 'dcr', 'mrw', 'x3f', '3fr', 'erf', 'mef', 'mos', 'iiq', 'rwl', 'gpr',
]);

// prettier-ignore
const VIDEO_EXTENSIONS = new Set([
  'mp4', 'mov', 'm4v', 'mts', 'm2ts', 'ts', 'mkv', 'avi', '3gp', '3g2', 'webm', 'wmv', 'mpg',
  'mpeg', 'flv', 'lrv', 'insv', 'mxf', 'dv',
]);

/** Companion files that describe or preview another file; archived with it, never shown as media. */
const SIDECAR_EXTENSIONS = new Set(['xmp', 'thm', 'aae', 'dop', 'pp3', 'on1', 'lrf', 'srt']);

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** The kind a name suggests; used until the content has been read. */
export function kindFromName(name: string): FileKind {
  const ext = extensionOf(name);
  if (SIDECAR_EXTENSIONS.has(ext)) return 'sidecar';
  if (PHOTO_EXTENSIONS.has(ext)) return 'photo';
  if (VIDEO_EXTENSIONS.has(ext)) return 'video';
  return 'other';
}

/**
 * The kind once the content is known. The content wins over the extension (a JPEG named
 * .heic is a photo, a PDF named .jpg is not), except for sidecars, whose content is often an
 * ordinary JPEG or XML, and for undetected content, where the extension is all there is
 * (old RAW formats such as KDC have no signature the detector knows).
 */
export function kindFromContent(name: string, mime: string | null): FileKind {
  const byName = kindFromName(name);
  if (byName === 'sidecar' || mime === null) return byName;
  if (mime.startsWith('image/')) return 'photo';
  if (mime.startsWith('video/')) return 'video';
  // MPEG-TS camcorder files (.MTS) and a few containers are detected by generic types.
  if (mime === 'application/mxf') return 'video';
  return 'other';
}
