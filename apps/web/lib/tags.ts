/**
 * The tags a file shows (badges in the list, the grid and the details), derived from the file's
 * catalog tags and, where the caller knows it, the state of its latest restore. Pure: the
 * components only render what this returns.
 */
import type { RestoreItemView } from '@glacier/server/api';
import type { FileView } from './api';
import { formatDateTime, formatEta } from './format';

export interface TagBadge {
  /** Stable name, rendered as `data-tag` (e2e tests and filters find badges by it). */
  key: string;
  label: string;
  /** Colour class: danger, warn, info, muted, ok. */
  tone: string;
  /** The tooltip: the label in a sentence. */
  title: string;
}

/** What a file's restore says about it: one item of a restore job, from where it was asked. */
export interface RestoreTag {
  state: RestoreItemView['state'];
  expiresAt: RestoreItemView['expiresAt'];
  destination: string;
  reason?: string | null;
}

/**
 * The badges of a file, most urgent first: missing, moved, modified (or "modified since
 * archived" when the verified copies hold the old content), unread, problem; then the restore
 * state (with the time left before a restored copy expires); then what is done: summarised (on a
 * contact sheet), and one "archived" badge per destination that holds a verified copy.
 */
export function fileBadges(
  file: Pick<FileView, 'tags' | 'problem'>,
  restore: RestoreTag | null = null,
  now: number = Date.now(),
): TagBadge[] {
  const tags: TagBadge[] = [];
  const t = file.tags;
  if (t.missing)
    tags.push({ key: 'missing', label: 'missing', tone: 'danger', title: 'No longer on disk' });
  if (t.moved)
    tags.push({ key: 'moved', label: 'moved', tone: 'info', title: 'Moved elsewhere in the root' });
  if (t.modified) {
    tags.push(
      t.archived.length > 0
        ? {
            key: 'modified',
            label: 'modified since archived',
            tone: 'warn',
            title: `Changed on disk since it was archived: the copies in ${t.archived.join(', ')} hold the earlier content`,
          }
        : {
            key: 'modified',
            label: 'modified',
            tone: 'warn',
            title: 'Changed on disk since the last scan',
          },
    );
  }
  if (t.unread)
    tags.push({ key: 'unread', label: 'unread', tone: 'muted', title: 'Content not read yet' });
  if (file.problem)
    tags.push({ key: 'problem', label: 'problem', tone: 'danger', title: file.problem });
  const restoreBadge = restore ? restoreTag(restore, now) : null;
  if (restoreBadge) tags.push(restoreBadge);
  if (t.summarised) {
    tags.push({
      key: 'summarised',
      label: 'summarised',
      tone: 'info',
      title: 'On a contact sheet of its folder',
    });
  }
  for (const dest of t.archived) {
    tags.push({
      key: `archived-${dest}`,
      label: `archived: ${dest}`,
      tone: 'ok',
      title: `Verified copy in ${dest}`,
    });
  }
  return tags;
}

/**
 * A restore's badge: "restore requested", "restoring", "restored · 2 days 3 h left",
 * "restore expired", "restore failed", "downloaded". A restored copy whose expiry has passed
 * reads as expired even before the server has noticed. A skipped item shows nothing.
 */
export function restoreTag(restore: RestoreTag, now: number = Date.now()): TagBadge | null {
  const from = restore.destination;
  const until = restore.expiresAt;
  switch (restore.state) {
    case 'pending':
    case 'requested':
      return {
        key: 'restore',
        label: 'restore requested',
        tone: 'info',
        title: `Restore from ${from} requested`,
      };
    case 'in-progress':
      return {
        key: 'restore',
        label: 'restoring',
        tone: 'info',
        title: `Being restored from ${from}: readable in a few hours`,
      };
    case 'available':
      if (until !== null && until <= now) return expired(from, until);
      return {
        key: 'restore',
        label: until === null ? 'restored' : `restored · ${formatEta((until - now) / 1000)} left`,
        tone: 'ok',
        title:
          until === null
            ? `Restored copy readable in ${from}`
            : `Restored copy readable in ${from} until ${formatDateTime(until)}`,
      };
    case 'expired':
      return expired(from, until);
    case 'downloaded':
      return {
        key: 'restore',
        label: 'downloaded',
        tone: 'ok',
        title: `Restored from ${from} and downloaded`,
      };
    case 'failed':
      return {
        key: 'restore',
        label: 'restore failed',
        tone: 'danger',
        title: restore.reason
          ? `Restore from ${from} failed: ${restore.reason}`
          : `Restore from ${from} failed`,
      };
    case 'skipped':
      return null;
  }
}

function expired(from: string, until: number | null): TagBadge {
  return {
    key: 'restore',
    label: 'restore expired',
    tone: 'muted',
    title:
      until === null
        ? `The restored copy in ${from} has expired: restore again to read it`
        : `The restored copy in ${from} expired ${formatDateTime(until)}: restore again to read it`,
  };
}
