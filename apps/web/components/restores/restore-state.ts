/** What the UI reads out of a restore (GET /api/restores): its title, where it stands, its counts. */
import type { RestoreItemState, RestoreItemView, RestoreView } from '../../lib/api-status';

/** "Restore of photos/Trip from offsite", "Download of 3 files from offsite". */
export function restoreTitle(r: Pick<RestoreView, 'kind' | 'scope' | 'destination'>): string {
  return `${r.kind === 'restore' ? 'Restore' : 'Download'} of ${r.scope} from ${r.destination}`;
}

export interface RestoreCounts {
  /** Planned, requested or thawing: not readable yet. */
  waiting: number;
  /** Readable now (restored, or never cold), not downloaded. */
  ready: number;
  /** Verified on disk, or nothing to do (already there). */
  done: number;
  expired: number;
  failed: number;
}

export function restoreCounts(r: Pick<RestoreView, 'counts'>): RestoreCounts {
  const n = (state: RestoreItemState) => r.counts[state] ?? 0;
  return {
    waiting: n('pending') + n('requested') + n('in-progress'),
    ready: n('available'),
    done: n('downloaded') + n('skipped'),
    expired: n('expired'),
    failed: n('failed'),
  };
}

export type RestoreStatus =
  | 'queued'
  | 'waiting'
  | 'downloading'
  | 'ready'
  | 'done'
  | 'paused'
  | 'failed'
  | 'cancelled'
  | 'expired';

/** The one word a restore's badge shows, from its job's state and its objects' states. */
export function restoreStatus(r: RestoreView): RestoreStatus {
  const c = restoreCounts(r);
  switch (r.jobState) {
    case 'queued':
      return 'queued';
    case 'paused':
      return 'paused';
    case 'cancelled':
      return 'cancelled';
    case 'failed':
      return 'failed';
    case 'running':
      return c.waiting > 0 && c.ready === 0 ? 'waiting' : 'downloading';
    case 'done':
      if (c.ready > 0) return 'ready';
      if (c.expired > 0 && c.done === 0) return 'expired';
      return c.failed > 0 && c.done === 0 ? 'failed' : 'done';
  }
}

export const STATUS_BADGE: Record<RestoreStatus, string> = {
  queued: 'info',
  waiting: 'warn',
  downloading: 'accent',
  ready: 'ok',
  done: 'ok',
  paused: 'warn',
  failed: 'danger',
  cancelled: 'muted',
  expired: 'muted',
};

/** Item states in words, in the order an object goes through them. */
export const ITEM_STATES: { state: RestoreItemState; label: string; badge: string }[] = [
  { state: 'pending', label: 'planned', badge: 'muted' },
  { state: 'requested', label: 'requested', badge: 'info' },
  { state: 'in-progress', label: 'restoring', badge: 'warn' },
  { state: 'available', label: 'ready', badge: 'ok' },
  { state: 'downloaded', label: 'downloaded', badge: 'ok' },
  { state: 'skipped', label: 'already there', badge: 'muted' },
  { state: 'expired', label: 'expired', badge: 'muted' },
  { state: 'failed', label: 'failed', badge: 'danger' },
];

export const itemStateLabel = (state: RestoreItemState) =>
  ITEM_STATES.find((s) => s.state === state)?.label ?? state;

/**
 * Whether the browser can fetch the object now: it is readable (restored and not expired, or
 * in a class that never needs a restore) — downloaded objects too, while still readable.
 */
export function canDownload(item: RestoreItemView, now = Date.now()): boolean {
  if (item.state !== 'available' && item.state !== 'downloaded') return false;
  return item.expiresAt === null || item.expiresAt > now;
}
