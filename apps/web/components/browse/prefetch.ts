/**
 * The explorer's first answers, asked for while its scripts are still on the way.
 *
 * On a slow link the page's JavaScript takes most of a second to arrive; only then would the
 * auth check start, and only after it the folder's first page: two round trips more. Instead a
 * few lines inlined in the page's HTML (`prefetchScript`) ask for both at once as the HTML is
 * parsed, and `seedPrefetched` hands the answers to the query cache when React starts, so the
 * gate and the list find them there (or in flight). A guess that does not match what the page
 * will ask (an unknown sort in the URL, say) is simply not used; an error is not kept either
 * (the page asks again, through the API helper that knows what to do with a 401).
 */
import type { QueryClient } from '@tanstack/react-query';
import {
  getAuthState,
  queryKeys,
  type AuthState,
  type BrowseQuery,
  type BrowseResult,
} from '../../lib/api';

const GLOBAL = '__glacierPrefetch';

interface Prefetched {
  auth: Promise<AuthState | null>;
  folder: { url: string; data: Promise<BrowseResult | null> } | null;
}

/**
 * Runs in the page before anything else (serialised into an inline script: it must not use
 * anything from outside its own body). Builds the folder's URL as `browseUrlFor` does.
 */
export function prefetchInPage(name: string, pageSize: number) {
  try {
    const get = (url: string) =>
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then((r) => (r.ok ? r.json() : null))
        .catch(() => null);
    const auth = get('/api/auth/state');
    const q = new URLSearchParams(location.search);
    const root = q.get('root');
    let folder = null;
    if (root) {
      const p = new URLSearchParams();
      const path = (q.get('path') ?? '').replace(/^\/+|\/+$/g, '');
      if (path) p.set('path', path);
      p.set('page', '1');
      p.set('pageSize', String(pageSize));
      p.set('sort', q.get('sort') ?? 'name');
      p.set('order', q.get('order') ?? 'asc');
      for (const key of ['kind', 'tag']) {
        const value = q.get(key);
        if (value) p.set(key, value);
      }
      const search = q.get('q');
      if (search) p.set('search', search);
      const url = `/api/roots/${encodeURIComponent(root)}/browse?${p}`;
      folder = { url, data: get(url) };
    }
    (window as unknown as Record<string, unknown>)[name] = { auth, folder };
  } catch {
    // An old browser: the page asks for itself.
  }
}

/** The inline script of the browse page's HTML. */
export function prefetchScript(pageSize: number): string {
  return `(${prefetchInPage.toString()})(${JSON.stringify(GLOBAL)},${pageSize})`;
}

/** The URL `lib/api`'s `browse()` asks for this query (kept equal by a test). */
export function browseUrlFor(root: string, query: BrowseQuery): string {
  const p = new URLSearchParams();
  if (query.path) p.set('path', query.path);
  p.set('page', String(query.page));
  p.set('pageSize', String(query.pageSize));
  p.set('sort', query.sort);
  p.set('order', query.order);
  if (query.kind) p.set('kind', query.kind);
  if (query.tag) p.set('tag', query.tag);
  if (query.search) p.set('search', query.search);
  return `/api/roots/${encodeURIComponent(root)}/browse?${p}`;
}

/**
 * Puts what the inline script asked for into the query cache, once: as queries in flight, so
 * that the auth gate and the folder's list wait for them instead of asking again.
 */
export function seedPrefetched(
  client: QueryClient,
  folder: { root: string; query: BrowseQuery } | null,
  fallback: (signal?: AbortSignal) => Promise<BrowseResult>,
): void {
  if (typeof window === 'undefined') return;
  const store = window as unknown as Record<string, Prefetched | undefined>;
  const prefetched = store[GLOBAL];
  if (!prefetched) return;
  store[GLOBAL] = undefined;
  void client.prefetchQuery({
    queryKey: queryKeys.authState,
    queryFn: async ({ signal }) => (await prefetched.auth) ?? getAuthState(signal),
  });
  if (folder && prefetched.folder?.url === browseUrlFor(folder.root, folder.query)) {
    const data = prefetched.folder.data;
    void client.prefetchQuery({
      queryKey: queryKeys.browseFolder(folder.root, folder.query),
      queryFn: async ({ signal }) => (await data) ?? fallback(signal),
    });
  }
}
