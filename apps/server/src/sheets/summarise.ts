import { and, eq, inArray } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { files } from '../catalog/schema.js';
import { inFolderTree } from '../catalog/sql.js';
import { RootOfflineError } from '../errors.js';
import type { JobContext, JobHandler } from '../jobs/runner.js';
import { findActiveJob } from '../jobs/store.js';
import { normalizeRelPath } from '../roots/paths.js';
import { getRootById, isRootOnline, type RootRow } from '../roots/roots.js';
import { summariseFolder, type MediaFile } from './folder-sheets.js';
import { ThumbnailCache } from './thumbnail-cache.js';
import type { SummariseSummary } from '../jobs/summaries.js';
import { summariseParamsSchema, type SummariseParams } from '../jobs/params.js';

export const SUMMARISE_JOB = 'summarise';

export { summariseParamsSchema, type SummariseParams };

export function planSummarise(root: RootRow, folder: string, recursive: boolean): SummariseParams {
  if (!isRootOnline(root.path)) {
    throw new RootOfflineError(
      `The root "${root.label}" is offline (${root.path}): thumbnails need the files. Plug it in and try again.`,
    );
  }
  return { rootId: root.id, root: root.label, path: normalizeRelPath(folder), recursive };
}

export function findActiveSummarise(catalog: Catalog, rootId: number) {
  return findActiveJob(catalog, SUMMARISE_JOB, (params) => params.rootId === rootId);
}

export function summariseJobHandler(catalog: Catalog, dataDir: string): JobHandler {
  const thumbnails = new ThumbnailCache(catalog, dataDir);
  return async (ctx) =>
    runSummarise(catalog, dataDir, thumbnails, summariseParamsSchema.parse(ctx.job.params), ctx);
}

async function runSummarise(
  catalog: Catalog,
  dataDir: string,
  thumbnails: ThumbnailCache,
  params: SummariseParams,
  { signal, report }: JobContext,
): Promise<SummariseSummary> {
  const root = getRootById(catalog, params.rootId);
  const folders = params.recursive ? mediaFolders(catalog, root.id, params.path) : [params.path];
  const work = folders.map((folder) => ({ folder, media: folderMedia(catalog, root.id, folder) }));
  const total = work.reduce((n, w) => n + w.media.length, 0);
  const counts = {
    folders: 0,
    sheets: 0,
    sheetsKept: 0,
    tiles: 0,
    placeholders: 0,
    skipped: 0,
    done: 0,
  };
  report.progress({
    phase: 'thumbnails',
    filesDone: 0,
    filesTotal: total,
    bytesDone: 0,
    bytesTotal: null,
  });

  const deps = { catalog, dataDir, thumbnails };
  const events = {
    fileDone: (file: MediaFile) => {
      counts.done += 1;
      report.progress({
        phase: 'thumbnails',
        filesDone: counts.done,
        filesTotal: total,
        bytesDone: 0,
        bytesTotal: null,
        current: file.relPath,
      });
    },
    failed: report.failed.bind(report),
  };
  for (const { folder, media } of work) {
    if (signal.aborted) break;
    const outcome = await summariseFolder(deps, root, folder, media, signal, events);
    if (signal.aborted) break;
    counts.folders += 1;
    counts.sheets += outcome.written;
    counts.sheetsKept += outcome.kept;
    counts.tiles += outcome.tiles;
    counts.placeholders += outcome.placeholders;
    counts.skipped += outcome.skipped;
  }
  return {
    root: root.label,
    path: params.path,
    recursive: params.recursive,
    folders: counts.folders,
    sheetsWritten: counts.sheets,
    sheetsUnchanged: counts.sheetsKept,
    tiles: counts.tiles,
    placeholders: counts.placeholders,
    skipped: counts.skipped,
  };
}

/** Present photos and videos of one folder whose content the last scan read. */
function folderMedia(catalog: Catalog, rootId: number, folder: string): MediaFile[] {
  return catalog.db
    .select({
      id: files.id,
      relPath: files.relPath,
      name: files.name,
      kind: files.kind,
      mime: files.mime,
      sha256: files.sha256,
      capturedAt: files.capturedAt,
      mtimeMs: files.mtimeMs,
      durationS: files.durationS,
      codec: files.codec,
      problem: files.problem,
      size: files.size,
      contentSize: files.contentSize,
      contentMtimeMs: files.contentMtimeMs,
    })
    .from(files)
    .where(
      and(
        eq(files.rootId, rootId),
        eq(files.dir, folder),
        eq(files.state, 'present'),
        inArray(files.kind, ['photo', 'video']),
      ),
    )
    .all();
}

/** Folders at or under `folder` that hold photos or videos. */
function mediaFolders(catalog: Catalog, rootId: number, folder: string): string[] {
  return catalog.db
    .selectDistinct({ dir: files.dir })
    .from(files)
    .where(
      and(
        eq(files.rootId, rootId),
        eq(files.state, 'present'),
        inArray(files.kind, ['photo', 'video']),
        inFolderTree(folder),
      ),
    )
    .orderBy(files.dir)
    .all()
    .map((r) => r.dir);
}
