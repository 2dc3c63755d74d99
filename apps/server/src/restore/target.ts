/**
 * Checks where restored files are to go before anything is requested (and again when a job
 * resumes): a download folder must be an absolute path the app can write, whose parent exists
 * (a folder on an unplugged drive is not recreated on the system disk); original places must
 * be in roots that are there and writable.
 */
import { eq, inArray } from 'drizzle-orm';
import { constants } from 'node:fs';
import { access, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { files, roots } from '../catalog/schema.js';
import { UserInputError } from '../errors.js';
import { assertWritableRoot } from './download-phase.js';
import type { RestoreScope, RestoreTarget } from './params.js';

export async function checkTarget(
  catalog: Catalog,
  scope: RestoreScope,
  target: RestoreTarget,
): Promise<void> {
  if (target.kind === 'folder') await checkDownloadFolder(target.dir);
  if (target.kind === 'original') {
    for (const root of rootsOf(catalog, scope)) await assertWritableRoot(root);
  }
}

export async function checkDownloadFolder(dir: string): Promise<void> {
  if (!path.isAbsolute(dir)) {
    throw new UserInputError(`the download folder must be an absolute path, not "${dir}"`);
  }
  const folder = path.resolve(dir);
  const parent = path.dirname(folder);
  if (!(await isDirectory(parent))) {
    throw new UserInputError(
      `cannot make the download folder ${folder}: ${parent} does not exist (an unplugged drive?)`,
    );
  }
  try {
    await mkdir(folder, { recursive: false }).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    if (!(await isDirectory(folder))) throw new UserInputError(`${folder} is not a folder`);
    await access(folder, constants.W_OK);
  } catch (error) {
    if (error instanceof UserInputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'EROFS' ? 'it is on a read-only file system' : 'permission denied';
    throw new UserInputError(`cannot write to the download folder ${folder}: ${why}`);
  }
}

function rootsOf(catalog: Catalog, scope: RestoreScope): { path: string; label: string }[] {
  if (scope.kind === 'catalog') {
    return catalog.db
      .select({ path: roots.path, label: roots.label })
      .from(roots)
      .where(eq(roots.id, scope.rootId))
      .all();
  }
  if (scope.kind === 'files') {
    return catalog.db
      .selectDistinct({ path: roots.path, label: roots.label })
      .from(files)
      .innerJoin(roots, eq(roots.id, files.rootId))
      .where(inArray(files.id, scope.fileIds))
      .all();
  }
  // Raw keys: each known file's root is checked when its turn comes.
  return [];
}

async function isDirectory(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch {
    return false;
  }
}
