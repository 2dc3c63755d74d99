import path from 'node:path';
import type { Catalog } from '../catalog/catalog.js';
import { UserInputError } from '../errors.js';
import { normalizeRelPath } from '../roots/paths.js';
import { findRootForFsPath, getRoot, type RootRow } from '../roots/roots.js';

/**
 * The CLI names places two ways: an absolute path on the NAS (`/mnt/photos/2024`) or a root
 * label with an optional path in it (`photos/2024`). Both work while the root is offline.
 */
export function resolveCatalogPath(
  catalog: Catalog,
  input: string,
): { root: RootRow; relPath: string } {
  if (path.isAbsolute(input)) {
    const found = findRootForFsPath(catalog, input);
    if (!found) {
      throw new UserInputError(`${input} is not inside any media root (see "glacier roots list")`);
    }
    return { root: found.root, relPath: normalizeRelPath(found.relPath) };
  }
  const slash = input.indexOf('/');
  const label = slash < 0 ? input : input.slice(0, slash);
  const rest = slash < 0 ? '' : input.slice(slash + 1);
  return { root: getRoot(catalog, label), relPath: normalizeRelPath(rest) };
}
