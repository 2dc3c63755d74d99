import type { Deadline } from './deadline.js';
import { withinDeadline } from './deadline.js';
import { extractEmbeddedImage, readImageFacts, type ImageFacts } from './exif.js';
import { renderImage } from './photo-thumb.js';
import { failure, type Thumbnail } from './thumbnail-types.js';

/**
 * Thumbnails from the images cameras embed in their files, read by exiftool: how RAW files
 * are shown (no RAW is ever demosaiced here), and the last resort for HEIC files and for
 * formats sharp does not know.
 */

export const NO_PREVIEW = 'no preview in this RAW file';

export interface PreviewOptions {
  size: number;
  maxPixels: number;
  deadline: Deadline;
}

/** What exiftool read from a file it could identify. */
type Facts = Extract<ImageFacts, { ok: true }>;

/** A RAW file: its embedded preview, turned by the RAW's own orientation. */
export async function rawThumbnail(absPath: string, options: PreviewOptions): Promise<Thumbnail> {
  const facts = await readFacts(absPath, options.deadline);
  if (!facts.ok) return failure(facts.reason);
  return embeddedThumbnail(absPath, facts, facts.orientation, options, NO_PREVIEW);
}

export async function readFacts(absPath: string, deadline: Deadline): Promise<ImageFacts> {
  return withinDeadline(readImageFacts(absPath), deadline, () => ({
    ok: false,
    reason: deadline.reason(),
  }));
}

// Each extraction is a round trip through exiftool; three covers preview, JPEG and thumbnail.
const MAX_ATTEMPTS = 3;

/**
 * The first embedded image (PreviewImage, JpgFromRaw, …, ThumbnailImage) that decodes and is
 * at least `size` on its long edge; failing that, the largest one that decodes. A bigger
 * candidate is tried only when it has more bytes than the best so far: a smaller file does
 * not hold a bigger picture. Embedded images carry no trustworthy orientation of their own,
 * so the container's is applied. When images were found but none decoded, the reason is
 * theirs ('corrupt or truncated image'), else `noneReason`.
 */
export async function embeddedThumbnail(
  absPath: string,
  facts: Facts,
  orientation: number | null,
  options: PreviewOptions,
  noneReason: string,
): Promise<Thumbnail> {
  let best: { thumb: Extract<Thumbnail, { ok: true }>; bytes: number } | null = null;
  let attempts = 0;
  let reason = noneReason;
  for (const candidate of facts.embedded) {
    if (attempts >= MAX_ATTEMPTS || options.deadline.expired()) break;
    if (best && candidate.bytes <= best.bytes) continue;
    attempts++;
    const thumb = await renderEmbedded(absPath, candidate.tag, orientation, options);
    if (!thumb) continue;
    if (!thumb.ok) {
      reason = thumb.reason;
      continue;
    }
    if (Math.max(thumb.width, thumb.height) >= options.size) return thumb;
    best = { thumb, bytes: candidate.bytes };
  }
  if (best) return best.thumb;
  return failure(options.deadline.expired() ? options.deadline.reason() : reason);
}

async function renderEmbedded(
  absPath: string,
  tag: Facts['embedded'][number]['tag'],
  orientation: number | null,
  options: PreviewOptions,
): Promise<Thumbnail | null> {
  const data = await withinDeadline(
    extractEmbeddedImage(absPath, tag),
    options.deadline,
    () => null,
  );
  if (!data) return null;
  return renderImage({ buffer: data }, { ...options, orientation });
}
