'use client';

import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { getJobs, queryKeys, type JobView } from './api';

/**
 * Refetches `queryKey` whenever what `signature` reads out of the job list changes (a job
 * finished, a restore moved on), at most once per `minIntervalMs`. The job list is the one the
 * app shell keeps live from the events feed, so the numbers a page derives from the catalog
 * follow the jobs without polling.
 */
export function useRefetchOnJobs(
  queryKey: QueryKey,
  signature: (jobs: JobView[]) => string,
  minIntervalMs = 2_000,
): void {
  const queryClient = useQueryClient();
  const jobs = useQuery({ queryKey: queryKeys.jobList, queryFn: ({ signal }) => getJobs(signal) });
  const current = jobs.data ? signature(jobs.data) : null;
  const seen = useRef<string | null>(null);
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const key = JSON.stringify(queryKey);

  useEffect(() => {
    if (current === null) return;
    if (seen.current === null || seen.current === current) {
      seen.current = current;
      return;
    }
    seen.current = current;
    const refetch = () => {
      timer.current = undefined;
      last.current = Date.now();
      void queryClient.invalidateQueries({ queryKey: JSON.parse(key) as QueryKey });
    };
    const wait = last.current + minIntervalMs - Date.now();
    if (wait <= 0) refetch();
    else timer.current ??= setTimeout(refetch, wait);
  }, [current, key, minIntervalMs, queryClient]);

  useEffect(() => () => clearTimeout(timer.current), []);
}

/** The jobs that ended, with how: changes when one finishes (or is paused). */
export const finishedJobs = (jobs: JobView[]) =>
  jobs
    .filter((job) => job.state !== 'running' && job.state !== 'queued')
    .map((job) => `${job.id}:${job.state}`)
    .join(',');
