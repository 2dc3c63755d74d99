import type { JobView } from '../api/schemas.js';
import { ARCHIVE_JOB, RESTORE_JOB, SCAN_JOB, SUMMARISE_JOB } from './kinds.js';
import type { JobRow } from './store.js';

/** The kinds POST /api/jobs/:id/retry starts again (jobs/retry.ts), once a job has ended. */
export const RETRYABLE_KINDS: ReadonlySet<string> = new Set([
  SCAN_JOB,
  SUMMARISE_JOB,
  ARCHIVE_JOB,
  RESTORE_JOB,
]);

/**
 * A job as the API shows it, made here for every route: the stored row without the process's
 * bookkeeping (owner, heartbeat, control), and without its lists of catalog file ids (an archive
 * of an explorer selection keeps up to 100,000 in `params.fileIds`, a restore of picked files up
 * to 10,000 in `params.scope.fileIds`): `selection.files` counts them instead, so a job list
 * stays a few KB. The catalog keeps the whole params: a resume and a retry read them there.
 */
export function toJobView(row: JobRow): JobView {
  const { params, selection } = withoutIdLists(row.params);
  return {
    id: row.id,
    kind: row.kind,
    state: row.state,
    params,
    selection,
    retryable: RETRYABLE_KINDS.has(row.kind),
    progress: row.progress ?? null,
    summary: row.summary ?? null,
    error: row.error,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

function withoutIdLists(stored: Record<string, unknown>): {
  params: Record<string, unknown>;
  selection: JobView['selection'];
} {
  const { fileIds, ...params } = stored;
  if (Array.isArray(fileIds)) return { params, selection: { files: fileIds.length } };
  const scope = params.scope;
  if (
    scope &&
    typeof scope === 'object' &&
    Array.isArray((scope as { fileIds?: unknown }).fileIds)
  ) {
    const { fileIds: ids, ...rest } = scope as { fileIds: unknown[] };
    return { params: { ...params, scope: rest }, selection: { files: ids.length } };
  }
  return { params, selection: null };
}
