import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { files, sheets, sheetTiles } from '../catalog/schema.js';
import { NotFoundError } from '../errors.js';
import type { Rect } from './layout.js';

export type SheetRow = typeof sheets.$inferSelect;

export interface SheetTileRecord extends Rect {
  position: number;
  fileId: number;
  sha256: string;
}

export function findSheet(
  catalog: Catalog,
  rootId: number,
  folder: string,
  page: number,
): SheetRow | undefined {
  return catalog.db
    .select()
    .from(sheets)
    .where(and(eq(sheets.rootId, rootId), eq(sheets.folder, folder), eq(sheets.page, page)))
    .get();
}

export function getSheet(catalog: Catalog, id: number): SheetRow {
  const row = catalog.db.select().from(sheets).where(eq(sheets.id, id)).get();
  if (!row) throw new NotFoundError(`There is no contact sheet ${id}`);
  return row;
}

export function folderSheets(catalog: Catalog, rootId: number, folder: string): SheetRow[] {
  return catalog.db
    .select()
    .from(sheets)
    .where(and(eq(sheets.rootId, rootId), eq(sheets.folder, folder)))
    .orderBy(asc(sheets.page))
    .all();
}

/** Records a page and its tiles in one transaction, replacing what the page showed before. */
export function saveSheet(
  catalog: Catalog,
  sheet: Omit<SheetRow, 'id'>,
  tiles: SheetTileRecord[],
): SheetRow {
  return catalog.write((tx) => {
    const existing = tx
      .select({ id: sheets.id })
      .from(sheets)
      .where(
        and(
          eq(sheets.rootId, sheet.rootId),
          eq(sheets.folder, sheet.folder),
          eq(sheets.page, sheet.page),
        ),
      )
      .get();
    if (existing) {
      tx.delete(sheetTiles).where(eq(sheetTiles.sheetId, existing.id)).run();
      tx.delete(sheets).where(eq(sheets.id, existing.id)).run();
    }
    const row = tx.insert(sheets).values(sheet).returning().get();
    if (tiles.length > 0) {
      tx.insert(sheetTiles)
        .values(tiles.map((t) => ({ ...t, sheetId: row.id })))
        .run();
    }
    return row;
  });
}

/** Sets the page count on the pages kept, and removes pages past the end; returns the removed. */
export function trimSheets(
  catalog: Catalog,
  rootId: number,
  folder: string,
  pages: number,
): SheetRow[] {
  return catalog.write((tx) => {
    const where = and(eq(sheets.rootId, rootId), eq(sheets.folder, folder));
    const removed = tx
      .select()
      .from(sheets)
      .where(and(where, gt(sheets.page, pages)))
      .all();
    if (removed.length > 0) {
      const ids = removed.map((r) => r.id);
      tx.delete(sheetTiles).where(inArray(sheetTiles.sheetId, ids)).run();
      tx.delete(sheets).where(inArray(sheets.id, ids)).run();
    }
    tx.update(sheets).set({ pages }).where(where).run();
    return removed;
  });
}

/** Of these files, the ones whose current content has a tile in their folder's current sheets. */
export function summarisedFileIds(catalog: Catalog, fileIds: number[]): Set<number> {
  if (fileIds.length === 0) return new Set();
  const rows = catalog.db
    .selectDistinct({ id: sheetTiles.fileId })
    .from(sheetTiles)
    .innerJoin(files, and(eq(files.id, sheetTiles.fileId), eq(files.sha256, sheetTiles.sha256)))
    .where(inArray(sheetTiles.fileId, fileIds))
    .all();
  return new Set(rows.map((r) => r.id));
}

/** SQL condition: the file's current content is on a sheet (for the `summarised` filter). */
export const isSummarised = sql`exists (select 1 from ${sheetTiles} where ${sheetTiles.fileId} = ${files.id} and ${sheetTiles.sha256} = ${files.sha256})`;
