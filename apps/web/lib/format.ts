/** Human-readable numbers for the UI. Sizes use decimal units (1 GB = 10^9 bytes), as disks do. */

import type {
  ArchiveSummary,
  Loose,
  RestoreSummary,
  SavedProgress,
  ScanSummary,
  SummariseSummary,
} from './api';

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
  progress: Loose<SavedProgress> | null;
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

const wallClock = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
});
const wallDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });

const CAPTURE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * A capture time as the camera's clock showed it. The server sends ISO text, with a zone when
 * the file has one (`2024-02-03T07:05:38Z`, `…+02:00`) and without when the camera wrote only
 * its wall clock (`2011-01-13T14:33:39`): either way the wall time written is what is shown,
 * never converted to the browser's zone; `zone` says which zone that was, if known.
 */
export function parseCapturedAt(
  value: string,
): { date: Date; hasTime: boolean; zone: string | null } | null {
  const m = CAPTURE_PATTERN.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, zone] = m;
  const date = new Date(
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)),
  );
  if (Number.isNaN(date.getTime())) return null;
  return {
    date,
    hasTime: h !== undefined,
    zone: zone === undefined ? null : zone === 'Z' ? 'UTC' : `UTC${zone}`,
  };
}

/** "Jan 13, 2011, 2:33 PM" (the wall clock of the camera); the raw text if it is not ISO. */
export function formatCapturedAt(value: string | null, withZone = false): string {
  if (!value) return '—';
  const parsed = parseCapturedAt(value);
  if (!parsed) return value;
  const text = (parsed.hasTime ? wallClock : wallDate).format(parsed.date);
  return withZone && parsed.zone ? `${text} (${parsed.zone})` : text;
}

/** "Apple iPhone 4"; a model that already names its maker ("Canon EOS R6") is kept as is. */
export function formatCamera(make: string | null, model: string | null): string | null {
  const mk = make?.trim() ?? '';
  const md = model?.trim() ?? '';
  if (!mk && !md) return null;
  if (!mk) return md;
  if (!md) return mk;
  const firstWord = mk.split(/\s+/)[0]!.toLowerCase();
  return md.toLowerCase().startsWith(firstWord) ? md : `${mk} ${md}`;
}

/** "1:05", "1:02:03", or "0.9 s" for clips under ten seconds. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${seconds.toFixed(seconds < 1 ? 2 : 1)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${h > 0 ? String(m).padStart(2, '0') : m}:${String(s).padStart(2, '0')}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}

const ORIENTATIONS: Record<number, string> = {
  1: 'normal',
  2: 'mirrored',
  3: 'rotated 180°',
  4: 'mirrored, rotated 180°',
  5: 'mirrored, rotated 90° clockwise',
  6: 'rotated 90° clockwise',
  7: 'mirrored, rotated 90° counter-clockwise',
  8: 'rotated 90° counter-clockwise',
};

/** EXIF orientation 1..8 in words. */
export function describeOrientation(orientation: number | null): string | null {
  return orientation === null ? null : (ORIENTATIONS[orientation] ?? `orientation ${orientation}`);
}

/**
 * "1296 × 968" or, when the orientation turns the picture a quarter, "1920 × 1080 stored,
 * shown 1080 × 1920 (rotated 90° clockwise)".
 */
export function formatDimensions(
  width: number | null,
  height: number | null,
  orientation: number | null,
): string | null {
  if (width === null || height === null) return null;
  const stored = `${integer.format(width)} × ${integer.format(height)}`;
  const turn = describeOrientation(orientation);
  if (orientation !== null && orientation >= 5 && orientation <= 8) {
    return `${stored} stored, shown ${integer.format(height)} × ${integer.format(width)} (${turn})`;
  }
  return turn && orientation !== 1 ? `${stored} (${turn})` : stored;
}

/** 41.853°N 12.489°E */
export function formatGps(lat: number | null, lon: number | null): string | null {
  if (lat === null || lon === null) return null;
  const ns = lat >= 0 ? 'N' : 'S';
  const ew = lon >= 0 ? 'E' : 'W';
  return `${Math.abs(lat).toFixed(5)}° ${ns}, ${Math.abs(lon).toFixed(5)}° ${ew}`;
}

/** 1,234,567 bytes, exact, for the details panel beside the rounded size. */
export function formatExactBytes(bytes: number): string {
  return `${integer.format(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
}

const SCAN_COUNTS: [key: keyof ScanSummary, singular: string, plural?: string][] = [
  ['added', 'added'],
  ['changed', 'changed'],
  ['reappeared', 'reappeared'],
  ['moved', 'moved'],
  ['missing', 'missing'],
  ['hashed', 'read'],
  ['skipped', 'skipped'],
  ['unreadable', 'unreadable'],
  ['unreadableFolders', 'unreadable folder', 'unreadable folders'],
];

/** "3 files · 2.51 MB · 2 folders · 3 added · 3 read" from a scan job's summary. */
export function describeScanSummary(summary: Loose<ScanSummary>): string | null {
  const files = num(summary.files);
  if (files === null) return null;
  const parts = [formatCount(files, 'file')];
  const bytes = num(summary.bytes);
  if (bytes !== null) parts.push(formatBytes(bytes));
  const folders = num(summary.folders);
  if (folders !== null) parts.push(formatCount(folders, 'folder'));
  for (const [key, singular, plural = singular] of SCAN_COUNTS) {
    const n = num(summary[key]);
    if (n) parts.push(`${integer.format(n)} ${n === 1 ? singular : plural}`);
  }
  return parts.join(' · ');
}

/** "1.25 MB/s" (decimal units, as the sizes); "—" when nothing moves yet. */
export function formatRate(bytesPerSecond: number | null | undefined): string {
  if (bytesPerSecond === null || bytesPerSecond === undefined) return '—';
  if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return '—';
  return `${formatBytes(bytesPerSecond)}/s`;
}

/**
 * The time left, rounded as a person says it: "under a minute", "4 min", "1 h 20 min",
 * "2 days 3 h". Null or unknown → "—".
 */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0)
    return '—';
  if (seconds < 5) return 'a few seconds';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) {
    const rest = minutes % 60;
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  const days = Math.floor(hours / 24);
  const restHours = hours % 24;
  return restHours ? `${days} days ${restHours} h` : `${days} days`;
}

/**
 * Money as a quote shows it: cents for ordinary sums, more digits for the fractions of a cent
 * that small archives cost ("$0.0042"), so a tiny cost never reads as "$0.00".
 */
export function formatMoney(amount: number, currency = 'USD'): string {
  if (!Number.isFinite(amount)) return '—';
  const abs = Math.abs(amount);
  if (abs > 0 && abs < 0.0001) return `< ${formatMoney(0.0001, currency)}`;
  const digits = abs === 0 || abs >= 1 ? 2 : abs >= 0.01 ? 3 : 4;
  try {
    return new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: digits,
    }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency}`;
  }
}

/** 0.374 → "37 %"; a fraction just short of one is still 99 %, never a premature 100 %. */
export function formatPercent(fraction: number): string {
  const clamped = Math.min(1, Math.max(0, fraction));
  return `${clamped >= 1 ? 100 : Math.min(99, Math.floor(clamped * 100))} %`;
}

/** "3 files archived · 3.4 MB sent · 2 already there · 1 failed" from an archive job's summary. */
export function describeArchiveSummary(summary: Loose<ArchiveSummary>): string | null {
  const archived = num(summary.archived);
  if (archived === null) return null;
  const parts = [`${formatCount(archived, 'file')} archived`];
  const sent = num(summary.bytesSent);
  if (sent !== null) parts.push(`${formatBytes(sent)} sent`);
  const already = num(summary.alreadyArchived);
  if (already) parts.push(`${integer.format(already)} already there`);
  const unread = num(summary.unread);
  if (unread) parts.push(`${integer.format(unread)} not read yet`);
  const failed = num(summary.failedFiles);
  if (failed) parts.push(`${integer.format(failed)} failed`);
  const sheets = num(summary.sheets);
  if (sheets) parts.push(formatCount(sheets, 'sheet'));
  if (typeof summary.catalogSnapshot === 'string') parts.push('catalog copied');
  return parts.join(' · ');
}

/** "2 folders · 14 tiles · 1 sheet written" from a summarise job's summary. */
export function describeSummariseSummary(summary: Loose<SummariseSummary>): string | null {
  const tiles = num(summary.tiles);
  if (tiles === null) return null;
  const parts: string[] = [];
  const folders = num(summary.folders);
  if (folders !== null) parts.push(formatCount(folders, 'folder'));
  parts.push(formatCount(tiles, 'tile'));
  const written = num(summary.sheetsWritten);
  if (written !== null) parts.push(`${formatCount(written, 'sheet')} written`);
  const kept = num(summary.sheetsUnchanged);
  if (kept) parts.push(`${integer.format(kept)} unchanged`);
  const placeholders = num(summary.placeholders);
  if (placeholders)
    parts.push(`${integer.format(placeholders)} placeholder${placeholders === 1 ? '' : 's'}`);
  return parts.join(' · ');
}

/**
 * A restore job's outcome from its summary: "3 files (4.20 MB) verified in /restore/trip · 1
 * failed", or, when nothing was downloaded (a restore that only thaws), "3 files ready to
 * download until 12 Dec 2026, 09:00". Counts that are zero are left out.
 */
export function describeRestoreSummary(summary: Loose<RestoreSummary>): string | null {
  const objects = num(summary.objects);
  if (objects === null) return null;
  if (objects === 0) return 'Nothing to restore';
  const target = typeof summary.target === 'string' ? summary.target : null;
  const count = (key: keyof RestoreSummary) => num(summary[key]) ?? 0;
  const parts: string[] = [];
  if (target !== null) {
    const files = formatCount(count('downloaded'), 'file');
    parts.push(`${files} (${formatBytes(count('bytesDownloaded'))}) verified in ${target}`);
    if (count('available')) parts.push(`${integer.format(count('available'))} ready to download`);
  } else {
    const until = num(summary.availableUntil);
    const ready = `${formatCount(count('available'), 'file')} ready to download`;
    parts.push(until === null ? ready : `${ready} until ${formatDateTime(until)}`);
  }
  const unverified = count('unverified');
  if (unverified) parts.push(`${integer.format(unverified)} checked by size only`);
  if (count('skipped')) parts.push(`${integer.format(count('skipped'))} already there`);
  if (count('expired')) parts.push(`${integer.format(count('expired'))} expired`);
  if (count('notArchived')) parts.push(`${integer.format(count('notArchived'))} not archived`);
  if (count('failed')) parts.push(`${integer.format(count('failed'))} failed`);
  return parts.join(' · ');
}
