import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { files } from '../catalog/schema.js';
import { inFolderTree } from '../catalog/sql.js';
import { quoteArchive, type ArchiveQuote } from '../cost/archive-quote.js';
import { FilesOutsideScopeError, UserInputError } from '../errors.js';
import { normalizeRelPath } from '../roots/paths.js';
import type { RootRow } from '../roots/roots.js';
import { destinationClass, destinationRegion, type DestinationRow } from './destinations.js';
import { hasCopy } from './copies.js';
import { mediaKey } from './keys.js';
import { MAX_ARCHIVE_SELECTION } from './limits.js';

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
  /** Selected files that a scan found gone from the NAS since (never for a folder plan). */
  missing: string[];
  /** How many distinct files were selected; null for a plan of the whole folder. */
  selected: number | null;
  /**
   * The folders whose contact sheets go with the files: those holding a selected file present
   * on the NAS; null for a folder plan (every folder in it).
   */
  sheetFolders: string[] | null;
  quote: ArchiveQuote | null;
}

/**
 * What archiving a folder (and everything below it) to a destination would send: every present
 * file whose content the destination does not hold yet. With `fileIds` (an explorer selection),
 * only those files: each must be a file of that root in that folder or below it, else nothing is
 * planned and a UserInputError names them. A plan is data: the UI's confirm dialog and
 * `glacier archive --dry-run` show it; the job computes it again when it starts (or resumes).
 */
export function planArchive(
  catalog: Catalog,
  destination: DestinationRow,
  root: RootRow,
  folder: string,
  fileIds?: readonly number[],
): ArchivePlan {
  const scope = normalizeRelPath(folder);
  const selection = fileIds === undefined ? undefined : checkSelection(fileIds);
  const rows = catalog.db
    .select({
      id: files.id,
      relPath: files.relPath,
      dir: files.dir,
      state: files.state,
      size: files.size,
      sha256: files.sha256,
      mtimeMs: files.mtimeMs,
      contentSize: files.contentSize,
      contentMtimeMs: files.contentMtimeMs,
    })
    .from(files)
    .where(
      and(
        eq(files.rootId, root.id),
        inFolderTree(scope),
        // A folder plan takes the files present; a selection takes its files in any state, so
        // that one gone since the scan is reported rather than taken for a foreign id.
        selection ? idIn(selection) : eq(files.state, 'present'),
      ),
    )
    .orderBy(files.relPath)
    .all();
  if (selection) assertAllInScope(selection, rows, root, scope);
  const missing: string[] = [];
  const items: ArchiveItem[] = [];
  const unread: string[] = [];
  let alreadyArchived = 0;
  const planned = new Set<string>();
  for (const row of rows) {
    if (row.state !== 'present') {
      missing.push(row.relPath);
      continue;
    }
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
    missing,
    selected: selection ? selection.length : null,
    sheetFolders: selection
      ? [...new Set(rows.filter((r) => r.state === 'present').map((r) => r.dir))]
      : null,
    quote,
  };
}

/** The distinct ids of a selection, within the bounds an archive takes. */
function checkSelection(fileIds: readonly number[]): number[] {
  if (fileIds.length === 0) {
    throw new UserInputError('No files selected: name at least one file, or archive the folder');
  }
  const ids = [...new Set(fileIds)];
  if (ids.length > MAX_ARCHIVE_SELECTION) {
    throw new UserInputError(
      `${ids.length.toLocaleString('en-US')} files selected: an archive takes at most ` +
        `${MAX_ARCHIVE_SELECTION.toLocaleString('en-US')} picked files; archive their folder instead`,
    );
  }
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id <= 0) {
      throw new UserInputError(`${JSON.stringify(id)} is not a file id`);
    }
  }
  return ids;
}

/**
 * A selection as an archive job keeps it: its distinct ids, each checked to be a file of this
 * root in this folder (or below it), at most MAX_ARCHIVE_SELECTION. Throws a UserInputError
 * (FilesOutsideScopeError for ids elsewhere) otherwise.
 */
export function checkArchiveSelection(
  catalog: Catalog,
  root: RootRow,
  folder: string,
  fileIds: readonly number[],
): number[] {
  const scope = normalizeRelPath(folder);
  const ids = checkSelection(fileIds);
  const rows = catalog.db
    .select({ id: files.id })
    .from(files)
    .where(and(eq(files.rootId, root.id), inFolderTree(scope), idIn(ids)))
    .all();
  assertAllInScope(ids, rows, root, scope);
  return ids;
}

/** `files.id` among these ids, as one JSON parameter (SQLite caps the number of parameters). */
function idIn(ids: readonly number[]): SQL {
  return sql`${files.id} in (select value from json_each(${JSON.stringify(ids)}))`;
}

/** Every selected id must be a file of this root in the folder (or below): none is skipped. */
function assertAllInScope(
  ids: readonly number[],
  rows: readonly { id: number }[],
  root: RootRow,
  scope: string,
): void {
  if (rows.length === ids.length) return;
  const found = new Set(rows.map((r) => r.id));
  const foreign = ids.filter((id) => !found.has(id));
  const where = scope ? `${root.label}/${scope}` : root.label;
  const shown = foreign.slice(0, 10).join(', ') + (foreign.length > 10 ? ', …' : '');
  throw new FilesOutsideScopeError(
    `${foreign.length === 1 ? 'File' : `${foreign.length.toLocaleString('en-US')} files`} ` +
      `${shown} ${foreign.length === 1 ? 'is' : 'are'} not in ${where}: pick files of that folder only`,
    { fileIds: foreign.slice(0, 100), root: root.label, path: scope },
  );
}
