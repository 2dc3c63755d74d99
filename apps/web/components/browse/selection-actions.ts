/**
 * What the explorer's actions need to know of the selected files, as pure functions: where a
 * file can be downloaded from right now, and which destinations can restore a selection.
 */
import type { DestinationView, FileView } from '../../lib/api';

/** S3 classes read at once (no restore): everything but the two Glacier archive classes. */
const COLD_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);

type Restores = NonNullable<FileView['tags']['restores']>;

/** A restored copy that can be read now (a thaw that completed and has not expired). */
function thawed(restores: Restores, destination: string, now: number): boolean {
  return restores.some(
    (r) =>
      r.destination === destination &&
      (r.state === 'available' || r.state === 'downloaded') &&
      r.expiresAt !== null &&
      r.expiresAt > now,
  );
}

/**
 * The destination a browser download of this file reads from: a folder destination or a warm
 * S3 class first (free of waiting), else a copy restored and not expired; null when every copy
 * is still cold (restore it first) or there is none.
 */
export function downloadSource(
  file: Pick<FileView, 'tags'>,
  destinations: readonly Pick<DestinationView, 'name' | 'kind' | 'storageClass'>[],
  now: number = Date.now(),
): string | null {
  const byName = new Map(destinations.map((d) => [d.name, d]));
  const copies = file.tags.archived;
  const warm = copies.find((name) => {
    const d = byName.get(name);
    return d !== undefined && (d.kind === 'folder' || !COLD_CLASSES.has(d.storageClass ?? ''));
  });
  if (warm) return warm;
  return copies.find((name) => thawed(file.tags.restores ?? [], name, now)) ?? null;
}

/**
 * The destinations a restore of these files can come from (any holding a copy of one of them),
 * with how many of the files each holds, most first.
 */
export function restoreSources(files: readonly Pick<FileView, 'tags'>[]) {
  const counts = new Map<string, number>();
  for (const file of files) {
    for (const name of file.tags.archived) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts.entries()]
    .map(([name, files]) => ({ name, files }))
    .sort((a, b) => b.files - a.files || a.name.localeCompare(b.name));
}

/** The most files one archive of a selection takes (the server refuses more: 400). */
export const ARCHIVE_MAX = 100_000;

/**
 * A short name of a list of file ids for a query key: the list itself may hold 100,000 ids,
 * which a key would hash again at every render. The count and a 32-bit FNV-1a hash of the ids
 * in order tell apart any two selections one dialog meets.
 */
export function idsKey(ids: readonly number[]): string {
  let hash = 0x811c9dc5;
  for (const id of ids) {
    // Each id as two 16-bit halves and the rest: ids beyond 2^32 still count.
    for (const part of [id & 0xffff, (id >>> 16) & 0xffff, Math.floor(id / 2 ** 32)]) {
      hash ^= part;
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
  }
  return `${ids.length}:${hash.toString(16)}`;
}
