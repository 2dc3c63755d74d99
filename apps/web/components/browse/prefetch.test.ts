// The explorer's early requests: the inline script of the page's HTML asks for exactly what the
// list will ask for (or for something the list then ignores), and runs on its own, from its
// text; and where a selected file can be downloaded from.
import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browse, queryKeys, type FileView } from '../../lib/api';
import { readBrowseState, toQuery } from './browse-state';
import { PAGE_SIZE } from './listing';
import { browseUrlFor, prefetchScript, seedPrefetched } from './prefetch';
import { downloadSource, restoreSources } from './selection-actions';

const g = globalThis as unknown as Record<string, unknown>;

function inPage(search: string) {
  const asked: string[] = [];
  g.window = globalThis;
  g.location = { search };
  g.fetch = vi.fn(async (url: string) => {
    asked.push(url);
    return new Response(JSON.stringify({ url }), { status: url.includes('nope') ? 401 : 200 });
  });
  return asked;
}

afterEach(() => {
  for (const key of ['window', 'location', '__glacierPrefetch']) delete g[key];
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('the inline script', () => {
  for (const search of [
    '?root=Holiday',
    '?root=Holiday&path=/Trip/Day%201/&sort=size&order=desc',
    '?root=My%20Photos&path=2024&kind=photo&tag=not-archived&q=IMG_2041&layout=grid',
    '?root=Holiday&view=sheets&sheet=2',
  ]) {
    it(`asks for what the list asks for: ${search}`, async () => {
      const asked = inPage(search);
      // Run from its text alone, as the HTML runs it.
      new Function(prefetchScript(PAGE_SIZE))();
      const state = readBrowseState(new URLSearchParams(search));
      const expected = browseUrlFor(state.root, toQuery(state));
      expect(asked).toEqual(['/api/auth/state', expected]);
      // …which is what lib/api's browse() requests.
      await browse(state.root, toQuery(state));
      expect(asked.at(-1)).toBe(`/api${expected.replace(/^\/api/, '')}`);
    });
  }

  it('asks only for the auth state without a root', () => {
    const asked = inPage('');
    new Function(prefetchScript(PAGE_SIZE))();
    expect(asked).toEqual(['/api/auth/state']);
  });
});

describe('seeding the cache', () => {
  it('gives the gate and the list the early answers, once', async () => {
    inPage('?root=Holiday&path=Trip');
    new Function(prefetchScript(PAGE_SIZE))();
    const client = new QueryClient();
    const state = readBrowseState(new URLSearchParams('?root=Holiday&path=Trip'));
    const fallback = vi.fn();
    seedPrefetched(client, { root: 'Holiday', query: toQuery(state) }, fallback);
    await vi.waitFor(() =>
      expect(client.getQueryData(queryKeys.browseFolder('Holiday', toQuery(state)))).toEqual({
        url: browseUrlFor('Holiday', toQuery(state)),
      }),
    );
    expect(client.getQueryData(queryKeys.authState)).toEqual({ url: '/api/auth/state' });
    expect(fallback).not.toHaveBeenCalled();
    expect(g.__glacierPrefetch).toBeUndefined();
  });

  it('ignores a guess that differs from what the page will ask, and a failed answer', async () => {
    inPage('?root=nope&sort=bogus');
    new Function(prefetchScript(PAGE_SIZE))();
    const client = new QueryClient();
    const state = readBrowseState(new URLSearchParams('?root=nope&sort=bogus'));
    seedPrefetched(client, { root: 'nope', query: toQuery(state) }, vi.fn());
    await new Promise((r) => setTimeout(r, 0));
    // "bogus" is read as the default order: not what the script asked.
    expect(client.getQueryState(queryKeys.browseFolder('nope', toQuery(state)))).toBeUndefined();
  });
});

describe('downloads and restores of a selection', () => {
  const file = (archived: string[], restores: NonNullable<FileView['tags']['restores']> = []) =>
    ({ tags: { archived, restores } }) as unknown as FileView;
  const destinations = [
    { name: 'ireland', kind: 's3' as const, storageClass: 'DEEP_ARCHIVE' },
    { name: 'oregon', kind: 's3' as const, storageClass: 'GLACIER_IR' },
    { name: 'usb', kind: 'folder' as const, storageClass: null },
  ];
  const NOW = 1_000_000;

  it('reads from a warm copy first, else a restored one, else nothing', () => {
    expect(downloadSource(file(['ireland', 'usb']), destinations, NOW)).toBe('usb');
    expect(downloadSource(file(['ireland', 'oregon']), destinations, NOW)).toBe('oregon');
    expect(downloadSource(file(['ireland']), destinations, NOW)).toBeNull();
    const restored = (state: 'available' | 'in-progress', expiresAt: number | null) =>
      file(['ireland'], [{ destination: 'ireland', state, expiresAt, reason: null }]);
    expect(downloadSource(restored('available', NOW + 1), destinations, NOW)).toBe('ireland');
    expect(downloadSource(restored('available', NOW - 1), destinations, NOW)).toBeNull();
    expect(downloadSource(restored('in-progress', null), destinations, NOW)).toBeNull();
    expect(downloadSource(file([]), destinations, NOW)).toBeNull();
  });

  it('offers the destinations that hold the files, those holding most first', () => {
    expect(
      restoreSources([file(['oregon']), file(['ireland', 'oregon']), file([]), file(['ireland'])]),
    ).toEqual([
      { name: 'ireland', files: 2 },
      { name: 'oregon', files: 2 },
    ]);
  });
});
