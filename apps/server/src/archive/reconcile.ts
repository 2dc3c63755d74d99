import { and, eq, inArray } from 'drizzle-orm';
import type { SecretBox } from '../auth/secrets.js';
import type { Catalog } from '../catalog/catalog.js';
import { files, jobs, uploads } from '../catalog/schema.js';
import { copiesIn, decodeChecksum, markLost, recordCopy } from './copies.js';
import { destinationClass, openFor, type DestinationRow } from './destinations.js';

export interface ReconcileReport {
  destination: string;
  objects: number;
  /** Objects the catalog knew, found where it said. */
  confirmed: number;
  /** Objects put there by other tools, matched to a local file by size and SHA-256 metadata. */
  adopted: string[];
  /** Objects no local file could be matched to by hash (or that carry no hash). */
  unmatched: string[];
  /** Copies the catalog counted on that the destination no longer has: not archived any more. */
  lost: string[];
}

const APP_PREFIX = '.glacier-archiver/';

/**
 * Compares a destination's listing with the catalog. Copies the catalog knows but the bucket
 * lacks are flagged (the files count as not archived there any more); objects put there by
 * rclone or the AWS CLI are adopted when their x-amz-meta-sha256 matches a local file of the
 * same size. An object without a hash is never assumed to be a file's copy by size alone.
 */
export async function reconcileDestination(
  catalog: Catalog,
  row: DestinationRow,
  secrets?: SecretBox,
): Promise<ReconcileReport> {
  const destination = openFor(row, secrets ? { secrets } : {});
  const report: ReconcileReport = {
    destination: row.name,
    objects: 0,
    confirmed: 0,
    adopted: [],
    unmatched: [],
    lost: [],
  };
  try {
    const known = new Map(copiesIn(catalog, row.id).map((c) => [c.key, c]));
    const seen = new Set<string>();
    for await (const object of destination.list('')) {
      if (object.key.startsWith(APP_PREFIX) && !known.has(object.key)) continue;
      report.objects += 1;
      seen.add(object.key);
      const copy = known.get(object.key);
      if (copy && copy.size === object.size) {
        report.confirmed += 1;
        if (copy.lostAt !== null) {
          const { destinationId, key, sha256, size, storageClass, etag, fileId } = copy;
          recordCopy(catalog, {
            destinationId,
            key,
            sha256,
            size,
            storageClass,
            etag,
            checksum: decodeChecksum(copy.checksum) ?? null,
            fileId,
          });
        }
        continue;
      }
      const match = await matchLocalFile(catalog, destination, object.key, object.size);
      if (match) {
        recordCopy(catalog, {
          destinationId: row.id,
          key: object.key,
          sha256: match.sha256,
          size: object.size,
          storageClass: object.storageClass || destinationClass(row),
          etag: object.etag ?? null,
          fileId: match.id,
        });
        report.adopted.push(object.key);
      } else {
        report.unmatched.push(object.key);
      }
    }
    const lost = [...known.values()].filter((c) => c.lostAt === null && !seen.has(c.key));
    markLost(
      catalog,
      lost.map((c) => c.id),
    );
    report.lost = lost.map((c) => c.key);
    return report;
  } finally {
    destination.close();
  }
}

async function matchLocalFile(
  catalog: Catalog,
  destination: ReturnType<typeof openFor>,
  key: string,
  size: number,
): Promise<{ id: number; sha256: string } | undefined> {
  const candidates = catalog.db
    .select({ id: files.id, sha256: files.sha256 })
    .from(files)
    .where(and(eq(files.size, size), eq(files.state, 'present')))
    .all()
    .filter((f): f is { id: number; sha256: string } => f.sha256 !== null);
  if (candidates.length === 0) return undefined;
  const info = await destination.head(key);
  if (!info?.sha256) return undefined;
  return candidates.find((c) => c.sha256 === info.sha256);
}

/** Aborts incomplete multipart uploads no live job will resume; returns how many. */
export async function cleanupDestination(
  catalog: Catalog,
  row: DestinationRow,
  secrets?: SecretBox,
): Promise<{ aborted: string[] }> {
  const destination = openFor(row, secrets ? { secrets } : {});
  try {
    const live = new Set(
      catalog.db
        .select({ state: uploads.state })
        .from(uploads)
        .innerJoin(jobs, eq(jobs.id, uploads.jobId))
        .where(
          and(
            eq(uploads.destinationId, row.id),
            inArray(jobs.state, ['queued', 'running', 'paused']),
          ),
        )
        .all()
        .map((r) => String((r.state as { uploadId?: string }).uploadId)),
    );
    const aborted: string[] = [];
    for (const upload of await destination.listMultipartUploads('')) {
      if (live.has(upload.uploadId)) continue;
      await destination.abortMultipart(upload.key, upload.uploadId);
      aborted.push(upload.key);
    }
    catalog.write((tx) => {
      for (const r of tx.select().from(uploads).where(eq(uploads.destinationId, row.id)).all()) {
        if (!live.has(String((r.state as { uploadId?: string }).uploadId))) {
          tx.delete(uploads)
            .where(and(eq(uploads.destinationId, row.id), eq(uploads.key, r.key)))
            .run();
        }
      }
    });
    return { aborted };
  } finally {
    destination.close();
  }
}
