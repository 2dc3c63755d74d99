/**
 * The explorer's own API calls and query keys (through `lib/api`'s one fetch helper). Every key
 * starts with `browse`, so the events feed's refetch of the listings after a scan, summarise or
 * archive covers the pages and the folder tree too.
 */
import type {
  FilesPage,
  FolderChildren,
  RestoreBody,
  RestoreQuoteBody,
  RestoreQuoteView,
} from '@glacier/server/api';
import { api, type BrowseQuery, type JobView } from '../../lib/api';

export type { FilesPage, FolderChildren, RestoreQuoteView };
export type TierQuote = RestoreQuoteView['quote']['tiers'][number];
/** The filters and order of a listing: what a page of it is named by, besides its number. */
export type ListingKey = Omit<BrowseQuery, 'page' | 'pageSize'>;

const label = (root: string) => encodeURIComponent(root);

/** A page of a folder's files after/before a cursor, or at an offset. */
export function getFilesPage(
  root: string,
  listing: ListingKey,
  at: { cursor: string } | { offset: number },
  limit: number,
  signal?: AbortSignal,
) {
  const params = new URLSearchParams({
    limit: String(limit),
    sort: listing.sort,
    order: listing.order,
  });
  if (listing.path) params.set('path', listing.path);
  if (listing.kind) params.set('kind', listing.kind);
  if (listing.tag) params.set('tag', listing.tag);
  if (listing.search) params.set('search', listing.search);
  if ('cursor' in at) params.set('cursor', at.cursor);
  else params.set('offset', String(at.offset));
  return api<FilesPage>(`/roots/${label(root)}/files?${params}`, signal ? { signal } : {});
}

/** The folders directly in a folder of a root ('' for its top). */
export const getFolderChildren = (root: string, path: string, signal?: AbortSignal) =>
  api<FolderChildren>(
    `/roots/${label(root)}/folders?${new URLSearchParams({ path })}`,
    signal ? { signal } : {},
  );

/** Each tier's price and wait for restoring these files, before anything is asked of S3. */
export const quoteRestore = (body: RestoreQuoteBody) =>
  api<RestoreQuoteView>('/restores/quote', { method: 'POST', body });
/** Requests the restores (a job that thaws, watches and, given a folder, downloads). */
export const requestRestore = (body: RestoreBody) =>
  api<JobView>('/restores', { method: 'POST', body });
/** A browser download of a file's copy in a destination (readable: warm, or restored). */
export const fileDownloadUrl = (id: number, destination: string) =>
  `/api/files/${id}/download?${new URLSearchParams({ from: destination })}`;

export const explorerKeys = {
  page: (root: string, listing: ListingKey, page: number) =>
    ['browse', root, 'files', listing, page] as const,
  folders: (root: string, path: string) => ['browse', root, 'folders', path] as const,
  restoreQuote: (body: RestoreQuoteBody) => ['restore-quote', body] as const,
};
