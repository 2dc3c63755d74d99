/** The restore_items table: where each object of a restore job stands (schema.ts explains). */
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { jobs, restoreItems, type RestoreItemState } from '../catalog/schema.js';
import type { RestoreTier } from '../storage/destination.js';
import { restoreParamsSchema } from './params.js';

export type RestoreItemRow = typeof restoreItems.$inferSelect;
export type NewRestoreItem = Omit<
  typeof restoreItems.$inferInsert,
  'id' | 'jobId' | 'destinationId' | 'state' | 'updatedAt' | 'checks'
> & { state?: RestoreItemState | undefined };
export type RestoreItemPatch = Partial<
  Pick<
    RestoreItemRow,
    | 'state'
    | 'reason'
    | 'sha256'
    | 'mtimeMs'
    | 'storageClass'
    | 'requestedAt'
    | 'expiresAt'
    | 'checks'
    | 'nextCheckAt'
    | 'verified'
    | 'downloadedAt'
  >
>;

/** States in which the job still has work to do on the object. */
export const OPEN_STATES: RestoreItemState[] = ['pending', 'requested', 'in-progress'];

/** Records a job's plan, all or nothing: a job killed while planning plans again. */
export function insertItems(
  catalog: Catalog,
  jobId: number,
  destinationId: number,
  items: readonly NewRestoreItem[],
): void {
  const now = Date.now();
  catalog.write((tx) => {
    for (const item of items) {
      tx.insert(restoreItems)
        .values({ ...item, jobId, destinationId, state: item.state ?? 'pending', updatedAt: now })
        .onConflictDoNothing()
        .run();
    }
  });
}

export function hasItems(catalog: Catalog, jobId: number): boolean {
  return (
    catalog.db
      .select({ id: restoreItems.id })
      .from(restoreItems)
      .where(eq(restoreItems.jobId, jobId))
      .limit(1)
      .get() !== undefined
  );
}

export function itemsOf(
  catalog: Catalog,
  jobId: number,
  states?: readonly RestoreItemState[],
  limit?: number,
): RestoreItemRow[] {
  const query = catalog.db
    .select()
    .from(restoreItems)
    .where(
      and(
        eq(restoreItems.jobId, jobId),
        states ? inArray(restoreItems.state, [...states]) : undefined,
      ),
    )
    .orderBy(restoreItems.relPath);
  return limit === undefined ? query.all() : query.limit(limit).all();
}

/** Items waiting on S3 whose next status check is due by `now`. */
export function dueItems(catalog: Catalog, jobId: number, now: number): RestoreItemRow[] {
  return catalog.db
    .select()
    .from(restoreItems)
    .where(
      and(
        eq(restoreItems.jobId, jobId),
        inArray(restoreItems.state, ['requested', 'in-progress']),
        // An item without a planned check is due now rather than forgotten.
        lte(sql`coalesce(${restoreItems.nextCheckAt}, 0)`, now),
      ),
    )
    .all();
}

/** When the next status check of the job is due; undefined when nothing waits on S3. */
export function nextCheckAt(catalog: Catalog, jobId: number): number | undefined {
  const row = catalog.db
    .select({ at: sql<number | null>`min(coalesce(${restoreItems.nextCheckAt}, 0))` })
    .from(restoreItems)
    .where(
      and(eq(restoreItems.jobId, jobId), inArray(restoreItems.state, ['requested', 'in-progress'])),
    )
    .get();
  return row?.at ?? undefined;
}

/** Updates every item of the job on this key (duplicates of one content share a key). */
export function updateKey(
  catalog: Catalog,
  jobId: number,
  key: string,
  patch: RestoreItemPatch,
  onlyStates?: readonly RestoreItemState[],
): void {
  catalog.write((tx) =>
    tx
      .update(restoreItems)
      .set({ ...patch, updatedAt: Date.now() })
      .where(
        and(
          eq(restoreItems.jobId, jobId),
          eq(restoreItems.key, key),
          onlyStates ? inArray(restoreItems.state, [...onlyStates]) : undefined,
        ),
      )
      .run(),
  );
}

export function updateItem(catalog: Catalog, id: number, patch: RestoreItemPatch): void {
  catalog.write((tx) =>
    tx
      .update(restoreItems)
      .set({ ...patch, updatedAt: Date.now() })
      .where(eq(restoreItems.id, id))
      .run(),
  );
}

export interface StateCounts {
  counts: Partial<Record<RestoreItemState, number>>;
  objects: number;
  bytes: number;
  bytesDownloaded: number;
  requested: number;
  /** The soonest expiry of a restored copy not downloaded yet (ms), or null. */
  firstExpiry: number | null;
  unverified: number;
}

export function countItems(catalog: Catalog, jobId: number): StateCounts {
  const rows = catalog.db
    .select({
      state: restoreItems.state,
      n: sql<number>`count(*)`,
      bytes: sql<number>`coalesce(sum(${restoreItems.size}), 0)`,
      requested: sql<number>`sum(case when ${restoreItems.requestedAt} is not null then 1 else 0 end)`,
      firstExpiry: sql<number | null>`min(${restoreItems.expiresAt})`,
      unverified: sql<number>`sum(case when ${restoreItems.verified} = 0 then 1 else 0 end)`,
    })
    .from(restoreItems)
    .where(eq(restoreItems.jobId, jobId))
    .groupBy(restoreItems.state)
    .all();
  const result: StateCounts = {
    counts: {},
    objects: 0,
    bytes: 0,
    bytesDownloaded: 0,
    requested: 0,
    firstExpiry: null,
    unverified: 0,
  };
  for (const row of rows) {
    result.counts[row.state] = row.n;
    result.objects += row.n;
    result.bytes += row.bytes;
    result.requested += row.requested;
    if (row.state === 'downloaded') {
      result.bytesDownloaded += row.bytes;
      result.unverified += row.unverified;
    }
    if (row.state === 'available' && row.firstExpiry !== null) {
      result.firstExpiry = Math.min(result.firstExpiry ?? Infinity, row.firstExpiry);
    }
  }
  return result;
}

/**
 * Restored copies of the job not downloaded yet: how many have expired by `now` (the job may
 * not have looked since), and the soonest expiry of the others.
 */
export function availability(
  catalog: Catalog,
  jobId: number,
  now: number,
): { lapsed: number; until: number | null } {
  const row = catalog.db
    .select({
      lapsed: sql<number>`coalesce(sum(case when ${restoreItems.expiresAt} <= ${now} then 1 else 0 end), 0)`,
      until: sql<
        number | null
      >`min(case when ${restoreItems.expiresAt} > ${now} then ${restoreItems.expiresAt} end)`,
    })
    .from(restoreItems)
    .where(and(eq(restoreItems.jobId, jobId), eq(restoreItems.state, 'available')))
    .get();
  return { lapsed: row?.lapsed ?? 0, until: row?.until ?? null };
}

/**
 * The latest restore item of any job for an object: what the app last knew of its restore
 * (when it was requested, at which tier), to tell a download what to expect.
 */
export function latestItemForKey(
  catalog: Catalog,
  destinationId: number,
  key: string,
  states?: readonly RestoreItemState[],
): RestoreItemRow | undefined {
  return catalog.db
    .select()
    .from(restoreItems)
    .where(
      and(
        eq(restoreItems.destinationId, destinationId),
        eq(restoreItems.key, key),
        states ? inArray(restoreItems.state, [...states]) : undefined,
      ),
    )
    .orderBy(desc(restoreItems.id))
    .limit(1)
    .get();
}

/**
 * The last restore this app requested for an object (by any job), to tell a download or a
 * browser how long the wait is: its tier and when it was asked.
 */
export function lastRequest(
  catalog: Catalog,
  destinationId: number,
  key: string,
): { tier: RestoreTier; requestedAt: number } | undefined {
  const rows = catalog.db
    .select({ requestedAt: restoreItems.requestedAt, params: jobs.params })
    .from(restoreItems)
    .innerJoin(jobs, eq(jobs.id, restoreItems.jobId))
    .where(
      and(
        eq(restoreItems.destinationId, destinationId),
        eq(restoreItems.key, key),
        sql`${restoreItems.requestedAt} is not null`,
      ),
    )
    .orderBy(desc(restoreItems.requestedAt))
    .limit(20)
    .all();
  for (const row of rows) {
    const params = restoreParamsSchema.safeParse(row.params);
    if (params.success && params.data.request && row.requestedAt !== null) {
      return { tier: params.data.tier, requestedAt: row.requestedAt };
    }
  }
  return undefined;
}
