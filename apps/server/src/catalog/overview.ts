/**
 * The home dashboard's numbers, in a few aggregate queries: per root and per destination the
 * files and bytes archived and not yet, what the copies cost a month by storage class, and the
 * latest per-item failures of jobs.
 *
 * A file counts as archived in a destination when it is present, its content was read at its
 * current size and mtime (a file changed since its last scan is not: its new content has no
 * copy yet), and the destination holds a live (verified, not lost) copy of that content under
 * any key, the rule the archive plan uses to skip it.
 */
import { and, desc, eq, isNotNull, isNull, not, sql } from 'drizzle-orm';
import {
  describeDestination,
  destinationRegion,
  listDestinations,
} from '../archive/destinations.js';
import { monthlyStorageCost } from '../cost/storage-cost.js';
import { PRICE_SHEET } from '../cost/prices.js';
import type { JobState } from './schema.js';
import { listRoots } from '../roots/roots.js';
import type { Catalog } from './catalog.js';
import { copies, destinations, files, jobFailures, jobs } from './schema.js';
import { contentIsStale } from './sql.js';

export interface Coverage {
  files: number;
  bytes: number;
}

export interface RootOverview {
  id: number;
  label: string;
  online: boolean;
  lastScanAt: number | null;
  /** Present files (missing ones are not counted). */
  files: number;
  bytes: number;
  /** Present files whose content was never read, or changed since: not archivable yet. */
  unreadFiles: number;
  missingFiles: number;
  /** Files with a copy in at least one destination. */
  archivedAnywhere: Coverage;
  /** Files with a copy in each destination (every destination is listed, zeros included). */
  destinations: (Coverage & { destination: string })[];
}

export interface DestinationOverview {
  id: number;
  name: string;
  kind: 's3' | 'folder';
  storageClass: string | null;
  region: string | null;
  /** Live copies held there (media and contact sheets) and their bytes. */
  objects: number;
  bytes: number;
  /** Copies a reconcile found gone. */
  lostObjects: number;
  /** Media files of every root archived there. */
  archived: Coverage;
  /** What the copies cost a month; null for a folder (no storage charge). */
  costPerMonth: number | null;
  estimated: boolean;
}

export interface ClassCost {
  storageClass: string;
  objects: number;
  bytes: number;
  billedBytes: number;
  costPerMonth: number;
  byDestination: { destination: string; costPerMonth: number }[];
}

export interface RecentFailure {
  jobId: number;
  jobKind: string;
  jobState: JobState;
  item: string;
  reason: string;
  at: number;
}

export interface Overview {
  currency: string;
  pricesAsOf: string;
  totals: {
    files: number;
    bytes: number;
    unreadFiles: number;
    archivedFiles: number;
    archivedBytes: number;
    costPerMonth: number;
  };
  roots: RootOverview[];
  destinations: DestinationOverview[];
  /** S3 storage classes only, dearest first. */
  costByClass: ClassCost[];
  /** The latest per-item failures of any job, newest first. */
  recentFailures: RecentFailure[];
}

const RECENT_FAILURES = 8;
const ZERO: Coverage = { files: 0, bytes: 0 };

const isCurrent = and(eq(files.state, 'present'), not(contentIsStale));
const liveCopyIn = (destinationId: SqlColumn) =>
  sql`exists (select 1 from ${copies} where ${copies.sha256} = ${files.sha256} and ${copies.destinationId} = ${destinationId} and ${copies.lostAt} is null)`;
const liveCopyAnywhere = sql`exists (select 1 from ${copies} where ${copies.sha256} = ${files.sha256} and ${copies.lostAt} is null)`;
type SqlColumn = typeof destinations.id;

const count = sql<number>`count(*)`;
const sumSize = sql<number>`coalesce(sum(${files.size}), 0)`;

export function catalogOverview(catalog: Catalog): Overview {
  const destinationRows = listDestinations(catalog);
  const coverage = archivedCoverage(catalog);
  const anywhere = new Map(
    catalog.db
      .select({ rootId: files.rootId, files: count, bytes: sumSize })
      .from(files)
      .where(and(isCurrent, liveCopyAnywhere))
      .groupBy(files.rootId)
      .all()
      .map((row) => [row.rootId, { files: row.files, bytes: row.bytes }]),
  );
  const unread = new Map(
    catalog.db
      .select({ rootId: files.rootId, files: count })
      .from(files)
      .where(and(eq(files.state, 'present'), contentIsStale))
      .groupBy(files.rootId)
      .all()
      .map((row) => [row.rootId, row.files]),
  );

  const roots: RootOverview[] = listRoots(catalog).map((root) => ({
    id: root.id,
    label: root.label,
    online: root.online,
    lastScanAt: root.lastScanAt,
    files: root.fileCount,
    bytes: root.bytes,
    unreadFiles: unread.get(root.id) ?? 0,
    missingFiles: root.missingCount,
    archivedAnywhere: anywhere.get(root.id) ?? ZERO,
    destinations: destinationRows.map((d) => ({
      destination: d.name,
      ...(coverage.get(`${root.id}:${d.id}`) ?? ZERO),
    })),
  }));

  const stored = storedCopies(catalog);
  const destinationsView: DestinationOverview[] = destinationRows.map((row) => {
    const view = describeDestination(row);
    const held = stored.filter((s) => s.destinationId === row.id);
    const archived = roots.reduce(
      (sum, root) => {
        const here = root.destinations.find((c) => c.destination === row.name) ?? ZERO;
        return { files: sum.files + here.files, bytes: sum.bytes + here.bytes };
      },
      { ...ZERO },
    );
    const costs =
      row.kind === 's3'
        ? held.map((s) =>
            monthlyStorageCost({
              storageClass: s.storageClass,
              region: destinationRegion(row),
              objects: s.objects,
              sizeBilledAtClass: s.sizeBilledAtClass,
            }),
          )
        : [];
    return {
      id: row.id,
      name: row.name,
      kind: row.kind,
      storageClass: view.storageClass,
      region: view.region,
      objects: held.reduce((n, s) => n + s.objects, 0),
      bytes: held.reduce((n, s) => n + s.bytes, 0),
      lostObjects: lostCopies(catalog, row.id),
      archived,
      costPerMonth: row.kind === 's3' ? round(costs.reduce((n, c) => n + c.perMonth, 0)) : null,
      estimated: costs.some((c) => c.estimated),
    };
  });

  const costByClass = classCosts(
    stored.flatMap((s) => {
      const row = destinationRows.find((d) => d.id === s.destinationId);
      return row?.kind === 's3'
        ? [{ ...s, destination: row.name, region: destinationRegion(row) }]
        : [];
    }),
  );

  return {
    currency: PRICE_SHEET.currency,
    pricesAsOf: PRICE_SHEET.asOf,
    totals: {
      files: sum(roots, (r) => r.files),
      bytes: sum(roots, (r) => r.bytes),
      unreadFiles: sum(roots, (r) => r.unreadFiles),
      archivedFiles: sum(roots, (r) => r.archivedAnywhere.files),
      archivedBytes: sum(roots, (r) => r.archivedAnywhere.bytes),
      costPerMonth: round(sum(costByClass, (c) => c.costPerMonth)),
    },
    roots,
    destinations: destinationsView,
    costByClass,
    recentFailures: recentFailures(catalog),
  };
}

/** Files and bytes of each root archived in each destination, keyed `rootId:destinationId`. */
function archivedCoverage(catalog: Catalog): Map<string, Coverage> {
  const rows = catalog.db
    .select({
      rootId: files.rootId,
      destinationId: destinations.id,
      files: count,
      bytes: sumSize,
    })
    .from(files)
    .innerJoin(destinations, sql`1 = 1`)
    .where(and(isCurrent, liveCopyIn(destinations.id)))
    .groupBy(files.rootId, destinations.id)
    .all();
  return new Map(
    rows.map((row) => [
      `${row.rootId}:${row.destinationId}`,
      { files: row.files, bytes: row.bytes },
    ]),
  );
}

interface StoredGroup {
  destinationId: number;
  storageClass: string;
  objects: number;
  bytes: number;
  sizeBilledAtClass: number;
}

/** Live copies by destination and storage class, sizes raised to each class's minimum. */
function storedCopies(catalog: Catalog): StoredGroup[] {
  const minimums = Object.entries(PRICE_SHEET.rules.minimumBillableBytes).filter(([, n]) => n > 0);
  const minimum =
    minimums.length === 0
      ? sql`0`
      : sql`case ${copies.storageClass} ${sql.join(
          minimums.map(([cls, n]) => sql`when ${cls} then ${n}`),
          sql` `,
        )} else 0 end`;
  return catalog.db
    .select({
      destinationId: copies.destinationId,
      storageClass: copies.storageClass,
      objects: sql<number>`count(*)`,
      bytes: sql<number>`coalesce(sum(${copies.size}), 0)`,
      sizeBilledAtClass: sql<number>`coalesce(sum(max(${copies.size}, ${minimum})), 0)`,
    })
    .from(copies)
    .where(isNull(copies.lostAt))
    .groupBy(copies.destinationId, copies.storageClass)
    .all();
}

function lostCopies(catalog: Catalog, destinationId: number): number {
  return (
    catalog.db
      .select({ n: count })
      .from(copies)
      .where(and(eq(copies.destinationId, destinationId), isNotNull(copies.lostAt)))
      .get()?.n ?? 0
  );
}

function classCosts(
  groups: (StoredGroup & { destination: string; region: string })[],
): ClassCost[] {
  const byClass = new Map<string, ClassCost>();
  for (const group of groups) {
    const cost = monthlyStorageCost({
      storageClass: group.storageClass,
      region: group.region,
      objects: group.objects,
      sizeBilledAtClass: group.sizeBilledAtClass,
    });
    const entry = byClass.get(group.storageClass) ?? {
      storageClass: group.storageClass,
      objects: 0,
      bytes: 0,
      billedBytes: 0,
      costPerMonth: 0,
      byDestination: [],
    };
    entry.objects += group.objects;
    entry.bytes += group.bytes;
    entry.billedBytes += cost.billedBytes;
    entry.costPerMonth = round(entry.costPerMonth + cost.perMonth);
    entry.byDestination.push({ destination: group.destination, costPerMonth: cost.perMonth });
    byClass.set(group.storageClass, entry);
  }
  return [...byClass.values()].sort(
    (a, b) => b.costPerMonth - a.costPerMonth || a.storageClass.localeCompare(b.storageClass),
  );
}

function recentFailures(catalog: Catalog): RecentFailure[] {
  return catalog.db
    .select({
      jobId: jobFailures.jobId,
      jobKind: jobs.kind,
      jobState: jobs.state,
      item: jobFailures.item,
      reason: jobFailures.reason,
      at: jobFailures.at,
    })
    .from(jobFailures)
    .innerJoin(jobs, eq(jobs.id, jobFailures.jobId))
    .orderBy(desc(jobFailures.id))
    .limit(RECENT_FAILURES)
    .all();
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((n, item) => n + value(item), 0);
}

/** As monthlyStorageCost rounds: sums of fractions of a cent stay visible. */
function round(amount: number): number {
  return Math.round(amount * 1e8) / 1e8;
}
