import { and, count, eq } from 'drizzle-orm';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { files } from '../catalog/schema.js';
import { RootOfflineError } from '../errors.js';
import type { JobContext, JobHandler } from '../jobs/runner.js';
import type { ScanSummary } from '../jobs/summaries.js';
import { findActiveJob } from '../jobs/store.js';
import { normalizeRelPath, resolveInsideRoot } from '../roots/paths.js';
import { getRootById, markRootScanned, type RootRow } from '../roots/roots.js';
import { runContent, type ContentCounts } from './content.js';
import { Hasher } from './hasher.js';
import { ignoreMatcher } from './ignore.js';
import { runInventory, type InventoryCounts } from './inventory.js';
import { scanParamsSchema, type ScanParams } from '../jobs/params.js';

export const SCAN_JOB = 'scan';

export { scanParamsSchema, type ScanParams };

export interface ScanSettings {
  ignore: string[];
  concurrency: number;
  /** The app's data dir: never scanned even if it sits inside a root. */
  dataDir: string;
}

/** Checks a scan request and turns it into job params; refuses a scan of an offline root. */
export function planScan(catalog: Catalog, root: RootRow, requestedPath = ''): ScanParams {
  const scope = normalizeRelPath(requestedPath);
  assertRootMounted(catalog, root);
  resolveInsideRoot(root.path, scope);
  return { rootId: root.id, root: root.label, path: scope, contentless: false };
}

export function findActiveScan(catalog: Catalog, rootId: number) {
  return findActiveJob(catalog, SCAN_JOB, (params) => params.rootId === rootId);
}

export function scanJobHandler(catalog: Catalog, settings: ScanSettings): JobHandler {
  return async (ctx) => runScan(catalog, settings, scanParamsSchema.parse(ctx.job.params), ctx);
}

async function runScan(
  catalog: Catalog,
  settings: ScanSettings,
  params: ScanParams,
  { job, signal, report }: JobContext,
): Promise<ScanSummary> {
  const root = getRootById(catalog, params.rootId);
  assertRootMounted(catalog, root);
  resolveInsideRoot(root.path, params.path);

  const inventory = await runInventory(catalog, {
    rootId: root.id,
    rootPath: root.path,
    scope: params.path,
    isIgnored: ignoreMatcher([...settings.ignore, ...root.ignore]),
    excludedPaths: new Set([path.resolve(settings.dataDir)]),
    threads: settings.concurrency,
    signal,
    assertRootOnline: () => assertRootMounted(catalog, root),
    onProgress: (c, current) =>
      report.progress({
        phase: 'listing',
        filesDone: c.files,
        filesTotal: null,
        bytesDone: c.bytes,
        bytesTotal: null,
        current,
      }),
    onFailure: (item, reason) => report.failed(item, reason),
  });
  // Stopped while listing: what the listing found so far (a resume lists again).
  if (signal.aborted) return scanSummary(root, params, inventory, null);

  let content = null;
  if (!params.contentless) {
    const hasher = new Hasher(settings.concurrency);
    try {
      content = await runContent(catalog, {
        rootId: root.id,
        rootPath: root.path,
        scope: params.path,
        readMetadata: true,
        concurrency: settings.concurrency + 1,
        hasher,
        signal,
        assertRootOnline: () => assertRootMounted(catalog, root),
        onProgress: (c, current) =>
          report.progress({
            phase: 'reading',
            filesDone: c.filesDone,
            filesTotal: c.filesTotal,
            bytesDone: c.bytesDone,
            bytesTotal: c.bytesTotal,
            current,
          }),
        onFailure: (item, reason) => report.failed(item, reason),
      });
    } finally {
      await hasher.close();
    }
  }
  if (!signal.aborted && params.path === '') markRootScanned(catalog, root.id, job.id);
  return scanSummary(root, params, inventory, content);
}

function scanSummary(
  root: RootRow,
  params: ScanParams,
  inventory: InventoryCounts,
  content: ContentCounts | null,
): ScanSummary {
  return {
    root: root.label,
    path: params.path,
    files: inventory.files,
    bytes: inventory.bytes,
    folders: inventory.folders,
    added: inventory.added,
    changed: inventory.changed,
    missing: inventory.missing,
    reappeared: inventory.reappeared,
    skipped: inventory.skipped,
    unreadableFolders: inventory.failedFolders,
    hashed: content?.hashed ?? 0,
    moved: content?.moved ?? 0,
    unreadable: content?.unreadable ?? 0,
  };
}

/**
 * Refuses to scan a root that looks unplugged. A mount point left behind by an unplugged USB
 * drive is an empty folder; scanning it would mark every file missing. A root the catalog
 * knows files in that is now completely empty is treated as offline instead.
 */
function assertRootMounted(catalog: Catalog, root: RootRow): void {
  let entries: string[];
  try {
    entries = readdirSync(root.path);
  } catch {
    throw new RootOfflineError(
      `The root "${root.label}" is offline: ${root.path} is not there or cannot be read (drive unplugged or share not mounted?). Its catalog is kept as it was.`,
    );
  }
  if (entries.length > 0) return;
  const known = catalog.db
    .select({ n: count() })
    .from(files)
    .where(and(eq(files.rootId, root.id), eq(files.state, 'present')))
    .get()!.n;
  if (known > 0) {
    throw new RootOfflineError(
      `The root "${root.label}" (${root.path}) is empty, but the catalog lists ${known} files in it: is the drive unmounted? Nothing was marked missing.`,
    );
  }
}
