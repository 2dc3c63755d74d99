import type { BrowseQuery, BrowseTag, FileKind, FileSort, SortOrder } from '../../lib/api';
import { PAGE_SIZE } from './listing';

/** What the browse page shows, all of it in the URL (`/browse/?root=…&path=…&sort=…`). */
export interface BrowseState {
  root: string;
  path: string;
  sort: FileSort;
  order: SortOrder;
  kind: FileKind | undefined;
  tag: BrowseTag | undefined;
  search: string;
  /** The folder's files (a table, cards or a thumbnail grid) or its contact sheets. */
  view: BrowseViewKind;
  layout: FileLayout;
  /** The sheet page shown (1-based) in the sheets view. */
  sheet: number;
}

export type BrowseViewKind = 'files' | 'sheets';
export type FileLayout = 'list' | 'grid';

// Records over the server's unions: the compiler insists on every value and on no other.
export const SORT_LABELS: Record<FileSort, string> = {
  name: 'Name',
  size: 'Size',
  mtime: 'Modified',
  captured: 'Capture date',
};
export const KIND_LABELS: Record<FileKind, string> = {
  photo: 'Photos',
  video: 'Videos',
  sidecar: 'Sidecars',
  other: 'Other files',
};
export const TAG_LABELS: Record<BrowseTag, string> = {
  missing: 'Missing',
  moved: 'Moved',
  unread: 'Not read yet',
  problem: 'With a problem',
  summarised: 'Summarised',
  archived: 'Archived',
  'not-archived': 'Not archived',
};
const ORDERS: Record<SortOrder, true> = { asc: true, desc: true };
const VIEWS: Record<BrowseViewKind, true> = { files: true, sheets: true };
const LAYOUTS: Record<FileLayout, true> = { list: true, grid: true };

const isKey = <T extends string>(record: Record<T, unknown>, value: string | null): value is T =>
  value !== null && Object.hasOwn(record, value);

/** Reads the page's state from its query string; anything unknown falls back to the default. */
export function readBrowseState(params: { get(name: string): string | null }): BrowseState {
  const sort = params.get('sort');
  const order = params.get('order');
  const kind = params.get('kind');
  const tag = params.get('tag');
  const view = params.get('view');
  const layout = params.get('layout');
  const sheet = Number.parseInt(params.get('sheet') ?? '', 10);
  return {
    root: params.get('root') ?? '',
    path: (params.get('path') ?? '').replace(/^\/+|\/+$/g, ''),
    sort: isKey(SORT_LABELS, sort) ? sort : 'name',
    order: isKey(ORDERS, order) ? order : 'asc',
    kind: isKey(KIND_LABELS, kind) ? kind : undefined,
    tag: isKey(TAG_LABELS, tag) ? tag : undefined,
    search: params.get('q') ?? '',
    view: isKey(VIEWS, view) ? view : 'files',
    layout: isKey(LAYOUTS, layout) ? layout : 'list',
    sheet: Number.isFinite(sheet) && sheet >= 1 ? sheet : 1,
  };
}

/** The URL of a state; defaults are left out so that links stay short. */
export function browseUrl(state: Partial<BrowseState> & { root: string }): string {
  const params = new URLSearchParams({ root: state.root });
  if (state.path) params.set('path', state.path);
  if (state.search) params.set('q', state.search);
  if (state.kind) params.set('kind', state.kind);
  if (state.tag) params.set('tag', state.tag);
  if (state.sort && state.sort !== 'name') params.set('sort', state.sort);
  if (state.order && state.order !== 'asc') params.set('order', state.order);
  if (state.view && state.view !== 'files') params.set('view', state.view);
  if (state.layout && state.layout !== 'list') params.set('layout', state.layout);
  if (state.view === 'sheets' && state.sheet && state.sheet > 1)
    params.set('sheet', String(state.sheet));
  return `/browse/?${params}`;
}

/** The listing a state shows: its folder, filters and order (pages are the list's business). */
export function listingOf(state: BrowseState): Omit<BrowseQuery, 'page' | 'pageSize'> {
  return {
    path: state.path,
    sort: state.sort,
    order: state.order,
    ...(state.kind ? { kind: state.kind } : {}),
    ...(state.tag ? { tag: state.tag } : {}),
    ...(state.search ? { search: state.search } : {}),
  };
}

/**
 * The API query of a state's folder: its first page (with its subfolders and count); the list
 * asks for the rest as it scrolls.
 */
export function toQuery(state: BrowseState): BrowseQuery {
  return { ...listingOf(state), page: 1, pageSize: PAGE_SIZE };
}

/** The folders from the root down to `path`, for the breadcrumb. */
export function crumbs(path: string): { name: string; path: string }[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((name, i) => ({ name, path: parts.slice(0, i + 1).join('/') }));
}
