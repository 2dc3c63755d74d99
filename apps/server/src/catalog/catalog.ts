import type { CatalogDb, OpenCatalog } from './db.js';

export type CatalogTx = Parameters<Parameters<CatalogDb['transaction']>[0]>[0];
/** Something queries can run on: the database itself or an open transaction. */
export type Executor = CatalogDb | CatalogTx;

/**
 * The catalog's single write path. Every change that spans more than one statement goes
 * through `write`, an IMMEDIATE transaction: it takes the write lock up front, so the server
 * and the CLI never interleave half a change, and a crash leaves all or nothing.
 */
export class Catalog {
  readonly db: CatalogDb;
  /** The raw connection, for pragmas, backups and integrity checks. */
  readonly sqlite: OpenCatalog['sqlite'];

  constructor(private readonly handle: OpenCatalog) {
    this.db = handle.db;
    this.sqlite = handle.sqlite;
  }

  write<T>(change: (tx: CatalogTx) => T): T {
    return this.db.transaction(change, { behavior: 'immediate' });
  }

  close(): void {
    this.handle.close();
  }
}
