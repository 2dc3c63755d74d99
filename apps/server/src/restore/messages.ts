/**
 * What a user reads about an object that is not readable yet: how long its restore takes and
 * when to expect it, never a stack trace.
 */
import { expectedWait } from '../cost/restore-quote.js';
import type { RestoreTier } from '../storage/destination.js';

export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "Bulk from DEEP_ARCHIVE takes within 48 hours". */
export function waitText(storageClass: string, tier: RestoreTier): string {
  const wait = expectedWait(storageClass, tier);
  return wait
    ? `${tier} from ${storageClass} takes ${wait.text}`
    : `${storageClass} has no ${tier} tier`;
}

/** When a restore requested at `requestedAt` should be done, at the slow end of AWS's range. */
export function expectedBy(
  storageClass: string,
  tier: RestoreTier,
  requestedAt: number | null,
): number | undefined {
  const wait = expectedWait(storageClass, tier);
  return wait && requestedAt !== null ? requestedAt + wait.maxMinutes * 60_000 : undefined;
}

export function stillRestoring(
  what: string,
  storageClass: string,
  tier: RestoreTier | undefined,
  requestedAt: number | null,
): string {
  if (!tier) {
    return `${what} is still being restored from ${storageClass} (Expedited takes 1–5 minutes, Standard 3–5 hours or 12 for Deep Archive, Bulk 5–12 hours or 48 for Deep Archive): try again later`;
  }
  const by = expectedBy(storageClass, tier, requestedAt);
  const when =
    requestedAt === null
      ? ''
      : `; requested ${formatUtc(requestedAt)}${by ? `, expected by ${formatUtc(by)}` : ''}`;
  return `${what} is still being restored (${waitText(storageClass, tier)}${when}): try again later, or wait for it`;
}

export function notRestored(what: string, storageClass: string): string {
  const deep = storageClass === 'DEEP_ARCHIVE';
  return (
    `${what} is in ${storageClass} and not restored: restore it first ` +
    `(${deep ? 'Standard within 12 hours, Bulk within 48 hours' : 'Expedited 1–5 minutes, Standard 3–5 hours, Bulk 5–12 hours'})`
  );
}

/** A restore requested, then neither running nor done at the next check. */
export function restoreVanished(what: string): string {
  return `${what}: S3 no longer reports its restore (the request was lost, or the restored copy expired between two checks); restore it again`;
}

export function expired(what: string, expiresAt: number | null): string {
  const when = expiresAt === null ? '' : ` (it was available until ${formatUtc(expiresAt)})`;
  return `${what} is cold again: the restored copy expired before it was downloaded${when}; restore it again`;
}
