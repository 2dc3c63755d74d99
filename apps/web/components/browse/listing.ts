/**
 * How the explorer pages a long folder, as pure functions: which pages the rows on screen need,
 * and how to ask for each one. The first page comes with the folder (GET …/browse: subfolders,
 * count, first rows); every later page from GET …/files, found after the cursor of the page
 * before it (or before the cursor of the page after it) so that the server seeks its index
 * instead of counting rows, and by offset only for a jump to a place nothing near is loaded.
 */

/** Rows per page: a phone screen shows ten; a page is ~60 KB of JSON. */
export const PAGE_SIZE = 100;

export interface PageLinks {
  nextCursor: string | null;
  prevCursor: string | null;
}

export type PageRequest =
  | { page: number; cursor: string }
  | { page: number; offset: number }
  /** Nothing to ask: past the end, or the first page (the folder's own answer). */
  | null;

export const pageOf = (index: number, pageSize = PAGE_SIZE) => Math.floor(index / pageSize);

/** The pages holding rows `first` to `last` (inclusive), within a listing of `total` rows. */
export function pagesFor(first: number, last: number, total: number, pageSize = PAGE_SIZE) {
  if (total <= 0 || last < first) return [];
  const lastRow = Math.min(last, total - 1);
  const pages: number[] = [];
  for (let p = pageOf(Math.max(0, first), pageSize); p <= pageOf(lastRow, pageSize); p++) {
    pages.push(p);
  }
  return pages;
}

/**
 * How to ask for page `page`, from what is loaded: after the page before it, before the page
 * after it, else at its offset. `loaded(p)` gives a loaded page's links.
 */
export function pageRequest(
  page: number,
  total: number,
  loaded: (page: number) => PageLinks | undefined,
  pageSize = PAGE_SIZE,
): PageRequest {
  if (page <= 0 || page * pageSize >= total) return null;
  const before = loaded(page - 1)?.nextCursor;
  if (before) return { page, cursor: before };
  const after = loaded(page + 1)?.prevCursor;
  if (after) return { page, cursor: after };
  return { page, offset: page * pageSize };
}
