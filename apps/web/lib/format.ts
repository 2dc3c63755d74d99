/** Human-readable numbers for the UI. Sizes use decimal units (1 GB = 10^9 bytes), as disks do. */

const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${SIZE_UNITS[unit]}`;
}

const integer = new Intl.NumberFormat('en-US');

export function formatCount(n: number, singular: string, plural = `${singular}s`): string {
  return `${integer.format(n)} ${n === 1 ? singular : plural}`;
}

/** The API sends milliseconds since the epoch; tolerate seconds too. */
export function toDate(timestamp: number): Date {
  return new Date(timestamp < 1e12 ? timestamp * 1000 : timestamp);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

export function formatDateTime(timestamp: number): string {
  return dateTime.format(toDate(timestamp));
}

/** "3 minutes ago", "yesterday", … relative to `now`. */
export function formatRelative(timestamp: number, now = Date.now()): string {
  const seconds = Math.round((toDate(timestamp).getTime() - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ['minute', 60],
    ['hour', 3600],
    ['day', 86400],
    ['week', 604800],
    ['month', 2629800],
    ['year', 31557600],
  ];
  let chosen = steps[0]!;
  for (const step of steps) if (abs >= step[1]) chosen = step;
  return relative.format(Math.round(seconds / chosen[1]), chosen[0]);
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * One line about a job's progress (or its outcome), from the loosely typed `progress` and
 * `summary` objects: `{ phase, filesDone, filesTotal, bytesDone, bytesTotal, current }`.
 */
export function describeJobProgress(job: {
  state: string;
  progress: Record<string, unknown> | null;
  summary: Record<string, unknown> | null;
  error: string | null;
}): { text: string; fraction: number | null } {
  if (job.state === 'failed' && job.error) return { text: job.error, fraction: null };
  const p = job.progress;
  if (job.state !== 'done' && p) {
    const parts: string[] = [];
    if (typeof p.phase === 'string' && p.phase) parts.push(p.phase);
    const filesDone = num(p.filesDone);
    const filesTotal = num(p.filesTotal);
    const bytesDone = num(p.bytesDone);
    const bytesTotal = num(p.bytesTotal);
    if (filesDone !== null) {
      parts.push(
        filesTotal !== null
          ? `${integer.format(filesDone)} of ${formatCount(filesTotal, 'file')}`
          : formatCount(filesDone, 'file'),
      );
    }
    if (bytesDone !== null && (bytesDone > 0 || (bytesTotal ?? 0) > 0)) {
      parts.push(
        bytesTotal !== null
          ? `${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}`
          : formatBytes(bytesDone),
      );
    }
    let fraction: number | null = null;
    if (bytesTotal && bytesDone !== null) fraction = bytesDone / bytesTotal;
    else if (filesTotal && filesDone !== null) fraction = filesDone / filesTotal;
    if (fraction !== null) fraction = Math.min(1, Math.max(0, fraction));
    if (parts.length > 0) return { text: parts.join(' · '), fraction };
  }
  const s = job.summary;
  if (s) {
    const parts = Object.entries(s)
      .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
      .slice(0, 4)
      .map(
        ([k, v]) => `${humanizeKey(k)}: ${typeof v === 'number' ? integer.format(v) : String(v)}`,
      );
    if (parts.length > 0)
      return { text: parts.join(' · '), fraction: job.state === 'done' ? 1 : null };
  }
  const fallback: Record<string, string> = {
    queued: 'Waiting to start',
    running: 'Starting…',
    paused: 'Paused',
    done: 'Finished',
    failed: 'Failed',
    cancelled: 'Cancelled',
  };
  return { text: fallback[job.state] ?? job.state, fraction: null };
}

/** "filesAdded" → "files added". */
export function humanizeKey(key: string): string {
  return key
    .replace(/[_-]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
}
