'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { ApiError } from '../lib/api';
import { LiveFeed, LiveFeedContext } from '../lib/live-feed';

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        // A 4xx will not change by asking again; a network blip or a 5xx might.
        retry: (failureCount, error) =>
          !(error instanceof ApiError && error.status >= 400 && error.status < 500) &&
          failureCount < 2,
      },
      mutations: { retry: false },
    },
  });
}

/**
 * What every page shares, kept by the root layout across client-side navigations: the query
 * cache and the one live feed of job events, which the signed-in app shell holds open.
 */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(makeQueryClient);
  const [feed] = useState(() => new LiveFeed(client));
  useEffect(() => () => feed.close(), [feed]);
  return (
    <QueryClientProvider client={client}>
      <LiveFeedContext.Provider value={feed}>{children}</LiveFeedContext.Provider>
    </QueryClientProvider>
  );
}
