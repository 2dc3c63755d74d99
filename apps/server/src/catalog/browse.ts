import {
  and,
  asc,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  ne,
  sql,
  type SQL,
} from 'drizzle-orm';
import { lstatSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from './catalog.js';
import {
  copies,
  destinations,
  fileEvents,
  files,
  restoreItems,
  thumbnails,
  type FileKind,
  type RestoreItemState,
} from './schema.js';
import { contentIsStale, escapeLike, inFolderTree } from './sql.js';
import { isSummarised, summarisedFileIds } from '../sheets/store.js';
import { archivedIn, isArchived } from '../archive/copies.js';
import { NotFoundError, UserInputError } from '../errors.js';
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
  /** The latest restore of the file's content from each destination that has one (if any). */
  restores?: RestoreTag[];
}

/**
 * The latest restore item of a file's content in one destination that had to thaw it: its state
 * (`requested`, `in-progress`, `available` until `expiresAt`, `downloaded`, `expired`, `failed`
 * with a `reason`, …) as the restore job left it.
 */
export interface RestoreTag {
  destination: string;
  state: RestoreItemState;
  expiresAt: number | null;
  reason: string | null;
}

/**
 * Whether the grid can show a picture of the file, and if not why: `ready` (made), `on-demand`
 * (made the first time it is asked), `placeholder` (the file could not be decoded), `none`
 * (not a photo or a video, not read yet, or its root is offline and none was made before).
 */
export interface ThumbnailStatus {
  state: 'ready' | 'on-demand' | 'placeholder' | 'none';
  reason: string | null;
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
  thumbnail: ThumbnailStatus;
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
  /** Where the next page starts (for `listFiles`), null on the last page. */
  nextCursor: string | null;
}

/** The filters and order of a folder's listing, without its paging. */
export type FileFilter = Omit<BrowseQuery, 'page' | 'pageSize'>;

/**
 * A page of a folder's files, found by a cursor from an earlier page (a keyset seek: as fast
 * at the 100,000th file as at the first) or, to jump, by an offset.
 */
export interface FilesQuery extends FileFilter {
  limit?: number;
  /** `nextCursor` of the page before, or `prevCursor` of the page after. */
  cursor?: string;
  offset?: number;
}

export interface FilesPage {
  files: FileView[];
  /** The page after this one; null when this one ends the listing. */
  nextCursor: string | null;
  /** The page before this one; null when this one starts the listing. */
  prevCursor: string | null;
}

/** A folder as the tree shows it: its name and whether it holds folders of its own. */
export interface FolderNode {
  name: string;
  path: string;
  hasChildren: boolean;
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
  const sort = query.sort ?? 'name';
  const order = query.order ?? 'asc';
  const rows = catalog.db
    .select()
    .from(files)
    .where(where)
    .orderBy(...orderBy(sort, order))
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .all();
  const last = rows.at(-1);
  return {
    root: root.label,
    path: dir,
    online: isRootOnlineFor(catalog, root),
    folders,
    files: fileViews(catalog, root, rows),
    total,
    page,
    pageSize,
    nextCursor:
      last && (page - 1) * pageSize + rows.length < total
        ? encodeCursor('after', sort, order, last)
        : null,
  };
}

/**
 * One page of a folder's files, without the folder's subfolders or its count (the first page,
 * from `browseFolder`, gave those): what a long list asks for as it scrolls.
 */
export function listFiles(catalog: Catalog, root: RootRow, query: FilesQuery): FilesPage {
  const dir = normalizeRelPath(query.path ?? '');
  const limit = Math.min(1000, Math.max(1, query.limit ?? 200));
  const sort = query.sort ?? 'name';
  const order = query.order ?? 'asc';
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor, sort, order);
  if (cursor && query.offset !== undefined) {
    throw new UserInputError('Give a cursor or an offset, not both');
  }
  const backwards = cursor?.direction === 'before';
  const filter = fileFilter(root.id, dir, query);
  const ordered = orderBy(sort, backwards ? flip(order) : order);
  // One row more than asked tells whether the listing goes on past this page. After a cursor
  // the rows come from one index range, or two where the undated rows follow the dated ones.
  const found: FileRow[] = [];
  for (const part of cursor ? seek(cursor) : [undefined]) {
    found.push(
      ...catalog.db
        .select()
        .from(files)
        .where(and(filter, part))
        .orderBy(...ordered)
        .limit(limit + 1 - found.length)
        .offset(cursor ? 0 : (query.offset ?? 0))
        .all(),
    );
    if (found.length > limit) break;
  }
  const more = found.length > limit;
  const rows = found.slice(0, limit);
  if (backwards) rows.reverse();
  const first = rows[0];
  const last = rows.at(-1);
  // Going forwards, rows lie before this page when it was found after a cursor or an offset;
  // going backwards, rows lie after it (the cursor's own row at least).
  const moreBefore = backwards ? more : cursor !== null || (query.offset ?? 0) > 0;
  const moreAfter = backwards || more;
  return {
    files: fileViews(catalog, root, rows),
    nextCursor: moreAfter && last ? encodeCursor('after', sort, order, last) : null,
    prevCursor: moreBefore && first ? encodeCursor('before', sort, order, first) : null,
  };
}

/** The views of a page of rows: tags, restores and thumbnails looked up once for the page. */
function fileViews(catalog: Catalog, root: RootRow, rows: FileRow[]): FileView[] {
  const online = isRootOnlineFor(catalog, root);
  const summarised = summarisedFileIds(
    catalog,
    rows.map((r) => r.id),
  );
  const hashes = [...new Set(rows.flatMap((r) => (r.sha256 ? [r.sha256] : [])))];
  const archived = archivedIn(catalog, hashes);
  const restores = restoreTags(catalog, hashes);
  const thumbs = thumbnailRows(catalog, hashes);
  return rows.map((row) =>
    toFileView(
      row,
      root,
      online,
      summarised.has(row.id),
      (row.sha256 && archived.get(row.sha256)) || [],
      {
        restores: (row.sha256 && restores.get(row.sha256)) || [],
        thumbnail: row.sha256 ? thumbs.get(row.sha256) : undefined,
      },
    ),
  );
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
    ...fileViews(catalog, root, [row])[0]!,
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
  known: { restores?: RestoreTag[]; thumbnail?: ThumbnailRow | undefined } = {},
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
      // Left out when there is none, as before restores existed.
      ...(known.restores?.length ? { restores: known.restores } : {}),
    },
    thumbnail: thumbnailStatus(row, online, known.thumbnail),
  };
}

type ThumbnailRow = Pick<typeof thumbnails.$inferSelect, 'sha256' | 'kind' | 'reason'>;

function thumbnailRows(catalog: Catalog, hashes: string[]): Map<string, ThumbnailRow> {
  if (hashes.length === 0) return new Map();
  const rows = catalog.db
    .select({ sha256: thumbnails.sha256, kind: thumbnails.kind, reason: thumbnails.reason })
    .from(thumbnails)
    .where(inArray(thumbnails.sha256, hashes))
    .all();
  return new Map(rows.map((r) => [r.sha256, r]));
}

/** The thumbnail endpoint's answer for this file, known without making anything. */
function thumbnailStatus(
  row: FileRow,
  online: boolean,
  thumb: ThumbnailRow | undefined,
): ThumbnailStatus {
  if (row.kind !== 'photo' && row.kind !== 'video') {
    return { state: 'none', reason: `${row.name} is not a photo or a video: it has no thumbnail` };
  }
  if (!row.sha256) {
    return { state: 'none', reason: `${row.name} has not been read by a scan yet` };
  }
  if (thumb?.kind === 'placeholder') {
    return { state: 'placeholder', reason: `${row.name} cannot be shown: ${thumb.reason ?? ''}` };
  }
  if (thumb) return { state: 'ready', reason: null };
  if (row.state !== 'present' || !online) {
    return {
      state: 'none',
      reason: `No thumbnail of ${row.name} was made while its root was online`,
    };
  }
  return { state: 'on-demand', reason: null };
}

/**
 * For each content hash, the latest restore item of each destination holding a live copy of
 * it (found through the copy's key, which the restore items are indexed by). Items that never
 * needed a thaw (a readable class, a folder destination) or were skipped say nothing.
 */
function restoreTags(catalog: Catalog, hashes: string[]): Map<string, RestoreTag[]> {
  const map = new Map<string, RestoreTag[]>();
  if (hashes.length === 0) return map;
  const rows = catalog.db
    .select({
      sha256: copies.sha256,
      destination: destinations.name,
      state: restoreItems.state,
      expiresAt: restoreItems.expiresAt,
      requestedAt: restoreItems.requestedAt,
      reason: restoreItems.reason,
    })
    .from(copies)
    .innerJoin(destinations, eq(destinations.id, copies.destinationId))
    .innerJoin(
      restoreItems,
      and(eq(restoreItems.destinationId, copies.destinationId), eq(restoreItems.key, copies.key)),
    )
    .where(and(inArray(copies.sha256, hashes), isNull(copies.lostAt)))
    .orderBy(desc(restoreItems.id))
    .all();
  const seen = new Set<string>();
  for (const row of rows) {
    // Items that needed no thaw (a readable class, a skipped file) are no news of a restore.
    const thawed =
      row.state !== 'skipped' &&
      (row.state === 'available' || row.state === 'downloaded'
        ? row.expiresAt !== null
        : row.state !== 'failed' || row.requestedAt !== null);
    const id = `${row.sha256}\0${row.destination}`;
    if (!thawed || seen.has(id)) continue;
    seen.add(id);
    const tag: RestoreTag = {
      destination: row.destination,
      state: row.state,
      expiresAt: row.expiresAt,
      reason: row.reason,
    };
    map.set(row.sha256, [...(map.get(row.sha256) ?? []), tag]);
  }
  for (const tags of map.values()) tags.sort((a, b) => a.destination.localeCompare(b.destination));
  return map;
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
      // Spelled as the partial indexes' condition is, so that SQLite sees they apply.
      conditions.push(sql`${files.state} <> 'moved'`);
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

const SORT_COLUMNS = {
  name: files.name,
  size: files.size,
  mtime: files.mtimeMs,
  captured: files.capturedMs,
};

type Order = 'asc' | 'desc';
const flip = (order: Order): Order => (order === 'asc' ? 'desc' : 'asc');

/**
 * The listing's order: the sort column, then the name (unique in a folder) the same way, so
 * that every row has one place and the (root, dir, column, name) indexes read it in order,
 * forwards or backwards.
 */
function orderBy(sort: FileSort, order: Order): SQL[] {
  const direction = order === 'desc' ? desc : asc;
  const column = SORT_COLUMNS[sort];
  if (sort === 'name') return [direction(column)];
  return [direction(column), direction(files.name)];
}

/** Where a page starts: just after (or just before) the row a cursor names. */
interface Cursor {
  direction: 'after' | 'before';
  sort: FileSort;
  order: Order;
  value: string | number | null;
  name: string;
}

function encodeCursor(direction: Cursor['direction'], sort: FileSort, order: Order, row: FileRow) {
  const value =
    sort === 'name'
      ? null
      : row[({ size: 'size', mtime: 'mtimeMs', captured: 'capturedMs' } as const)[sort]];
  return Buffer.from(
    JSON.stringify([direction === 'after' ? 'a' : 'b', sort, order, value, row.name]),
  ).toString('base64url');
}

function decodeCursor(text: string, sort: FileSort, order: Order): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 5 ||
    (parsed[0] !== 'a' && parsed[0] !== 'b') ||
    typeof parsed[4] !== 'string' ||
    !(parsed[3] === null || typeof parsed[3] === 'string' || typeof parsed[3] === 'number')
  ) {
    throw new UserInputError('This page cursor is not one the server made: start from the top');
  }
  if (parsed[1] !== sort || parsed[2] !== order) {
    throw new UserInputError('This page cursor belongs to another sort order: start from the top');
  }
  return {
    direction: parsed[0] === 'a' ? 'after' : 'before',
    sort,
    order,
    value: parsed[3],
    name: parsed[4],
  };
}

/**
 * Rows strictly after (or before) the cursor's row in the listing's order, as the conditions
 * of the index ranges that hold them, in order: a row-value comparison on (column, name) reads
 * the (root, dir, column, name) index from the cursor on. SQLite puts NULLs (undated photos)
 * first going up and last going down, as a range of their own.
 */
function seek(cursor: Cursor): SQL[] {
  const direction = cursor.direction === 'after' ? cursor.order : flip(cursor.order);
  const nameOnward = (direction === 'asc' ? gt : lt)(files.name, cursor.name);
  if (cursor.sort === 'name') return [nameOnward];
  const column = SORT_COLUMNS[cursor.sort];
  if (cursor.value === null) {
    const rest = and(isNull(column), nameOnward)!;
    return direction === 'asc' ? [rest, isNotNull(column)] : [rest];
  }
  const rest = sql`(${column}, ${files.name}) ${sql.raw(direction === 'asc' ? '>' : '<')} (${cursor.value}, ${cursor.name})`;
  return direction === 'desc' && cursor.sort === 'captured' ? [rest, isNull(column)] : [rest];
}

/**
 * The folders directly under `dir` ('' for the root), found by seeking the (root, dir) index
 * from one child to the next instead of reading every file below: a folder of 100,000 files
 * costs a few index probes. Folders holding only folders count too.
 */
export function folderChildren(
  catalog: Catalog,
  root: RootRow,
  path: string,
): { root: string; path: string; online: boolean; folders: FolderNode[] } {
  const dir = normalizeRelPath(path);
  const prefix = dir === '' ? '' : `${dir}/`;
  const firstDir = (from: string, inclusive: boolean, below: string | null) =>
    catalog.db
      .select({ dir: files.dir })
      .from(files)
      .where(
        and(
          eq(files.rootId, root.id),
          (inclusive ? gte : gt)(files.dir, from),
          below === null ? undefined : lt(files.dir, below),
        ),
      )
      .orderBy(asc(files.dir))
      .limit(1)
      .get()?.dir;
  const end = dir === '' ? null : `${dir}0`; // '0' follows '/': every "dir/…" sorts below it
  const names = new Set<string>();
  let from = prefix;
  let inclusive = false;
  for (;;) {
    const next = firstDir(from, inclusive, end);
    if (next === undefined) break;
    const rest = next.slice(prefix.length);
    const slash = rest.indexOf('/');
    const name = slash < 0 ? rest : rest.slice(0, slash);
    names.add(name);
    // Past this folder's own files, or past everything below it.
    if (slash < 0) {
      from = next;
      inclusive = false;
    } else {
      from = `${prefix}${name}0`;
      inclusive = true;
    }
  }
  if (names.size === 0 && dir !== '' && !folderKnown(catalog, root.id, dir)) {
    throw new NotFoundError(`The catalog has no folder "${dir}" in root "${root.label}"`);
  }
  const folders = [...names]
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const child = `${prefix}${name}`;
      return {
        name,
        path: child,
        hasChildren: firstDir(`${child}/`, false, `${child}0`) !== undefined,
      };
    });
  return { root: root.label, path: dir, online: isRootOnlineFor(catalog, root), folders };
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
        // "dir/…" as a range of the (root, dir) index rather than a LIKE, which reads every row
        prefix === '' ? ne(files.dir, '') : and(gt(files.dir, prefix), lt(files.dir, `${dir}0`)),
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
