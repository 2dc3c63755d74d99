import { and, asc, eq, gt, sql, type SQL } from 'drizzle-orm';
import path from 'node:path';
import type { Catalog, CatalogTx } from '../catalog/catalog.js';
import { fileEvents, files, type FileKind } from '../catalog/schema.js';
import { contentIsStale, inFolderTree } from '../catalog/sql.js';
import { describeFsError } from '../errors.js';
import type { MediaInfo } from '../media/info.js';
import { kindFromContent } from './classify.js';
import { forEachLimited } from '../util/concurrency.js';
import type { Hasher, HashResult } from './hasher.js';

/**
 * Phase two of a scan: read the content of every file that is new or changed since its
 * content was last read (hash, type by signature, metadata), and recognise moved files by
 * their hash. Work is paged from the catalog, so memory stays bounded on any tree.
 */

export interface ContentOptions {
  rootId: number;
  rootPath: string;
  scope: string;
  readMetadata: boolean;
  concurrency: number;
  hasher: Hasher;
  signal: AbortSignal;
  /** Throws RootOfflineError when the root itself is gone (drive unplugged mid-scan). */
  assertRootOnline(): void;
  onProgress(counts: ContentCounts, current: string): void;
  onFailure(item: string, reason: string): void;
}

export interface ContentCounts {
  filesTotal: number;
  bytesTotal: number;
  filesDone: number;
  bytesDone: number;
  hashed: number;
  moved: number;
  unreadable: number;
}

type Candidate = Pick<
  typeof files.$inferSelect,
  'id' | 'relPath' | 'name' | 'size' | 'mtimeMs' | 'sha256' | 'kind' | 'capturedAt' | 'width'
>;

interface ContentOutcome {
  candidate: Candidate;
  hash: HashResult;
  kind: FileKind;
  info: MediaInfo | null;
}

const PAGE = 256;
const FLUSH_EVERY = 200;

export async function runContent(
  catalog: Catalog,
  options: ContentOptions,
): Promise<ContentCounts> {
  const where = staleContentWhere(options.rootId, options.scope);
  const totals = catalog.db
    .select({ n: sql<number>`count(*)`, bytes: sql<number>`coalesce(sum(${files.size}), 0)` })
    .from(files)
    .where(where)
    .get()!;
  const counts: ContentCounts = {
    filesTotal: totals.n,
    bytesTotal: totals.bytes,
    filesDone: 0,
    bytesDone: 0,
    hashed: 0,
    moved: 0,
    unreadable: 0,
  };
  options.onProgress(counts, '');
  let pending: ContentOutcome[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    // A file that vanished is marked missing, unless the whole root vanished: then every
    // file would look deleted, so the scan stops as offline and this batch is not written.
    if (batch.some((o) => !o.hash.ok && o.hash.code === 'ENOENT')) options.assertRootOnline();
    catalog.write((tx) => {
      for (const outcome of batch) applyOutcome(tx, outcome, counts, options.onFailure);
    });
  };

  let cursor = 0;
  while (!options.signal.aborted) {
    const page = catalog.db
      .select({
        id: files.id,
        relPath: files.relPath,
        name: files.name,
        size: files.size,
        mtimeMs: files.mtimeMs,
        sha256: files.sha256,
        kind: files.kind,
        capturedAt: files.capturedAt,
        width: files.width,
      })
      .from(files)
      .where(and(where, gt(files.id, cursor)))
      .orderBy(asc(files.id))
      .limit(PAGE)
      .all();
    if (page.length === 0) break;
    cursor = page[page.length - 1]!.id;
    await forEachLimited(page, options.concurrency, options.signal, async (candidate) => {
      const outcome = await readContent(candidate, options);
      counts.filesDone += 1;
      counts.bytesDone += candidate.size;
      pending.push(outcome);
      if (pending.length >= FLUSH_EVERY) flush();
      options.onProgress(counts, candidate.relPath);
    });
    flush();
  }
  flush();
  return counts;
}

/** Present files in scope whose content was never read, or read at another size or mtime. */
function staleContentWhere(rootId: number, scope: string): SQL {
  return and(
    eq(files.rootId, rootId),
    eq(files.state, 'present'),
    contentIsStale,
    inFolderTree(scope),
  )!;
}

async function readContent(candidate: Candidate, options: ContentOptions): Promise<ContentOutcome> {
  const absPath = path.join(options.rootPath, candidate.relPath);
  const hash = await options.hasher.hash(absPath);
  if (!hash.ok || !hash.stable) return { candidate, hash, kind: candidate.kind, info: null };
  const kind = kindFromContent(candidate.name, hash.mime);
  const sameContent =
    hash.sha256 === candidate.sha256 && (candidate.capturedAt !== null || candidate.width !== null);
  const wantsInfo = options.readMetadata && (kind === 'photo' || kind === 'video') && !sameContent;
  // sharp and exiftool load with the first photo or video to read: a rescan that finds nothing
  // new never loads them.
  const info = wantsInfo
    ? await (await import('../media/info.js')).readMediaInfo(absPath, kind)
    : null;
  return { candidate, hash, kind, info };
}

function applyOutcome(
  tx: CatalogTx,
  { candidate, hash, kind, info }: ContentOutcome,
  counts: ContentCounts,
  onFailure: (item: string, reason: string) => void,
): void {
  const now = Date.now();
  if (!hash.ok) {
    counts.unreadable += 1;
    if (hash.code === 'ENOENT') {
      tx.update(files)
        .set({ state: 'missing', missingSince: now })
        .where(eq(files.id, candidate.id))
        .run();
      tx.insert(fileEvents).values({ fileId: candidate.id, at: now, kind: 'missing' }).run();
      onFailure(candidate.relPath, 'vanished during the scan');
      return;
    }
    const reason = `cannot read: ${describeFsError({ code: hash.code, message: hash.message })}`;
    tx.update(files).set({ problem: reason }).where(eq(files.id, candidate.id)).run();
    onFailure(candidate.relPath, reason);
    return;
  }
  if (!hash.stable) {
    counts.unreadable += 1;
    const reason = 'changed while it was being read; it will be read again at the next scan';
    tx.update(files)
      .set({ size: hash.size, mtimeMs: hash.mtimeMs, problem: reason })
      .where(eq(files.id, candidate.id))
      .run();
    onFailure(candidate.relPath, reason);
    return;
  }
  counts.hashed += 1;
  const firstContent = candidate.sha256 === null;
  tx.update(files)
    .set({
      sha256: hash.sha256,
      size: hash.size,
      mtimeMs: hash.mtimeMs,
      inode: hash.inode,
      contentSize: hash.size,
      contentMtimeMs: hash.mtimeMs,
      kind,
      mime: hash.mime,
      problem: info?.problem ?? null,
      ...(info ? metadataColumns(info) : {}),
    })
    .where(eq(files.id, candidate.id))
    .run();
  if (!firstContent && candidate.sha256 !== hash.sha256) {
    tx.insert(fileEvents).values({ fileId: candidate.id, at: now, kind: 'content-changed' }).run();
  }
  if (info?.problem) onFailure(candidate.relPath, info.problem);
  if (firstContent && linkMovedFile(tx, candidate.id, hash.sha256, hash.size, now))
    counts.moved += 1;
}

/**
 * A new file whose content matches a file that went missing is that file, moved: the old row
 * points at the new one, history and (later) archived copies carry over.
 */
function linkMovedFile(
  tx: CatalogTx,
  fileId: number,
  sha256: string,
  size: number,
  now: number,
): boolean {
  const previous = tx
    .select({ id: files.id, relPath: files.relPath, rootId: files.rootId })
    .from(files)
    .where(and(eq(files.sha256, sha256), eq(files.size, size), eq(files.state, 'missing')))
    .orderBy(asc(files.missingSince))
    .limit(1)
    .get();
  if (!previous) return false;
  tx.update(files)
    .set({ state: 'moved', movedToId: fileId })
    .where(eq(files.id, previous.id))
    .run();
  tx.update(files).set({ movedFromId: previous.id }).where(eq(files.id, fileId)).run();
  tx.insert(fileEvents)
    .values([
      { fileId: previous.id, at: now, kind: 'moved-away', detail: String(fileId) },
      { fileId, at: now, kind: 'moved-here', detail: previous.relPath },
    ])
    .run();
  return true;
}

function metadataColumns(info: MediaInfo) {
  return {
    capturedAt: info.capturedAt,
    cameraMake: info.cameraMake,
    cameraModel: info.cameraModel,
    width: info.width,
    height: info.height,
    orientation: info.orientation,
    durationS: info.durationS,
    codec: info.codec,
    gpsLat: info.gpsLat,
    gpsLon: info.gpsLon,
  };
}
