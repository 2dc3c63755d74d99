'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { getJobs, getRoots, queryKeys } from '../lib/api';
import { ACTIVE_STATES } from '../lib/jobs';
import { QueryState } from './QueryState';
import { JobCard } from './jobs/JobCard';
import { PanelHead } from './dashboard/PanelHead';

/** Recent jobs whose failures are looked up even when finished (older ones: on request). */
const FAILURES_OF_RECENT = 5;
/** Finished jobs shown on the dashboard; the Activity page has them all. */
const RECENT_FINISHED = 8;

/** The dashboard's jobs: everything under way, then the latest finished ones. */
export function JobsSection() {
  // The app shell keeps this list fresh (events, or polling while the feed is down).
  const jobs = useQuery({ queryKey: queryKeys.jobList, queryFn: ({ signal }) => getJobs(signal) });
  // Older jobs may name their root by id only: the roots list gives the label.
  const roots = useQuery({ queryKey: queryKeys.roots, queryFn: ({ signal }) => getRoots(signal) });
  const rootLabels = new Map((roots.data ?? []).map((root) => [root.id, root.label]));
  const all = jobs.data ?? [];
  const active = all.filter((job) => ACTIVE_STATES.has(job.state));
  const finished = all.filter((job) => !ACTIVE_STATES.has(job.state)).slice(0, RECENT_FINISHED);
  const shown = [...active, ...finished].sort((a, b) => b.id - a.id);
  const hidden = all.length - shown.length;

  return (
    <section className="panel" aria-labelledby="jobs-heading">
      <PanelHead
        id="jobs-heading"
        title="Jobs"
        count={all.length}
        link={{ href: '/jobs/', text: 'All activity' }}
      />
      <QueryState isPending={jobs.isPending} error={jobs.error} onRetry={() => void jobs.refetch()}>
        {() =>
          shown.length > 0 ? (
            <>
              <ul className="list" aria-label="Jobs">
                {shown.map((job, index) => (
                  <JobCard
                    key={job.id}
                    job={job}
                    rootLabel={
                      typeof job.params.rootId === 'number'
                        ? rootLabels.get(job.params.rootId)
                        : undefined
                    }
                    loadFailures={index < FAILURES_OF_RECENT || ACTIVE_STATES.has(job.state)}
                  />
                ))}
              </ul>
              {hidden > 0 ? (
                <p className="muted small-text">
                  {hidden} older {hidden === 1 ? 'job' : 'jobs'} on the{' '}
                  <Link href="/jobs/">Activity</Link> page.
                </p>
              ) : null}
            </>
          ) : (
            <p className="empty muted">No jobs yet. Scans, archives and restores will show here.</p>
          )
        }
      </QueryState>
    </section>
  );
}
