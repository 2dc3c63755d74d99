/**
 * What the UI reads out of a job: its title, its progress (the loosely typed `progress` record
 * that the server saves and the `job.progress` events carry), which controls apply in which
 * state, and how to start the same work again.
 */
import type {
  ActiveItem,
  ArchiveBody,
  JobState,
  JobView,
  StartScanBody,
  StartSummariseBody,
} from './api';

/** Jobs that still hold their root: queued, running or paused. */
export const ACTIVE_STATES: ReadonlySet<JobState> = new Set(['queued', 'running', 'paused']);
export const FINISHED_STATES: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled']);

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The parameters every kind of job shares (labels as the server stored them). */
export interface JobParams {
  rootId: number | null;
  root: string | null;
  path: string;
  destination: string | null;
  recursive: boolean;
  /** An archive of picked files (an explorer selection): their ids; null for a whole folder. */
  fileIds: number[] | null;
}

export function jobParams(job: Pick<JobView, 'params'>): JobParams {
  const p = job.params;
  return {
    rootId: num(p.rootId),
    root: str(p.root),
    path: str(p.path) ?? '',
    destination: str(p.destination),
    recursive: p.recursive === true,
    fileIds:
      Array.isArray(p.fileIds) && p.fileIds.length > 0 && p.fileIds.every((id) => num(id) !== null)
        ? (p.fileIds as number[])
        : null,
  };
}

const KIND_TITLES: Record<string, string> = {
  scan: 'Scan',
  summarise: 'Summarise',
  archive: 'Archive',
  restore: 'Restore',
  download: 'Download',
  verify: 'Verify',
};

/**
 * "Archive of Holiday/Trip to offsite", "Archive of 3 files in Holiday/Trip to offsite" (a
 * selection), "Scan of Holiday", "Summarise of Holiday/Trip".
 */
export function jobTitle(job: Pick<JobView, 'kind' | 'params'>, rootLabel?: string): string {
  const p = jobParams(job);
  const kind = KIND_TITLES[job.kind] ?? job.kind.charAt(0).toUpperCase() + job.kind.slice(1);
  const root = p.root ?? rootLabel;
  const picked =
    job.kind === 'archive' && p.fileIds
      ? `${p.fileIds.length.toLocaleString('en-US')} file${p.fileIds.length === 1 ? '' : 's'} in `
      : '';
  const where = root ? ` of ${picked}${root}${p.path ? `/${p.path}` : ''}` : '';
  const to = job.kind === 'archive' && p.destination ? ` to ${p.destination}` : '';
  return `${kind}${where}${to}`;
}

export interface ProgressView {
  phase: string | null;
  filesDone: number | null;
  filesTotal: number | null;
  bytesDone: number | null;
  bytesTotal: number | null;
  current: string | null;
  /** Transfers only. */
  bytesPerSecond: number | null;
  etaSeconds: number | null;
  active: ActiveItem[];
  failures: number | null;
  /** 0..1 by bytes when their total is known, else by files; null when neither is. */
  fraction: number | null;
}

function isActiveItem(value: unknown): value is ActiveItem {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return typeof v.item === 'string' && num(v.bytesDone) !== null && num(v.bytes) !== null;
}

export function readProgress(progress: Record<string, unknown> | null): ProgressView {
  const p = progress ?? {};
  const filesDone = num(p.filesDone);
  const filesTotal = num(p.filesTotal);
  const bytesDone = num(p.bytesDone);
  const bytesTotal = num(p.bytesTotal);
  let fraction: number | null = null;
  if (bytesTotal && bytesDone !== null) fraction = bytesDone / bytesTotal;
  else if (filesTotal && filesDone !== null) fraction = filesDone / filesTotal;
  else if (filesTotal === 0) fraction = 1;
  if (fraction !== null) fraction = Math.min(1, Math.max(0, fraction));
  return {
    phase: str(p.phase) || null,
    filesDone,
    filesTotal,
    bytesDone,
    bytesTotal,
    current: str(p.current),
    bytesPerSecond: num(p.bytesPerSecond),
    etaSeconds: num(p.etaSeconds),
    active: Array.isArray(p.active) ? p.active.filter(isActiveItem) : [],
    failures: num(p.failures),
    fraction,
  };
}

/** How many items failed, from the summary of a finished job or the progress of a live one. */
export function failureCount(job: Pick<JobView, 'summary' | 'progress'>): number {
  return num(job.summary?.failures) ?? num(job.progress?.failures) ?? 0;
}

export const canPause = (state: JobState) => state === 'running' || state === 'queued';
export const canResume = (state: JobState) => state === 'paused';
export const canCancel = (state: JobState) =>
  state === 'running' || state === 'queued' || state === 'paused';

export type RetryRequest =
  | { kind: 'scan'; body: StartScanBody }
  | { kind: 'summarise'; body: StartSummariseBody }
  | { kind: 'archive'; body: ArchiveBody };

/**
 * The request that starts a finished job's work again, with the same parameters: null for a
 * job still under way, a kind that cannot be retried, or params without the labels it needs.
 */
export function retryRequest(
  job: Pick<JobView, 'kind' | 'state' | 'params'>,
  rootLabel?: string,
): RetryRequest | null {
  if (!FINISHED_STATES.has(job.state)) return null;
  const p = jobParams(job);
  const root = p.root ?? rootLabel;
  if (!root) return null;
  switch (job.kind) {
    case 'scan':
      return { kind: 'scan', body: { root, path: p.path } };
    case 'summarise':
      return { kind: 'summarise', body: { root, path: p.path, recursive: p.recursive } };
    case 'archive':
      return p.destination
        ? {
            kind: 'archive',
            // A selection is retried as the same selection, never as its whole folder.
            body: {
              destination: p.destination,
              root,
              path: p.path,
              ...(p.fileIds ? { fileIds: p.fileIds } : {}),
            },
          }
        : null;
    default:
      return null;
  }
}
