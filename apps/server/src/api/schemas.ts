/**
 * The HTTP API's shapes, in one place: the server validates and serialises with them, the web
 * app derives its types from them (`import type … from '@glacier/server/api'`).
 */
import { z } from 'zod';
import { RESTORE_STATES } from '../catalog/schema.js';
import { MAX_ARCHIVE_SELECTION } from '../archive/limits.js';
import { RUNTIME_LIMITS } from '../settings/limits.js';
import { STORAGE_CLASSES } from '../storage/destination.js';

export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const health = z.object({ status: z.literal('ok'), version: z.string() });

export const authState = z.object({ setupRequired: z.boolean(), authenticated: z.boolean() });
export const passwordBody = z.object({ password: z.string().max(1024) });

export const rootSummary = z.object({
  id: z.number(),
  label: z.string(),
  path: z.string(),
  online: z.boolean(),
  fileCount: z.number(),
  bytes: z.number(),
  missingCount: z.number(),
  lastScanAt: z.number().nullable(),
});
export const rootList = z.object({ roots: z.array(rootSummary) });
export const addRootBody = z.object({ path: z.string().min(1), label: z.string().min(1) });

export const fileKind = z.enum(['photo', 'video', 'sidecar', 'other']);
/** The latest restore of a file's content from one destination (the explorer's tag). */
export const fileRestoreTag = z.object({
  destination: z.string(),
  /** The state of its restore item (a thaw only: items that needed none are left out). */
  state: z.enum(RESTORE_STATES),
  /** When the thawed copy goes (or went) cold again. */
  expiresAt: z.number().nullable(),
  reason: z.string().nullable(),
});
/** Whether the file has a thumbnail, will get one when asked, or why not. */
export const thumbnailStatus = z.object({
  state: z.enum(['ready', 'on-demand', 'placeholder', 'none']),
  reason: z.string().nullable(),
});
export const fileTags = z.object({
  summarised: z.boolean(),
  archived: z.array(z.string()),
  modified: z.boolean(),
  missing: z.boolean(),
  moved: z.boolean(),
  unread: z.boolean(),
  restores: z.array(fileRestoreTag).optional(),
});
export const fileView = z.object({
  id: z.number(),
  root: z.string(),
  path: z.string(),
  name: z.string(),
  kind: fileKind,
  mime: z.string().nullable(),
  size: z.number(),
  mtimeMs: z.number(),
  sha256: z.string().nullable(),
  state: z.string(),
  capturedAt: z.string().nullable(),
  cameraMake: z.string().nullable(),
  cameraModel: z.string().nullable(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  orientation: z.number().nullable(),
  durationS: z.number().nullable(),
  codec: z.string().nullable(),
  gpsLat: z.number().nullable(),
  gpsLon: z.number().nullable(),
  problem: z.string().nullable(),
  firstSeenAt: z.number(),
  missingSince: z.number().nullable(),
  tags: fileTags,
  thumbnail: thumbnailStatus.optional(),
});
export const fileDetails = fileView.extend({
  history: z.array(z.object({ at: z.number(), kind: z.string(), detail: z.string().nullable() })),
  movedTo: z.object({ id: z.number(), path: z.string() }).nullable(),
  movedFrom: z.object({ id: z.number(), path: z.string() }).nullable(),
});
export const folderView = z.object({
  name: z.string(),
  path: z.string(),
  fileCount: z.number(),
  bytes: z.number(),
  missingCount: z.number(),
});

export const browseQuery = z.object({
  path: z.string().default(''),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(1000).default(200),
  sort: z.enum(['name', 'size', 'mtime', 'captured']).default('name'),
  order: z.enum(['asc', 'desc']).default('asc'),
  kind: fileKind.optional(),
  tag: z
    .enum(['missing', 'moved', 'unread', 'problem', 'summarised', 'archived', 'not-archived'])
    .optional(),
  search: z.string().max(200).optional(),
});
export const browseResult = z.object({
  root: z.string(),
  path: z.string(),
  online: z.boolean(),
  folders: z.array(folderView),
  files: z.array(fileView),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  /** Where the page after this one starts, for GET /api/roots/:label/files; null at the end. */
  nextCursor: z.string().nullable().optional(),
});
/**
 * GET /api/roots/:label/files: a page of a folder's files after (or before) a cursor from an
 * earlier page, or at an offset to jump; no subfolders, no count (the first page has those).
 */
export const filesQuery = browseQuery.omit({ page: true, pageSize: true }).extend({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  cursor: z.string().max(4096).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export const filesPage = z.object({
  files: z.array(fileView),
  nextCursor: z.string().nullable(),
  prevCursor: z.string().nullable(),
});
/** GET /api/roots/:label/folders: the folders directly in one, for the folder tree. */
export const folderChildrenQuery = z.object({ path: z.string().default('') });
export const folderNode = z.object({
  name: z.string(),
  path: z.string(),
  hasChildren: z.boolean(),
});
export const folderChildren = z.object({
  root: z.string(),
  path: z.string(),
  online: z.boolean(),
  folders: z.array(folderNode),
});

export const jobState = z.enum(['queued', 'running', 'paused', 'done', 'failed', 'cancelled']);
export const jobView = z.object({
  id: z.number(),
  kind: z.string(),
  state: jobState,
  /** What the job was asked to do, as stored, without its lists of file ids (see `selection`). */
  params: z.record(z.string(), z.unknown()),
  /**
   * A job given catalog files one by one (an archive of an explorer selection, a restore of
   * picked files): how many. Their ids are never sent (up to 100,000 of them); the catalog keeps
   * them for a resume or a retry. Null for a job over a folder, a root or a key prefix.
   */
  selection: z.object({ files: z.number() }).nullable(),
  /** Of a kind that POST /api/jobs/:id/retry starts again once the job has ended. */
  retryable: z.boolean(),
  progress: z.record(z.string(), z.unknown()).nullable(),
  summary: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export const jobList = z.object({
  jobs: z.array(jobView),
  /** Where the next page of finished jobs starts (`?before=`), or null: none is older. */
  older: z.number().nullable(),
});
export const jobListQuery = z.object({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export const jobFailureList = z.object({
  failures: z.array(z.object({ item: z.string(), reason: z.string(), at: z.number() })),
});
export const startScanBody = z.object({ root: z.string().min(1), path: z.string().default('') });

export const startSummariseBody = z.object({
  root: z.string().min(1),
  path: z.string().default(''),
  recursive: z.boolean().default(false),
});
export const sheetView = z.object({
  id: z.number(),
  page: z.number(),
  pages: z.number(),
  tileCount: z.number(),
  width: z.number(),
  height: z.number(),
  bytes: z.number(),
  createdAt: z.number(),
  imageUrl: z.string(),
  indexUrl: z.string(),
});
export const sheetList = z.object({
  root: z.string(),
  folder: z.string(),
  sheets: z.array(sheetView),
});
const rect = z.object({ x: z.number(), y: z.number(), w: z.number(), h: z.number() });
/** The JSON index beside each sheet image: every tile's rectangle and the file it shows. */
export const sheetIndex = z.object({
  version: z.literal(1),
  root: z.string(),
  folder: z.string(),
  page: z.number(),
  pages: z.number(),
  width: z.number(),
  height: z.number(),
  tiles: z.array(
    rect.extend({
      position: z.number(),
      /** Where the picture lies inside the cell (the rest is its label). */
      image: rect,
      fileId: z.number(),
      root: z.string(),
      path: z.string(),
      name: z.string(),
      sha256: z.string(),
      kind: z.string(),
      capturedAt: z.string().nullable(),
      durationS: z.number().nullable(),
      problem: z.string().nullable(),
    }),
  ),
});

export const destinationView = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.enum(['s3', 'folder']),
  url: z.string(),
  storageClass: z.string().nullable(),
  region: z.string().nullable(),
  endpoint: z.string().nullable(),
  /** Where S3 keys come from: the AWS chain, or keys entered here (never shown again). */
  credentials: z.enum(['aws-chain', 'entered']).nullable(),
  createdAt: z.number(),
  /** The newest copy of the catalog sent there after an archive (key and ms), or null. */
  catalogSnapshot: z.object({ key: z.string(), at: z.number() }).nullable(),
});
export const destinationList = z.object({ destinations: z.array(destinationView) });
export const addDestinationBody = z.object({
  name: z.string().min(1),
  url: z.string().min(1),
  storageClass: z.string().optional(),
  region: z.string().optional(),
  endpoint: z.string().optional(),
  /** Entered keys are stored encrypted and never returned. */
  accessKeyId: z.string().max(256).optional(),
  secretAccessKey: z.string().max(256).optional(),
});
export const probeResult = z.object({
  ok: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string() })),
});
export const archiveBody = z.object({
  destination: z.string().min(1),
  root: z.string().min(1),
  path: z.string().default(''),
  /**
   * Only these catalog files (an explorer selection), each in `path` or below it; absent: the
   * whole folder.
   */
  fileIds: z
    .array(z.number().int().positive())
    .min(1, 'name at least one file (or leave fileIds out to archive the folder)')
    .max(
      MAX_ARCHIVE_SELECTION,
      `at most ${MAX_ARCHIVE_SELECTION.toLocaleString('en-US')} files at once: archive their folder instead`,
    )
    .optional(),
});
export const archiveQuote = z.object({
  currency: z.string(),
  pricesAsOf: z.string(),
  region: z.string(),
  estimated: z.boolean(),
  storageClass: z.string(),
  files: z.number(),
  bytes: z.number(),
  billedBytes: z.number(),
  storagePerMonth: z.number(),
  putRequests: z.number(),
  requestsCost: z.number(),
  minimumDays: z.number(),
  minimumStorageCharge: z.number(),
  firstCost: z.number(),
});
export const archivePlanView = z.object({
  destination: z.string(),
  root: z.string(),
  path: z.string(),
  files: z.number(),
  bytes: z.number(),
  alreadyArchived: z.number(),
  unread: z.number(),
  /** Selected files gone from the NAS since their scan (never sent); 0 for a folder. */
  missing: z.number(),
  /** How many files were selected; null when the plan is of the whole folder. */
  selected: z.number().nullable(),
  /** The first files of the plan (a plan may hold millions). */
  sample: z.array(z.object({ path: z.string(), key: z.string(), size: z.number() })),
  quote: archiveQuote.nullable(),
});
export const reconcileReport = z.object({
  destination: z.string(),
  objects: z.number(),
  confirmed: z.number(),
  adopted: z.array(z.string()),
  unmatched: z.array(z.string()),
  lost: z.array(z.string()),
});

/** One recorded copy of a file, as its destination answers a HEAD now (`GET /api/files/:id/copies/check`). */
export const copyCheck = z.object({
  destination: z.string(),
  kind: z.enum(['s3', 'folder']),
  /** The S3 region; null for a folder. */
  region: z.string().nullable(),
  key: z.string(),
  /** When a reconcile marked this copy lost (the catalog no longer counts it); null while live. */
  catalogLostAt: z.number().nullable(),
  /**
   * `verified`: there, same size, and its SHA-256 (metadata or native checksum) matches the
   * catalog's with none disagreeing; `unverified`: there and the same size, but it carries no
   * SHA-256 to compare; `mismatch`: there but another size or hash; `missing`: no object at the
   * key; `error`: the destination could not be asked (see `error`).
   */
  status: z.enum(['verified', 'unverified', 'mismatch', 'missing', 'error']),
  /** Object size now; null when missing or not asked. */
  size: z.number().nullable(),
  /** The catalog's size and SHA-256 of the copy. */
  expectedSize: z.number(),
  sha256: z.enum(['match', 'mismatch', 'absent']).nullable(),
  checksum: z.enum(['match', 'mismatch', 'absent', 'not-comparable']).nullable(),
  storageClass: z.string().nullable(),
  restore: z
    .object({
      state: z.enum(['none', 'in-progress', 'available']),
      /** When a restored copy goes cold again. */
      until: z.number().nullable(),
    })
    .nullable(),
  /** S3 cross-region replication, where set up on the bucket (x-amz-replication-status). */
  replication: z.object({ status: z.string(), meaning: z.string() }).nullable(),
  serverSideEncryption: z.string().nullable(),
  /** A plain-language reason: what differs, or why the destination could not be asked. */
  problem: z.string().nullable(),
});
export const fileCopiesCheck = z.object({
  fileId: z.number(),
  sha256: z.string().nullable(),
  checkedAt: z.number(),
  copies: z.array(copyCheck),
});

export type DestinationView = z.infer<typeof destinationView>;
export type ArchivePlanView = z.infer<typeof archivePlanView>;
export type ArchiveQuote = z.infer<typeof archiveQuote>;
export type ReconcileReport = z.infer<typeof reconcileReport>;
export type CopyCheck = z.infer<typeof copyCheck>;
export type FileCopiesCheck = z.infer<typeof fileCopiesCheck>;
export type AddDestinationBody = z.input<typeof addDestinationBody>;
export type ArchiveBody = z.input<typeof archiveBody>;
export type ProbeResult = z.infer<typeof probeResult>;
export type SheetView = z.infer<typeof sheetView>;
export type SheetList = z.infer<typeof sheetList>;
export type SheetIndex = z.infer<typeof sheetIndex>;
export type StartSummariseBody = z.input<typeof startSummariseBody>;
export type Health = z.infer<typeof health>;
export type JobList = z.infer<typeof jobList>;
export type JobFailureList = z.infer<typeof jobFailureList>;
export type RootList = z.infer<typeof rootList>;
/** Request bodies and queries as a client writes them (defaults may be left out). */
export type BrowseQuery = z.input<typeof browseQuery>;
export type AddRootBody = z.input<typeof addRootBody>;
export type StartScanBody = z.input<typeof startScanBody>;
export type AuthState = z.infer<typeof authState>;
export type RootSummary = z.infer<typeof rootSummary>;
export type FileView = z.infer<typeof fileView>;
export type FileDetails = z.infer<typeof fileDetails>;
export type FolderView = z.infer<typeof folderView>;
export type BrowseResult = z.infer<typeof browseResult>;
export type FilesQuery = z.input<typeof filesQuery>;
export type FilesPage = z.infer<typeof filesPage>;
export type FolderNode = z.infer<typeof folderNode>;
export type FolderChildren = z.infer<typeof folderChildren>;
export type FileRestoreTag = z.infer<typeof fileRestoreTag>;
export type ThumbnailStatus = z.infer<typeof thumbnailStatus>;
export type JobView = z.infer<typeof jobView>;
export type ErrorBody = z.infer<typeof errorBody>;
export type { JobEvent, SavedProgress } from '../events.js';
export type { ArchiveParams, ScanParams, SummariseParams } from '../jobs/params.js';
export type { RestoreParams } from '../restore/params.js';
export type {
  ArchiveSummary,
  JobSummaries,
  RestoreSummary,
  ScanSummary,
  SummariseSummary,
} from '../jobs/summaries.js';

/** Restores: what to bring back (one of a root with a path, catalog file ids, or a key prefix). */
export const restoreScopeBody = z.object({
  destination: z.string().min(1),
  root: z.string().min(1).optional(),
  path: z.string().optional(),
  fileIds: z.array(z.number().int()).min(1).max(10_000).optional(),
  /** An object key or key prefix, for objects the catalog does not know. */
  key: z.string().max(1024).optional(),
});
export const restoreTier = z.enum(['bulk', 'standard', 'expedited']);
export const restoreQuoteBody = restoreScopeBody.extend({
  days: z.number().int().min(1).max(365).default(7),
  to: z.string().optional(),
  toOriginal: z.boolean().default(false),
});
export const restoreBody = restoreScopeBody.extend({
  tier: restoreTier.default('bulk'),
  days: z.number().int().min(1).max(365).default(7),
  /** An absolute folder on the NAS; without it (and toOriginal) objects are only thawed. */
  to: z.string().optional(),
  toOriginal: z.boolean().default(false),
  overwrite: z.boolean().default(false),
  /** http(s) URL POSTed when the restore ends. */
  webhook: z.string().max(2048).optional(),
});
export const downloadBody = restoreScopeBody.extend({
  to: z.string().optional(),
  toOriginal: z.boolean().default(false),
  overwrite: z.boolean().default(false),
  /** Wait for restores still running instead of reporting them. */
  wait: z.boolean().default(false),
  webhook: z.string().max(2048).optional(),
});
export const expectedWait = z.object({
  minMinutes: z.number(),
  maxMinutes: z.number(),
  text: z.string(),
});
export const tierQuote = z.object({
  tier: z.enum(['Bulk', 'Standard', 'Expedited']),
  available: z.boolean(),
  unavailableReason: z.string().optional(),
  retrievalCost: z.number(),
  requestsCost: z.number(),
  restoredStorageCost: z.number(),
  total: z.number(),
  wait: expectedWait.nullable(),
});
export const restoreQuote = z.object({
  currency: z.string(),
  pricesAsOf: z.string(),
  region: z.string(),
  estimated: z.boolean(),
  days: z.number(),
  objects: z.number(),
  bytes: z.number(),
  toRestore: z.object({
    objects: z.number(),
    bytes: z.number(),
    byClass: z.record(z.string(), z.number()),
  }),
  readable: z.object({ objects: z.number(), bytes: z.number(), retrievalCost: z.number() }),
  transferOut: z.object({
    bytes: z.number(),
    freeGbPerMonth: z.number(),
    cost: z.number(),
    costWithoutFreeTier: z.number(),
  }),
  tiers: z.array(tierQuote),
});
export const restoreQuoteView = z.object({
  destination: z.string(),
  scope: z.string(),
  objects: z.number(),
  bytes: z.number(),
  notArchived: z.number(),
  refused: z.number(),
  skipped: z.number(),
  /** Cold copies restored earlier and readable still: not asked for, nor priced, again. */
  alreadyRestored: z.number(),
  /** Cold copies asked to thaw within the longest wait (48 hours): not asked for again. */
  thawing: z.number(),
  sample: z.array(
    z.object({ key: z.string(), path: z.string(), size: z.number(), storageClass: z.string() }),
  ),
  quote: restoreQuote,
});
export const restoreItemState = z.enum([
  'pending',
  'requested',
  'in-progress',
  'available',
  'expired',
  'downloaded',
  'skipped',
  'failed',
]);
export const restoreItemView = z.object({
  key: z.string(),
  path: z.string(),
  size: z.number(),
  storageClass: z.string(),
  state: restoreItemState,
  reason: z.string().nullable(),
  requestedAt: z.number().nullable(),
  expiresAt: z.number().nullable(),
  targetPath: z.string().nullable(),
  downloadedAt: z.number().nullable(),
});
export const restoreView = z.object({
  jobId: z.number(),
  kind: z.enum(['restore', 'download']),
  jobState: jobState,
  destination: z.string(),
  scope: z.string(),
  tier: z.string(),
  days: z.number(),
  target: z.string().nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  error: z.string().nullable(),
  objects: z.number(),
  bytes: z.number(),
  bytesDownloaded: z.number(),
  counts: z.partialRecord(restoreItemState, z.number()),
  availableUntil: z.number().nullable(),
});
export const restoreList = z.object({ restores: z.array(restoreView) });
export const restoreDetails = restoreView.extend({ items: z.array(restoreItemView) });
export const restoreDetailsQuery = z.object({
  state: restoreItemState.optional(),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});
export const remoteListing = z.object({
  destination: z.string(),
  prefix: z.string(),
  folders: z.array(z.object({ prefix: z.string(), objects: z.number(), bytes: z.number() })),
  objects: z.array(
    z.object({
      key: z.string(),
      size: z.number(),
      storageClass: z.string(),
      lastModified: z.number().nullable(),
      known: z.boolean(),
    }),
  ),
  truncated: z.boolean(),
});

export type RestoreScopeBody = z.input<typeof restoreScopeBody>;
export type RestoreQuoteBody = z.input<typeof restoreQuoteBody>;
export type RestoreBody = z.input<typeof restoreBody>;
export type DownloadBody = z.input<typeof downloadBody>;
export type RestoreQuoteView = z.infer<typeof restoreQuoteView>;
export type RestoreView = z.infer<typeof restoreView>;
export type RestoreItemView = z.infer<typeof restoreItemView>;
export type RestoreDetails = z.infer<typeof restoreDetails>;
export type RemoteListing = z.infer<typeof remoteListing>;

/** The home dashboard (GET /api/overview): coverage per root and destination, cost, failures. */
export const coverage = z.object({ files: z.number(), bytes: z.number() });
export const rootOverview = z.object({
  id: z.number(),
  label: z.string(),
  online: z.boolean(),
  lastScanAt: z.number().nullable(),
  files: z.number(),
  bytes: z.number(),
  unreadFiles: z.number(),
  missingFiles: z.number(),
  archivedAnywhere: coverage,
  destinations: z.array(coverage.extend({ destination: z.string() })),
});
export const destinationOverview = z.object({
  id: z.number(),
  name: z.string(),
  kind: z.enum(['s3', 'folder']),
  storageClass: z.string().nullable(),
  region: z.string().nullable(),
  objects: z.number(),
  bytes: z.number(),
  lostObjects: z.number(),
  archived: coverage,
  costPerMonth: z.number().nullable(),
  estimated: z.boolean(),
});
export const classCost = z.object({
  storageClass: z.string(),
  objects: z.number(),
  bytes: z.number(),
  billedBytes: z.number(),
  costPerMonth: z.number(),
  byDestination: z.array(z.object({ destination: z.string(), costPerMonth: z.number() })),
});
export const overview = z.object({
  currency: z.string(),
  pricesAsOf: z.string(),
  totals: z.object({
    files: z.number(),
    bytes: z.number(),
    unreadFiles: z.number(),
    archivedFiles: z.number(),
    archivedBytes: z.number(),
    costPerMonth: z.number(),
  }),
  roots: z.array(rootOverview),
  destinations: z.array(destinationOverview),
  costByClass: z.array(classCost),
  recentFailures: z.array(
    z.object({
      jobId: z.number(),
      jobKind: z.string(),
      jobState: jobState,
      item: z.string(),
      reason: z.string(),
      at: z.number(),
    }),
  ),
});

/** Settings changed at run time (GET/PATCH /api/settings), with what this server is. */
const runtimeSetting = <T extends z.ZodType>(value: T) =>
  z.object({ value, default: value, overridden: z.boolean() });
export const settingsView = z.object({
  version: z.string(),
  dataDir: z.string(),
  /** KiB/s; null: no limit. */
  uploadLimitKiBps: runtimeSetting(z.number().nullable()),
  archiveFileConcurrency: runtimeSetting(z.number()),
  archiveSmallFileConcurrency: runtimeSetting(z.number()),
  defaultStorageClass: runtimeSetting(z.enum(STORAGE_CLASSES)),
  storageClasses: z.array(z.enum(STORAGE_CLASSES)),
  /**
   * When a change reaches the archive jobs: the upload limit at once (running uploads follow it
   * within a second), the files sent at once at their next start or resume.
   */
  appliesAt: z.object({
    uploadLimitKiBps: z.literal('now'),
    archiveFileConcurrency: z.literal('next-start'),
    archiveSmallFileConcurrency: z.literal('next-start'),
  }),
});
const uploadLimits = RUNTIME_LIMITS.uploadLimitKiBps;
/** A number of files sent at once within its bounds, or null for the default. */
const filesAtOnce = ({ min, max }: { min: number; max: number }) =>
  z
    .number({ error: 'a number of files is expected (null for the default)' })
    .int('a whole number of files is expected')
    .min(min, `at least ${min} file`)
    .max(max, `at most ${max} files`)
    .nullable()
    .optional();
/** A change: a value, or null to go back to the default; uploadLimitKiBps 0 means no limit. */
export const settingsPatch = z
  .strictObject({
    uploadLimitKiBps: z
      .number({ error: 'a number of KiB/s is expected (0 for no limit, null for the default)' })
      .int('a whole number of KiB/s is expected')
      .min(uploadLimits.min, `at least ${uploadLimits.min} (0 means no limit)`)
      .max(uploadLimits.max, `at most ${uploadLimits.max} KiB/s`)
      .nullable()
      .optional(),
    archiveFileConcurrency: filesAtOnce(RUNTIME_LIMITS.archiveFileConcurrency),
    archiveSmallFileConcurrency: filesAtOnce(RUNTIME_LIMITS.archiveSmallFileConcurrency),
    defaultStorageClass: z
      .enum(STORAGE_CLASSES, { error: `one of ${STORAGE_CLASSES.join(', ')} is expected` })
      .nullable()
      .optional(),
  })
  .refine((patch) => Object.values(patch).some((v) => v !== undefined), {
    error: 'name at least one setting to change',
  });

export type Coverage = z.infer<typeof coverage>;
export type Overview = z.infer<typeof overview>;
export type RootOverview = z.infer<typeof rootOverview>;
export type DestinationOverview = z.infer<typeof destinationOverview>;
export type ClassCost = z.infer<typeof classCost>;
export type SettingsView = z.infer<typeof settingsView>;
export type SettingsPatch = z.input<typeof settingsPatch>;
