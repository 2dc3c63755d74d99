import Database from 'better-sqlite3';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BackupSchedule,
  backupCatalog,
  backupsDir,
  listBackups,
  nextBackupDelay,
} from '../src/catalog/backup.js';
import { Catalog } from '../src/catalog/catalog.js';
import { openCatalog } from '../src/catalog/db.js';
import { addRoot, listRoots } from '../src/roots/roots.js';
import { runCli } from './helpers/cli.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function freshCatalog(): { dataDir: string; catalog: Catalog } {
  dir = mkdtempSync(path.join(tmpdir(), 'glacier-backup-'));
  const dataDir = path.join(dir, 'data');
  return { dataDir, catalog: new Catalog(openCatalog(dataDir)) };
}

function addRoots(catalog: Catalog, labels: string[]): void {
  for (const label of labels) {
    const folder = path.join(dir!, 'media', label);
    mkdirSync(folder, { recursive: true });
    addRoot(catalog, { path: folder, label });
  }
}

function labelsIn(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    const hasRoots = db.prepare("select 1 from sqlite_master where name = 'roots'").get();
    if (!hasRoots) return [];
    return (db.prepare('select label from roots order by label').all() as { label: string }[]).map(
      (r) => r.label,
    );
  } finally {
    db.close();
  }
}

describe('catalog backups', () => {
  it('copies the live catalog through SQLite, including what is still in the WAL', async () => {
    const { dataDir, catalog } = freshCatalog();
    try {
      // Keep the writes in the WAL: a plain copy of catalog.sqlite would miss them.
      catalog.sqlite.pragma('wal_autocheckpoint = 0');
      addRoots(catalog, ['photos', 'videos']);
      const plainCopy = path.join(dir!, 'plain-copy.sqlite');
      copyFileSync(path.join(dataDir, 'catalog.sqlite'), plainCopy);
      // The copy lacks the new roots (here even the tables: the migrations are in the WAL too).
      expect(labelsIn(plainCopy)).toEqual([]);

      const backup = await backupCatalog(catalog.sqlite, dataDir, 'manual');
      expect(backup.kind).toBe('manual');
      expect(path.dirname(backup.path)).toBe(backupsDir(dataDir));
      expect(labelsIn(backup.path)).toEqual(['photos', 'videos']);
      // One self-contained file: no -wal or -shm beside it, nothing half-written left.
      expect(readdirSync(backupsDir(dataDir))).toEqual([backup.name]);
      expect(listBackups(dataDir)).toEqual([backup]);
    } finally {
      catalog.close();
    }
  });

  it('keeps the newest of each kind up to the limit, and clears copies a crash left', async () => {
    const { dataDir, catalog } = freshCatalog();
    try {
      const day = 24 * 3600 * 1000;
      const start = Date.UTC(2025, 0, 1, 3, 0, 0);
      await backupCatalog(catalog.sqlite, dataDir, 'pre-migration', { now: start - day, keep: 3 });
      await backupCatalog(catalog.sqlite, dataDir, 'manual', { now: start - day / 2, keep: 3 });
      writeFileSync(path.join(backupsDir(dataDir), 'my-own-copy.sqlite'), 'kept');
      writeFileSync(
        path.join(backupsDir(dataDir), 'catalog-20240101T000000000Z-scheduled-v1.sqlite.partial'),
        'half',
      );
      for (let i = 0; i < 5; i++) {
        await backupCatalog(catalog.sqlite, dataDir, 'scheduled', {
          now: start + i * day,
          keep: 3,
        });
      }
      const all = listBackups(dataDir);
      expect(all.map((b) => [b.kind, new Date(b.createdAt).toISOString().slice(0, 10)])).toEqual([
        ['scheduled', '2025-01-05'],
        ['scheduled', '2025-01-04'],
        ['scheduled', '2025-01-03'],
        ['manual', '2024-12-31'],
        ['pre-migration', '2024-12-31'],
      ]);
      expect(
        all.every((b) => b.schema === catalog.sqlite.pragma('user_version', { simple: true })),
      ).toBe(true);
      const files = readdirSync(backupsDir(dataDir));
      expect(files).toContain('my-own-copy.sqlite');
      expect(files.some((f) => f.endsWith('.partial'))).toBe(false);
    } finally {
      catalog.close();
    }
  });

  it('schedules the next backup from the newest one', () => {
    const hour = 3_600_000;
    expect(nextBackupDelay(undefined, 24 * hour, 1_000_000)).toBe(0);
    expect(nextBackupDelay(1_000_000, 24 * hour, 1_000_000 + 2 * hour)).toBe(22 * hour);
    expect(nextBackupDelay(1_000_000, 24 * hour, 1_000_000 + 30 * hour)).toBe(0);
  });

  it('takes a scheduled backup at start when none is recent, and waits for it on stop', async () => {
    const { dataDir, catalog } = freshCatalog();
    const logged: string[] = [];
    const log = {
      info: (_o: object, msg?: string) => logged.push(msg ?? ''),
      error: (_o: object, msg?: string) => logged.push(`error: ${msg ?? ''}`),
    };
    const schedule = new BackupSchedule(catalog.sqlite, dataDir, {
      intervalHours: 24,
      keep: 7,
      log,
    });
    try {
      schedule.start();
      for (let i = 0; i < 200 && listBackups(dataDir).length === 0; i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      await schedule.stop();
      expect(listBackups(dataDir).map((b) => b.kind)).toEqual(['scheduled']);
      expect(logged).toEqual(['catalog backed up']);

      // The next start finds a recent one and waits a day instead.
      const next = new BackupSchedule(catalog.sqlite, dataDir, { intervalHours: 24, keep: 7, log });
      next.start();
      await next.stop();
      expect(listBackups(dataDir)).toHaveLength(1);

      // 0 hours turns scheduled backups off.
      rmSync(backupsDir(dataDir), { recursive: true });
      const off = new BackupSchedule(catalog.sqlite, dataDir, { intervalHours: 0, keep: 7, log });
      off.start();
      await off.stop();
      expect(existsSync(backupsDir(dataDir))).toBe(false);
    } finally {
      catalog.close();
    }
  });

  it('backs up from the CLI, lists backups, and restores by the README procedure', async () => {
    const { dataDir, catalog } = freshCatalog();
    addRoots(catalog, ['photos']);
    catalog.close();

    const made = runCli(dataDir, ['backup']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/catalog backed up to .*backups\/catalog-.*-manual-v\d+\.sqlite/);
    const listed = runCli(dataDir, ['backup', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const [backup] = JSON.parse(listed.stdout) as { path: string; kind: string }[];
    expect(backup?.kind).toBe('manual');
    expect(runCli(dataDir, ['backup', 'list']).stdout).toMatch(/\tmanual\tschema \d+\t/);

    // Later the catalog gets a change the user wants to undo.
    const later = new Catalog(openCatalog(dataDir));
    addRoots(later, ['scans']);
    expect(listRoots(later).map((r) => r.label)).toEqual(['photos', 'scans']);
    later.close();

    // README: stop the app, copy the backup over catalog.sqlite, delete -wal and -shm, start.
    const live = path.join(dataDir, 'catalog.sqlite');
    copyFileSync(backup!.path, live);
    rmSync(`${live}-wal`, { force: true });
    rmSync(`${live}-shm`, { force: true });
    const restored = new Catalog(openCatalog(dataDir));
    try {
      expect(listRoots(restored).map((r) => r.label)).toEqual(['photos']);
      expect(restored.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(restored.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      restored.close();
    }
  });
});
