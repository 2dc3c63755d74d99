import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { and, eq, gte } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { copies, destinations } from '../catalog/schema.js';
import { backupsDir, copyCatalog } from '../catalog/backup.js';
import type { Destination } from '../storage/destination.js';
import { hashStream } from '../storage/hashing.js';
import type { DestinationRow } from './destinations.js';

/**
 * The catalog kept in each destination beside the media (DESIGN.md, "Bucket layout"): after an
 * archive, when the destination holds copies verified since its last one, a gzipped copy of the
 * catalog goes to `.glacier-archiver/catalog/catalog-<UTC time>-v<schema>.sqlite.gz`
 * (STANDARD_IA on S3, readable at once). If the NAS's data volume is lost, the newest one brings
 * back what was archived where and the restores, with any S3 tool (README, "If the NAS itself
 * is lost"). The local backups (catalog/backup.ts) cover a bad upgrade; these, the NAS itself.
 *
 * The copy leaves out the login sessions. It keeps the admin password's argon2 hash and the S3
 * keys entered in the UI sealed with `secret.key`, which never leaves the data folder.
 */
export const SNAPSHOT_PREFIX = '.glacier-archiver/catalog/';

/** Snapshots kept in a destination; older ones are deleted after a new one is verified. */
export const SNAPSHOTS_KEPT = 7;

const SNAPSHOT_NAME = /^catalog-\d{8}T\d{9}Z-v\d+\.sqlite\.gz$/;

export interface SnapshotOptions {
  signal?: AbortSignal;
  throttle?: (bytes: number) => Promise<void>;
  keep?: number;
  /** The time in the name (tests pin it); otherwise now. */
  now?: number;
}

export interface SentSnapshot {
  key: string;
  bytes: number;
  /** Older snapshots deleted to keep `keep`. */
  pruned: string[];
}

/**
 * Copies the catalog (SQLite's backup API, checked), gzips it, sends it (the destination
 * verifies the stored copy's size and SHA-256, as for any file) and then prunes the oldest.
 */
export async function sendCatalogSnapshot(
  catalog: Catalog,
  destination: Destination,
  row: DestinationRow,
  dataDir: string,
  options: SnapshotOptions = {},
): Promise<SentSnapshot> {
  const schema = catalog.sqlite.pragma('user_version', { simple: true }) as number;
  const stamp = new Date(options.now ?? Date.now()).toISOString().replace(/[-:.]/g, '');
  const name = `catalog-${stamp}-v${schema}.sqlite.gz`;
  // On the data volume, not /tmp: a catalog of millions of files is hundreds of MB. A folder
  // of its own: the server and a CLI may each send one at the same time.
  const backups = backupsDir(dataDir);
  await mkdir(backups, { recursive: true });
  await removeLeftovers(backups);
  const work = await mkdtemp(path.join(backups, WORK_PREFIX));
  const plain = path.join(work, `${name.slice(0, -'.gz'.length)}`);
  const packed = path.join(work, name);
  try {
    // Copies verified from here on are not in this snapshot: they make the next one due.
    const takenAt = Date.now();
    await copyCatalog(catalog.sqlite, plain, (copy) => {
      copy.prepare('delete from sessions').run();
      copy.exec('vacuum');
    });
    await pipeline(createReadStream(plain), createGzip({ level: 6 }), createWriteStream(packed));
    const { size, mtimeMs } = await stat(packed);
    const key = `${SNAPSHOT_PREFIX}${name}`;
    await destination.put(
      key,
      {
        path: packed,
        size,
        sha256: (await hashStream(createReadStream(packed))).sha256,
        mtimeMs: Math.floor(mtimeMs),
      },
      {
        contentType: 'application/gzip',
        ...(row.kind === 's3' ? { storageClass: 'STANDARD_IA' as const } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(options.throttle ? { throttle: options.throttle } : {}),
      },
    );
    recordSnapshot(catalog, row, key, takenAt);
    const pruned = await pruneSnapshots(destination, options.keep ?? SNAPSHOTS_KEPT);
    return { key, bytes: size, pruned };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Whether the destination holds a copy verified since its last snapshot (or has copies and no
 * snapshot yet). Asked at the end of each archive rather than "did this run send something":
 * a run that resumes after a crash or a pause between its files and its snapshot sends nothing
 * new, yet the snapshot is still owed.
 */
export function snapshotDue(catalog: Catalog, destinationId: number): boolean {
  const since =
    catalog.db
      .select({ at: destinations.catalogSnapshotAt })
      .from(destinations)
      .where(eq(destinations.id, destinationId))
      .get()?.at ?? null;
  const newer = catalog.db
    .select({ id: copies.id })
    .from(copies)
    .where(
      and(
        eq(copies.destinationId, destinationId),
        since === null ? undefined : gte(copies.verifiedAt, since),
      ),
    )
    .limit(1)
    .get();
  return newer !== undefined;
}

/** The destination's newest snapshot, as its card in Settings shows it. */
function recordSnapshot(catalog: Catalog, row: DestinationRow, key: string, at: number): void {
  catalog.write((tx) =>
    tx
      .update(destinations)
      .set({ catalogSnapshotKey: key, catalogSnapshotAt: at })
      .where(eq(destinations.id, row.id))
      .run(),
  );
}

/** The snapshots in a destination, newest first (by name: the time is in it). */
export async function listSnapshots(destination: Destination): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of destination.list(SNAPSHOT_PREFIX)) {
    const name = entry.key.slice(SNAPSHOT_PREFIX.length);
    if (SNAPSHOT_NAME.test(name)) keys.push(entry.key);
  }
  return keys.sort().reverse();
}

/** Deletes all but the newest `keep` snapshots; other objects under the prefix are left alone. */
async function pruneSnapshots(destination: Destination, keep: number): Promise<string[]> {
  const old = (await listSnapshots(destination)).slice(Math.max(1, keep));
  for (const key of old) await destination.delete(key);
  return old;
}

const WORK_PREFIX = 'offsite-';
/** Older than this, a work folder is a crash's leftover, not another process's snapshot. */
const LEFTOVER_AGE_MS = 6 * 3_600_000;

async function removeLeftovers(backups: string): Promise<void> {
  for (const name of await readdir(backups)) {
    if (!name.startsWith(WORK_PREFIX)) continue;
    const dir = path.join(backups, name);
    const info = await stat(dir).catch(() => null);
    if (info && Date.now() - info.mtimeMs > LEFTOVER_AGE_MS) {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
