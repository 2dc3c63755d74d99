import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSetupRequired } from '../src/auth/auth.js';
import { backupBeforeMigration, listBackups } from '../src/catalog/backup.js';
import { browseFolder } from '../src/catalog/browse.js';
import { Catalog } from '../src/catalog/catalog.js';
import { MIGRATIONS_DIR, knownMigrationCount, openCatalog } from '../src/catalog/db.js';
import { listJobs } from '../src/jobs/store.js';
import { getRoot } from '../src/roots/roots.js';

/**
 * Upgrades: a catalog left by every earlier release (one per prefix of the migration journal,
 * so a migration added later is covered without touching this file) is filled with rows, then
 * opened by this release. The rows must all survive, and the schema must be exactly what a new
 * catalog gets.
 */

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8'))
  .entries as JournalEntry[];

let dir: string;
let currentSchema: string[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'glacier-migrations-'));
  const fresh = openCatalog(path.join(dir, 'fresh'));
  currentSchema = schemaOf(fresh.sqlite);
  fresh.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The catalog release k left: the first k migrations applied by drizzle's migrator, exactly as
 * openCatalog applied them then (so drizzle's own bookkeeping table is as that release left
 * it), with user_version = k. The SQL comes from this release's drizzle folder: migrations are
 * never edited once released.
 */
function catalogAtVersion(k: number, dataDir: string): Database.Database {
  const folder = path.join(dir, `migrations-${k}`);
  mkdirSync(path.join(folder, 'meta'), { recursive: true });
  const entries = journal.slice(0, k);
  for (const entry of entries) {
    copyFileSync(
      path.join(MIGRATIONS_DIR, `${entry.tag}.sql`),
      path.join(folder, `${entry.tag}.sql`),
    );
  }
  writeFileSync(
    path.join(folder, 'meta/_journal.json'),
    JSON.stringify({ version: '7', dialect: 'sqlite', entries }),
  );
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new Database(path.join(dataDir, 'catalog.sqlite'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  migrate(drizzle(sqlite), { migrationsFolder: folder });
  sqlite.pragma(`user_version = ${k}`);
  return sqlite;
}

/** Rows a user's catalog would hold, for the tables this test knows; valid for the app to read. */
const KNOWN_ROWS: Record<string, Record<string, unknown>[]> = {
  settings: [{ key: 'admin_password_hash', value: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA' }],
  sessions: [
    { token_hash: 'ab'.repeat(32), created_at: 1_700_000_000_000, expires_at: 4_000_000_000_000 },
  ],
  roots: [
    {
      id: 1,
      label: 'photos',
      path: '/media/photos',
      ignore: '["*.tmp"]',
      created_at: 1_700_000_000_000,
      last_scan_at: 1_700_000_100_000,
      last_scan_job_id: 1,
    },
  ],
  files: [
    {
      id: 1,
      root_id: 1,
      rel_path: '2024/IMG_0001.JPG',
      dir: '2024',
      name: 'IMG_0001.JPG',
      size: 1234,
      mtime_ms: 1_700_000_000_000,
      inode: 11,
      kind: 'photo',
      mime: 'image/jpeg',
      sha256: 'a'.repeat(64),
      content_size: 1234,
      content_mtime_ms: 1_700_000_000_000,
      state: 'present',
      first_seen_at: 1_700_000_000_000,
      changed_at: 1_700_000_000_000,
      captured_at: '2024-05-01T10:00:00',
      camera_make: 'Canon',
      camera_model: 'EOS R5',
      width: 8192,
      height: 5464,
      orientation: 1,
      gps_lat: 48.85,
      gps_lon: 2.35,
    },
    {
      id: 2,
      root_id: 1,
      rel_path: '2024/clip.mp4',
      dir: '2024',
      name: 'clip.mp4',
      size: 99,
      mtime_ms: 1_700_000_000_001,
      inode: 12,
      kind: 'video',
      state: 'missing',
      first_seen_at: 1_700_000_000_000,
      changed_at: 1_700_000_000_000,
      missing_since: 1_700_000_200_000,
      duration_s: 3.5,
      codec: 'h264',
    },
  ],
  file_events: [{ id: 1, file_id: 2, at: 1_700_000_200_000, kind: 'missing' }],
  jobs: [
    {
      id: 1,
      kind: 'scan',
      state: 'done',
      params: '{"rootId":1,"root":"photos","path":""}',
      summary: '{"files":2}',
      created_at: 1_700_000_000_000,
      started_at: 1_700_000_000_001,
      finished_at: 1_700_000_000_002,
    },
    {
      id: 2,
      kind: 'scan',
      state: 'queued',
      params: '{"rootId":1,"root":"photos","path":"2024"}',
      created_at: 1_700_000_300_000,
    },
  ],
  job_failures: [
    { id: 1, job_id: 1, item: '2024/bad.jpg', reason: 'permission denied', at: 1_700_000_000_001 },
  ],
  thumbnails: [
    {
      sha256: 'a'.repeat(64),
      kind: 'image',
      width: 320,
      height: 213,
      created_at: 1_700_000_000_000,
    },
  ],
  sheets: [
    {
      id: 1,
      root_id: 1,
      folder: '2024',
      page: 1,
      pages: 1,
      tile_count: 1,
      width: 1600,
      height: 1200,
      image_path: 'sheets/1/2024/p1.webp',
      index_path: 'sheets/1/2024/p1.json',
      bytes: 5000,
      signature: 'sig',
      created_at: 1_700_000_000_000,
    },
  ],
  sheet_tiles: [
    { sheet_id: 1, position: 0, file_id: 1, sha256: 'a'.repeat(64), x: 0, y: 0, w: 320, h: 213 },
  ],
  destinations: [
    {
      id: 1,
      name: 'cold',
      kind: 's3',
      config: '{"bucket":"b","prefix":"p","storageClass":"DEEP_ARCHIVE"}',
      created_at: 1_700_000_000_000,
    },
  ],
  copies: [
    {
      id: 1,
      destination_id: 1,
      key: 'p/photos/2024/IMG_0001.JPG',
      sha256: 'a'.repeat(64),
      size: 1234,
      storage_class: 'DEEP_ARCHIVE',
      file_id: 1,
      verified_at: 1_700_000_000_000,
    },
  ],
  uploads: [
    {
      destination_id: 1,
      key: 'p/photos/2024/big.mov',
      sha256: 'b'.repeat(64),
      state: '{"uploadId":"u"}',
      job_id: 1,
      updated_at: 1_700_000_000_000,
    },
  ],
};

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt_value: unknown;
  pk: number;
}

function tablesOf(sqlite: Database.Database): string[] {
  return (
    sqlite
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name",
      )
      .all() as { name: string }[]
  ).map((t) => t.name);
}

function columnsOf(sqlite: Database.Database, table: string): Column[] {
  return sqlite.prepare(`select * from pragma_table_info(?)`).all(table) as Column[];
}

/** Tables ordered so that every table comes after those it references. */
function inDependencyOrder(sqlite: Database.Database, tables: string[]): string[] {
  const ordered: string[] = [];
  const visit = (table: string, seen: Set<string>) => {
    if (ordered.includes(table) || seen.has(table)) return;
    seen.add(table);
    const parents = sqlite.prepare('select "table" from pragma_foreign_key_list(?)').all(table) as {
      table: string;
    }[];
    for (const p of parents) if (p.table !== table) visit(p.table, seen);
    ordered.push(table);
  };
  for (const t of tables) visit(t, new Set());
  return ordered;
}

/**
 * Fills every table of the catalog: the known rows (only the columns the table has at this
 * version), and for a table this test does not know (a migration added later), one row made
 * from its column types, pointing at row 1 of whatever it references.
 */
function fill(sqlite: Database.Database): void {
  for (const table of inDependencyOrder(sqlite, tablesOf(sqlite))) {
    const columns = columnsOf(sqlite, table);
    const references = new Map(
      (
        sqlite.prepare('select "from" from pragma_foreign_key_list(?)').all(table) as {
          from: string;
        }[]
      ).map((fk) => [fk.from, 1]),
    );
    const rows = KNOWN_ROWS[table] ?? [{}];
    for (const known of rows) {
      const row: Record<string, unknown> = {};
      for (const c of columns) {
        if (c.name in known) row[c.name] = known[c.name];
        else if (references.has(c.name)) row[c.name] = references.get(c.name);
        else if (c.notnull && c.dflt_value === null && !(c.pk && /INT/i.test(c.type)))
          row[c.name] = /INT/i.test(c.type) ? 1 : /REAL/i.test(c.type) ? 1.5 : `${table}.${c.name}`;
      }
      const names = Object.keys(row);
      sqlite
        .prepare(
          `insert into "${table}" (${names.map((n) => `"${n}"`).join(', ')}) values (${names.map(() => '?').join(', ')})`,
        )
        .run(...names.map((n) => row[n] as string | number | null));
    }
  }
}

/** Every row of every table, keyed by table; columns as they are named in that version. */
function contentsOf(sqlite: Database.Database): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const table of tablesOf(sqlite)) {
    out[table] = sqlite.prepare(`select * from "${table}" order by rowid`).all() as Record<
      string,
      unknown
    >[];
  }
  return out;
}

/** Tables, columns, indexes and their SQL, normalised, for comparing two catalogs' schemas. */
function schemaOf(sqlite: Database.Database): string[] {
  return (
    sqlite
      .prepare(
        "select type, name, tbl_name, sql from sqlite_master where name not like 'sqlite_%' and name not like '__drizzle%' order by type, name",
      )
      .all() as { type: string; name: string; tbl_name: string; sql: string | null }[]
  ).map((o) => `${o.type} ${o.name} on ${o.tbl_name}: ${(o.sql ?? '').replace(/\s+/g, ' ')}`);
}

describe('upgrading a catalog', () => {
  const known = knownMigrationCount();

  it('has a journal whose every migration is shipped', () => {
    expect(journal.length).toBe(known);
    expect(journal.length).toBeGreaterThan(1);
  });

  for (let k = 1; k < journal.length; k++) {
    it(`keeps every row of a catalog at schema ${k} (${journal[k - 1]!.tag}) and brings it to schema ${journal.length}`, async () => {
      const dataDir = path.join(dir, `v${k}`);
      const old = catalogAtVersion(k, dataDir);
      fill(old);
      const before = contentsOf(old);
      old.close();

      // As the server starts: a backup of the old catalog, then opening migrates it.
      const backup = await backupBeforeMigration(dataDir);
      expect(backup?.kind).toBe('pre-migration');
      expect(backup?.schema).toBe(k);
      const handle = openCatalog(dataDir);
      const catalog = new Catalog(handle);
      let upgraded: Record<string, Record<string, unknown>[]>;
      try {
        expect(handle.sqlite.pragma('user_version', { simple: true })).toBe(known);
        expect(schemaOf(handle.sqlite)).toEqual(currentSchema);
        expect(handle.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(handle.sqlite.pragma('foreign_key_check')).toEqual([]);

        upgraded = contentsOf(handle.sqlite);
        for (const [table, rows] of Object.entries(before)) {
          expect(rows.length, table).toBeGreaterThan(0);
          const kept = upgraded[table]!.map((row) =>
            Object.fromEntries(Object.keys(rows[0]!).map((c) => [c, row[c]])),
          );
          expect(kept, `rows of ${table}`).toEqual(rows);
        }

        // And the app reads them as before: the password, the root, its folder, the jobs.
        expect(isSetupRequired(catalog)).toBe(false);
        const root = getRoot(catalog, 'photos');
        expect(root.ignore).toEqual(['*.tmp']);
        const listing = browseFolder(catalog, root, { path: '2024' });
        expect(listing.files.map((f) => f.name).sort()).toEqual(['IMG_0001.JPG', 'clip.mp4']);
        expect(listJobs(catalog).jobs.map((j) => [j.id, j.state])).toEqual(
          expect.arrayContaining([
            [1, 'done'],
            [2, 'queued'],
          ]),
        );
      } finally {
        catalog.close();
      }

      // The backup is the old catalog, whole: schema k and the same rows.
      const copy = new Database(backup!.path, { readonly: true });
      try {
        expect(copy.pragma('user_version', { simple: true })).toBe(k);
        expect(contentsOf(copy)).toEqual(before);
      } finally {
        copy.close();
      }

      // A restart changes nothing and takes no second pre-migration backup.
      expect(await backupBeforeMigration(dataDir)).toBeUndefined();
      const again = openCatalog(dataDir);
      expect(contentsOf(again.sqlite)).toEqual(upgraded);
      again.close();
      expect(listBackups(dataDir).filter((b) => b.kind === 'pre-migration')).toHaveLength(1);
    });
  }
});
