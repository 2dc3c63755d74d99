import { sql } from 'drizzle-orm';
import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Key/value settings of the app itself (admin password hash, …). */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Login sessions; the cookie holds a random token, the table only its SHA-256. */
export const sessions = sqliteTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
});

export const roots = sqliteTable('roots', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  label: text('label').notNull().unique(),
  path: text('path').notNull(),
  /** Extra ignore globs for this root only (JSON array). */
  ignore: text('ignore', { mode: 'json' })
    .$type<string[]>()
    .notNull()
    .default(sql`'[]'`),
  createdAt: integer('created_at').notNull(),
  lastScanAt: integer('last_scan_at'),
  lastScanJobId: integer('last_scan_job_id'),
});

export const FILE_KINDS = ['photo', 'video', 'sidecar', 'other'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

export const FILE_STATES = ['present', 'missing', 'moved'] as const;
export type FileState = (typeof FILE_STATES)[number];

/**
 * Every file ever seen under a root. Rows are never deleted by a scan: a file that disappears
 * becomes `missing` (or `moved`, pointing at the row where its content reappeared), so the
 * catalog keeps its history and stays browsable while a drive is unplugged.
 */
export const files = sqliteTable(
  'files',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    rootId: integer('root_id')
      .notNull()
      .references(() => roots.id),
    /** Path relative to the root, '/'-separated, exactly as the file system spells it. */
    relPath: text('rel_path').notNull(),
    /** Folder part of relPath ('' for the root itself). */
    dir: text('dir').notNull(),
    name: text('name').notNull(),
    size: integer('size').notNull(),
    mtimeMs: integer('mtime_ms').notNull(),
    inode: integer('inode').notNull(),
    kind: text('kind').$type<FileKind>().notNull(),
    /** Media type detected from the content (may disagree with the extension). */
    mime: text('mime'),
    sha256: text('sha256'),
    /** Size and mtime the hash and metadata were taken at; differ from size/mtime = stale. */
    contentSize: integer('content_size'),
    contentMtimeMs: integer('content_mtime_ms'),
    state: text('state').$type<FileState>().notNull().default('present'),
    firstSeenAt: integer('first_seen_at').notNull(),
    /** When the file was last found changed (or first seen); roots.lastScanAt confirms the rest. */
    changedAt: integer('changed_at').notNull(),
    missingSince: integer('missing_since'),
    movedToId: integer('moved_to_id'),
    movedFromId: integer('moved_from_id'),
    /** ISO 8601 as the file says it: with its zone, or the camera's wall clock without one. */
    capturedAt: text('captured_at'),
    /**
     * The capture time as an instant (ms), for the explorer's order: a time with a zone is
     * placed by it, one without is taken as UTC (as the contact sheets order them,
     * sheets/order.ts), so "10:30+02:00" sorts before "09:00Z". Computed by SQLite.
     */
    capturedMs: integer('captured_ms').generatedAlwaysAs(
      sql`cast(round((julianday(captured_at) - 2440587.5) * 86400000) as integer)`,
      { mode: 'virtual' },
    ),
    cameraMake: text('camera_make'),
    cameraModel: text('camera_model'),
    width: integer('width'),
    height: integer('height'),
    orientation: integer('orientation'),
    durationS: real('duration_s'),
    codec: text('codec'),
    gpsLat: real('gps_lat'),
    gpsLon: real('gps_lon'),
    /** Why the content (hash or metadata) could not be read, if it could not. */
    problem: text('problem'),
  },
  (t) => [
    uniqueIndex('files_root_path').on(t.rootId, t.relPath),
    index('files_root_dir_name').on(t.rootId, t.dir, t.name),
    index('files_sha256').on(t.sha256),
    index('files_root_state').on(t.rootId, t.state),
    // The explorer's other orders (a folder of 100,000 files, paged by keyset or jumped into by
    // offset): each read in index order, without a sort and, since moved rows are never
    // listed, without reading a row to skip it.
    index('files_root_dir_size')
      .on(t.rootId, t.dir, t.size, t.name)
      .where(sql`"state" <> 'moved'`),
    index('files_root_dir_mtime')
      .on(t.rootId, t.dir, t.mtimeMs, t.name)
      .where(sql`"state" <> 'moved'`),
    index('files_root_dir_captured_ms')
      .on(t.rootId, t.dir, t.capturedMs, t.name)
      .where(sql`"state" <> 'moved'`),
  ],
);

/** What happened to a file over time: added, changed, missing, moved, reappeared. */
export const fileEvents = sqliteTable(
  'file_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id),
    at: integer('at').notNull(),
    kind: text('kind').notNull(),
    detail: text('detail'),
  },
  (t) => [index('file_events_file').on(t.fileId)],
);

export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];

export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    kind: text('kind').notNull(),
    state: text('state').$type<JobState>().notNull(),
    params: text('params', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    /** Latest progress counters (JSON), so a page opened later sees where a job stands. */
    progress: text('progress', { mode: 'json' }).$type<Record<string, unknown>>(),
    summary: text('summary', { mode: 'json' }).$type<Record<string, unknown>>(),
    error: text('error'),
    /** Which process runs it ("pid@host") and when it last said so: a lease. */
    owner: text('owner'),
    /** A pause or cancel asked by another process (the CLI, or the server for a CLI job). */
    control: text('control').$type<'pause' | 'cancel'>(),
    heartbeatAt: integer('heartbeat_at'),
    createdAt: integer('created_at').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
  },
  (t) => [index('jobs_state').on(t.state)],
);

/** Per-item failures of a job, with the reason shown to the user. */
export const jobFailures = sqliteTable(
  'job_failures',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    jobId: integer('job_id')
      .notNull()
      .references(() => jobs.id),
    item: text('item').notNull(),
    reason: text('reason').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [index('job_failures_job').on(t.jobId)],
);

/**
 * Thumbnails, keyed by the content they show: two files with the same bytes share one, and a
 * moved file keeps its own. The image is `<data dir>/thumbs/<first 2 hex>/<sha256>.webp`; a
 * row with a `reason` and no image stands for a placeholder (the file could not be decoded).
 */
export const thumbnails = sqliteTable('thumbnails', {
  sha256: text('sha256').primaryKey(),
  kind: text('kind').$type<'image' | 'strip' | 'placeholder'>().notNull(),
  width: integer('width'),
  height: integer('height'),
  durationS: real('duration_s'),
  frames: integer('frames'),
  reason: text('reason'),
  createdAt: integer('created_at').notNull(),
});

/** One page of a folder's contact sheet; the image and its JSON index live in the data dir. */
export const sheets = sqliteTable(
  'sheets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    rootId: integer('root_id')
      .notNull()
      .references(() => roots.id),
    folder: text('folder').notNull(),
    page: integer('page').notNull(),
    pages: integer('pages').notNull(),
    tileCount: integer('tile_count').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    /** Paths relative to the data dir. */
    imagePath: text('image_path').notNull(),
    indexPath: text('index_path').notNull(),
    bytes: integer('bytes').notNull(),
    /** Hash of what the page shows (tiles, order, labels): same signature, no need to redraw. */
    signature: text('signature').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('sheets_root_folder_page').on(t.rootId, t.folder, t.page)],
);

/** Which file (at which content) each tile of a sheet shows, and where. */
export const sheetTiles = sqliteTable(
  'sheet_tiles',
  {
    sheetId: integer('sheet_id')
      .notNull()
      .references(() => sheets.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    fileId: integer('file_id')
      .notNull()
      .references(() => files.id),
    sha256: text('sha256').notNull(),
    x: integer('x').notNull(),
    y: integer('y').notNull(),
    w: integer('w').notNull(),
    h: integer('h').notNull(),
  },
  (t) => [
    uniqueIndex('sheet_tiles_sheet_position').on(t.sheetId, t.position),
    index('sheet_tiles_file').on(t.fileId),
  ],
);

/**
 * Where copies go: an S3 bucket (with a prefix, region, storage class) or a folder on the NAS
 * or a USB drive. `config` holds the kind's settings; never credentials in clear.
 */
export const destinations = sqliteTable('destinations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  kind: text('kind').$type<'s3' | 'folder'>().notNull(),
  config: text('config', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  /** Access keys entered in the app, encrypted with the key file outside the database. */
  secret: text('secret'),
  createdAt: integer('created_at').notNull(),
  /** The newest copy of the catalog sent there (archive/catalog-snapshot.ts): key and when. */
  catalogSnapshotKey: text('catalog_snapshot_key'),
  catalogSnapshotAt: integer('catalog_snapshot_at'),
});

/**
 * A verified copy of some content in a destination: recorded only after the remote size and
 * checksum matched the local SHA-256. Keyed by content, so a moved file is still archived.
 */
export const copies = sqliteTable(
  'copies',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    destinationId: integer('destination_id')
      .notNull()
      .references(() => destinations.id),
    key: text('key').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    storageClass: text('storage_class').notNull(),
    etag: text('etag'),
    /**
     * The native checksum the destination stored, as verified when the copy was made: base64
     * SHA-256, with "-N" for a multipart object's composite of N parts. A later check compares
     * the object's with it (a composite cannot be derived from the file's SHA-256 alone).
     */
    checksum: text('checksum'),
    /** The file it was made from (the content may since be elsewhere too). */
    fileId: integer('file_id').references(() => files.id),
    verifiedAt: integer('verified_at').notNull(),
    /** Set by a reconcile that found the object gone: loud in the UI, not archived any more. */
    lostAt: integer('lost_at'),
  },
  (t) => [
    uniqueIndex('copies_destination_key').on(t.destinationId, t.key),
    index('copies_sha256').on(t.sha256, t.destinationId),
  ],
);

/** Multipart uploads under way: enough to resume one after a crash without resending parts. */
export const uploads = sqliteTable(
  'uploads',
  {
    destinationId: integer('destination_id')
      .notNull()
      .references(() => destinations.id),
    key: text('key').notNull(),
    sha256: text('sha256').notNull(),
    /** The storage layer's MultipartState, as JSON. */
    state: text('state', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    jobId: integer('job_id'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [uniqueIndex('uploads_destination_key').on(t.destinationId, t.key)],
);

/**
 * Where each object of a restore job stands, from the request to the verified file on disk:
 * `pending` (planned), `requested` (RestoreObject sent), `in-progress` (S3 says it is thawing),
 * `available` (readable until `expiresAt`; null when it never needed a restore), `expired`
 * (cold again before it was downloaded: restore it again), `downloaded` (verified on disk at
 * `targetPath`), `skipped` (nothing to do, `reason` says why), `failed` (`reason` says why).
 * Kept in the catalog so a job resumed after a restart polls and downloads what it left, and
 * never requests again what is already thawing.
 */
export const RESTORE_STATES = [
  'pending',
  'requested',
  'in-progress',
  'available',
  'expired',
  'downloaded',
  'skipped',
  'failed',
] as const;
export type RestoreItemState = (typeof RESTORE_STATES)[number];

export const restoreItems = sqliteTable(
  'restore_items',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    jobId: integer('job_id')
      .notNull()
      .references(() => jobs.id),
    destinationId: integer('destination_id')
      .notNull()
      .references(() => destinations.id),
    key: text('key').notNull(),
    /** Where it goes under the download folder: `<root label>/<path>`, or the object key. */
    relPath: text('rel_path').notNull(),
    /** The catalog file it is a copy of, when the catalog knows it. */
    fileId: integer('file_id').references(() => files.id),
    /** Expected hex SHA-256: the catalog's, else the object's x-amz-meta-sha256; null if unknown. */
    sha256: text('sha256'),
    size: integer('size').notNull(),
    /** The mtime to give the restored file (the catalog's, else x-amz-meta-mtime). */
    mtimeMs: integer('mtime_ms'),
    storageClass: text('storage_class').notNull(),
    state: text('state').$type<RestoreItemState>().notNull(),
    reason: text('reason'),
    requestedAt: integer('requested_at'),
    expiresAt: integer('expires_at'),
    /** Status checks made since the request: the back-off grows with them. */
    checks: integer('checks').notNull().default(0),
    nextCheckAt: integer('next_check_at'),
    /** Absolute path of the file written (or to be written); null for a restore without download. */
    targetPath: text('target_path'),
    /** False when the object carried no SHA-256 to check against (only its size was). */
    verified: integer('verified', { mode: 'boolean' }),
    downloadedAt: integer('downloaded_at'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('restore_items_job_path').on(t.jobId, t.relPath),
    index('restore_items_job_state').on(t.jobId, t.state),
    index('restore_items_job_key').on(t.jobId, t.key),
    index('restore_items_destination_key').on(t.destinationId, t.key),
  ],
);
