import { and, asc, desc, eq, inArray, lt, notInArray, sql } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { jobFailures, jobs, type JobState } from '../catalog/schema.js';
import { NotFoundError } from '../errors.js';

export type JobRow = typeof jobs.$inferSelect;

/** Per-item failures kept for one job; past this only the count grows. */
export const MAX_RECORDED_FAILURES = 10_000;

export function insertJob(
  catalog: Catalog,
  kind: string,
  params: Record<string, unknown>,
  start?: { owner: string },
): JobRow {
  const now = Date.now();
  return catalog.write((tx) =>
    tx
      .insert(jobs)
      .values({
        kind,
        params,
        state: start ? 'running' : 'queued',
        owner: start?.owner ?? null,
        heartbeatAt: start ? now : null,
        startedAt: start ? now : null,
        createdAt: now,
      })
      .returning()
      .get(),
  );
}

export function getJob(catalog: Catalog, id: number): JobRow {
  const row = catalog.db.select().from(jobs).where(eq(jobs.id, id)).get();
  if (!row) throw new NotFoundError(`There is no job ${id}`);
  return row;
}

/** Finished jobs on one page of GET /api/jobs, newest first. */
export const JOBS_PAGE_SIZE = 100;

const UNFINISHED: JobState[] = ['queued', 'running', 'paused'];

export interface JobPage {
  /** Newest first. */
  jobs: JobRow[];
  /** The `before` of the next page of finished jobs, or null when there is none. */
  older: number | null;
}

/**
 * The jobs a tracker shows: on the first page every job not finished, however old (an archive
 * that runs for days stays listed past any number of later scans), then the newest finished
 * ones; each next page, the finished jobs older than `before`.
 */
export function listJobs(
  catalog: Catalog,
  { limit = JOBS_PAGE_SIZE, before }: { limit?: number; before?: number } = {},
): JobPage {
  const finished = catalog.db
    .select()
    .from(jobs)
    .where(
      and(
        notInArray(jobs.state, UNFINISHED),
        before === undefined ? undefined : lt(jobs.id, before),
      ),
    )
    .orderBy(desc(jobs.id))
    .limit(limit + 1)
    .all();
  const page = finished.slice(0, limit);
  const older = finished.length > limit ? (page.at(-1)?.id ?? null) : null;
  if (before !== undefined) return { jobs: page, older };
  const unfinished = catalog.db
    .select()
    .from(jobs)
    .where(inArray(jobs.state, UNFINISHED))
    .orderBy(desc(jobs.id))
    .all();
  return { jobs: [...unfinished, ...page].sort((a, b) => b.id - a.id), older };
}

export function findActiveJob(
  catalog: Catalog,
  kind: string,
  matches: (params: Record<string, unknown>) => boolean,
): JobRow | undefined {
  return catalog.db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, kind), inArray(jobs.state, ['queued', 'running', 'paused'])))
    .all()
    .find((job) => matches(job.params));
}

/** Atomically takes the oldest queued job of one of the given kinds for this process. */
export function claimNextJob(catalog: Catalog, owner: string, kinds: string[]): JobRow | undefined {
  if (kinds.length === 0) return undefined;
  return catalog.write((tx) => {
    const next = tx
      .select()
      .from(jobs)
      .where(and(eq(jobs.state, 'queued'), inArray(jobs.kind, kinds)))
      .orderBy(asc(jobs.id))
      .limit(1)
      .get();
    if (!next) return undefined;
    const now = Date.now();
    return tx
      .update(jobs)
      .set({
        state: 'running',
        owner,
        heartbeatAt: now,
        startedAt: next.startedAt ?? now,
        control: null,
        error: null,
      })
      .where(and(eq(jobs.id, next.id), eq(jobs.state, 'queued')))
      .returning()
      .get();
  });
}

export function heartbeat(catalog: Catalog, owner: string): void {
  catalog.write((tx) =>
    tx
      .update(jobs)
      .set({ heartbeatAt: Date.now() })
      .where(and(eq(jobs.owner, owner), eq(jobs.state, 'running')))
      .run(),
  );
}

export function saveProgress(
  catalog: Catalog,
  id: number,
  progress: Record<string, unknown>,
): void {
  catalog.write((tx) => tx.update(jobs).set({ progress }).where(eq(jobs.id, id)).run());
}

export function finishJob(
  catalog: Catalog,
  id: number,
  state: Exclude<JobState, 'running'>,
  result: { summary?: Record<string, unknown> | null; error?: string | null },
): JobRow {
  const ended = state === 'done' || state === 'failed' || state === 'cancelled';
  return catalog.write((tx) =>
    tx
      .update(jobs)
      .set({
        state,
        summary: result.summary ?? null,
        error: result.error ?? null,
        owner: null,
        control: null,
        finishedAt: ended ? Date.now() : null,
      })
      .where(eq(jobs.id, id))
      .returning()
      .get()!,
  );
}

export function setControl(catalog: Catalog, id: number, control: 'pause' | 'cancel'): void {
  catalog.write((tx) => tx.update(jobs).set({ control }).where(eq(jobs.id, id)).run());
}

export function setState(catalog: Catalog, id: number, from: JobState[], to: JobState): boolean {
  const result = catalog.write((tx) =>
    tx
      .update(jobs)
      .set({ state: to, finishedAt: to === 'cancelled' ? Date.now() : null, control: null })
      .where(and(eq(jobs.id, id), inArray(jobs.state, from)))
      .run(),
  );
  return result.changes > 0;
}

export function controlsFor(catalog: Catalog, owner: string): { id: number; control: string }[] {
  return catalog.db
    .select({ id: jobs.id, control: jobs.control })
    .from(jobs)
    .where(and(eq(jobs.owner, owner), eq(jobs.state, 'running'), sql`${jobs.control} is not null`))
    .all() as { id: number; control: string }[];
}

export function runningJobs(catalog: Catalog): JobRow[] {
  return catalog.db.select().from(jobs).where(eq(jobs.state, 'running')).all();
}

export function recordFailure(catalog: Catalog, jobId: number, item: string, reason: string): void {
  catalog.write((tx) =>
    tx.insert(jobFailures).values({ jobId, item, reason, at: Date.now() }).run(),
  );
}

export function listFailures(catalog: Catalog, jobId: number, limit = 1000) {
  return catalog.db
    .select({ item: jobFailures.item, reason: jobFailures.reason, at: jobFailures.at })
    .from(jobFailures)
    .where(eq(jobFailures.jobId, jobId))
    .orderBy(asc(jobFailures.id))
    .limit(limit)
    .all();
}
