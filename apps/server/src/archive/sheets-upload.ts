import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { and, eq, or, sql } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { copies, sheets } from '../catalog/schema.js';
import { escapeLike } from '../catalog/sql.js';
import { AppError } from '../errors.js';
import type { JobContext } from '../jobs/runner.js';
import type { RootRow } from '../roots/roots.js';
import type { Destination } from '../storage/destination.js';
import { recordCopy } from './copies.js';
import type { DestinationRow } from './destinations.js';
import { sheetKey } from './keys.js';

/**
 * Sends the contact sheets (image and JSON index) of the archived folders to
 * `.glacier-archiver/sheets/…` in STANDARD_IA: readable at once, so the archive can be browsed
 * by eye without a restore. A page already there with the same content is not sent again.
 * With `folders` (an archive of a selection), only the sheets of those folders.
 */
export async function uploadFolderSheets(
  catalog: Catalog,
  destination: Destination,
  row: DestinationRow,
  root: RootRow,
  scope: string,
  dataDir: string,
  ctx: JobContext,
  folders: readonly string[] | null = null,
): Promise<{ uploaded: number }> {
  const only = folders ? new Set(folders) : null;
  const pages = catalog.db
    .select()
    .from(sheets)
    .where(and(eq(sheets.rootId, root.id), sheetsUnder(scope)))
    .all()
    .filter((page) => !only || only.has(page.folder));
  let uploaded = 0;
  for (const page of pages) {
    for (const stored of [page.imagePath, page.indexPath]) {
      if (ctx.signal.aborted) return { uploaded };
      const absPath = path.join(dataDir, stored);
      const key = sheetKey(root.label, page.folder, path.basename(stored));
      try {
        const content = readFileSync(absPath);
        const sha256 = createHash('sha256').update(content).digest('hex');
        if (alreadyThere(catalog, row.id, key, sha256)) continue;
        const stat = statSync(absPath);
        const result = await destination.put(
          key,
          { path: absPath, size: stat.size, sha256, mtimeMs: Math.floor(stat.mtimeMs) },
          {
            signal: ctx.signal,
            ...(row.kind === 's3' ? { storageClass: 'STANDARD_IA' as const } : {}),
            contentType: stored.endsWith('.json') ? 'application/json' : 'image/webp',
          },
        );
        recordCopy(catalog, {
          destinationId: row.id,
          key,
          sha256,
          size: stat.size,
          storageClass: row.kind === 's3' ? 'STANDARD_IA' : 'FOLDER',
          etag: result.etag ?? null,
          checksum: result.checksumVerified ? (result.checksum ?? null) : null,
          fileId: null,
        });
        uploaded += 1;
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        ctx.report.failed(
          key,
          `contact sheet not sent: ${error instanceof AppError ? error.message : String(error)}`,
        );
      }
    }
  }
  return { uploaded };
}

/** Sheets of a folder and of every folder below it ('' for the whole root). */
function sheetsUnder(scope: string) {
  if (scope === '') return undefined;
  return or(
    eq(sheets.folder, scope),
    sql`${sheets.folder} like ${escapeLike(scope) + '/%'} escape '\\'`,
  );
}

function alreadyThere(
  catalog: Catalog,
  destinationId: number,
  key: string,
  sha256: string,
): boolean {
  const row = catalog.db
    .select({ sha256: copies.sha256, lostAt: copies.lostAt })
    .from(copies)
    .where(and(eq(copies.destinationId, destinationId), eq(copies.key, key)))
    .get();
  return row !== undefined && row.sha256 === sha256 && row.lostAt === null;
}
