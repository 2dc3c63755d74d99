import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { DataVolumeFullError } from '../errors.js';
import { knownMigrationCount } from './db.js';

/**
 * Backups of the catalog, kept in `<data dir>/backups/`.
 *
 * They are taken with SQLite's online backup API (better-sqlite3's `db.backup()`), never by
 * copying the file: a copy of a WAL database taken while the server writes can miss the pages
 * still in `catalog.sqlite-wal`, or catch a page half-written. The backup API reads one
 * consistent snapshot through SQLite itself, while the server goes on reading and writing.
 *
 * Three kinds, each with its own retention (the newest `keep` of each are kept):
 * - `pre-migration`: taken before a new release changes the schema, so an upgrade can be undone;
 * - `scheduled`: taken by the server on a timer (daily by default);
 * - `manual`: `glacier backup`.
 *
 * To restore one: stop the app, copy the backup over `catalog.sqlite`, delete
 * `catalog.sqlite-wal` and `catalog.sqlite-shm`, start the app (see the README). An older
 * backup is migrated again at start like any older catalog.
 */

export const BACKUP_KINDS = ['pre-migration', 'scheduled', 'manual'] as const;
export type BackupKind = (typeof BACKUP_KINDS)[number];

export interface BackupInfo {
  /** File name inside the backups folder. */
  name: string;
  path: string;
  kind: BackupKind;
  /** When the backup was taken (ms since the epoch, from its name). */
  createdAt: number;
  bytes: number;
  /** The catalog's schema version (number of migrations applied) in the backup. */
  schema: number;
}

export const DEFAULT_BACKUP_KEEP = 7;

/** catalog-20250314T021500123Z-scheduled-v3.sqlite: sorts by time, says what and which schema. */
const NAME_PATTERN =
  /^catalog-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z-(pre-migration|scheduled|manual)-v(\d+)\.sqlite$/;
const PARTIAL_SUFFIX = '.partial';

export function backupsDir(dataDir: string): string {
  return path.join(dataDir, 'backups');
}

export interface BackupOptions {
  /** How many backups of this kind to keep; older ones are deleted after this one is written. */
  keep?: number;
  /** The time written into the name (tests pin it; otherwise now). */
  now?: number;
}

/**
 * Writes a backup of the open catalog and applies the retention of its kind. The copy is
 * written under a temporary name, checked (SQLite's quick_check) and only then renamed, so a
 * crash or a full volume never leaves a file that looks like a good backup.
 */
export async function backupCatalog(
  sqlite: Database.Database,
  dataDir: string,
  kind: BackupKind,
  options: BackupOptions = {},
): Promise<BackupInfo> {
  const dir = backupsDir(dataDir);
  const schema = sqlite.pragma('user_version', { simple: true }) as number;
  const name = backupName(options.now ?? Date.now(), kind, schema);
  const target = path.join(dir, name);
  await copyCatalog(sqlite, target);
  pruneBackups(dataDir, kind, options.keep ?? DEFAULT_BACKUP_KEEP);
  return describe(dir, name)!;
}

/**
 * Writes a checked, self-contained copy of the open catalog to `target`: under a temporary name,
 * checked (SQLite's quick_check), then renamed, so a crash or a full volume never leaves a file
 * that looks like a good copy. `prepare` may change the copy before its check (the snapshot
 * sent to a destination leaves out the login sessions).
 */
export async function copyCatalog(
  sqlite: Database.Database,
  target: string,
  prepare?: (copy: Database.Database) => void,
): Promise<void> {
  const partial = `${target}${PARTIAL_SUFFIX}`;
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    rmSync(partial, { force: true });
    // 1024 pages (4 MB) a step: a large catalog is copied in slices between which the server
    // keeps serving requests; writes made meanwhile are folded into the copy by SQLite.
    await sqlite.backup(partial, { progress: () => 1024 });
    checkBackup(partial, prepare);
    renameSync(partial, target);
  } catch (error) {
    rmSync(partial, { force: true });
    throw backupFailure(error);
  }
}

/** Every backup in the data dir, newest first. Files of other names are left alone. */
export function listBackups(dataDir: string): BackupInfo[] {
  const dir = backupsDir(dataDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => describe(dir, name))
    .filter((b): b is BackupInfo => b !== undefined)
    .sort((a, b) => b.createdAt - a.createdAt || b.name.localeCompare(a.name));
}

/** Deletes all but the newest `keep` backups of a kind, and copies left by a crash. */
export function pruneBackups(dataDir: string, kind: BackupKind, keep: number): BackupInfo[] {
  const dir = backupsDir(dataDir);
  if (!existsSync(dir)) return [];
  for (const name of readdirSync(dir)) {
    if (name.endsWith(PARTIAL_SUFFIX) && NAME_PATTERN.test(name.slice(0, -PARTIAL_SUFFIX.length)))
      rmSync(path.join(dir, name), { force: true });
  }
  const removed = listBackups(dataDir)
    .filter((b) => b.kind === kind)
    .slice(Math.max(0, keep));
  for (const backup of removed) rmSync(backup.path, { force: true });
  return removed;
}

/**
 * Before a release migrates an existing catalog, keeps a copy of it as it was. Called by the
 * server and the CLI before they open the catalog (opening migrates it). Returns the backup,
 * or undefined when there is nothing to keep: no catalog yet, or one already up to date (a
 * catalog from a newer release is refused by openCatalog, untouched).
 */
export async function backupBeforeMigration(
  dataDir: string,
  options: { keep?: number } = {},
): Promise<BackupInfo | undefined> {
  const file = path.join(dataDir, 'catalog.sqlite');
  if (!existsSync(file)) return undefined;
  const sqlite = new Database(file, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 10000');
    const applied = sqlite.pragma('user_version', { simple: true }) as number;
    if (applied >= knownMigrationCount()) return undefined;
    const tables = sqlite
      .prepare("select count(*) as n from sqlite_master where type = 'table'")
      .get() as { n: number };
    if (tables.n === 0) return undefined;
    return await backupCatalog(sqlite, dataDir, 'pre-migration', options);
  } finally {
    sqlite.close();
  }
}

/** When the next scheduled backup is due, given the newest one (pure: tested without a clock). */
export function nextBackupDelay(
  newestScheduledAt: number | undefined,
  intervalMs: number,
  now: number,
): number {
  if (newestScheduledAt === undefined) return 0;
  return Math.max(0, newestScheduledAt + intervalMs - now);
}

export interface BackupScheduleOptions {
  intervalHours: number;
  keep: number;
  log: { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/**
 * The server's scheduled backups: one at start if the newest is older than the interval, then
 * one per interval. A failed backup (a full volume) is logged and tried again next time; it
 * never stops the server.
 */
export class BackupSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly dataDir: string,
    private readonly options: BackupScheduleOptions,
  ) {}

  start(): void {
    if (this.options.intervalHours <= 0) return;
    const newest = listBackups(this.dataDir).find((b) => b.kind === 'scheduled');
    this.arm(nextBackupDelay(newest?.createdAt, this.intervalMs(), Date.now()));
  }

  /** Stops the timer and waits for a backup under way, so the catalog can then be closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private intervalMs(): number {
    return this.options.intervalHours * 3_600_000;
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    // setTimeout holds at most 2^31-1 ms (24.8 days); a longer interval re-checks then.
    this.timer = setTimeout(() => this.run(), Math.min(delayMs, 2 ** 31 - 1));
    this.timer.unref();
  }

  private run(): void {
    if (this.stopped) return;
    const { keep, log } = this.options;
    this.running = backupCatalog(this.sqlite, this.dataDir, 'scheduled', { keep })
      .then((backup) => log.info({ backup: backup.name, bytes: backup.bytes }, 'catalog backed up'))
      .catch((error: unknown) =>
        log.error({ err: error }, `scheduled catalog backup failed: ${String(error)}`),
      )
      .finally(() => {
        this.running = undefined;
        this.arm(this.intervalMs());
      });
  }
}

function backupName(now: number, kind: BackupKind, schema: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:.]/g, '');
  return `catalog-${stamp}-${kind}-v${schema}.sqlite`;
}

function describe(dir: string, name: string): BackupInfo | undefined {
  const match = NAME_PATTERN.exec(name);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, ms, kind, schema] = match;
  const file = path.join(dir, name);
  let bytes: number;
  try {
    bytes = statSync(file).size;
  } catch {
    return undefined;
  }
  return {
    name,
    path: file,
    kind: kind as BackupKind,
    createdAt: Date.UTC(+y!, +mo! - 1, +d!, +h!, +mi!, +s!, +ms!),
    bytes,
    schema: Number(schema),
  };
}

/**
 * A backup that SQLite cannot read back whole is no backup: fail now, not on the day it is
 * needed. The copy is also switched out of WAL mode so that it is one self-contained file
 * (restoring it is a plain copy; the app turns WAL on again when it opens it).
 */
function checkBackup(file: string, prepare?: (copy: Database.Database) => void): void {
  const copy = new Database(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    prepare?.(copy);
    const result = copy.pragma('quick_check', { simple: true });
    if (result !== 'ok') throw new Error(`the backup copy failed SQLite's check: ${result}`);
  } finally {
    copy.close();
  }
}

function backupFailure(error: unknown): unknown {
  const full =
    DataVolumeFullError.from(error) !== undefined ||
    (error as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC';
  if (full) {
    return new DataVolumeFullError(
      'The data volume is full: the catalog backup could not be written (nothing was changed). ' +
        'Free some space on the volume that holds the data folder, then try again.',
    );
  }
  return error;
}
