/**
 * "Is my copy really still there?": HEADs the copy each destination holds of a file's content
 * and says, per copy, whether it is there and matches the catalog (size, SHA-256 metadata, S3's
 * checksum: storage/compare.ts, the same comparison as the archive's read-back; a folder copy's
 * bytes are read again and hashed), its storage class, restore and replication state, and
 * encryption.
 *
 * It only reads. A copy found missing or changed is reported, never deleted or marked lost here:
 * marking lost copies (and adopting objects other tools put there) is the reconcile job's work
 * (reconcile.ts), which lists the whole destination rather than trusting one HEAD.
 */
import { asc, eq } from 'drizzle-orm';
import type { SecretBox } from '../auth/secrets.js';
import type { Catalog } from '../catalog/catalog.js';
import { fileById } from '../catalog/browse.js';
import { copies, destinations } from '../catalog/schema.js';
import type { CopyCheck, FileCopiesCheck } from '../api/schemas.js';
import { AppError } from '../errors.js';
import { compareStored } from '../storage/compare.js';
import type { ObjectInfo } from '../storage/destination.js';
import { hashStream } from '../storage/hashing.js';
import { decodeChecksum } from './copies.js';
import { destinationRegion, openFor } from './destinations.js';

/** One quick retry of a transient failure: a user is waiting for the answer. */
const CHECK_RETRY = { maxAttempts: 2, baseDelayMs: 250, maxDelayMs: 1000 };

/** What each x-amz-replication-status means for the user's second continent. */
const REPLICATION_MEANINGS: Record<string, string> = {
  COMPLETED: 'a replica exists in the other region',
  PENDING: 'S3 is still copying it to the other region',
  FAILED: "S3 could not copy it to the other region: check the bucket's replication rule",
  REPLICA: "this object is itself a replica of another bucket's copy",
};

export function replicationMeaning(status: string): string {
  return REPLICATION_MEANINGS[status.toUpperCase()] ?? `S3 reports replication ${status}`;
}

type CopyRow = typeof copies.$inferSelect;
type DestinationRow = typeof destinations.$inferSelect;

/**
 * Checks one copy per destination holding the file's content: the one made from this file if
 * there is one, else the first recorded; a live copy before one a reconcile marked lost.
 * Destinations are asked at once; one failing does not fail the others.
 */
export async function checkFileCopies(
  store: { catalog: Catalog; secrets?: SecretBox | undefined },
  fileId: number,
): Promise<FileCopiesCheck> {
  const file = fileById(store.catalog, fileId);
  const picked = file.sha256 ? copiesToCheck(store.catalog, file.id, file.sha256) : [];
  const results = await Promise.all(
    picked.map(({ copy, destination }) => checkCopy(destination, copy, store.secrets)),
  );
  return { fileId: file.id, sha256: file.sha256, checkedAt: Date.now(), copies: results };
}

function copiesToCheck(
  catalog: Catalog,
  fileId: number,
  sha256: string,
): { copy: CopyRow; destination: DestinationRow }[] {
  const rows = catalog.db
    .select({ copy: copies, destination: destinations })
    .from(copies)
    .innerJoin(destinations, eq(destinations.id, copies.destinationId))
    .where(eq(copies.sha256, sha256))
    .orderBy(asc(destinations.name), asc(copies.id))
    .all();
  const rank = (c: CopyRow) => (c.lostAt === null ? 0 : 2) + (c.fileId === fileId ? 0 : 1);
  const best = new Map<number, { copy: CopyRow; destination: DestinationRow }>();
  for (const row of rows) {
    const current = best.get(row.destination.id);
    if (!current || rank(row.copy) < rank(current.copy)) best.set(row.destination.id, row);
  }
  return [...best.values()];
}

async function checkCopy(
  row: DestinationRow,
  copy: CopyRow,
  secrets: SecretBox | undefined,
): Promise<CopyCheck> {
  const base = {
    destination: row.name,
    kind: row.kind,
    region: row.kind === 's3' ? destinationRegion(row) : null,
    key: copy.key,
    catalogLostAt: copy.lostAt,
    expectedSize: copy.size,
  };
  const empty = {
    size: null,
    sha256: null,
    checksum: null,
    storageClass: null,
    restore: null,
    replication: null,
    serverSideEncryption: null,
  };
  let info: ObjectInfo | null;
  /** A folder copy's bytes read again and hashed: null where they are not (S3, a wrong size). */
  let bytes: 'match' | 'mismatch' | null = null;
  try {
    const destination = openFor(row, { retry: CHECK_RETRY, ...(secrets ? { secrets } : {}) });
    try {
      info = await destination.head(copy.key);
      // A NAS folder or USB drive keeps no checksum of its own: its sidecar says what was
      // written, only the bytes say what is there now (a failing drive). Reading them back
      // costs a read of the file, as `sha256sum` would; S3 checks its own copies.
      if (info && row.kind === 'folder' && info.size === copy.size) {
        const { sha256 } = await hashStream((await destination.get(copy.key)).body);
        bytes = sha256 === copy.sha256 ? 'match' : 'mismatch';
      }
    } finally {
      destination.close();
    }
  } catch (error) {
    return { ...base, ...empty, status: 'error', problem: describeFailure(error) };
  }
  if (!info) {
    return {
      ...base,
      ...empty,
      status: 'missing',
      problem: `no object at ${copy.key}: it was deleted or moved since it was archived`,
    };
  }
  // The checksum verified when the copy was made: a multipart object's composite is compared
  // too, not only its SHA-256 metadata.
  const recorded = decodeChecksum(copy.checksum);
  const compared = compareStored(info, {
    size: copy.size,
    sha256: copy.sha256,
    ...(recorded ? { checksum: recorded } : {}),
  });
  const checksum = bytes ?? compared.checksum;
  const differs = [
    compared.size ? null : `its size is ${info.size} bytes, not ${copy.size}`,
    compared.sha256 === 'mismatch' ? "its SHA-256 metadata is not the catalog's" : null,
    checksum === 'mismatch'
      ? bytes
        ? "its bytes no longer hash to the catalog's SHA-256: the drive may be failing"
        : "S3's checksum of its bytes does not match"
      : null,
  ].filter((d): d is string => d !== null);
  const hashMatched = compared.sha256 === 'match' || checksum === 'match';
  const status = differs.length > 0 ? 'mismatch' : hashMatched ? 'verified' : 'unverified';
  return {
    ...base,
    status,
    size: info.size,
    sha256: compared.sha256,
    checksum,
    storageClass: info.storageClass,
    restore: {
      state: info.restore.state,
      until: info.restore.state === 'available' ? info.restore.until.getTime() : null,
    },
    replication: info.replication
      ? { status: info.replication, meaning: replicationMeaning(info.replication) }
      : null,
    serverSideEncryption: info.serverSideEncryption ?? null,
    problem:
      status === 'mismatch'
        ? `the object was changed or replaced: ${differs.join('; ')}`
        : status === 'unverified'
          ? 'the object carries no SHA-256 to compare: only its size matches'
          : null,
  };
}

/** Storage errors already say what went wrong in one line (access denied, cannot connect…). */
function describeFailure(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return `the destination could not be asked: ${error instanceof Error ? error.message : String(error)}`;
}
