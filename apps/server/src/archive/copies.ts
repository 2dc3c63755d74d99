import type { Statement } from 'better-sqlite3';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { copies, destinations, files, uploads } from '../catalog/schema.js';
import type { Checksum, MultipartState } from '../storage/destination.js';

export type CopyRow = typeof copies.$inferSelect;

/**
 * The statements an archive runs for every file (thousands of photos a job), prepared once per
 * catalog connection rather than built again by the query builder for each file.
 */
interface CopyStatements {
  upsertCopy: Statement;
  deleteUpload: Statement;
  selectUpload: Statement;
}

const prepared = new WeakMap<Catalog, CopyStatements>();

function statements(catalog: Catalog): CopyStatements {
  let found = prepared.get(catalog);
  if (!found) {
    found = {
      upsertCopy: catalog.sqlite.prepare(
        `insert into copies (destination_id, key, sha256, size, storage_class, etag, checksum, file_id, verified_at, lost_at)
         values (@destinationId, @key, @sha256, @size, @storageClass, @etag, @checksum, @fileId, @verifiedAt, null)
         on conflict (destination_id, key) do update set
           sha256 = excluded.sha256, size = excluded.size, storage_class = excluded.storage_class,
           etag = excluded.etag, checksum = excluded.checksum, file_id = excluded.file_id,
           verified_at = excluded.verified_at, lost_at = null`,
      ),
      deleteUpload: catalog.sqlite.prepare(
        'delete from uploads where destination_id = ? and key = ?',
      ),
      selectUpload: catalog.sqlite.prepare(
        'select state from uploads where destination_id = ? and key = ?',
      ),
    };
    prepared.set(catalog, found);
  }
  return found;
}

/**
 * Records a verified copy and forgets the upload that made it, in one transaction. `checksum`:
 * the native checksum verified against the stored object (absent when none was, as for a copy
 * adopted by a reconcile).
 */
export function recordCopy(
  catalog: Catalog,
  copy: Omit<CopyRow, 'id' | 'lostAt' | 'verifiedAt' | 'checksum'> & { checksum?: Checksum | null },
): void {
  const { upsertCopy, deleteUpload } = statements(catalog);
  const verifiedAt = Date.now();
  catalog.write(() => {
    upsertCopy.run({ ...copy, checksum: encodeChecksum(copy.checksum ?? null), verifiedAt });
    deleteUpload.run(copy.destinationId, copy.key);
  });
}

/** Does this destination hold a live copy of this content, under any key? */
export function hasCopy(catalog: Catalog, destinationId: number, sha256: string): boolean {
  return (
    catalog.db
      .select({ id: copies.id })
      .from(copies)
      .where(
        and(
          eq(copies.destinationId, destinationId),
          eq(copies.sha256, sha256),
          isNull(copies.lostAt),
        ),
      )
      .limit(1)
      .get() !== undefined
  );
}

/** For each content hash, the names of the destinations holding a live copy. */
export function archivedIn(catalog: Catalog, sha256s: string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (sha256s.length === 0) return map;
  const rows = catalog.db
    .selectDistinct({ sha256: copies.sha256, name: destinations.name })
    .from(copies)
    .innerJoin(destinations, eq(destinations.id, copies.destinationId))
    .where(and(inArray(copies.sha256, [...new Set(sha256s)]), isNull(copies.lostAt)))
    .all();
  for (const row of rows) map.set(row.sha256, [...(map.get(row.sha256) ?? []), row.name].sort());
  return map;
}

/** SQL condition: the file's content has a live copy somewhere (the `archived` filter). */
export const isArchived = sql`exists (select 1 from ${copies} where ${copies.sha256} = ${files.sha256} and ${copies.lostAt} is null)`;

export function savedUpload(
  catalog: Catalog,
  destinationId: number,
  key: string,
): MultipartState | undefined {
  const row = statements(catalog).selectUpload.get(destinationId, key) as
    { state: string } | undefined;
  return row ? (JSON.parse(row.state) as MultipartState) : undefined;
}

export function saveUpload(
  catalog: Catalog,
  destinationId: number,
  jobId: number,
  state: MultipartState,
): void {
  const now = Date.now();
  const value = state as unknown as Record<string, unknown>;
  catalog.write((tx) =>
    tx
      .insert(uploads)
      .values({
        destinationId,
        key: state.key,
        sha256: state.sha256,
        state: value,
        jobId,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: [uploads.destinationId, uploads.key],
        set: { sha256: state.sha256, state: value, jobId, updatedAt: now },
      })
      .run(),
  );
}

export function forgetUpload(catalog: Catalog, destinationId: number, key: string): void {
  catalog.write((tx) =>
    tx
      .delete(uploads)
      .where(and(eq(uploads.destinationId, destinationId), eq(uploads.key, key)))
      .run(),
  );
}

export function knownUploadIds(catalog: Catalog, destinationId: number): Set<string> {
  return new Set(
    catalog.db
      .select({ state: uploads.state })
      .from(uploads)
      .where(eq(uploads.destinationId, destinationId))
      .all()
      .map((r) => String((r.state as { uploadId?: string }).uploadId)),
  );
}

export function copiesIn(catalog: Catalog, destinationId: number): CopyRow[] {
  return catalog.db.select().from(copies).where(eq(copies.destinationId, destinationId)).all();
}

export function markLost(catalog: Catalog, ids: number[]): void {
  if (ids.length === 0) return;
  const now = Date.now();
  catalog.write((tx) =>
    tx.update(copies).set({ lostAt: now }).where(inArray(copies.id, ids)).run(),
  );
}

/** "base64" for one PUT, "base64-N" for a composite of N parts (base64 has no "-"). */
export function encodeChecksum(checksum: Checksum | null): string | null {
  if (!checksum) return null;
  return checksum.parts === undefined ? checksum.value : `${checksum.value}-${checksum.parts}`;
}

export function decodeChecksum(stored: string | null): Checksum | undefined {
  if (!stored) return undefined;
  const match = /^([A-Za-z0-9+/=]+)(?:-(\d+))?$/.exec(stored);
  if (!match) return undefined;
  return {
    algorithm: 'SHA256',
    value: match[1]!,
    ...(match[2] === undefined ? {} : { parts: Number(match[2]) }),
  };
}
