import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { SheetIndex } from '../api/schemas.js';
import type { Catalog } from '../catalog/catalog.js';
import type { files } from '../catalog/schema.js';
import type { RootRow } from '../roots/roots.js';
import { createLimiter, forEachLimited, settleAll } from '../util/concurrency.js';
import { captureLabel, durationLabel, fitName } from './labels.js';
import { DEFAULT_LAYOUT, paginate, tileRect, type SheetLayout } from './layout.js';
import { byCaptureTime } from './order.js';
import { scannedContentPath } from './as-scanned.js';
import { renderSheet, type TileToDraw } from './render.js';
import { findSheet, saveSheet, trimSheets, type SheetTileRecord } from './store.js';
import { probedVideo, type ThumbnailCache, type ThumbnailRow } from './thumbnail-cache.js';

/**
 * One folder's contact sheets, made as a pipeline: thumbnails are made in page order, and a
 * page is drawn as soon as its last thumbnail lands, while the next page's thumbnails are
 * made. Drawing after all thumbnails would leave a core idle at every page boundary and add
 * the whole drawing time at the end.
 */

export type MediaFile = Pick<
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

export interface SheetsDeps {
  catalog: Catalog;
  dataDir: string;
  thumbnails: ThumbnailCache;
  layout?: SheetLayout;
}

export interface FolderEvents {
  /** A file's thumbnail is there (or the file was left out): progress. */
  fileDone(file: MediaFile): void;
  failed(item: string, reason: string): void;
}

export interface FolderOutcome {
  written: number;
  kept: number;
  tiles: number;
  placeholders: number;
  skipped: number;
}

const THUMBNAIL_CONCURRENCY = 2;
/**
 * Pages drawn at once. One page keeps one core busy (sharp runs each libvips pipeline on one
 * thread here), so two use both cores of a small NAS when no thumbnails are left to make.
 */
const PAGE_RENDER_CONCURRENCY = 2;
const NOT_SCANNED = 'not read by a scan yet (or changed since): scan the folder first';

type SheetIndexTile = SheetIndex['tiles'][number];

interface Tile {
  file: MediaFile;
  thumb: ThumbnailRow;
}

export async function summariseFolder(
  deps: SheetsDeps,
  root: RootRow,
  folder: string,
  media: MediaFile[],
  signal: AbortSignal,
  events: FolderEvents,
): Promise<FolderOutcome> {
  const layout = deps.layout ?? DEFAULT_LAYOUT;
  const readable = media.filter((file) => {
    if (scannedContentPath(root.path, file) !== null) return true;
    events.failed(file.relPath, NOT_SCANNED);
    events.fileDone(file);
    return false;
  });
  const pages = paginate(byCaptureTime(readable), layout);
  const outcome = { written: 0, kept: 0, tiles: readable.length, placeholders: 0 };
  const thumbs = new Map<number, ThumbnailRow>();
  const pageOf = new Map(pages.flatMap((page, i) => page.map((file) => [file.id, i] as const)));
  const missing = pages.map((page) => page.length);
  const draw = createLimiter(PAGE_RENDER_CONCURRENCY);
  const drawing: Promise<void>[] = [];
  const drawPage = async (i: number) => {
    const tiles = pages[i]!.map((file) => ({ file, thumb: thumbs.get(file.id)! }));
    const wrote = await writePageIfChanged(deps, layout, root, folder, i + 1, pages.length, tiles);
    if (wrote) outcome.written += 1;
    else outcome.kept += 1;
  };
  try {
    await forEachLimited(pages.flat(), THUMBNAIL_CONCURRENCY, signal, async (file) => {
      const thumb = await thumbnailFor(deps.thumbnails, root, file, events.failed);
      thumbs.set(file.id, thumb);
      if (thumb.kind === 'placeholder') outcome.placeholders += 1;
      events.fileDone(file);
      const i = pageOf.get(file.id)!;
      missing[i]! -= 1;
      if (missing[i] === 0 && !signal.aborted) drawing.push(draw(() => drawPage(i)));
    });
  } finally {
    // A failed thumbnail stops the job, but never with a page still being written behind it.
    await settleAll(drawing).catch(() => undefined);
  }
  await settleAll(drawing);
  if (!signal.aborted) trimExtraPages(deps, root, folder, pages.length);
  return { ...outcome, skipped: media.length - readable.length };
}

async function thumbnailFor(
  thumbnails: ThumbnailCache,
  root: RootRow,
  file: MediaFile,
  failed: (item: string, reason: string) => void,
): Promise<ThumbnailRow> {
  // Checked again just before reading: the file may have changed since the folder was planned.
  const absPath = scannedContentPath(root.path, file);
  if (absPath === null) {
    failed(file.relPath, NOT_SCANNED);
    return changedPlaceholder(file);
  }
  const thumb = await thumbnails.ensure({
    sha256: file.sha256!,
    absPath,
    kind: file.kind as 'photo' | 'video',
    mime: file.mime,
    probed: probedVideo(file),
  });
  if (thumb.kind === 'placeholder') failed(file.relPath, `placeholder tile: ${thumb.reason}`);
  return thumb;
}

/** A tile for a file that changed during the job; never cached: the next scan reads it. */
function changedPlaceholder(file: MediaFile): ThumbnailRow {
  return {
    sha256: file.sha256 ?? '',
    kind: 'placeholder',
    width: null,
    height: null,
    durationS: null,
    frames: null,
    reason: 'changed since the scan',
    createdAt: Date.now(),
  };
}

/** Draws and saves a page unless the same picture is already saved. True when it wrote. */
async function writePageIfChanged(
  deps: SheetsDeps,
  layout: SheetLayout,
  root: RootRow,
  folder: string,
  page: number,
  pages: number,
  tiles: Tile[],
): Promise<boolean> {
  const signature = pageSignature(layout, pages, tiles);
  const existing = findSheet(deps.catalog, root.id, folder, page);
  if (
    existing &&
    existing.signature === signature &&
    fileExists(path.join(deps.dataDir, existing.imagePath))
  ) {
    return false;
  }
  await writePage(deps, layout, root, folder, page, pages, tiles, signature);
  return true;
}

/** Pages past the folder's new last page: their tiles moved to earlier pages or are gone. */
function trimExtraPages(deps: SheetsDeps, root: RootRow, folder: string, pages: number): void {
  for (const removed of trimSheets(deps.catalog, root.id, folder, pages)) {
    rmSync(path.join(deps.dataDir, removed.imagePath), { force: true });
    rmSync(path.join(deps.dataDir, removed.indexPath), { force: true });
  }
}

async function writePage(
  { catalog, dataDir, thumbnails }: SheetsDeps,
  layout: SheetLayout,
  root: RootRow,
  folder: string,
  page: number,
  pages: number,
  tiles: Tile[],
  signature: string,
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
function pageSignature(layout: SheetLayout, pages: number, tiles: Tile[]): string {
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
