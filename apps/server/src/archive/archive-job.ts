import { statSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { AppError } from '../errors.js';
import type { JobContext, JobHandler } from '../jobs/runner.js';
import { findActiveJob } from '../jobs/store.js';
import { getRootById, isRootOnline, type RootRow } from '../roots/roots.js';
import type { Destination } from '../storage/destination.js';
import type { SecretBox } from '../auth/secrets.js';
import { MemoryBudget } from '../storage/memory.js';
import { DEFAULT_PART_SIZE } from '../storage/parts.js';
import { PART_CONCURRENCY } from '../storage/s3.js';
import type { Throttle } from '../storage/throttle.js';
import { forEachLimited, settleAll } from '../util/concurrency.js';
import { forgetUpload, recordCopy, savedUpload, saveUpload } from './copies.js';
import {
  destinationClass,
  getDestinationById,
  openFor,
  type DestinationRow,
} from './destinations.js';
import { MULTIPART_THRESHOLD, planArchive, type ArchiveItem } from './plan.js';
import { RateMeter } from './rate.js';
import { uploadFolderSheets } from './sheets-upload.js';
import { SNAPSHOT_PREFIX, sendCatalogSnapshot, snapshotDue } from './catalog-snapshot.js';
import { RootOfflineError } from '../errors.js';
import type { ArchiveSummary } from '../jobs/summaries.js';
import { archiveParamsSchema, type ArchiveParams } from '../jobs/params.js';

export const ARCHIVE_JOB = 'archive';

export { archiveParamsSchema, type ArchiveParams };

export interface ArchiveSettings {
  /** Files above the multipart threshold sent at once (each sends up to 3 parts at once). */
  fileConcurrency: number;
  /** Files sent in one request (up to the multipart threshold) at once, beside those. */
  smallFileConcurrency: number;
  dataDir: string;
  /**
   * The process's upload bandwidth limit, shared by every archive job; its rate may change
   * while they run (Settings).
   */
  throttle: Throttle;
  secrets: SecretBox;
}

export function findActiveArchive(catalog: Catalog, destinationId: number, rootId: number) {
  return findActiveJob(
    catalog,
    ARCHIVE_JOB,
    (p) => p.destinationId === destinationId && p.rootId === rootId,
  );
}

/**
 * The memory every upload of an archive holds at once, in bytes: what the large-file lanes need
 * at full speed (each file 3 parts in flight + 1 being read, 16 MiB each) plus 2 MiB per
 * small-file lane (a photo of a few MB each). Files larger than that share the same room and
 * wait for it, so the total never grows with the mix.
 */
export function archiveMemoryBytes(
  settings: Pick<ArchiveSettings, 'fileConcurrency' | 'smallFileConcurrency'>,
): number {
  return (
    settings.fileConcurrency * (PART_CONCURRENCY + 1) * DEFAULT_PART_SIZE +
    settings.smallFileConcurrency * SMALL_FILE_ROOM
  );
}

const SMALL_FILE_ROOM = 2 * 1024 * 1024;

export function archiveJobHandler(catalog: Catalog, settings: ArchiveSettings): JobHandler {
  const { throttle } = settings;
  // Process-wide, like the bandwidth limit: two archive jobs share one budget.
  const memory = new MemoryBudget(archiveMemoryBytes(settings));
  return async (ctx) => {
    try {
      return await runArchive(catalog, settings, archiveParamsSchema.parse(ctx.job.params), {
        ...ctx,
        throttle: (bytes: number) => throttle.take(bytes, ctx.signal),
        memory,
      });
    } finally {
      // Buffers kept for reuse are given back to the system between jobs.
      memory.trim();
    }
  };
}

/** A job's context plus the process-wide upload bandwidth limit and memory budget. */
type ArchiveContext = JobContext & {
  throttle: (bytes: number) => Promise<void>;
  memory: MemoryBudget;
};

interface Totals {
  files: number;
  bytes: number;
  filesDone: number;
  bytesDone: number;
  sent: number;
  failed: number;
}

async function runArchive(
  catalog: Catalog,
  settings: ArchiveSettings,
  params: ArchiveParams,
  ctx: ArchiveContext,
): Promise<ArchiveSummary> {
  const root = getRootById(catalog, params.rootId);
  if (!isRootOnline(root.path)) {
    throw new RootOfflineError(
      `The root "${root.label}" is offline (${root.path}): plug it in to archive it`,
    );
  }
  const row = getDestinationById(catalog, params.destinationId);
  // Planned again at every start: what a previous run finished is skipped, what it left
  // half-sent resumes from its saved parts.
  // A selection is planned from its ids again, so a resume sends the same files.
  const plan = planArchive(catalog, row, root, params.path, params.fileIds);
  for (const unread of plan.unread)
    ctx.report.failed(
      unread,
      'not read by a scan yet (or changed since): scan, then archive again',
    );
  for (const missing of plan.missing)
    ctx.report.failed(missing, 'gone from the NAS since the last scan: not archived');
  const destination = openFor(row, { secrets: settings.secrets });
  try {
    const totals: Totals = {
      files: plan.items.length,
      bytes: plan.bytes,
      filesDone: 0,
      bytesDone: 0,
      sent: 0,
      failed: 0,
    };
    const tracker = new ProgressTracker(ctx, totals);
    const send = async (item: ArchiveItem) => {
      const ok = await archiveOne(catalog, destination, row, root, item, ctx, tracker);
      totals.filesDone += 1;
      if (!ok) totals.failed += 1;
      tracker.finish(item);
    };
    // Small files cost requests, not bandwidth: more of them are in flight than large ones.
    // Both sets of lanes take their buffers from the one memory budget.
    const small = plan.items.filter((item) => item.size <= MULTIPART_THRESHOLD);
    const large = plan.items.filter((item) => item.size > MULTIPART_THRESHOLD);
    // Every lane ends before the destination closes; then the first failure is rethrown.
    await settleAll([
      // Once the large files are sent their part buffers (128 MiB) are not kept idle while
      // the photos go on.
      forEachLimited(large, settings.fileConcurrency, ctx.signal, send).finally(() =>
        ctx.memory.trim(),
      ),
      forEachLimited(small, settings.smallFileConcurrency, ctx.signal, send),
    ]);
    tracker.flush();
    const sheets = ctx.signal.aborted
      ? null
      : await uploadFolderSheets(
          catalog,
          destination,
          row,
          root,
          params.path,
          settings.dataDir,
          ctx,
          plan.sheetFolders,
        );
    const archived = totals.filesDone - totals.failed;
    const due = !ctx.signal.aborted && snapshotDue(catalog, row.id);
    if (due) {
      // Its own phase: the tracker's bar is full by then, and a large catalog takes a while.
      ctx.report.progress(
        {
          phase: 'copying the catalog',
          filesDone: totals.filesDone,
          filesTotal: totals.files,
          bytesDone: totals.bytesDone,
          bytesTotal: totals.bytes,
        },
        true,
      );
    }
    const snapshot = due
      ? await sendSnapshot(catalog, destination, row, settings.dataDir, ctx)
      : null;
    return {
      destination: row.name,
      root: root.label,
      path: params.path,
      files: totals.files,
      bytes: totals.bytes,
      archived,
      bytesSent: totals.sent,
      alreadyArchived: plan.alreadyArchived,
      unread: plan.unread.length,
      ...(plan.selected === null ? {} : { selected: plan.selected, missing: plan.missing.length }),
      failedFiles: totals.failed,
      sheets: sheets?.uploaded ?? 0,
      catalogSnapshot: snapshot,
    };
  } finally {
    destination.close();
  }
}

/**
 * A copy of the catalog beside what was just sent (catalog-snapshot.ts). Its failure fails no
 * file: it is reported as one failed item, and the next archive sends a newer one.
 */
async function sendSnapshot(
  catalog: Catalog,
  destination: Destination,
  row: DestinationRow,
  dataDir: string,
  ctx: ArchiveContext,
): Promise<string | null> {
  try {
    const sent = await sendCatalogSnapshot(catalog, destination, row, dataDir, {
      signal: ctx.signal,
      throttle: ctx.throttle,
    });
    return sent.key;
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    ctx.report.failed(
      SNAPSHOT_PREFIX,
      `catalog snapshot not sent: ${error instanceof AppError ? error.message : String(error)}`,
    );
    return null;
  }
}

/**
 * Sends one file and records the copy once the storage layer has verified it (size, SHA-256
 * metadata and native checksum against the catalog's hash). Returns false when it failed
 * (reported with its reason); throws only when the job was stopped.
 */
async function archiveOne(
  catalog: Catalog,
  destination: Destination,
  row: DestinationRow,
  root: RootRow,
  item: ArchiveItem,
  ctx: ArchiveContext,
  tracker: ProgressTracker,
): Promise<boolean> {
  const absPath = path.join(root.path, item.relPath);
  const resume = savedUpload(catalog, row.id, item.key);
  try {
    assertUnchangedSinceScan(absPath, item);
    const result = await destination.put(
      item.key,
      { path: absPath, size: item.size, sha256: item.sha256, mtimeMs: item.mtimeMs },
      {
        signal: ctx.signal,
        ...(resume && resume.sha256 === item.sha256 && resume.size === item.size ? { resume } : {}),
        onProgress: (bytes) => tracker.update(item, bytes),
        onPartDone: (state) => saveUpload(catalog, row.id, ctx.job.id, state),
        throttle: ctx.throttle,
        memory: ctx.memory,
      },
    );
    tracker.sent(result.bytesSent);
    recordCopy(catalog, {
      destinationId: row.id,
      key: item.key,
      sha256: item.sha256,
      size: item.size,
      storageClass: destinationClass(row),
      etag: result.etag ?? null,
      checksum: result.checksumVerified ? (result.checksum ?? null) : null,
      fileId: item.fileId,
    });
    return true;
  } catch (error) {
    if (ctx.signal.aborted) {
      // A pause or a shutdown keeps the parts sent so far for the resume; a cancel drops them.
      if (ctx.signal.reason === 'cancel') await discardUpload(catalog, destination, row, item.key);
      throw error;
    }
    ctx.report.failed(
      item.relPath,
      error instanceof AppError ? error.message : `unexpected error: ${String(error)}`,
    );
    return false;
  }
}

async function discardUpload(
  catalog: Catalog,
  destination: Destination,
  row: DestinationRow,
  key: string,
): Promise<void> {
  const saved = savedUpload(catalog, row.id, key);
  if (saved) await destination.abortMultipart(key, saved.uploadId).catch(() => undefined);
  forgetUpload(catalog, row.id, key);
}

/** A file edited since the scan is not sent: its hash would not be its content's. */
function assertUnchangedSinceScan(absPath: string, item: ArchiveItem): void {
  const stat = statSync(absPath);
  if (stat.size !== item.size || Math.floor(stat.mtimeMs) !== item.mtimeMs) {
    throw new SourceChangedSinceScan();
  }
}

class SourceChangedSinceScan extends AppError {
  readonly code = 'source_changed';
  readonly httpStatus = 409;
  readonly exitCode = 5;
  constructor() {
    super('changed since the last scan: not archived; scan again and it goes next time');
  }
}

/** Per-file and overall bytes, speed and time left, for the upload tracker. */
class ProgressTracker {
  private readonly active = new Map<string, { bytesDone: number; bytes: number }>();
  private readonly meter = new RateMeter();
  private finishedBytes = 0;

  constructor(
    private readonly ctx: JobContext,
    private readonly totals: Totals,
  ) {}

  update(item: ArchiveItem, bytes: number): void {
    this.active.set(item.relPath, { bytesDone: bytes, bytes: item.size });
    this.emit();
  }

  sent(bytes: number): void {
    this.totals.sent += bytes;
  }

  finish(item: ArchiveItem): void {
    this.active.delete(item.relPath);
    this.finishedBytes += item.size;
    this.emit();
  }

  flush(): void {
    this.ctx.report.flush();
  }

  private emit(): void {
    const inFlight = [...this.active.values()].reduce((n, a) => n + a.bytesDone, 0);
    const bytesDone = this.finishedBytes + inFlight;
    this.totals.bytesDone = bytesDone;
    this.meter.update(bytesDone);
    this.ctx.report.progress({
      phase: 'uploading',
      filesDone: this.totals.filesDone,
      filesTotal: this.totals.files,
      bytesDone,
      bytesTotal: this.totals.bytes,
      bytesPerSecond: Math.round(this.meter.bytesPerSecond()),
      etaSeconds: this.meter.etaSeconds(this.totals.bytes - bytesDone),
      active: [...this.active.entries()].map(([item, a]) => ({ item, ...a })),
    });
  }
}
