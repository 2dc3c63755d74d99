// Shared by the unit tests of the live feed (events.test.ts, live-feed.test.ts): a job as the
// API lists it, pages watching queries of a real TanStack Query cache, and the cleanup after.
import { QueryObserver, type QueryClient, type QueryKey } from '@tanstack/react-query';
import { vi } from 'vitest';
import type { JobView } from './api';

export const T0 = 1_700_000_000_000;

/** A job as GET /api/jobs lists it: a running archive of Holiday/Trip unless told otherwise. */
export function job(over: Partial<JobView> = {}): JobView {
  return {
    id: 7,
    kind: 'archive',
    state: 'running',
    params: { root: 'Holiday', path: 'Trip', destination: 'offsite' },
    selection: null,
    retryable: true,
    progress: null,
    summary: null,
    error: null,
    createdAt: T0,
    startedAt: T0 + 1000,
    finishedAt: null,
    ...over,
  };
}

const cleanups: (() => void)[] = [];

/** Runs `cleanup` at the end of the test (`tearDown`). */
export function afterTest(cleanup: () => void): void {
  cleanups.push(cleanup);
}

/** A page showing `queryKey`: an active query, which an invalidation refetches at once. */
export function watchQuery<T>(
  client: QueryClient,
  queryKey: QueryKey,
  queryFn: () => Promise<T>,
): void {
  const observer = new QueryObserver(client, {
    queryKey,
    queryFn,
    staleTime: Number.POSITIVE_INFINITY,
  });
  afterTest(observer.subscribe(() => {}));
}

/** For afterEach: undoes what the test set up, empties the cache, real timers and no spies. */
export function tearDown(client: QueryClient): void {
  for (const cleanup of cleanups.splice(0)) cleanup();
  client.clear();
  vi.useRealTimers();
  vi.restoreAllMocks();
}
