import type { AppContext } from '../app-context.js';
import type { files } from '../catalog/schema.js';
import { NotFoundError } from '../errors.js';
import { isRootOnline, type RootRow } from '../roots/roots.js';
import { scannedContentPath } from './as-scanned.js';
import { probedVideo, ThumbnailCache } from './thumbnail-cache.js';

type FileRow = typeof files.$inferSelect;

/**
 * The thumbnail of one file's current content for the UI's grid: from the cache, or made now
 * when the file is there to read. Never for a file the catalog has not read.
 */
export async function fileThumbnail(
  ctx: AppContext,
  root: RootRow,
  file: FileRow,
): Promise<{ sha256: string; imagePath: string }> {
  if (file.kind !== 'photo' && file.kind !== 'video') {
    throw new NotFoundError(`${file.name} is not a photo or a video: it has no thumbnail`);
  }
  if (!file.sha256) throw new NotFoundError(`${file.name} has not been read by a scan yet`);
  const cache = new ThumbnailCache(ctx.catalog, ctx.config.dataDir);
  let thumb = cache.get(file.sha256);
  if (!thumb) {
    if (file.state !== 'present' || !isRootOnline(root.path)) {
      throw new NotFoundError(`No thumbnail of ${file.name} was made while its root was online`);
    }
    const absPath = scannedContentPath(root.path, file);
    if (absPath === null) {
      throw new NotFoundError(
        `${file.name} is not what the last scan read (changed, gone, or now outside its root): scan it again`,
      );
    }
    thumb = await cache.ensure({
      sha256: file.sha256,
      absPath,
      kind: file.kind,
      mime: file.mime,
      probed: probedVideo(file),
    });
  }
  if (thumb.kind === 'placeholder') {
    throw new NotFoundError(`${file.name} cannot be shown: ${thumb.reason}`);
  }
  return { sha256: file.sha256, imagePath: cache.imagePath(file.sha256) };
}
