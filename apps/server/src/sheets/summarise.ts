import { and, eq, inArray } from 'drizzle-orm';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { SheetIndex } from '../api/schemas.js';
import type { Catalog } from '../catalog/catalog.js';
import { files } from '../catalog/schema.js';
import { inFolderTree } from '../catalog/sql.js';
import { forEachLimited } from '../util/concurrency.js';
import { RootOfflineError } from '../errors.js';
import type { JobContext, JobHandler } from '../jobs/runner.js';
import { findActiveJob } from '../jobs/store.js';
import { normalizeRelPath } from '../roots/paths.js';
import { getRootById, isRootOnline, type RootRow } from '../roots/roots.js';
import { captureLabel, durationLabel, fitName } from './labels.js';
import { DEFAULT_LAYOUT, paginate, tileRect, type SheetLayout } from './layout.js';
import { byCaptureTime } from './order.js';
import { renderSheet, type TileToDraw } from './render.js';
import { findSheet, saveSheet, trimSheets, type SheetTileRecord } from './store.js';
import { probedVideo, ThumbnailCache, type ThumbnailRow } from './thumbnail-cache.js';

export const SUMMARISE_JOB = 'summarise';

export const summariseParamsSchema = z.object({
  rootId: z.number().int(),
  root: z.string().optional(),
  path: z.string().default(''),
  recursive: z.boolean().default(false),
});
export type SummariseParams = z.infer<typeof summariseParamsSchema>;

type MediaFile = Pick<
  typeof files.$inferSelect,
  | 'id'
  | 'relPath'
  | 'name'
  | 'kind'
  | 'mime'
  | 'sha256'
  | 'capturedAt'
  | 'mtimeMs'
  | 'durationS'
  | 'codec'
  | 'problem'
  | 'size'
  | 'contentSize'
  | 'contentMtimeMs'
>;

type SheetIndexTile = SheetIndex['tiles'][number];

const THUMBNAIL_CONCURRENCY = 2;
/**
 * Pages of a folder drawn at once. One page keeps one core busy (sharp runs each libvips
 * pipeline on one thread here), so two use both cores of a small NAS.
 */
const PAGE_RENDER_CONCURRENCY = 2;

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
): Promise<Record<string, unknown>> {
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

  for (const { folder, media } of work) {
    if (signal.aborted) break;
    const ready: { file: MediaFile; thumb: ThumbnailRow }[] = [];
    await forEachLimited(media, THUMBNAIL_CONCURRENCY, signal, async (file) => {
      const thumb = await thumbnailFor(thumbnails, root, file, report.failed.bind(report));
      counts.done += 1;
      report.progress({
        phase: 'thumbnails',
        filesDone: counts.done,
        filesTotal: total,
        bytesDone: 0,
        bytesTotal: null,
        current: file.relPath,
      });
      if (thumb) ready.push({ file, thumb });
      else counts.skipped += 1;
    });
    if (signal.aborted) break;
    const ordered = byCaptureTime(
      ready.map((r) => ({
        ...r,
        name: r.file.name,
        capturedAt: r.file.capturedAt,
        mtimeMs: r.file.mtimeMs,
      })),
    );
    const outcome = await writeFolderSheets(
      catalog,
      dataDir,
      thumbnails,
      root,
      folder,
      ordered,
      signal,
    );
    counts.folders += 1;
    counts.sheets += outcome.written;
    counts.sheetsKept += outcome.kept;
    counts.tiles += ordered.length;
    counts.placeholders += ordered.filter((r) => r.thumb.kind === 'placeholder').length;
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

async function thumbnailFor(
  thumbnails: ThumbnailCache,
  root: RootRow,
  file: MediaFile,
  failed: (item: string, reason: string) => void,
): Promise<ThumbnailRow | undefined> {
  const absPath = path.join(root.path, file.relPath);
  if (!file.sha256 || isStale(file) || changedOnDisk(absPath, file)) {
    failed(file.relPath, 'not read by a scan yet (or changed since): scan the folder first');
    return undefined;
  }
  const thumb = await thumbnails.ensure({
    sha256: file.sha256,
    absPath,
    kind: file.kind as 'photo' | 'video',
    mime: file.mime,
    probed: probedVideo(file),
  });
  if (thumb.kind === 'placeholder') failed(file.relPath, `placeholder tile: ${thumb.reason}`);
  return thumb;
}

/**
 * The file on disk is not what the scan read: a tile would show content the catalog does not
 * know (and label it with the old hash).
 */
function changedOnDisk(absPath: string, file: MediaFile): boolean {
  try {
    const stat = statSync(absPath);
    return stat.size !== file.size || Math.floor(stat.mtimeMs) !== file.mtimeMs;
  } catch {
    return true;
  }
}

/** The hash belongs to another size or mtime: the file changed since the scan read it. */
function isStale(file: MediaFile): boolean {
  return file.contentSize !== file.size || file.contentMtimeMs !== file.mtimeMs;
}

interface OrderedTile {
  file: MediaFile;
  thumb: ThumbnailRow;
}

/** Writes the pages of one folder that changed, keeps those that did not, drops the extra. */
async function writeFolderSheets(
  catalog: Catalog,
  dataDir: string,
  thumbnails: ThumbnailCache,
  root: RootRow,
  folder: string,
  tiles: OrderedTile[],
  signal: AbortSignal,
  layout: SheetLayout = DEFAULT_LAYOUT,
): Promise<{ written: number; kept: number }> {
  const pages = paginate(tiles, layout);
  let written = 0;
  let kept = 0;
  const numbered = pages.map((pageTiles, i) => ({ page: i + 1, pageTiles }));
  await forEachLimited(numbered, PAGE_RENDER_CONCURRENCY, signal, async ({ page, pageTiles }) => {
    const signature = pageSignature(layout, pages.length, pageTiles);
    const existing = findSheet(catalog, root.id, folder, page);
    if (
      existing &&
      existing.signature === signature &&
      fileExists(path.join(dataDir, existing.imagePath))
    ) {
      kept += 1;
      return;
    }
    await writePage(
      catalog,
      dataDir,
      thumbnails,
      root,
      folder,
      page,
      pages.length,
      pageTiles,
      signature,
      layout,
    );
    written += 1;
  });
  if (signal.aborted) return { written, kept };
  for (const removed of trimSheets(catalog, root.id, folder, pages.length)) {
    rmSync(path.join(dataDir, removed.imagePath), { force: true });
    rmSync(path.join(dataDir, removed.indexPath), { force: true });
  }
  return { written, kept };
}

async function writePage(
  catalog: Catalog,
  dataDir: string,
  thumbnails: ThumbnailCache,
  root: RootRow,
  folder: string,
  page: number,
  pages: number,
  tiles: OrderedTile[],
  signature: string,
  layout: SheetLayout,
): Promise<void> {
  const drawn: TileToDraw[] = tiles.map(({ file, thumb }, position) => ({
    position,
    name: fitName(file.name, 36),
    caption: tileCaption(file),
    image: thumb.kind === 'placeholder' ? null : readFileSync(thumbnails.imagePath(thumb.sha256)),
    reason: thumb.reason,
    badge:
      file.kind === 'video' && (thumb.durationS ?? file.durationS) !== null
        ? durationLabel((thumb.durationS ?? file.durationS)!)
        : null,
  }));
  const rendered = await renderSheet(layout, drawn);
  const index: SheetIndex = {
    version: 1,
    root: root.label,
    folder,
    page,
    pages,
    width: rendered.width,
    height: rendered.height,
    tiles: tiles.map(({ file, thumb }, position) => ({
      position,
      ...tileRect(layout, position),
      image: rendered.imageRects.get(position)!,
      fileId: file.id,
      root: root.label,
      path: file.relPath,
      name: file.name,
      sha256: file.sha256!,
      kind: file.kind,
      capturedAt: file.capturedAt,
      durationS: thumb.durationS ?? file.durationS,
      problem: thumb.reason,
    })),
  };
  const base = sheetBasePath(root.id, folder, page);
  const imagePath = `${base}.webp`;
  const indexPath = `${base}.json`;
  writeAtomically(path.join(dataDir, imagePath), rendered.image);
  writeAtomically(path.join(dataDir, indexPath), Buffer.from(JSON.stringify(index)));
  saveSheet(
    catalog,
    {
      rootId: root.id,
      folder,
      page,
      pages,
      tileCount: tiles.length,
      width: rendered.width,
      height: rendered.height,
      imagePath,
      indexPath,
      bytes: rendered.image.length,
      signature,
      createdAt: Date.now(),
    },
    index.tiles.map((t: SheetIndexTile): SheetTileRecord => ({
      position: t.position,
      fileId: t.fileId,
      sha256: t.sha256,
      x: t.x,
      y: t.y,
      w: t.w,
      h: t.h,
    })),
  );
}

function tileCaption(file: MediaFile): string {
  return captureLabel(file.capturedAt);
}

/**
 * Sheets live in the data dir under a hash of their folder: folder names may hold anything a
 * file system allows, and a folder and a sheet file must never collide.
 */
function sheetBasePath(rootId: number, folder: string, page: number): string {
  const folderKey = createHash('sha256').update(folder).digest('hex').slice(0, 24);
  return path.join('sheets', String(rootId), folderKey, `page-${String(page).padStart(3, '0')}`);
}

/** What a page shows; the same signature means the same picture, so nothing to redraw. */
function pageSignature(layout: SheetLayout, pages: number, tiles: OrderedTile[]): string {
  const hash = createHash('sha256').update(JSON.stringify({ layout, pages, v: 1 }));
  for (const { file, thumb } of tiles) {
    hash.update(
      JSON.stringify([
        file.id,
        file.sha256,
        file.name,
        file.capturedAt,
        thumb.kind,
        thumb.reason,
        thumb.createdAt,
      ]),
    );
  }
  return hash.digest('hex');
}

function writeAtomically(target: string, data: Buffer): void {
  mkdirSync(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function fileExists(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
