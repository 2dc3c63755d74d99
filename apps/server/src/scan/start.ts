import type { AppContext } from '../app-context.js';
import { ConflictError } from '../errors.js';
import type { JobRow } from '../jobs/store.js';
import type { RootRow } from '../roots/roots.js';
import { findActiveScan, planScan, SCAN_JOB } from './scan.js';

/** Queues a scan of a root (or of a folder in it) for the server's job loop. */
export function startScan(ctx: AppContext, root: RootRow, folder = ''): JobRow {
  const params = planScan(ctx.catalog, root, folder);
  const active = findActiveScan(ctx.catalog, root.id);
  if (active) {
    throw new ConflictError(
      `Root "${root.label}" already has a scan (job ${active.id}, ${active.state})`,
      {
        jobId: active.id,
      },
    );
  }
  return ctx.runner.enqueue(SCAN_JOB, params);
}
