import { eq } from 'drizzle-orm';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { thumbnails } from '../catalog/schema.js';
import { makeThumbnail } from '../media/thumbnail.js';
import type { ProbedVideo } from '../media/thumbnail-types.js';

export type ThumbnailRow = typeof thumbnails.$inferSelect;

/** What the scan recorded of a file's content that a thumbnail can use. */
export interface ScannedFacts {
  kind: string;
  codec: string | null;
  durationS: number | null;
  problem: string | null;
}

/**
 * The scan's probe of a video, when it found a stream (a codec), a duration and nothing wrong.
 * Only valid for the content the scan read: callers check the hash is current first.
 */
export function probedVideo(file: ScannedFacts): ProbedVideo | undefined {
  if (file.kind !== 'video' || file.problem !== null || file.codec === null) return undefined;
  return file.durationS !== null && file.durationS > 0 ? { durationS: file.durationS } : undefined;
}

/** Long edge of the cached thumbnails: what a sheet tile and the UI's grid show. */
export const THUMBNAIL_SIZE = 320;

/**
 * Thumbnails cached in the data dir by content hash. Each is made once per content: a rescan,
 * a move or a second summarise reuses it. Writes go to a temporary name and are renamed into
 * place, so a crash never leaves half an image under a real name.
 */
export class ThumbnailCache {
  private readonly dir: string;

  constructor(
    private readonly catalog: Catalog,
    dataDir: string,
  ) {
    this.dir = path.join(dataDir, 'thumbs');
  }

  imagePath(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), `${sha256}.webp`);
  }

  /** The cached thumbnail of this content, if it was made and its image is still there. */
  get(sha256: string): ThumbnailRow | undefined {
    const row = this.catalog.db
      .select()
      .from(thumbnails)
      .where(eq(thumbnails.sha256, sha256))
      .get();
    if (!row) return undefined;
    if (row.kind !== 'placeholder' && !existsSync(this.imagePath(sha256))) return undefined;
    return row;
  }

  /** Returns the thumbnail of a file's current content, making it if needed. */
  async ensure(file: {
    sha256: string;
    absPath: string;
    kind: 'photo' | 'video';
    mime: string | null;
    probed?: ProbedVideo | undefined;
  }): Promise<ThumbnailRow> {
    const cached = this.get(file.sha256);
    if (cached) return cached;
    const made = await makeThumbnail({
      absPath: file.absPath,
      kind: file.kind,
      mime: file.mime,
      size: THUMBNAIL_SIZE,
      ...(file.probed ? { probed: file.probed } : {}),
    });
    const row: ThumbnailRow = made.ok
      ? {
          sha256: file.sha256,
          kind: file.kind === 'video' ? 'strip' : 'image',
          width: made.width,
          height: made.height,
          durationS: made.durationS ?? null,
          frames: made.frames ?? null,
          reason: null,
          createdAt: Date.now(),
        }
      : {
          sha256: file.sha256,
          kind: 'placeholder',
          width: null,
          height: null,
          durationS: null,
          frames: null,
          reason: made.reason,
          createdAt: Date.now(),
        };
    if (made.ok) this.writeImage(file.sha256, made.image);
    // A time-out says more about the machine's load than about the file: try again next time.
    if (!made.ok && /timed out/.test(made.reason)) return row;
    this.catalog.write((tx) =>
      tx
        .insert(thumbnails)
        .values(row)
        .onConflictDoUpdate({ target: thumbnails.sha256, set: row })
        .run(),
    );
    return row;
  }

  private writeImage(sha256: string, image: Buffer): void {
    const target = this.imagePath(sha256);
    mkdirSync(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    try {
      writeFileSync(temp, image);
      renameSync(temp, target);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
  }
}
