'use client';

import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { getJobs, getOlderJobs, getRoots, queryKeys, type JobView } from '../../lib/api';
import { useLiveStatus } from '../../lib/live-feed';
import { formatBytes, formatEta, formatRate } from '../../lib/format';
import { failureCount, readProgress } from '../../lib/jobs';
import { QueryState } from '../QueryState';
import { JobCard } from './JobCard';

/** Finished jobs whose failures are fetched at once (older ones: when they are shown). */
const FAILURES_OF_RECENT = 10;
/** Finished jobs on the first page of GET /api/jobs (JOBS_PAGE_SIZE in jobs/store.ts). */
const FINISHED_ON_FIRST_PAGE = 100;

/**
 * `/jobs/`, the upload tracker: what runs (with speed, time left and each file under way),
 * what waits, and what finished (with failures and a retry). Live from the events feed.
 */
export function ActivityView() {
  const live = useLiveStatus();
  const jobs = useQuery({ queryKey: queryKeys.jobList, queryFn: ({ signal }) => getJobs(signal) });
  const roots = useQuery({ queryKey: queryKeys.roots, queryFn: ({ signal }) => getRoots(signal) });
  const rootLabels = new Map((roots.data ?? []).map((root) => [root.id, root.label]));
  const all = jobs.data ?? [];
  const running = all.filter((j) => j.state === 'running' || j.state === 'paused');
  const queued = all.filter((j) => j.state === 'queued');
  const finished = all.filter(
    (j) => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled',
  );
  const label = (job: JobView) =>
    typeof job.params.rootId === 'number' ? rootLabels.get(job.params.rootId) : undefined;

  return (
    <main className="page activity">
      <div className="page-head">
        <h1>Activity</h1>
        <p className="muted">
          {live === 'open'
            ? 'Live: progress arrives as it happens.'
            : 'The live feed is reconnecting: progress refreshes every few seconds.'}
        </p>
      </div>
      <QueryState isPending={jobs.isPending} error={jobs.error} onRetry={() => void jobs.refetch()}>
        {() => (
          <>
            <TransferTotals jobs={running} />
            <JobGroup
              id="running"
              title="Running"
              jobs={running}
              empty="Nothing is running."
              label={label}
              failures={() => true}
            />
            <JobGroup
              id="queued"
              title="Queued"
              jobs={queued}
              empty="Nothing is waiting."
              label={label}
              failures={() => false}
            />
            <JobGroup
              id="finished"
              title="Finished"
              jobs={finished}
              empty="No job has finished yet."
              label={label}
              failures={(index) => index < FAILURES_OF_RECENT}
            >
              {finished.length >= FINISHED_ON_FIRST_PAGE ? (
                <OlderJobs before={Math.min(...finished.map((j) => j.id))} label={label} />
              ) : null}
            </JobGroup>
          </>
        )}
      </QueryState>
    </main>
  );
}

/** All running transfers together: bytes, speed and the longest time left. */
function TransferTotals({ jobs }: { jobs: JobView[] }) {
  const transfers = jobs
    .filter((job) => job.state === 'running')
    .map((job) => readProgress(job.progress))
    .filter((p) => p.bytesPerSecond !== null);
  if (transfers.length < 2) return null;
  const speed = transfers.reduce((n, p) => n + (p.bytesPerSecond ?? 0), 0);
  const left = transfers.reduce(
    (n, p) => n + Math.max(0, (p.bytesTotal ?? 0) - (p.bytesDone ?? 0)),
    0,
  );
  const eta = Math.max(...transfers.map((p) => p.etaSeconds ?? 0));
  return (
    <p className="notice info-notice" role="status">
      {transfers.length} uploads · {formatRate(speed)} together · {formatBytes(left)} to go ·{' '}
      {formatEta(eta)} left
    </p>
  );
}

function JobGroup({
  id,
  title,
  jobs,
  empty,
  label,
  failures,
  children,
}: {
  id: string;
  title: string;
  jobs: JobView[];
  empty: string;
  label: (job: JobView) => string | undefined;
  failures: (index: number) => boolean;
  children?: ReactNode;
}) {
  const headingId = `jobs-${id}-heading`;
  return (
    <section className="panel" aria-labelledby={headingId}>
      <div className="panel-head">
        <h2 id={headingId}>{title}</h2>
        {jobs.length > 0 ? <span className="count">{jobs.length}</span> : null}
      </div>
      {jobs.length === 0 ? (
        <p className="empty muted">{empty}</p>
      ) : (
        <ul className="list" aria-label={`${title} jobs`}>
          {jobs.map((job, index) => (
            <JobCard
              key={job.id}
              job={job}
              rootLabel={label(job)}
              loadFailures={failures(index)}
              detailed
            />
          ))}
        </ul>
      )}
      {children}
    </section>
  );
}

/**
 * Finished jobs past the first page, a page at a time when asked (a NAS that has archived for
 * years has thousands). They no longer change, so they are not kept live.
 */
function OlderJobs({
  before,
  label,
}: {
  before: number;
  label: (job: JobView) => string | undefined;
}) {
  const [asked, setAsked] = useState(false);
  const older = useInfiniteQuery({
    queryKey: queryKeys.olderJobs(before),
    queryFn: ({ pageParam, signal }) => getOlderJobs(pageParam, signal),
    initialPageParam: before,
    getNextPageParam: (page) => page.older ?? undefined,
    enabled: asked,
    staleTime: Infinity,
  });
  const jobs = older.data?.pages.flatMap((page) => page.jobs) ?? [];
  const more = !asked || older.hasNextPage;
  return (
    <>
      {jobs.length > 0 ? (
        <ul className="list" aria-label="Older jobs">
          {jobs.map((job) => (
            <JobCard
              key={job.id}
              job={job}
              rootLabel={label(job)}
              loadFailures={failureCount(job) > 0}
              detailed
            />
          ))}
        </ul>
      ) : null}
      {asked && older.isSuccess && jobs.length === 0 ? (
        <p className="empty muted">No older job.</p>
      ) : null}
      {older.error ? (
        <p className="form-error" role="alert">
          {older.error.message}
        </p>
      ) : null}
      {more ? (
        <div className="actions">
          <button
            type="button"
            className="button"
            disabled={older.isFetching}
            onClick={() => (asked ? void older.fetchNextPage() : setAsked(true))}
          >
            {older.isFetching ? 'Loading…' : 'Show older jobs'}
          </button>
        </div>
      ) : null}
    </>
  );
}
