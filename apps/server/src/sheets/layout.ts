/**
 * The geometry of a contact sheet: a grid of cells, each a thumbnail box with a two-line label
 * under it. Pure arithmetic, so the JSON index, the renderer and the tests agree on every pixel.
 */
export interface SheetLayout {
  columns: number;
  rows: number;
  /** The box a thumbnail is fitted into. */
  imageWidth: number;
  imageHeight: number;
  labelHeight: number;
  padding: number;
}

export const DEFAULT_LAYOUT: SheetLayout = {
  columns: 6,
  rows: 8,
  imageWidth: 320,
  imageHeight: 240,
  labelHeight: 40,
  padding: 8,
};

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export function tilesPerPage(layout: SheetLayout): number {
  return layout.columns * layout.rows;
}

export function cellSize(layout: SheetLayout): { w: number; h: number } {
  return {
    w: layout.imageWidth + layout.padding * 2,
    h: layout.imageHeight + layout.labelHeight + layout.padding * 2,
  };
}

/** The size of a page holding `tileCount` tiles: full width, only as many rows as needed. */
export function pageSize(
  layout: SheetLayout,
  tileCount: number,
): { width: number; height: number } {
  const cell = cellSize(layout);
  const rows = Math.max(1, Math.ceil(tileCount / layout.columns));
  return { width: cell.w * layout.columns, height: cell.h * rows };
}

/** The whole cell of the tile at `position` on its page (what a click on the sheet hits). */
export function tileRect(layout: SheetLayout, position: number): Rect {
  const cell = cellSize(layout);
  return {
    x: (position % layout.columns) * cell.w,
    y: Math.floor(position / layout.columns) * cell.h,
    w: cell.w,
    h: cell.h,
  };
}

/** Splits an ordered list into pages of at most one sheet each. */
export function paginate<T>(items: T[], layout: SheetLayout): T[][] {
  const size = tilesPerPage(layout);
  const pages: T[][] = [];
  for (let i = 0; i < items.length; i += size) pages.push(items.slice(i, i + size));
  return pages;
}
