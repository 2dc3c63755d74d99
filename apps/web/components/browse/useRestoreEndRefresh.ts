'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { getJobs, queryKeys } from '../../lib/api';

/**
 * A restore's end changes files' tags (restored, until when): refetch the listings when one
 * ends. The jobs list is kept live by the events feed.
 */
export function useRestoreEndRefresh() {
  const client = useQueryClient();
  const jobs = useQuery({ queryKey: queryKeys.jobList, queryFn: ({ signal }) => getJobs(signal) });
  const seen = useRef<Map<number, string> | null>(null);
  useEffect(() => {
    const restores = (jobs.data ?? []).filter((j) => j.kind === 'restore');
    const before = seen.current;
    seen.current = new Map(restores.map((j) => [j.id, j.state]));
    if (!before) return;
    const changed = restores.some((j) => before.get(j.id) !== j.state);
    if (changed) {
      void client.invalidateQueries({ queryKey: queryKeys.browse });
      void client.invalidateQueries({ queryKey: ['file'] });
    }
  }, [jobs.data, client]);
}
