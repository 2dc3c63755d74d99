import type { AppContext } from '../app-context.js';
import { ConflictError, RootOfflineError } from '../errors.js';
import type { JobRow } from '../jobs/store.js';
import { normalizeRelPath } from '../roots/paths.js';
import { isRootOnline, type RootRow } from '../roots/roots.js';
import { ARCHIVE_JOB, findActiveArchive, type ArchiveParams } from './archive-job.js';
import type { DestinationRow } from './destinations.js';

export function archiveParams(
  destination: DestinationRow,
  root: RootRow,
  folder: string,
): ArchiveParams {
  if (!isRootOnline(root.path)) {
    throw new RootOfflineError(
      `The root "${root.label}" is offline (${root.path}): plug it in to archive it`,
    );
  }
  return {
    destinationId: destination.id,
    destination: destination.name,
    rootId: root.id,
    root: root.label,
    path: normalizeRelPath(folder),
  };
}

/** Queues an archive job for the server's job loop. */
export function startArchive(
  ctx: AppContext,
  destination: DestinationRow,
  root: RootRow,
  folder: string,
): JobRow {
  const params = archiveParams(destination, root, folder);
  const active = findActiveArchive(ctx.catalog, destination.id, root.id);
  if (active) {
    throw new ConflictError(
      `Root "${root.label}" is already being archived to "${destination.name}" (job ${active.id}, ${active.state})`,
      { jobId: active.id },
    );
  }
  return ctx.runner.enqueue(ARCHIVE_JOB, params);
}
