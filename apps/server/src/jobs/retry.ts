import type { AppContext } from '../app-context.js';
import { ARCHIVE_JOB, archiveParamsSchema } from '../archive/archive-job.js';
import { getDestinationById } from '../archive/destinations.js';
import { startArchive } from '../archive/start.js';
import type { Catalog } from '../catalog/catalog.js';
import { ConflictError, UserInputError } from '../errors.js';
import { RESTORE_JOB, restoreParamsSchema, type RestoreParams } from '../restore/params.js';
import { quoteRestoreFor, startRestore, type RestoreInput } from '../restore/start.js';
import type { RestoreQuoteView } from '../api/schemas.js';
import { getRootById } from '../roots/roots.js';
import { SCAN_JOB, scanParamsSchema } from '../scan/scan.js';
import { startScan } from '../scan/start.js';
import { SUMMARISE_JOB, summariseParamsSchema } from '../sheets/summarise.js';
import { startSummarise } from '../sheets/start.js';
import { getJob, type JobRow } from './store.js';

/**
 * Starts a new job of the same kind over the same stored params (POST /api/jobs/:id/retry), once
 * the job has ended. It goes through the kind's own start function, as a new request does: the
 * same checks (the root online, one job per root and destination, a selection's ids still files
 * of that folder, a restore's target and plan) and the same 409s. Roots and destinations are
 * found by id, so a job still retries after they were renamed. The catalog keeps the full params
 * (a selection's ids included), so nothing is sent back and forth by the browser.
 */
export async function retryJob(ctx: AppContext, id: number): Promise<JobRow> {
  const job = getJob(ctx.catalog, id);
  if (job.state === 'queued' || job.state === 'running' || job.state === 'paused') {
    throw new ConflictError(
      `Job ${id} is ${job.state}: it can be started again once it has ended (or cancel it first)`,
      { jobId: id },
    );
  }
  switch (job.kind) {
    case SCAN_JOB: {
      // A retried scan is a full one: contentless scans are the benchmark's, never the app's.
      const p = scanParamsSchema.parse(job.params);
      return startScan(ctx, getRootById(ctx.catalog, p.rootId), p.path);
    }
    case SUMMARISE_JOB: {
      const p = summariseParamsSchema.parse(job.params);
      return startSummarise(ctx, getRootById(ctx.catalog, p.rootId), p.path, p.recursive);
    }
    case ARCHIVE_JOB: {
      // A selection is started again as the same selection, never as its whole folder.
      const p = archiveParamsSchema.parse(job.params);
      return startArchive(
        ctx,
        getDestinationById(ctx.catalog, p.destinationId),
        getRootById(ctx.catalog, p.rootId),
        p.path,
        p.fileIds,
      );
    }
    case RESTORE_JOB: {
      const p = restoreParamsSchema.parse(job.params);
      return startRestore(ctx, restoreInput(ctx.catalog, p), { request: p.request });
    }
    default:
      throw new UserInputError(`A ${job.kind} job cannot be started again`);
  }
}

/**
 * What starting a restore job again would request and cost (GET /api/jobs/:id/retry-quote), so
 * that a retry, like a new restore, is quoted before anything is asked of Glacier: a retry plans
 * afresh, and copies that went cold since are thawed (and billed) again. The job's own tier is
 * the one the retry uses. Restores only: other jobs' retries ask nothing billed by the request.
 */
export async function quoteRetry(ctx: AppContext, id: number): Promise<RestoreQuoteView> {
  const job = getJob(ctx.catalog, id);
  if (job.kind !== RESTORE_JOB) {
    throw new UserInputError(`Job ${id} is a ${job.kind} job: only restores are quoted again`);
  }
  return quoteRestoreFor(ctx, restoreInput(ctx.catalog, restoreParamsSchema.parse(job.params)));
}

/** A restore's stored params as the request that made them (checked and planned again). */
function restoreInput(catalog: Catalog, p: RestoreParams): RestoreInput {
  const scope =
    p.scope.kind === 'catalog'
      ? { root: getRootById(catalog, p.scope.rootId).label, path: p.scope.path }
      : p.scope.kind === 'files'
        ? { fileIds: p.scope.fileIds }
        : { key: p.scope.prefix };
  return {
    destination: getDestinationById(catalog, p.destinationId).name,
    ...scope,
    tier: p.tier,
    days: p.days,
    ...(p.target.kind === 'folder' ? { to: p.target.dir } : {}),
    ...(p.target.kind === 'original' ? { toOriginal: true } : {}),
    overwrite: p.overwrite,
    wait: p.wait,
    ...(p.webhook ? { webhook: p.webhook } : {}),
  };
}
