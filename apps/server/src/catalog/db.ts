import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SchemaTooNewError } from '../errors.js';
import * as schema from './schema.js';

export type CatalogDb = BetterSQLite3Database<typeof schema>;

/** The drizzle-kit migrations shipped beside the code (apps/server/drizzle). */
export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../drizzle',
);

export interface OpenCatalog {
  db: CatalogDb;
  sqlite: Database.Database;
  close(): void;
}

/**
 * Opens (and creates or upgrades) the catalog in the data dir.
 *
 * WAL lets the CLI read and write while the server runs; busy_timeout makes the second writer
 * wait instead of failing. PRAGMA user_version holds the number of migrations applied, so a
 * catalog written by a newer release is refused before anything touches it.
 */
export function openCatalog(dataDir: string): OpenCatalog {
  mkdirSync(dataDir, { recursive: true });
  const sqlite = new Database(path.join(dataDir, 'catalog.sqlite'));
  try {
    sqlite.pragma('busy_timeout = 10000');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    const known = knownMigrationCount();
    const applied = sqlite.pragma('user_version', { simple: true }) as number;
    if (applied > known) {
      throw new SchemaTooNewError(
        `The catalog in ${dataDir} was written by a newer Glacier Archiver (schema ${applied}, this release knows ${known}). ` +
          'Start the newer release, or restore a catalog backup made by this one; nothing was changed.',
      );
    }
    const db = drizzle(sqlite, { schema });
    if (applied < known) {
      migrate(db, { migrationsFolder: MIGRATIONS_DIR });
      sqlite.pragma(`user_version = ${known}`);
    }
    return { db, sqlite, close: () => sqlite.close() };
  } catch (error) {
    sqlite.close();
    throw error;
  }
}

/** How many migrations this release ships: the schema version a current catalog has. */
export function knownMigrationCount(): number {
  const journal = JSON.parse(
    readFileSync(path.join(MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8'),
  ) as { entries: unknown[] };
  return journal.entries.length;
}
