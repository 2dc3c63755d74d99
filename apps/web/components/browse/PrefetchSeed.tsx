'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { browse } from '../../lib/api';
import { readBrowseState, toQuery } from './browse-state';
import { seedPrefetched } from './prefetch';

/**
 * Hands what the page's inline script asked for (the auth state, the folder's first page) to
 * the query cache. In an effect: the first render must match the prerendered HTML ("Loading…"),
 * so nothing may be in the cache yet; this effect still runs before those of the auth gate and
 * the list, which follow it in the tree, so they find the requests in flight and wait for them.
 * Reads the address itself (`useSearchParams` would wait for a Suspense boundary).
 */
export function PrefetchSeed() {
  const client = useQueryClient();
  useEffect(() => {
    const state = readBrowseState(new URLSearchParams(window.location.search));
    const query = toQuery(state);
    seedPrefetched(client, state.root ? { root: state.root, query } : null, (signal) =>
      browse(state.root, query, signal),
    );
  }, [client]);
  return null;
}
