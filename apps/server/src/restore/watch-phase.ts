/**
 * Watching restores that take hours: each waiting object is checked on its own back-off
 * schedule (settings.ts), and its state kept in the catalog, so a restarted job carries on
 * checking (never requesting again) where the last run stopped.
 *
 * Where S3 reports restore status in listings (ListObjectsV2 with
 * OptionalObjectAttributes=RestoreStatus) one listing of the common prefix answers for many
 * objects at once; servers that ignore the attribute (moto, several S3-compatible services)
 * are noticed on the first try and asked per object with HEAD.
 */
import { CancelledError } from '../errors.js';
import type { RestoreState } from '../storage/destination.js';
import { forEachLimited } from '../util/concurrency.js';
import { expired, restoreVanished } from './messages.js';
import { fromRestore, objectState, type ObjectState } from './object-state.js';
import { byKey, failItems, reasonOf, rethrowIfStopped, settleKey, type Run } from './run.js';
import { nextCheckDelay } from './settings.js';
import { dueItems, type RestoreItemRow } from './store.js';

const WAITING = ['requested', 'in-progress'] as const;
/** Below this many due objects, HEADs cost less than listing their prefix. */
const BULK_MIN = 20;

export interface WatchMemory {
  /** Set once a listing came back without restore status: HEAD from then on. */
  listingLacksStatus?: boolean;
}

export async function checkDue(run: Run, memory: WatchMemory): Promise<void> {
  const groups = byKey(dueItems(run.catalog, run.job.job.id, Date.now()));
  const listed = await listedStates(run, [...groups.keys()], memory);
  await forEachLimited(
    [...groups.entries()],
    run.settings.requestConcurrency,
    run.job.signal,
    async ([key, items]) => {
      try {
        const state = listed.get(key) ?? (await headState(run, key));
        settle(run, key, items, state);
      } catch (error) {
        rethrowIfStopped(run, error);
        failItems(run, items, reasonOf(error));
      }
    },
  );
}

async function headState(run: Run, key: string): Promise<ObjectState | null> {
  const info = await run.destination.head(key);
  return info ? objectState(info) : null;
}

function settle(run: Run, key: string, items: RestoreItemRow[], state: ObjectState | null): void {
  if (state === null) {
    failItems(run, items, `no object at ${key} in "${run.row.name}" any more`);
    return;
  }
  if (state.state === 'readable') {
    settleKey(run, key, WAITING, { state: 'available', expiresAt: state.until, nextCheckAt: null });
    return;
  }
  if (state.state === 'cold') {
    // Requested, and now neither running nor restored: it expired between two checks, or
    // S3 lost the request. Offered to the user again rather than paid for again silently.
    const what = items[0]!.relPath;
    const reason =
      state.expiredAt === undefined ? restoreVanished(what) : expired(what, state.expiredAt);
    failItems(run, items, reason, 'expired');
    return;
  }
  const checks = (items[0]?.checks ?? 0) + 1;
  settleKey(run, key, WAITING, {
    state: 'in-progress',
    checks,
    nextCheckAt: Date.now() + nextCheckDelay(checks, run.settings.schedule),
  });
}

/** Restore states from one listing of the keys' common folder, when the server gives them. */
async function listedStates(
  run: Run,
  keys: string[],
  memory: WatchMemory,
): Promise<Map<string, ObjectState>> {
  const states = new Map<string, ObjectState>();
  const prefix = commonFolder(keys);
  if (memory.listingLacksStatus || keys.length < BULK_MIN || prefix === '') return states;
  const wanted = new Set(keys);
  const found = new Map<string, RestoreState>();
  let seen = 0;
  for await (const entry of run.destination.list(prefix, { restoreStatus: true })) {
    if (run.job.signal.aborted) throw new CancelledError('stopped');
    if (!wanted.has(entry.key)) continue;
    seen += 1;
    if (entry.restore) found.set(entry.key, entry.restore);
  }
  if (seen > 0 && found.size === 0) memory.listingLacksStatus = true;
  for (const [key, restore] of found) states.set(key, fromRestore(restore));
  return states;
}

/** "a/b/" for ["a/b/c", "a/b/d/e"]; "" when the keys share no folder. */
export function commonFolder(keys: readonly string[]): string {
  if (keys.length === 0) return '';
  let prefix = keys[0]!;
  for (const key of keys) {
    while (!key.startsWith(prefix)) prefix = prefix.slice(0, -1);
  }
  return prefix.slice(0, prefix.lastIndexOf('/') + 1);
}
