import { and, eq } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { files } from '../catalog/schema.js';
import { inFolderTree } from '../catalog/sql.js';
import { quoteArchive, type ArchiveQuote } from '../cost/archive-quote.js';
import { normalizeRelPath } from '../roots/paths.js';
import type { RootRow } from '../roots/roots.js';
import { destinationClass, destinationRegion, type DestinationRow } from './destinations.js';
import { hasCopy } from './copies.js';
import { mediaKey } from './keys.js';

/** Multipart starts above this size (the storage layer's default). */
export const MULTIPART_THRESHOLD = 16 * 1024 * 1024;

export interface ArchiveItem {
  fileId: number;
  relPath: string;
  key: string;
  size: number;
  sha256: string;
  mtimeMs: number;
}

export interface ArchivePlan {
  destination: string;
  root: string;
  path: string;
  /** What will be sent. */
  items: ArchiveItem[];
  bytes: number;
  /** Files whose content this destination already holds (under this key or another). */
  alreadyArchived: number;
  /** Files a scan has not read (no hash yet, or changed since): scan first. */
  unread: string[];
  quote: ArchiveQuote | null;
}

/**
 * What archiving a folder (and everything below it) to a destination would send: every present
 * file whose content the destination does not hold yet. A plan is data: the UI's confirm dialog
 * and `glacier archive --dry-run` show it; the job computes it again when it starts (or resumes).
 */
export function planArchive(
  catalog: Catalog,
  destination: DestinationRow,
  root: RootRow,
  folder: string,
): ArchivePlan {
  const scope = normalizeRelPath(folder);
  const rows = catalog.db
    .select({
      id: files.id,
      relPath: files.relPath,
      size: files.size,
      sha256: files.sha256,
      mtimeMs: files.mtimeMs,
      contentSize: files.contentSize,
      contentMtimeMs: files.contentMtimeMs,
    })
    .from(files)
    .where(and(eq(files.rootId, root.id), eq(files.state, 'present'), inFolderTree(scope)))
    .orderBy(files.relPath)
    .all();
  const items: ArchiveItem[] = [];
  const unread: string[] = [];
  let alreadyArchived = 0;
  const planned = new Set<string>();
  for (const row of rows) {
    if (!row.sha256 || row.contentSize !== row.size || row.contentMtimeMs !== row.mtimeMs) {
      unread.push(row.relPath);
      continue;
    }
    // The same content twice in one plan (a duplicate photo) is sent once.
    if (hasCopy(catalog, destination.id, row.sha256) || planned.has(row.sha256)) {
      alreadyArchived += 1;
      continue;
    }
    planned.add(row.sha256);
    items.push({
      fileId: row.id,
      relPath: row.relPath,
      key: mediaKey(root.label, row.relPath),
      size: row.size,
      sha256: row.sha256,
      mtimeMs: row.mtimeMs,
    });
  }
  const bytes = items.reduce((n, i) => n + i.size, 0);
  const quote =
    destination.kind === 's3'
      ? quoteArchive(
          items.map((i) => i.size),
          destinationClass(destination),
          destinationRegion(destination),
          MULTIPART_THRESHOLD,
        )
      : null;
  return {
    destination: destination.name,
    root: root.label,
    path: scope,
    items,
    bytes,
    alreadyArchived,
    unread,
    quote,
  };
}
