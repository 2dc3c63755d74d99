/** Restores as the status views show them: each job with its counts, and its objects. */
import { desc, eq } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { jobs, type RestoreItemState } from '../catalog/schema.js';
import { getJob, type JobRow } from '../jobs/store.js';
import { NotFoundError } from '../errors.js';
import { RESTORE_JOB, describeScope, restoreParamsSchema } from './params.js';
import { availability, countItems, itemsOf, type RestoreItemRow } from './store.js';

export interface RestoreItemView {
  key: string;
  path: string;
  size: number;
  storageClass: string;
  state: RestoreItemState;
  reason: string | null;
  requestedAt: number | null;
  expiresAt: number | null;
  targetPath: string | null;
  downloadedAt: number | null;
}

export interface RestoreView {
  jobId: number;
  kind: 'restore' | 'download';
  jobState: JobRow['state'];
  destination: string;
  scope: string;
  tier: string;
  days: number;
  target: string | null;
  createdAt: number;
  finishedAt: number | null;
  error: string | null;
  objects: number;
  bytes: number;
  bytesDownloaded: number;
  counts: Partial<Record<RestoreItemState, number>>;
  /** The soonest expiry among restored objects not downloaded yet. */
  availableUntil: number | null;
}

export function listRestores(catalog: Catalog, limit = 50): RestoreView[] {
  return catalog.db
    .select()
    .from(jobs)
    .where(eq(jobs.kind, RESTORE_JOB))
    .orderBy(desc(jobs.id))
    .limit(limit)
    .all()
    .map((job) => restoreView(catalog, job));
}

export function restoreDetails(
  catalog: Catalog,
  jobId: number,
  options: { state?: RestoreItemState; limit?: number } = {},
): RestoreView & { items: RestoreItemView[] } {
  const job = getJob(catalog, jobId);
  if (job.kind !== RESTORE_JOB) throw new NotFoundError(`Job ${jobId} is not a restore`);
  const items = itemsOf(
    catalog,
    jobId,
    options.state ? [options.state] : undefined,
    options.limit ?? 1000,
  );
  return { ...restoreView(catalog, job), items: items.map(itemView) };
}

function restoreView(catalog: Catalog, job: JobRow): RestoreView {
  const params = restoreParamsSchema.parse(job.params);
  const counts = countItems(catalog, job.id);
  const { lapsed, until } = availability(catalog, job.id, Date.now());
  const shown = { ...counts.counts };
  if (lapsed > 0) {
    shown.available = (shown.available ?? 0) - lapsed;
    shown.expired = (shown.expired ?? 0) + lapsed;
  }
  return {
    jobId: job.id,
    kind: params.request ? 'restore' : 'download',
    jobState: job.state,
    destination: params.destination,
    scope: describeScope(params.scope),
    tier: params.tier,
    days: params.days,
    target:
      params.target.kind === 'folder'
        ? params.target.dir
        : params.target.kind === 'original'
          ? 'original places'
          : null,
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
    error: job.error,
    objects: counts.objects,
    bytes: counts.bytes,
    bytesDownloaded: counts.bytesDownloaded,
    counts: shown,
    availableUntil: until,
  };
}

function itemView(item: RestoreItemRow): RestoreItemView {
  const lapsedNow =
    item.state === 'available' && item.expiresAt !== null && item.expiresAt <= Date.now();
  return {
    key: item.key,
    path: item.relPath,
    size: item.size,
    storageClass: item.storageClass,
    state: lapsedNow ? 'expired' : item.state,
    reason: lapsedNow ? 'the restored copy expired: restore it again' : item.reason,
    requestedAt: item.requestedAt,
    expiresAt: item.expiresAt,
    targetPath: item.targetPath,
    downloadedAt: item.downloadedAt,
  };
}
