/** What the phases of one restore job run share, and how they settle an item. */
import type { DestinationRow } from '../archive/destinations.js';
import type { Catalog } from '../catalog/catalog.js';
import type { RestoreItemState } from '../catalog/schema.js';
import { AppError } from '../errors.js';
import type { JobContext } from '../jobs/runner.js';
import type { Destination } from '../storage/destination.js';
import { stillRestoring } from './messages.js';
import type { RestoreParams } from './params.js';
import type { RestoreSettings } from './settings.js';
import {
  lastRequest,
  updateItem,
  updateKey,
  type RestoreItemPatch,
  type RestoreItemRow,
} from './store.js';

export interface Run {
  catalog: Catalog;
  settings: RestoreSettings;
  params: RestoreParams;
  job: JobContext;
  row: DestinationRow;
  destination: Destination;
}

/** Sets the state of every item of the job on `key` that is in one of `from`. */
export function settleKey(
  run: Run,
  key: string,
  from: readonly RestoreItemState[],
  patch: RestoreItemPatch,
): void {
  updateKey(run.catalog, run.job.job.id, key, patch, from);
}

/** Ends items as failed (or expired), each reported with its reason. */
export function failItems(
  run: Run,
  items: readonly RestoreItemRow[],
  reason: string,
  state: Extract<RestoreItemState, 'failed' | 'expired'> = 'failed',
): void {
  for (const item of items) {
    updateItem(run.catalog, item.id, { state, reason, nextCheckAt: null });
    run.job.report.failed(item.relPath, reason);
  }
}

/**
 * Whether an existing file may be replaced: only when asked, and never in a media root (files
 * go back to their original place only where they are missing; DESIGN.md rule 1).
 */
export function mayOverwrite(run: Run): boolean {
  return run.params.overwrite && run.params.target.kind === 'folder';
}

/** The one-line reason of an error for a per-item report. */
export function reasonOf(error: unknown): string {
  return error instanceof AppError ? error.message : `unexpected error: ${String(error)}`;
}

/** Rethrows when the job was stopped: a pause or shutdown must not be recorded as failures. */
export function rethrowIfStopped(run: Run, error: unknown): void {
  if (run.job.signal.aborted) throw error;
}

/** Groups items by object key, keeping the order of first appearance. */
export function byKey(items: readonly RestoreItemRow[]): Map<string, RestoreItemRow[]> {
  const map = new Map<string, RestoreItemRow[]>();
  for (const item of items) map.set(item.key, [...(map.get(item.key) ?? []), item]);
  return map;
}

/** "… is still being restored (Bulk from DEEP_ARCHIVE takes within 48 hours; requested …)". */
export function waitMessage(run: Run, item: RestoreItemRow): string {
  const asked = lastRequest(run.catalog, run.row.id, item.key);
  const tier = asked?.tier ?? (run.params.request ? run.params.tier : undefined);
  return stillRestoring(
    item.relPath,
    item.storageClass,
    tier,
    asked?.requestedAt ?? item.requestedAt,
  );
}
