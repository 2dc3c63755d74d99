/**
 * What the UI reads out of a job: its title, its progress (the loosely typed `progress` record
 * that the server saves and the `job.progress` events carry), and which controls apply in which
 * state (a retry is the server's: POST /api/jobs/:id/retry).
 */
import type { ActiveItem, JobState, JobView, Loose, SavedProgress } from './api';

/** Jobs that still hold their root: queued, running or paused. */
export const ACTIVE_STATES: ReadonlySet<JobState> = new Set(['queued', 'running', 'paused']);
export const FINISHED_STATES: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled']);

const num = (value: unknown): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** The parameters every kind of job shares (labels as the server stored them). */
export interface CommonParams {
  rootId: number | null;
  root: string | null;
  path: string;
  destination: string | null;
  recursive: boolean;
}

export function jobParams(job: Pick<JobView, 'params'>): CommonParams {
  const p = job.params;
  return {
    rootId: num(p.rootId),
    root: str(p.root),
    path: str(p.path) ?? '',
    destination: str(p.destination),
    recursive: p.recursive === true,
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

const fileCount = (files: number) =>
  `${files.toLocaleString('en-US')} file${files === 1 ? '' : 's'}`;

/**
 * "Archive of Holiday/Trip to offsite", "Archive of 3 files in Holiday/Trip to offsite" (a
 * selection), "Scan of Holiday", "Summarise of Holiday/Trip", "Restore of 3 files from
 * offsite", "Download of Holiday/Trip from usb".
 */
export function jobTitle(
  job: Pick<JobView, 'kind' | 'params' | 'selection'>,
  rootLabel?: string,
): string {
  if (job.kind === 'restore') return restoreJobTitle(job);
  const p = jobParams(job);
  const kind = KIND_TITLES[job.kind] ?? job.kind.charAt(0).toUpperCase() + job.kind.slice(1);
  const root = p.root ?? rootLabel;
  // The server sends how many files were picked, never their ids.
  const files = job.selection?.files;
  const picked = job.kind === 'archive' && files !== undefined ? `${fileCount(files)} in ` : '';
  const where = root ? ` of ${picked}${root}${p.path ? `/${p.path}` : ''}` : '';
  const to = job.kind === 'archive' && p.destination ? ` to ${p.destination}` : '';
  return `${kind}${where}${to}`;
}

/**
 * A restore names what it brings back as the Restores page does: a catalog folder or file, the
 * files picked (counted in `selection`), or the keys under a prefix. One that requests nothing
 * only downloads what is readable already.
 */
function restoreJobTitle(job: Pick<JobView, 'params' | 'selection'>): string {
  const p = job.params;
  const what = restoredWhat(p.scope, job.selection);
  const destination = str(p.destination);
  const kind = p.request === false ? 'Download' : 'Restore';
  return `${kind}${what ? ` of ${what}` : ''}${destination ? ` from ${destination}` : ''}`;
}

function restoredWhat(scope: unknown, selection: JobView['selection']): string | null {
  const s = (typeof scope === 'object' && scope !== null ? scope : {}) as Record<string, unknown>;
  const root = str(s.root);
  const path = str(s.path);
  if (s.kind === 'catalog' && root) return path ? `${root}/${path}` : root;
  if (selection) return fileCount(selection.files);
  if (s.kind === 'keys') return str(s.prefix) ? `keys under ${str(s.prefix)}` : 'every key';
  return null;
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

export function readProgress(progress: Loose<SavedProgress> | null): ProgressView {
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

/** A job that has ended, of a kind the server starts again (POST /api/jobs/:id/retry). */
export const canRetry = (job: Pick<JobView, 'state' | 'retryable'>) =>
  job.retryable && FINISHED_STATES.has(job.state);
