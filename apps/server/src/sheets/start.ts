import type { AppContext } from '../app-context.js';
import { ConflictError } from '../errors.js';
import type { JobRow } from '../jobs/store.js';
import type { RootRow } from '../roots/roots.js';
import { findActiveSummarise, planSummarise, SUMMARISE_JOB } from './summarise.js';

/** Queues a summarise job for the server's job loop. */
export function startSummarise(
  ctx: AppContext,
  root: RootRow,
  folder: string,
  recursive: boolean,
): JobRow {
  const params = planSummarise(root, folder, recursive);
  const active = findActiveSummarise(ctx.catalog, root.id);
  if (active) {
    throw new ConflictError(
      `Root "${root.label}" is already being summarised (job ${active.id}, ${active.state})`,
      { jobId: active.id },
    );
  }
  return ctx.runner.enqueue(SUMMARISE_JOB, params);
}
