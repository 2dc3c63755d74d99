/**
 * The core entry points the API and the CLI share: quote a restore, make a restore (or
 * download) job's parameters from what a user typed, and queue it.
 */
import path from 'node:path';
import type { SecretBox } from '../auth/secrets.js';
import { getDestination, openFor, destinationRegion } from '../archive/destinations.js';
import type { Catalog } from '../catalog/catalog.js';
import { fileById } from '../catalog/browse.js';
import { quoteRestore, type RestoreQuote } from '../cost/restore-quote.js';
import { ConflictError, UserInputError } from '../errors.js';
import type { JobRunner } from '../jobs/runner.js';
import { findActiveJob, type JobRow } from '../jobs/store.js';
import { normalizeRelPath } from '../roots/paths.js';
import { getRoot } from '../roots/roots.js';
import type { Destination } from '../storage/destination.js';
import {
  RESTORE_JOB,
  checkWebhook,
  describeScope,
  parseDays,
  parseTier,
  type RestoreParams,
  type RestoreScope,
  type RestoreTarget,
} from './params.js';
import { planRestore, type RestorePlan } from './plan.js';
import { latestItemForKey } from './store.js';
import { checkTarget } from './target.js';

export interface RestoreInput {
  destination: string;
  /** A catalog root, with a file or folder in it (recursive; '' for the whole root)… */
  root?: string;
  path?: string;
  /** …or picked catalog files (tiles of a contact sheet)… */
  fileIds?: number[];
  /** …or an object key or key prefix, for objects the catalog does not know. */
  key?: string;
  tier?: string;
  days?: number;
  /** An absolute download folder on the NAS. */
  to?: string;
  /** Back to each file's original place where the local file is missing. */
  toOriginal?: boolean;
  overwrite?: boolean;
  webhook?: string;
  /** Downloads: wait for restores still running (default: report them and end). */
  wait?: boolean;
}

export interface StoreAccess {
  catalog: Catalog;
  secrets?: SecretBox | undefined;
}

export const DEFAULT_DAYS = 7;

export function restoreScope(catalog: Catalog, input: RestoreInput): RestoreScope {
  const given = [input.root !== undefined, input.fileIds !== undefined, input.key !== undefined];
  if (given.filter(Boolean).length !== 1) {
    throw new UserInputError(
      'say what to restore: a root (with a path in it), catalog file ids, or an object key prefix',
    );
  }
  if (input.fileIds !== undefined) {
    if (input.fileIds.length === 0) throw new UserInputError('no files picked');
    for (const id of input.fileIds) fileById(catalog, id);
    return { kind: 'files', fileIds: [...new Set(input.fileIds)] };
  }
  if (input.key !== undefined) return { kind: 'keys', prefix: input.key.replace(/^\/+/, '') };
  const root = getRoot(catalog, input.root!);
  return {
    kind: 'catalog',
    rootId: root.id,
    root: root.label,
    path: normalizeRelPath(input.path ?? ''),
  };
}

export function restoreTarget(input: RestoreInput): RestoreTarget {
  if (input.to !== undefined && input.toOriginal) {
    throw new UserInputError('choose a download folder or the original places, not both');
  }
  if (input.toOriginal) return { kind: 'original' };
  if (input.to === undefined) return { kind: 'none' };
  if (!path.isAbsolute(input.to)) {
    throw new UserInputError(`the download folder must be an absolute path, not "${input.to}"`);
  }
  return { kind: 'folder', dir: path.resolve(input.to) };
}

/**
 * Checks everything a job would trip over later (scope, tier, days, target, webhook) and plans
 * it once, so a mistake is a clear error now rather than a failed job in an hour.
 */
export async function prepareRestore(
  store: StoreAccess,
  input: RestoreInput,
  mode: { request: boolean },
): Promise<{ params: RestoreParams; plan: RestorePlan }> {
  const row = getDestination(store.catalog, input.destination);
  const scope = restoreScope(store.catalog, input);
  const target = restoreTarget(input);
  if (!mode.request && target.kind === 'none') {
    throw new UserInputError('a download needs a folder to go to (or the original places)');
  }
  const params: RestoreParams = {
    destinationId: row.id,
    destination: row.name,
    scope,
    tier: mode.request ? parseTier(input.tier ?? 'bulk') : 'Bulk',
    days: parseDays(input.days ?? DEFAULT_DAYS),
    request: mode.request,
    wait: mode.request ? true : Boolean(input.wait),
    target,
    overwrite: Boolean(input.overwrite),
    ...(input.webhook ? { webhook: checkWebhook(input.webhook) } : {}),
  };
  await checkTarget(store.catalog, scope, target);
  const plan = await withDestination(store, input.destination, (destination) =>
    planRestore(store.catalog, row, () => destination, scope, target),
  );
  assertSomething(params, plan);
  if (params.tier === 'Expedited') assertExpeditedPossible(plan);
  return { params, plan };
}

/** Queues a restore (or download) job for the server's job loop. */
export async function startRestore(
  store: StoreAccess & { runner: JobRunner },
  input: RestoreInput,
  mode: { request: boolean },
): Promise<JobRow> {
  const { params } = await prepareRestore(store, input, mode);
  const active = findActiveJob(
    store.catalog,
    RESTORE_JOB,
    (p) =>
      p.destinationId === params.destinationId &&
      JSON.stringify(p.scope) === JSON.stringify(params.scope) &&
      JSON.stringify(p.target) === JSON.stringify(params.target),
  );
  if (active) {
    throw new ConflictError(
      `${describeScope(params.scope)} is already being restored from "${params.destination}" (job ${active.id}, ${active.state})`,
      { jobId: active.id },
    );
  }
  return store.runner.enqueue(RESTORE_JOB, params);
}

export interface RestoreQuoteView {
  destination: string;
  scope: string;
  objects: number;
  bytes: number;
  /** Catalog files in the scope with no copy in this destination. */
  notArchived: number;
  /** Objects refused (unsafe keys) or with nothing to do (already in place). */
  refused: number;
  skipped: number;
  alreadyRestored: number;
  thawing: number;
  sample: { key: string; path: string; size: number; storageClass: string }[];
  quote: RestoreQuote;
}

/** What restoring (and downloading) the scope costs per tier, and how long each tier takes. */
export async function quoteRestoreFor(
  store: StoreAccess,
  input: RestoreInput,
): Promise<RestoreQuoteView> {
  const row = getDestination(store.catalog, input.destination);
  const scope = restoreScope(store.catalog, input);
  const target = restoreTarget(input);
  const days = parseDays(input.days ?? DEFAULT_DAYS);
  const plan = await withDestination(store, input.destination, (destination) =>
    planRestore(store.catalog, row, () => destination, scope, target),
  );
  const wanted = plan.items.filter((i) => i.state === undefined);
  const known = knownThaws(store.catalog, row.id, wanted, Date.now());
  return {
    destination: row.name,
    scope: describeScope(scope),
    objects: wanted.length,
    bytes: wanted.reduce((n, i) => n + i.size, 0),
    notArchived: plan.notArchived.length,
    refused: plan.items.filter((i) => i.state === 'failed').length,
    skipped: plan.items.filter((i) => i.state === 'skipped').length,
    alreadyRestored: known.restored,
    thawing: known.thawing,
    sample: wanted
      .slice(0, 100)
      .map((i) => ({ key: i.key, path: i.relPath, size: i.size, storageClass: i.storageClass })),
    quote: quoteRestore(
      // Copies restored or being restored are not asked for again: read like a warm class.
      wanted.map((i) => (known.keys.has(i.key) ? { ...i, storageClass: 'STANDARD' } : i)),
      { region: row.kind === 's3' ? destinationRegion(row) : null, days },
    ),
  };
}

/** The longest restore AWS offers (Deep Archive, Bulk): a request older than this has ended. */
const LONGEST_THAW_MS = 48 * 3600_000;

/**
 * Cold copies this app restored and that are readable still (not expired), or asked to thaw
 * within the longest wait: a restore's request phase finds them thawed or thawing and asks
 * nothing of them, so a quote must not price them again (a retry of a restore, most often).
 * From the catalog's restore items, without asking S3: the quote stays quick for 10,000 files.
 */
function knownThaws(
  catalog: Catalog,
  destinationId: number,
  items: readonly { key: string; storageClass: string }[],
  now: number,
): { keys: Set<string>; restored: number; thawing: number } {
  const keys = new Set<string>();
  let restored = 0;
  let thawing = 0;
  for (const item of items) {
    if (item.storageClass !== 'GLACIER' && item.storageClass !== 'DEEP_ARCHIVE') continue;
    const last = latestItemForKey(catalog, destinationId, item.key, [
      'requested',
      'in-progress',
      'available',
      'downloaded',
    ]);
    if (!last) continue;
    if (last.expiresAt !== null && last.expiresAt > now) {
      restored += 1;
      keys.add(item.key);
    } else if (
      last.expiresAt === null &&
      (last.state === 'requested' || last.state === 'in-progress') &&
      last.requestedAt !== null &&
      now - last.requestedAt < LONGEST_THAW_MS
    ) {
      thawing += 1;
      keys.add(item.key);
    }
  }
  return { keys, restored, thawing };
}

/** Opens the destination for one call and always closes it. */
export async function withDestination<T>(
  store: StoreAccess,
  name: string,
  use: (destination: Destination) => Promise<T>,
): Promise<T> {
  const row = getDestination(store.catalog, name);
  const destination = openFor(row, store.secrets ? { secrets: store.secrets } : {});
  try {
    return await use(destination);
  } finally {
    destination.close();
  }
}

function assertSomething(params: RestoreParams, plan: RestorePlan): void {
  if (plan.items.length > 0) return;
  const missing = plan.notArchived.length;
  throw new UserInputError(
    `nothing to restore: ${describeScope(params.scope)} has no copy in "${params.destination}"` +
      (missing ? ` (${missing} files there were never archived to it)` : ''),
  );
}

function assertExpeditedPossible(plan: RestorePlan): void {
  const deep = plan.items.filter((i) => i.state === undefined && i.storageClass === 'DEEP_ARCHIVE');
  if (deep.length === 0) return;
  throw new UserInputError(
    `Deep Archive has no Expedited tier (${deep.length} of these objects are in DEEP_ARCHIVE): use standard (within 12 hours) or bulk (within 48 hours)`,
  );
}
