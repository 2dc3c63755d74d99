import type { AppContext } from '../app-context.js';
import type { Catalog } from '../catalog/catalog.js';
import { ConflictError, RootOfflineError } from '../errors.js';
import type { JobRow } from '../jobs/store.js';
import { normalizeRelPath } from '../roots/paths.js';
import { isRootOnline, type RootRow } from '../roots/roots.js';
import { ARCHIVE_JOB, findActiveArchive, type ArchiveParams } from './archive-job.js';
import type { DestinationRow } from './destinations.js';
import { checkArchiveSelection } from './plan.js';

/**
 * The parameters of an archive job: a folder (and everything below it), or, with `fileIds`, only
 * those files of it (an explorer selection). The selection is kept in the job's parameters so
 * that a resume after a restart plans the same files again. Given the catalog, the selection is
 * checked here (at most MAX_ARCHIVE_SELECTION files, each a file of that root in that folder), so
 * that a bad id is refused before any job exists.
 */
export function archiveParams(
  destination: DestinationRow,
  root: RootRow,
  folder: string,
  selection?: { catalog: Catalog; fileIds: readonly number[] },
): ArchiveParams {
  if (!isRootOnline(root.path)) {
    throw new RootOfflineError(
      `The root "${root.label}" is offline (${root.path}): plug it in to archive it`,
    );
  }
  const path = normalizeRelPath(folder);
  return {
    destinationId: destination.id,
    destination: destination.name,
    rootId: root.id,
    root: root.label,
    path,
    ...(selection
      ? { fileIds: checkArchiveSelection(selection.catalog, root, path, selection.fileIds) }
      : {}),
  };
}

/**
 * Queues an archive job for the server's job loop.
 *
 * One archive per root and destination at a time, whether of a folder or of a selection: a
 * second one (even of other files, or of another folder of that root) is refused with a
 * ConflictError naming the job in the way. Two jobs sending the same key at once would race on
 * its multipart upload and its saved parts; telling overlapping and disjoint selections apart
 * is not worth that risk, and the first job is usually done in minutes. Another destination,
 * or another root, is not held up.
 */
export function startArchive(
  ctx: AppContext,
  destination: DestinationRow,
  root: RootRow,
  folder: string,
  fileIds?: readonly number[],
): JobRow {
  const params = archiveParams(
    destination,
    root,
    folder,
    fileIds === undefined ? undefined : { catalog: ctx.catalog, fileIds },
  );
  const active = findActiveArchive(ctx.catalog, destination.id, root.id);
  if (active) {
    throw new ConflictError(
      `Root "${root.label}" is already being archived to "${destination.name}" (job ${active.id}, ${active.state}): ` +
        'one archive per root and destination at a time; wait for it to end, or cancel it, then archive again',
      { jobId: active.id },
    );
  }
  return ctx.runner.enqueue(ARCHIVE_JOB, params);
}
