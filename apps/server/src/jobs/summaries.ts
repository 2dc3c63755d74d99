/**
 * What each kind of job says when it ends (`summary` of a job, and of its `job.finished` event),
 * as its handler returns it. Types only: the web derives its reading of a summary from these
 * (through `@glacier/server/api`), so a field renamed here fails the web's type check instead
 * of showing "—". The API still sends a summary as a loose record: a row written by an earlier
 * release may lack a field, so readers check every value.
 */

/** Every summary: the runner adds how many items failed (listed by GET /api/jobs/:id/failures). */
export type Counted<Summary> = Summary & { failures?: number };

export type ScanSummary = {
  root: string;
  path: string;
  files: number;
  bytes: number;
  folders: number;
  added: number;
  changed: number;
  missing: number;
  reappeared: number;
  skipped: number;
  unreadableFolders: number;
  /** Files whose content (hash and metadata) was read. */
  hashed: number;
  moved: number;
  unreadable: number;
};

export type SummariseSummary = {
  root: string;
  path: string;
  recursive: boolean;
  folders: number;
  sheetsWritten: number;
  sheetsUnchanged: number;
  tiles: number;
  placeholders: number;
  skipped: number;
};

export type ArchiveSummary = {
  destination: string;
  root: string;
  path: string;
  files: number;
  bytes: number;
  archived: number;
  bytesSent: number;
  alreadyArchived: number;
  /** Files the last scan has not read yet (no checksum to verify a copy against). */
  unread: number;
  /** A selection: how many files were picked, and how many of those were gone. */
  selected?: number;
  missing?: number;
  failedFiles: number;
  sheets: number;
  /** The key of the catalog's copy sent after the files, or null (nothing sent, or it failed). */
  catalogSnapshot: string | null;
};

export type RestoreSummary = {
  destination: string;
  /** "Holiday/Trip", "3 files", "keys under 2024/". */
  scope: string;
  tier: string;
  days: number;
  /** The folder written to, "original places", or null when nothing is downloaded. */
  target: string | null;
  objects: number;
  bytes: number;
  requested: number;
  downloaded: number;
  bytesDownloaded: number;
  /** Downloaded objects that had no checksum to compare: checked by size only. */
  unverified: number;
  available: number;
  /** The soonest expiry (ms) of a restored copy not downloaded yet. */
  availableUntil: number | null;
  skipped: number;
  expired: number;
  failed: number;
  notArchived: number;
  /** The outcome in one sentence (for the webhook and the CLI). */
  onDisk: string;
  /** What the webhook answered, when one was given. */
  webhook?: unknown;
};

/** The summary of each kind of job, by kind (jobs/kinds.ts). */
export type JobSummaries = {
  scan: Counted<ScanSummary>;
  summarise: Counted<SummariseSummary>;
  archive: Counted<ArchiveSummary>;
  restore: Counted<RestoreSummary>;
};
