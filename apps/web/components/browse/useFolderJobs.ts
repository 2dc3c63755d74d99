'use client';

import { useMutation, useQuery } from '@tanstack/react-query';
import { getJobs, queryKeys, startSummarise, type JobView } from '../../lib/api';
import { ACTIVE_STATES, jobParams } from '../../lib/jobs';
import { useRememberJob } from '../jobs/useJobActions';

/** The job of `kind` under way on this root (a root runs one of each kind at a time). */
function activeOn(jobs: JobView[] | undefined, kind: string, root: string): JobView | undefined {
  return jobs?.find(
    (job) => job.kind === kind && ACTIVE_STATES.has(job.state) && jobParams(job).root === root,
  );
}

/**
 * The jobs that concern the folder on screen, from the cached job list that the events feed
 * keeps live: a running summarise or archive of its root, and starting a summarise.
 */
export function useFolderJobs(root: string, path: string) {
  const jobs = useQuery({ queryKey: queryKeys.jobList, queryFn: ({ signal }) => getJobs(signal) });
  const remember = useRememberJob();
  const summarise = useMutation({
    mutationFn: (recursive: boolean) => startSummarise({ root, path, recursive }),
    onSuccess: remember,
  });
  return {
    summariseJob: activeOn(jobs.data, 'summarise', root),
    archiveJob: activeOn(jobs.data, 'archive', root),
    summarise,
  };
}
