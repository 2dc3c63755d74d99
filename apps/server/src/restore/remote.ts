/**
 * Browsing a destination by prefix, like `aws s3 ls`: the objects directly under the prefix
 * and the folders below it (with their object counts and sizes), including objects other tools
 * put there. Each object says whether the catalog knows it as a verified copy.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { getDestination } from '../archive/destinations.js';
import { copies } from '../catalog/schema.js';
import { withDestination, type StoreAccess } from './start.js';

export interface RemoteListing {
  destination: string;
  prefix: string;
  folders: { prefix: string; objects: number; bytes: number }[];
  objects: {
    key: string;
    size: number;
    storageClass: string;
    lastModified: number | null;
    /** The catalog holds it as a verified copy of a local file. */
    known: boolean;
  }[];
  /** More objects than `limit` sit directly under the prefix: only the first are listed. */
  truncated: boolean;
}

export async function listRemote(
  store: StoreAccess,
  name: string,
  prefix: string,
  limit = 1000,
): Promise<RemoteListing> {
  const row = getDestination(store.catalog, name);
  const known = new Set(
    store.catalog.db
      .select({ key: copies.key })
      .from(copies)
      .where(and(eq(copies.destinationId, row.id), isNull(copies.lostAt)))
      .all()
      .map((c) => c.key),
  );
  const start = prefix.replace(/^\/+/, '');
  const folders = new Map<string, { objects: number; bytes: number }>();
  const objects: RemoteListing['objects'] = [];
  let truncated = false;
  await withDestination(store, name, async (destination) => {
    for await (const entry of destination.list(start)) {
      const rest = entry.key.slice(start.length);
      const slash = rest.indexOf('/');
      if (slash >= 0) {
        const folder = start + rest.slice(0, slash + 1);
        const sum = folders.get(folder) ?? { objects: 0, bytes: 0 };
        folders.set(folder, { objects: sum.objects + 1, bytes: sum.bytes + entry.size });
      } else if (objects.length < limit) {
        objects.push({
          key: entry.key,
          size: entry.size,
          storageClass: entry.storageClass,
          lastModified: entry.lastModified?.getTime() ?? null,
          known: known.has(entry.key),
        });
      } else {
        truncated = true;
      }
    }
  });
  return {
    destination: row.name,
    prefix: start,
    folders: [...folders.entries()]
      .map(([folder, sum]) => ({ prefix: folder, ...sum }))
      .sort((a, b) => a.prefix.localeCompare(b.prefix)),
    objects: objects.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    truncated,
  };
}
