import { and, asc, desc, eq, isNotNull, ne, sql, type SQL } from 'drizzle-orm';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from './catalog.js';
import { fileEvents, files, type FileKind } from './schema.js';
import { contentIsStale, escapeLike, inFolderTree } from './sql.js';
import { isSummarised, summarisedFileIds } from '../sheets/store.js';
import { archivedIn, isArchived } from '../archive/copies.js';
import { NotFoundError } from '../errors.js';
import { normalizeRelPath } from '../roots/paths.js';
import { isRootOnlineFor, type RootRow } from '../roots/roots.js';

export const FILE_SORTS = ['name', 'size', 'mtime', 'captured'] as const;
export type FileSort = (typeof FILE_SORTS)[number];

/** Tags a file can be filtered by; `modified` is known only by looking at the disk. */
export const FILTER_TAGS = [
  'missing',
  'moved',
  'unread',
  'problem',
  'summarised',
  'archived',
  'not-archived',
] as const;
export type FilterTag = (typeof FILTER_TAGS)[number];

export interface FileTags {
  summarised: boolean;
  /** Destinations holding a verified copy of the file's current content. */
  archived: string[];
  /** The file on disk differs from what the catalog recorded (size, mtime or inode). */
  modified: boolean;
  missing: boolean;
  moved: boolean;
  /** Listed but its content (hash, metadata) not read yet. */
  unread: boolean;
}

export interface FileView {
  id: number;
  root: string;
  path: string;
  name: string;
  kind: FileKind;
  mime: string | null;
  size: number;
  mtimeMs: number;
  sha256: string | null;
  state: string;
  capturedAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  width: number | null;
  height: number | null;
  orientation: number | null;
  durationS: number | null;
  codec: string | null;
  gpsLat: number | null;
  gpsLon: number | null;
  problem: string | null;
  firstSeenAt: number;
  missingSince: number | null;
  tags: FileTags;
}

export interface FolderView {
  name: string;
  path: string;
  fileCount: number;
  bytes: number;
  missingCount: number;
}

export interface BrowseQuery {
  path?: string;
  page?: number;
  pageSize?: number;
  sort?: FileSort;
  order?: 'asc' | 'desc';
  kind?: FileKind;
  tag?: FilterTag;
  search?: string;
}

export interface BrowseResult {
  root: string;
  path: string;
  online: boolean;
  folders: FolderView[];
  files: FileView[];
  total: number;
  page: number;
  pageSize: number;
}

type FileRow = typeof files.$inferSelect;

/** One folder of a root from the catalog alone: works the same while the root is offline. */
export function browseFolder(catalog: Catalog, root: RootRow, query: BrowseQuery): BrowseResult {
  const dir = normalizeRelPath(query.path ?? '');
  const page = Math.max(1, query.page ?? 1);
  const pageSize = Math.min(1000, Math.max(1, query.pageSize ?? 200));
  const folders = childFolders(catalog, root.id, dir);
  const where = fileFilter(root.id, dir, query);
  const total = catalog.db
    .select({ n: sql<number>`count(*)` })
    .from(files)
    .where(where)
    .get()!.n;
  if (total === 0 && folders.length === 0 && dir !== '' && !folderKnown(catalog, root.id, dir)) {
    throw new NotFoundError(`The catalog has no folder "${dir}" in root "${root.label}"`);
  }
  const rows = catalog.db
    .select()
    .from(files)
    .where(where)
    .orderBy(...orderBy(query.sort ?? 'name', query.order ?? 'asc'))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  const online = isRootOnlineFor(catalog, root);
  const summarised = summarisedFileIds(
    catalog,
    rows.map((r) => r.id),
  );
  const archived = archivedIn(
    catalog,
    rows.flatMap((r) => (r.sha256 ? [r.sha256] : [])),
  );
  return {
    root: root.label,
    path: dir,
    online,
    folders,
    files: rows.map((row) =>
      toFileView(
        row,
        root,
        online,
        summarised.has(row.id),
        (row.sha256 && archived.get(row.sha256)) || [],
      ),
    ),
    total,
    page,
    pageSize,
  };
}

export function fileByPath(catalog: Catalog, root: RootRow, relPath: string): FileRow {
  const rel = normalizeRelPath(relPath);
  const row = catalog.db
    .select()
    .from(files)
    .where(and(eq(files.rootId, root.id), eq(files.relPath, rel)))
    .get();
  if (!row) throw new NotFoundError(`The catalog has no file "${rel}" in root "${root.label}"`);
  return row;
}

export function fileById(catalog: Catalog, id: number): FileRow {
  const row = catalog.db.select().from(files).where(eq(files.id, id)).get();
  if (!row) throw new NotFoundError(`There is no file ${id} in the catalog`);
  return row;
}

export interface FileDetails extends FileView {
  history: { at: number; kind: string; detail: string | null }[];
  movedTo: { id: number; path: string } | null;
  movedFrom: { id: number; path: string } | null;
}

export function fileDetails(catalog: Catalog, root: RootRow, row: FileRow): FileDetails {
  const history = catalog.db
    .select({ at: fileEvents.at, kind: fileEvents.kind, detail: fileEvents.detail })
    .from(fileEvents)
    .where(eq(fileEvents.fileId, row.id))
    .orderBy(asc(fileEvents.id))
    .all();
  const link = (id: number | null) => {
    if (id === null) return null;
    const other = catalog.db
      .select({ id: files.id, path: files.relPath })
      .from(files)
      .where(eq(files.id, id))
      .get();
    return other ?? null;
  };
  return {
    ...toFileView(
      row,
      root,
      isRootOnlineFor(catalog, root),
      summarisedFileIds(catalog, [row.id]).has(row.id),
      row.sha256 ? (archivedIn(catalog, [row.sha256]).get(row.sha256) ?? []) : [],
    ),
    history,
    movedTo: link(row.movedToId),
    movedFrom: link(row.movedFromId),
  };
}

export function toFileView(
  row: FileRow,
  root: RootRow,
  online: boolean,
  summarised: boolean,
  archived: string[],
): FileView {
  return {
    id: row.id,
    root: root.label,
    path: row.relPath,
    name: row.name,
    kind: row.kind,
    mime: row.mime,
    size: row.size,
    mtimeMs: row.mtimeMs,
    sha256: row.sha256,
    state: row.state,
    capturedAt: row.capturedAt,
    cameraMake: row.cameraMake,
    cameraModel: row.cameraModel,
    width: row.width,
    height: row.height,
    orientation: row.orientation,
    durationS: row.durationS,
    codec: row.codec,
    gpsLat: row.gpsLat,
    gpsLon: row.gpsLon,
    problem: row.problem,
    firstSeenAt: row.firstSeenAt,
    missingSince: row.missingSince,
    tags: {
      summarised,
      archived,
      modified: online && row.state === 'present' && isModifiedOnDisk(root.path, row),
      missing: row.state === 'missing',
      moved: row.state === 'moved',
      unread:
        row.state === 'present' &&
        (row.contentSize !== row.size || row.contentMtimeMs !== row.mtimeMs),
    },
  };
}

/** Compares the disk with the catalog for one listed file (a page holds at most 1,000). */
function isModifiedOnDisk(rootPath: string, row: FileRow): boolean {
  try {
    const stat = lstatSync(path.join(rootPath, row.relPath));
    return (
      stat.size !== row.size || Math.floor(stat.mtimeMs) !== row.mtimeMs || stat.ino !== row.inode
    );
  } catch {
    return true;
  }
}

function fileFilter(rootId: number, dir: string, query: BrowseQuery): SQL {
  const conditions: (SQL | undefined)[] = [eq(files.rootId, rootId), eq(files.dir, dir)];
  if (query.kind) conditions.push(eq(files.kind, query.kind));
  if (query.search)
    conditions.push(sql`${files.name} like ${'%' + escapeLike(query.search) + '%'} escape '\\'`);
  switch (query.tag) {
    case undefined:
      conditions.push(ne(files.state, 'moved'));
      break;
    case 'missing':
    case 'moved':
      conditions.push(eq(files.state, query.tag));
      break;
    case 'unread':
      conditions.push(eq(files.state, 'present'), contentIsStale);
      break;
    case 'problem':
      conditions.push(isNotNull(files.problem));
      break;
    case 'summarised':
      conditions.push(eq(files.state, 'present'), isSummarised);
      break;
    case 'archived':
      conditions.push(isArchived);
      break;
    case 'not-archived':
      conditions.push(eq(files.state, 'present'), sql`not ${isArchived}`);
      break;
  }
  return and(...conditions)!;
}

function orderBy(sort: FileSort, order: 'asc' | 'desc'): SQL[] {
  const direction = order === 'desc' ? desc : asc;
  const column = {
    name: files.name,
    size: files.size,
    mtime: files.mtimeMs,
    captured: files.capturedAt,
  }[sort];
  return sort === 'name' ? [direction(column)] : [direction(column), asc(files.name)];
}

function childFolders(catalog: Catalog, rootId: number, dir: string): FolderView[] {
  const prefix = dir === '' ? '' : `${dir}/`;
  const rows = catalog.db
    .select({
      dir: files.dir,
      present: sql<number>`sum(case when ${files.state} = 'present' then 1 else 0 end)`,
      bytes: sql<number>`sum(case when ${files.state} = 'present' then ${files.size} else 0 end)`,
      missing: sql<number>`sum(case when ${files.state} = 'missing' then 1 else 0 end)`,
    })
    .from(files)
    .where(
      and(
        eq(files.rootId, rootId),
        prefix === ''
          ? ne(files.dir, '')
          : sql`${files.dir} like ${escapeLike(prefix) + '%'} escape '\\'`,
      ),
    )
    .groupBy(files.dir)
    .all();
  const children = new Map<string, FolderView>();
  for (const row of rows) {
    const name = row.dir.slice(prefix.length).split('/')[0]!;
    const child = children.get(name) ?? {
      name,
      path: prefix + name,
      fileCount: 0,
      bytes: 0,
      missingCount: 0,
    };
    child.fileCount += row.present;
    child.bytes += row.bytes;
    child.missingCount += row.missing;
    children.set(name, child);
  }
  return [...children.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function folderKnown(catalog: Catalog, rootId: number, dir: string): boolean {
  return (
    catalog.db
      .select({ id: files.id })
      .from(files)
      .where(and(eq(files.rootId, rootId), inFolderTree(dir)))
      .limit(1)
      .get() !== undefined
  );
}
