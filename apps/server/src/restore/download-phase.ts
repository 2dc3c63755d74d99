/**
 * Downloads every available item of the job, a few files at once, as soon as they are
 * available; each ends downloaded (verified), skipped (the same file was there), expired (cold
 * again before its turn) or failed with its reason.
 */
import { eq } from 'drizzle-orm';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { RateMeter } from '../archive/rate.js';
import { files, roots } from '../catalog/schema.js';
import { RootOfflineError, UserInputError } from '../errors.js';
import { forEachLimited } from '../util/concurrency.js';
import { downloadFile } from './download.js';
import { expired } from './messages.js';
import { objectState } from './object-state.js';
import {
  failItems,
  mayOverwrite,
  reasonOf,
  rethrowIfStopped,
  waitMessage,
  type Run,
} from './run.js';
import { nextCheckDelay } from './settings.js';
import { itemsOf, updateItem, type RestoreItemRow } from './store.js';

export async function downloadAvailable(run: Run): Promise<void> {
  const items = itemsOf(run.catalog, run.job.job.id, ['available']).filter(
    (i) => i.targetPath !== null,
  );
  if (items.length === 0) return;
  const tracker = new DownloadTracker(run, items);
  await forEachLimited(items, run.settings.fileConcurrency, run.job.signal, async (item) => {
    try {
      await downloadOne(run, item, tracker);
    } catch (error) {
      rethrowIfStopped(run, error);
      failItems(run, [item], reasonOf(error));
    }
    tracker.finish(item);
  });
  run.job.report.flush();
}

async function downloadOne(run: Run, item: RestoreItemRow, tracker: DownloadTracker) {
  const info = await run.destination.head(item.key);
  if (!info) {
    failItems(run, [item], `no object at ${item.key} in "${run.row.name}" any more`);
    return;
  }
  const state = objectState(info);
  if (state.state === 'cold') {
    failItems(run, [item], expired(item.relPath, state.expiredAt ?? item.expiresAt), 'expired');
    return;
  }
  if (state.state === 'in-progress') {
    if (!run.params.wait) {
      failItems(run, [item], waitMessage(run, item));
      return;
    }
    updateItem(run.catalog, item.id, {
      state: 'in-progress',
      nextCheckAt: Date.now() + nextCheckDelay(item.checks, run.settings.schedule),
    });
    return;
  }
  const outcome = await downloadFile(
    run.destination,
    {
      key: item.key,
      info,
      target: item.targetPath!,
      folder: await allowedFolder(run, item),
      sha256: item.sha256,
      mtimeMs: item.mtimeMs,
      overwrite: mayOverwrite(run),
    },
    run.settings,
    run.job.signal,
    (bytes) => tracker.update(item, bytes),
  );
  updateItem(
    run.catalog,
    item.id,
    outcome.kind === 'identical'
      ? { state: 'skipped', reason: 'already there, identical' }
      : { state: 'downloaded', verified: outcome.verified, downloadedAt: Date.now(), reason: null },
  );
}

/** The folder a target must stay in: the download folder, or the root of the original file. */
async function allowedFolder(run: Run, item: RestoreItemRow): Promise<string> {
  const target = run.params.target;
  if (target.kind === 'folder') return path.resolve(target.dir);
  const root = run.catalog.db
    .select({ path: roots.path, label: roots.label })
    .from(files)
    .innerJoin(roots, eq(roots.id, files.rootId))
    .where(eq(files.id, item.fileId ?? -1))
    .get();
  if (!root) throw new UserInputError(`${item.relPath} has no original place in the catalog`);
  await assertWritableRoot(root);
  return root.path;
}

/**
 * Files go back to their original place only into a root that is there and writable: media
 * mounts are often read-only (DESIGN.md rule 1), and a root whose drive is unplugged must not
 * be recreated on the system disk.
 */
export async function assertWritableRoot(root: { path: string; label: string }): Promise<void> {
  try {
    await access(root.path, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new RootOfflineError(
        `The root "${root.label}" is offline (${root.path}): plug it in, or choose a download folder`,
      );
    }
    throw new UserInputError(
      `The root "${root.label}" (${root.path}) is read-only: files cannot go back to their original place; choose a download folder instead`,
    );
  }
}

/** Bytes, speed and time left over the files being downloaded, for the job's progress. */
class DownloadTracker {
  private readonly active = new Map<string, { bytesDone: number; bytes: number }>();
  private readonly meter = new RateMeter();
  private finishedBytes = 0;
  private filesDone = 0;
  private readonly bytesTotal: number;

  constructor(
    private readonly run: Run,
    private readonly items: RestoreItemRow[],
  ) {
    this.bytesTotal = items.reduce((n, i) => n + i.size, 0);
  }

  update(item: RestoreItemRow, bytes: number): void {
    this.active.set(item.relPath, { bytesDone: bytes, bytes: item.size });
    this.emit();
  }

  finish(item: RestoreItemRow): void {
    this.active.delete(item.relPath);
    this.finishedBytes += item.size;
    this.filesDone += 1;
    this.emit();
  }

  private emit(): void {
    const inFlight = [...this.active.values()].reduce((n, a) => n + a.bytesDone, 0);
    const bytesDone = this.finishedBytes + inFlight;
    this.meter.update(bytesDone);
    this.run.job.report.progress({
      phase: 'downloading',
      filesDone: this.filesDone,
      filesTotal: this.items.length,
      bytesDone,
      bytesTotal: this.bytesTotal,
      bytesPerSecond: Math.round(this.meter.bytesPerSecond()),
      etaSeconds: this.meter.etaSeconds(this.bytesTotal - bytesDone),
      active: [...this.active.entries()].map(([item, a]) => ({ item, ...a })),
    });
  }
}
