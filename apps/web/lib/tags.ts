/**
 * The tags a file shows (badges in the list, the grid and the details), derived from the file's
 * tags as the server lists them, restores included. Pure: the components only render what this
 * returns.
 */
import type { FileRestoreTag } from '@glacier/server/api';
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

/** The latest restore of the file's content from one destination, as the server lists it. */
export type RestoreTag = FileRestoreTag;

/**
 * The badges of a file, most urgent first: missing, moved, modified (or "modified since
 * archived" when the verified copies hold the old content), unread, problem; then one restore
 * badge per destination (with the time left before a restored copy expires); then what is done:
 * summarised (on a contact sheet), and one "archived" badge per destination that holds a
 * verified copy.
 */
export function fileBadges(
  file: Pick<FileView, 'tags' | 'problem'>,
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
  for (const restore of t.restores ?? []) {
    const badge = restoreTag(restore, now);
    if (badge) tags.push(badge);
  }
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
 * A restore's badge, named by its destination as the archived ones are: "restore requested:
 * DEST", "restoring: DEST", "restored: DEST · 2 days 3 h left", "restore expired: DEST",
 * "restore failed: DEST", "downloaded: DEST". A restored copy whose expiry has passed
 * reads as expired even before the server has noticed. A skipped item shows nothing.
 */
export function restoreTag(restore: RestoreTag, now: number = Date.now()): TagBadge | null {
  const from = restore.destination;
  const until = restore.expiresAt;
  switch (restore.state) {
    case 'pending':
    case 'requested':
      return {
        key: `restore-${from}`,
        label: `restore requested: ${from}`,
        tone: 'info',
        title: `Restore from ${from} requested`,
      };
    case 'in-progress':
      return {
        key: `restore-${from}`,
        label: `restoring: ${from}`,
        tone: 'info',
        title: `Being restored from ${from}: not readable yet`,
      };
    case 'available':
      if (until !== null && until <= now) return expired(from, until);
      return {
        key: `restore-${from}`,
        label:
          until === null
            ? `restored: ${from}`
            : `restored: ${from} · ${formatEta((until - now) / 1000)} left`,
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
        key: `restore-${from}`,
        label: `downloaded: ${from}`,
        tone: 'ok',
        title: `Restored from ${from} and downloaded`,
      };
    case 'failed':
      return {
        key: `restore-${from}`,
        label: `restore failed: ${from}`,
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
    key: `restore-${from}`,
    label: `restore expired: ${from}`,
    tone: 'muted',
    title:
      until === null
        ? `The restored copy in ${from} has expired: restore again to read it`
        : `The restored copy in ${from} expired ${formatDateTime(until)}: restore again to read it`,
  };
}
