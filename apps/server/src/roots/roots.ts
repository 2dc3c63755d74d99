import { and, eq, sql } from 'drizzle-orm';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { files, roots } from '../catalog/schema.js';
import { ConflictError, NotFoundError, UserInputError } from '../errors.js';

export type RootRow = typeof roots.$inferSelect;

export interface RootSummary {
  id: number;
  label: string;
  path: string;
  online: boolean;
  fileCount: number;
  bytes: number;
  missingCount: number;
  lastScanAt: number | null;
}

const LABEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * Registers a media folder. The label names the root in the UI, the CLI and the bucket layout
 * (`<prefix>/<label>/…`), so it is restricted to characters safe in an S3 key.
 */
export function addRoot(catalog: Catalog, input: { path: string; label: string }): RootRow {
  const label = input.label.trim();
  if (!LABEL_PATTERN.test(label)) {
    throw new UserInputError(
      `The label "${input.label}" is not valid: use 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  if (!path.isAbsolute(input.path)) {
    throw new UserInputError(`The root path must be absolute, not "${input.path}"`);
  }
  const rootPath = path.resolve(input.path);
  if (!isDirectory(rootPath)) {
    throw new UserInputError(`${rootPath} is not a folder that exists on this machine`);
  }
  return catalog.write((tx) => {
    const existing = tx.select().from(roots).all();
    for (const other of existing) {
      if (other.label === label) throw new ConflictError(`A root is already labelled "${label}"`);
      if (isSameOrInside(rootPath, other.path) || isSameOrInside(other.path, rootPath)) {
        throw new ConflictError(
          `${rootPath} overlaps the root "${other.label}" (${other.path}): roots may not nest`,
        );
      }
    }
    return tx
      .insert(roots)
      .values({ label, path: rootPath, createdAt: Date.now() })
      .returning()
      .get();
  });
}

export function getRoot(catalog: Catalog, label: string): RootRow {
  const row = catalog.db.select().from(roots).where(eq(roots.label, label)).get();
  if (!row) throw new NotFoundError(`There is no root labelled "${label}"`);
  return row;
}

export function getRootById(catalog: Catalog, id: number): RootRow {
  const row = catalog.db.select().from(roots).where(eq(roots.id, id)).get();
  if (!row) throw new NotFoundError(`There is no root with id ${id}`);
  return row;
}

export function listRoots(catalog: Catalog): RootSummary[] {
  const counts = catalog.db
    .select({
      rootId: files.rootId,
      fileCount: sql<number>`sum(case when ${files.state} = 'present' then 1 else 0 end)`,
      bytes: sql<number>`sum(case when ${files.state} = 'present' then ${files.size} else 0 end)`,
      missingCount: sql<number>`sum(case when ${files.state} = 'missing' then 1 else 0 end)`,
    })
    .from(files)
    .groupBy(files.rootId)
    .all();
  const byRoot = new Map(counts.map((c) => [c.rootId, c]));
  return catalog.db
    .select()
    .from(roots)
    .orderBy(roots.label)
    .all()
    .map((root) => {
      const c = byRoot.get(root.id);
      return {
        id: root.id,
        label: root.label,
        path: root.path,
        // isRootOnlineFor's rule, with the file count already at hand.
        online: isRootOnline(root.path) && !((c?.fileCount ?? 0) > 0 && isEmptyDir(root.path)),
        fileCount: c?.fileCount ?? 0,
        bytes: c?.bytes ?? 0,
        missingCount: c?.missingCount ?? 0,
        lastScanAt: root.lastScanAt,
      };
    });
}

/** A root is online when its folder exists; an unplugged drive's root stays in the catalog. */
export function isRootOnline(rootPath: string): boolean {
  return isDirectory(rootPath);
}

/**
 * Online as the catalog sees it: the folder exists, and is not empty while the catalog knows
 * files in it. An empty folder there is an unplugged drive's mount point, or the empty folder
 * docker mounts in place of a missing share: offline, as a scan finds it.
 */
export function isRootOnlineFor(catalog: Catalog, root: RootRow): boolean {
  if (!isRootOnline(root.path)) return false;
  if (!isEmptyDir(root.path)) return true;
  const known = catalog.db
    .select({ id: files.id })
    .from(files)
    .where(and(eq(files.rootId, root.id), eq(files.state, 'present')))
    .limit(1)
    .get();
  return known === undefined;
}

/** Finds the root holding an absolute file system path (the CLI's `ls /mnt/photos/2024`). */
export function findRootForFsPath(
  catalog: Catalog,
  fsPath: string,
): { root: RootRow; relPath: string } | undefined {
  const target = path.resolve(fsPath);
  for (const root of catalog.db.select().from(roots).all()) {
    if (isSameOrInside(target, root.path)) {
      const rel = path.relative(root.path, target).split(path.sep).join('/');
      return { root, relPath: rel };
    }
  }
  return undefined;
}

/** Adds the roots named in the config file that the catalog does not have yet. */
export function syncConfiguredRoots(
  catalog: Catalog,
  configured: { path: string; label: string }[],
): void {
  for (const entry of configured) {
    const known = catalog.db.select().from(roots).where(eq(roots.label, entry.label)).get();
    if (!known) addRoot(catalog, entry);
  }
}

export function markRootScanned(catalog: Catalog, rootId: number, jobId: number): void {
  catalog.write((tx) =>
    tx
      .update(roots)
      .set({ lastScanAt: Date.now(), lastScanJobId: jobId })
      .where(and(eq(roots.id, rootId)))
      .run(),
  );
}

function isEmptyDir(p: string): boolean {
  try {
    return readdirSync(p).length === 0;
  } catch {
    return true;
  }
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isSameOrInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
