/**
 * The first step for each planned object: is there anything to do, and if so, ask S3.
 *
 * Skipped without a request: an identical file already at the target; objects readable as
 * they are (folder destinations, STANDARD, STANDARD_IA, GLACIER_IR); objects already restored
 * (their expiry is recorded); objects whose restore is already running (S3's 409
 * RestoreAlreadyInProgress is that answer, not an error). A HEAD comes first: it is cheap
 * (a GET request's price) next to a restore request, and it gives the object's own SHA-256
 * and mtime metadata for objects the catalog does not know.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { hashStream } from '../storage/hashing.js';
import type { ObjectInfo } from '../storage/destination.js';
import { forEachLimited } from '../util/concurrency.js';
import { expectedSha256 } from './download.js';
import { expired, notRestored } from './messages.js';
import { objectState } from './object-state.js';
import {
  byKey,
  failItems,
  mayOverwrite,
  reasonOf,
  rethrowIfStopped,
  settleKey,
  type Run,
} from './run.js';
import { nextCheckDelay } from './settings.js';
import { itemsOf, latestItemForKey, updateItem, type RestoreItemRow } from './store.js';

const PENDING = ['pending'] as const;

export async function requestPending(run: Run): Promise<void> {
  const groups = [...byKey(itemsOf(run.catalog, run.job.job.id, PENDING)).entries()];
  let done = 0;
  await forEachLimited(groups, run.settings.requestConcurrency, run.job.signal, async (group) => {
    const [key, items] = group;
    try {
      await requestOne(run, key, items);
    } catch (error) {
      rethrowIfStopped(run, error);
      failItems(run, items, reasonOf(error));
    }
    done += 1;
    run.job.report.progress({
      phase: run.params.request ? 'requesting restores' : 'checking objects',
      filesDone: done,
      filesTotal: groups.length,
      bytesDone: 0,
      bytesTotal: null,
      current: key,
    });
  });
}

async function requestOne(run: Run, key: string, items: RestoreItemRow[]): Promise<void> {
  const open = await withoutFilesInPlace(run, items);
  if (open.length === 0) return;
  const info = await run.destination.head(key);
  if (!info) {
    failItems(run, open, `no object at ${key} in "${run.row.name}" any more`);
    return;
  }
  const mismatch = replacedSinceArchived(open, info);
  if (mismatch) {
    failItems(run, open, mismatch);
    return;
  }
  recordObjectFacts(run, open, info);
  await decide(run, key, open, info);
}

/**
 * Items whose target already holds the same content are done before anything is asked of
 * S3 (no restore is paid for a file that is there); a different file at the target, not to
 * be overwritten, fails the item now rather than after a restore.
 */
async function withoutFilesInPlace(run: Run, items: RestoreItemRow[]): Promise<RestoreItemRow[]> {
  const open: RestoreItemRow[] = [];
  for (const item of items) {
    const size = item.targetPath ? await fileSize(item.targetPath) : undefined;
    if (size === undefined || mayOverwrite(run)) {
      open.push(item);
    } else if (
      size === item.size &&
      item.sha256 &&
      (await hashOf(item.targetPath!)) === item.sha256
    ) {
      updateItem(run.catalog, item.id, { state: 'skipped', reason: 'already there, identical' });
    } else if (item.sha256 === null) {
      // Its hash comes with the HEAD: decided at download time.
      open.push(item);
    } else {
      failItems(
        run,
        [item],
        `a different file is already at ${item.targetPath}: not overwritten (ask to overwrite it)`,
      );
    }
  }
  return open;
}

/** The catalog's copy was verified at this size and hash; another object now has the key. */
function replacedSinceArchived(items: RestoreItemRow[], info: ObjectInfo): string | undefined {
  const known = items.find((i) => i.fileId !== null && i.sha256 !== null);
  if (!known) return undefined;
  const replaced =
    info.size !== known.size || (info.sha256 !== undefined && info.sha256 !== known.sha256);
  return replaced
    ? `the object at ${info.key} was replaced since it was archived (size or SHA-256 differ): restore it by key to get it as it is now`
    : undefined;
}

function recordObjectFacts(run: Run, items: RestoreItemRow[], info: ObjectInfo): void {
  for (const item of items) {
    const sha256 = item.sha256 ?? expectedSha256({ sha256: null, info }) ?? null;
    const mtimeMs = item.mtimeMs ?? info.mtimeMs ?? info.lastModified?.getTime() ?? null;
    updateItem(run.catalog, item.id, { sha256, mtimeMs, storageClass: info.storageClass });
    item.sha256 = sha256;
    item.storageClass = info.storageClass;
  }
}

async function decide(
  run: Run,
  key: string,
  items: RestoreItemRow[],
  info: ObjectInfo,
): Promise<void> {
  const now = Date.now();
  const state = objectState(info, now);
  if (state.state === 'readable' && !shortOfDays(run, state.until, now)) {
    settleKey(run, key, PENDING, { state: 'available', expiresAt: state.until, reason: null });
    return;
  }
  if (state.state === 'in-progress') {
    // Someone else's request (another job, another tool): not counted as this job's.
    settleKey(run, key, PENDING, waiting(run, 'in-progress', null));
    return;
  }
  if (state.state === 'readable') {
    // Restored earlier, but not for as long as asked: a new request moves the expiry (S3 bills
    // it as a GET, no new retrieval).
    await requestRestore(run, key, items, info);
    return;
  }
  if (!run.params.request) {
    const previous = latestItemForKey(run.catalog, run.row.id, key, ['available', 'downloaded']);
    const what = items[0]!.relPath;
    if (previous || state.expiredAt !== undefined) {
      failItems(
        run,
        items,
        expired(what, state.expiredAt ?? previous?.expiresAt ?? null),
        'expired',
      );
    } else {
      failItems(run, items, notRestored(what, info.storageClass));
    }
    return;
  }
  await requestRestore(run, key, items, info);
}

async function requestRestore(
  run: Run,
  key: string,
  items: RestoreItemRow[],
  info: ObjectInfo,
): Promise<void> {
  const { tier, days } = run.params;
  if (tier === 'Expedited' && info.storageClass === 'DEEP_ARCHIVE') {
    failItems(run, items, 'Deep Archive has no Expedited tier: restore it with standard or bulk');
    return;
  }
  const result = await run.destination.requestRestore(key, { days, tier });
  const now = Date.now();
  if (result === 'requested' || result === 'in-progress') {
    settleKey(run, key, PENDING, waiting(run, result, now));
    return;
  }
  if (result === 'not-needed') {
    settleKey(run, key, PENDING, { state: 'available', expiresAt: null, reason: null });
    return;
  }
  // Already restored: S3 moved its expiry. A second HEAD says to when (or that it still runs:
  // moto answers a repeated request with 200 even while the first one runs).
  const again = await run.destination.head(key);
  const state = again ? objectState(again) : ({ state: 'in-progress' } as const);
  settleKey(
    run,
    key,
    PENDING,
    state.state === 'readable'
      ? { state: 'available', expiresAt: state.until, requestedAt: now, reason: null }
      : waiting(run, 'in-progress', now),
  );
}

/** A restored copy that expires more than a day before the days this restore asked for. */
function shortOfDays(run: Run, until: number | null, now: number): boolean {
  if (until === null || !run.params.request) return false;
  return until < now + (run.params.days - 1) * 86_400_000;
}

function waiting(run: Run, state: 'requested' | 'in-progress', requestedAt: number | null) {
  return {
    state,
    requestedAt,
    checks: 0,
    nextCheckAt: Date.now() + nextCheckDelay(0, run.settings.schedule),
    reason: null,
  };
}

async function fileSize(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).size;
  } catch {
    return undefined;
  }
}

async function hashOf(file: string): Promise<string> {
  return (await hashStream(createReadStream(file))).sha256;
}
