'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { cancelJob, pauseJob, queryKeys, resumeJob, retryJob, type JobView } from '../../lib/api';

/**
 * Puts a job the server just answered with into the cached list at once (new ones first);
 * the events feed takes it from there, and a refetch makes sure of the order.
 */
export function useRememberJob() {
  const queryClient = useQueryClient();
  return (job: JobView) => {
    queryClient.setQueryData<JobView[]>(queryKeys.jobList, (jobs) => {
      if (!jobs) return jobs;
      return jobs.some((j) => j.id === job.id)
        ? jobs.map((j) => (j.id === job.id ? job : j))
        : [job, ...jobs];
    });
    void queryClient.invalidateQueries({ queryKey: queryKeys.jobList, exact: true });
  };
}

/** Pause, resume, cancel and retry of one job; each answer updates the cached list. */
export function useJobActions(job: JobView) {
  const remember = useRememberJob();
  const control = useMutation({
    mutationFn: (action: 'pause' | 'resume' | 'cancel') =>
      action === 'pause'
        ? pauseJob(job.id)
        : action === 'resume'
          ? resumeJob(job.id)
          : cancelJob(job.id),
    onSuccess: remember,
  });
  // The server starts the same work again from the job's stored params (a selection's ids
  // included, which the browser never gets).
  const retry = useMutation({ mutationFn: () => retryJob(job.id), onSuccess: remember });
  return { control, retry };
}
