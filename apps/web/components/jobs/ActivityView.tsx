'use client';

import { useQuery } from '@tanstack/react-query';
import { getJobs, getRoots, queryKeys, type JobView } from '../../lib/api';
import { useLiveStatus } from '../../lib/live-feed';
import { formatBytes, formatEta, formatRate } from '../../lib/format';
import { readProgress } from '../../lib/jobs';
import { QueryState } from '../QueryState';
import { JobCard } from './JobCard';

/** Finished jobs whose failures are fetched at once (older ones: when they are shown). */
const FAILURES_OF_RECENT = 10;

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
            />
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
}: {
  id: string;
  title: string;
  jobs: JobView[];
  empty: string;
  label: (job: JobView) => string | undefined;
  failures: (index: number) => boolean;
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
    </section>
  );
}
