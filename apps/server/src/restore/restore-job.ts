/**
 * The restore job: plan → request → watch → download, in one job that survives restarts.
 *
 * Everything it learns goes to restore_items as it happens, so a run that starts again (after a
 * pause, a crash, a container restart) plans nothing twice, never requests again what is
 * already thawing, keeps checking what it waited for, and resumes half-done downloads. It ends
 * when every object is on disk (or restored, when no download was asked), failed or expired,
 * with a summary saying what is where, and calls the webhook if one was given.
 */
import type { Catalog } from '../catalog/catalog.js';
import { CancelledError } from '../errors.js';
import type { JobContext, JobHandler } from '../jobs/runner.js';
import { getDestinationById, openFor } from '../archive/destinations.js';
import { downloadAvailable } from './download-phase.js';
import { expectedBy, formatUtc } from './messages.js';
import { describeScope, restoreParamsSchema, type RestoreParams } from './params.js';
import { countNotArchived, planRestore } from './plan.js';
import { requestPending } from './request-phase.js';
import { failItems, waitMessage, type Run } from './run.js';
import { restoreSettings, type RestoreSettings } from './settings.js';
import { checkTarget } from './target.js';
import { countItems, hasItems, insertItems, itemsOf, nextCheckAt } from './store.js';
import { checkDue, type WatchMemory } from './watch-phase.js';
import { notifyWebhook } from './webhook.js';
import type { RestoreSummary } from '../jobs/summaries.js';

export { RESTORE_JOB } from './params.js';

export function restoreJobHandler(
  catalog: Catalog,
  overrides: Partial<RestoreSettings> = {},
): JobHandler {
  // Read once: the environment may shrink the schedule (tests) but not change it mid-job.
  const settings = restoreSettings(overrides);
  return async (ctx) => {
    const params = restoreParamsSchema.parse(ctx.job.params);
    try {
      const summary = await runRestore(catalog, settings, params, ctx);
      return { ...summary, webhook: await notify(settings, params, ctx, 'done', summary) };
    } catch (error) {
      if (!ctx.signal.aborted) {
        await notify(settings, params, ctx, 'failed', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      throw error;
    }
  };
}

async function runRestore(
  catalog: Catalog,
  settings: RestoreSettings,
  params: RestoreParams,
  job: JobContext,
): Promise<Omit<RestoreSummary, 'webhook'>> {
  const row = getDestinationById(catalog, params.destinationId);
  const destination = openFor(row, settings.secrets ? { secrets: settings.secrets } : {});
  const run: Run = { catalog, settings, params, job, row, destination };
  try {
    await checkTarget(catalog, params.scope, params.target);
    await planOnce(run);
    await proceed(run);
    return summarise(run, countNotArchived(catalog, row, params.scope));
  } finally {
    destination.close();
  }
}

/** The plan is made at the first run only; a resumed run works from restore_items. */
async function planOnce(run: Run): Promise<void> {
  const jobId = run.job.job.id;
  if (hasItems(run.catalog, jobId)) return;
  run.job.report.progress({
    phase: 'planning',
    filesDone: 0,
    filesTotal: null,
    bytesDone: 0,
    bytesTotal: null,
  });
  const plan = await planRestore(
    run.catalog,
    run.row,
    () => run.destination,
    run.params.scope,
    run.params.target,
  );
  insertItems(run.catalog, jobId, run.row.id, plan.items);
  for (const item of plan.items) {
    if (item.state === 'failed') run.job.report.failed(item.relPath, item.reason ?? 'refused');
  }
}

async function proceed(run: Run): Promise<void> {
  const memory: WatchMemory = {};
  for (;;) {
    await requestPending(run);
    stopIfAsked(run);
    if (run.params.target.kind !== 'none') await downloadAvailable(run);
    stopIfAsked(run);
    const next = nextCheckAt(run.catalog, run.job.job.id);
    if (next === undefined) return;
    if (!run.params.wait) {
      failWaiting(run);
      return;
    }
    reportWaiting(run, next);
    // Hours of waiting for S3 must not hold up the next restore job: the slot is given up.
    await run.job.waitOutsideSlot(() => sleep(Math.max(0, next - Date.now()), run.job.signal));
    await checkDue(run, memory);
    stopIfAsked(run);
  }
}

/** A download that does not wait: what is still thawing is reported with its expected wait. */
function failWaiting(run: Run): void {
  for (const item of itemsOf(run.catalog, run.job.job.id, ['requested', 'in-progress'])) {
    failItems(run, [item], waitMessage(run, item));
  }
}

function reportWaiting(run: Run, next: number): void {
  const counts = countItems(run.catalog, run.job.job.id);
  const waiting = (counts.counts.requested ?? 0) + (counts.counts['in-progress'] ?? 0);
  const settled = counts.objects - waiting - (counts.counts.pending ?? 0);
  run.job.report.progress(
    {
      phase: 'waiting for restores',
      filesDone: settled,
      filesTotal: counts.objects,
      bytesDone: counts.bytesDownloaded,
      bytesTotal: counts.bytes,
      current: `${waiting} being restored; next check ${formatUtc(next)}`,
      etaSeconds: waitLeft(run),
    },
    true,
  );
}

/** Seconds until the slowest waiting restore should be done, at the slow end of AWS's range. */
function waitLeft(run: Run): number | null {
  if (!run.params.request) return null;
  let latest: number | undefined;
  for (const item of itemsOf(run.catalog, run.job.job.id, ['requested', 'in-progress'])) {
    const by = expectedBy(item.storageClass, run.params.tier, item.requestedAt);
    if (by !== undefined) latest = Math.max(latest ?? by, by);
  }
  return latest === undefined ? null : Math.max(0, Math.round((latest - Date.now()) / 1000));
}

function summarise(run: Run, notArchived: number): Omit<RestoreSummary, 'webhook'> {
  const counts = countItems(run.catalog, run.job.job.id);
  const c = (state: keyof typeof counts.counts) => counts.counts[state] ?? 0;
  const target = run.params.target;
  const where =
    target.kind === 'folder' ? target.dir : target.kind === 'original' ? 'original places' : null;
  return {
    destination: run.row.name,
    scope: describeScope(run.params.scope),
    tier: run.params.tier,
    days: run.params.days,
    target: where,
    objects: counts.objects,
    bytes: counts.bytes,
    requested: counts.requested,
    downloaded: c('downloaded'),
    bytesDownloaded: counts.bytesDownloaded,
    unverified: counts.unverified,
    available: c('available'),
    availableUntil: counts.firstExpiry,
    skipped: c('skipped'),
    expired: c('expired'),
    failed: c('failed'),
    notArchived,
    onDisk: describeOutcome(counts, where, c),
  };
}

function describeOutcome(
  counts: ReturnType<typeof countItems>,
  where: string | null,
  c: (state: 'downloaded' | 'skipped' | 'available' | 'expired' | 'failed') => number,
): string {
  const gb = (counts.bytesDownloaded / 1e9).toFixed(2);
  const parts =
    where === null
      ? [
          `${c('available')} restored${counts.firstExpiry ? ` until ${formatUtc(counts.firstExpiry)}` : ''}, ready to download`,
        ]
      : [`${c('downloaded')} files (${gb} GB) verified in ${where}`];
  if (c('skipped')) parts.push(`${c('skipped')} already there`);
  if (c('expired')) parts.push(`${c('expired')} expired: restore them again`);
  if (c('failed')) parts.push(`${c('failed')} failed`);
  return parts.join('; ');
}

async function notify(
  settings: RestoreSettings,
  params: RestoreParams,
  ctx: JobContext,
  state: 'done' | 'failed',
  summary: Record<string, unknown>,
): Promise<string | null> {
  if (!params.webhook) return null;
  const outcome = await notifyWebhook(params.webhook, settings.webhookTimeoutMs, {
    event: 'restore.finished',
    jobId: ctx.job.id,
    state,
    destination: params.destination,
    scope: describeScope(params.scope),
    message: String(summary.onDisk ?? summary.error ?? state),
    summary,
  });
  if (!outcome.ok) ctx.report.failed(`webhook ${outcome.origin}`, outcome.reason);
  return outcome.ok ? 'sent' : `failed: ${outcome.reason}`;
}

function stopIfAsked(run: Run): void {
  if (run.job.signal.aborted) throw new CancelledError('the restore was stopped');
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new CancelledError('the restore was stopped'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError('the restore was stopped'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
