/**
 * Which objects a restore brings back, and where each one goes. A plan is data: the quote shows
 * it, the job records it in restore_items when it first starts (a resumed job reads it back).
 */
import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { copies, files, roots } from '../catalog/schema.js';
import { inFolderTree } from '../catalog/sql.js';
import { mediaKey } from '../archive/keys.js';
import type { DestinationRow } from '../archive/destinations.js';
import type { Destination } from '../storage/destination.js';
import type { RestoreScope, RestoreTarget } from './params.js';
import { targetPath, unsafeReason } from './safe-path.js';

export interface PlannedItem {
  key: string;
  /** `<root label>/<path in root>` for catalog files, the key for other objects. */
  relPath: string;
  fileId: number | null;
  sha256: string | null;
  size: number;
  mtimeMs: number | null;
  storageClass: string;
  targetPath: string | null;
  /** Set when there is nothing to do (`skipped`) or it cannot be done (`failed`). */
  state?: 'skipped' | 'failed';
  reason?: string;
}

export interface RestorePlan {
  items: PlannedItem[];
  bytes: number;
  /** Catalog files in the scope with no verified copy in this destination. */
  notArchived: string[];
}

const APP_PREFIX = '.glacier-archiver/';

export async function planRestore(
  catalog: Catalog,
  row: DestinationRow,
  destination: () => Destination,
  scope: RestoreScope,
  target: RestoreTarget,
): Promise<RestorePlan> {
  const planned =
    scope.kind === 'keys'
      ? { items: await keyItems(catalog, row, destination(), scope.prefix), notArchived: [] }
      : catalogItems(catalog, row, scope);
  const items = planned.items.map((item) => placed(catalog, item, target));
  return {
    items,
    bytes: items.reduce((n, i) => n + i.size, 0),
    notArchived: planned.notArchived,
  };
}

/** Catalog files in the scope that this destination holds no copy of (none for raw keys). */
export function countNotArchived(
  catalog: Catalog,
  row: DestinationRow,
  scope: RestoreScope,
): number {
  return scope.kind === 'keys' ? 0 : catalogItems(catalog, row, scope).notArchived.length;
}

interface CatalogFile {
  id: number;
  rootId: number;
  relPath: string;
  sha256: string | null;
  mtimeMs: number;
  contentMtimeMs: number | null;
}

/** Catalog files in the scope (not `moved`: their content lives at their new path). */
function catalogItems(
  catalog: Catalog,
  row: DestinationRow,
  scope: Exclude<RestoreScope, { kind: 'keys' }>,
): { items: PlannedItem[]; notArchived: string[] } {
  const where =
    scope.kind === 'files'
      ? inArray(files.id, scope.fileIds)
      : and(
          eq(files.rootId, scope.rootId),
          scope.path === ''
            ? undefined
            : or(eq(files.relPath, scope.path), inFolderTree(scope.path)),
        );
  const rows: CatalogFile[] = catalog.db
    .select({
      id: files.id,
      rootId: files.rootId,
      relPath: files.relPath,
      sha256: files.sha256,
      mtimeMs: files.mtimeMs,
      contentMtimeMs: files.contentMtimeMs,
    })
    .from(files)
    .where(and(where, inArray(files.state, ['present', 'missing'])))
    .orderBy(files.rootId, files.relPath)
    .all();
  const labels = new Map(
    catalog.db
      .select()
      .from(roots)
      .all()
      .map((r) => [r.id, r.label]),
  );
  const copiesByHash = liveCopies(catalog, row.id, rows);
  const items: PlannedItem[] = [];
  const notArchived: string[] = [];
  for (const file of rows) {
    const label = labels.get(file.rootId) ?? String(file.rootId);
    const relPath = `${label}/${file.relPath}`;
    const candidates = file.sha256 ? copiesByHash.get(file.sha256) : undefined;
    // The copy made from this very path if there is one, else any copy of the same content.
    const copy =
      candidates?.find((c) => c.key === mediaKey(label, file.relPath)) ?? candidates?.[0];
    if (!copy) {
      notArchived.push(relPath);
      continue;
    }
    items.push({
      key: copy.key,
      relPath,
      fileId: file.id,
      sha256: copy.sha256,
      size: copy.size,
      mtimeMs: file.contentMtimeMs ?? file.mtimeMs,
      storageClass: copy.storageClass,
      targetPath: null,
    });
  }
  return { items, notArchived };
}

function liveCopies(catalog: Catalog, destinationId: number, rows: CatalogFile[]) {
  const hashes = [...new Set(rows.map((r) => r.sha256).filter((h): h is string => h !== null))];
  const byHash = new Map<string, (typeof copies.$inferSelect)[]>();
  // SQLite caps bound parameters: ask in slices.
  for (let i = 0; i < hashes.length; i += 500) {
    const found = catalog.db
      .select()
      .from(copies)
      .where(
        and(
          eq(copies.destinationId, destinationId),
          inArray(copies.sha256, hashes.slice(i, i + 500)),
          isNull(copies.lostAt),
        ),
      )
      .orderBy(copies.id)
      .all();
    for (const copy of found) byHash.set(copy.sha256, [...(byHash.get(copy.sha256) ?? []), copy]);
  }
  return byHash;
}

/**
 * Objects under a key prefix, as the destination lists them: `photos` means the key "photos"
 * or anything in the folder "photos/", never "photos2/…". Folder markers (keys ending in "/")
 * and the app's own objects (unless asked for) are left out.
 */
async function keyItems(
  catalog: Catalog,
  row: DestinationRow,
  destination: Destination,
  prefix: string,
): Promise<PlannedItem[]> {
  const known = new Map(
    catalog.db
      .select()
      .from(copies)
      .where(and(eq(copies.destinationId, row.id), isNull(copies.lostAt)))
      .all()
      .map((c) => [c.key, c]),
  );
  const items: PlannedItem[] = [];
  for await (const entry of destination.list(prefix)) {
    if (!keyInScope(entry.key, prefix)) continue;
    const copy = known.get(entry.key);
    items.push({
      key: entry.key,
      relPath: entry.key,
      fileId: copy?.fileId ?? null,
      sha256: copy && copy.size === entry.size ? copy.sha256 : null,
      size: entry.size,
      mtimeMs: null,
      storageClass: entry.storageClass,
      targetPath: null,
    });
  }
  return items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function keyInScope(key: string, prefix: string): boolean {
  if (key.endsWith('/')) return false;
  if (key.startsWith(APP_PREFIX) && !prefix.startsWith(APP_PREFIX)) return false;
  if (prefix === '' || prefix.endsWith('/')) return key.startsWith(prefix);
  return key === prefix || key.startsWith(`${prefix}/`);
}

/** Where the item goes; refuses unsafe keys, skips originals that are in place. */
function placed(catalog: Catalog, item: PlannedItem, target: RestoreTarget): PlannedItem {
  if (target.kind === 'none') return item;
  if (target.kind === 'folder') {
    const reason = unsafeReason(item.relPath);
    if (reason) return { ...item, state: 'failed', reason: `refused: ${reason}` };
    return { ...item, targetPath: targetPath(target.dir, item.relPath) };
  }
  const original = originalPath(catalog, item);
  if (!original) {
    return { ...item, state: 'failed', reason: 'not a catalog file: it has no original place' };
  }
  if (existsSync(original)) {
    return { ...item, targetPath: original, state: 'skipped', reason: 'the original is in place' };
  }
  return { ...item, targetPath: original };
}

/** The path a catalog file had in its root. */
function originalPath(catalog: Catalog, item: PlannedItem): string | undefined {
  if (item.fileId === null) return undefined;
  const row = catalog.db
    .select({ root: roots.path, relPath: files.relPath })
    .from(files)
    .innerJoin(roots, eq(roots.id, files.rootId))
    .where(eq(files.id, item.fileId))
    .get();
  return row ? path.join(row.root, ...row.relPath.split('/')) : undefined;
}
