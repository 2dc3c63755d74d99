'use client';

import { useQuery } from '@tanstack/react-query';
import { getJobs, queryKeys, type Job, type JobState } from '../lib/api';
import {
  describeJobProgress,
  formatDateTime,
  formatRelative,
  humanizeKey,
  toDate,
} from '../lib/format';
import { QueryState } from './QueryState';

const ACTIVE: ReadonlySet<JobState> = new Set(['queued', 'running']);

const BADGE: Record<JobState, string> = {
  queued: 'info',
  running: 'accent',
  paused: 'warn',
  done: 'ok',
  failed: 'danger',
  cancelled: 'muted',
};

export function JobsSection() {
  const jobs = useQuery({
    queryKey: queryKeys.jobs,
    queryFn: getJobs,
    // Until the websocket feeds this list, poll fast while something is moving.
    refetchInterval: (query) =>
      query.state.data?.some((job) => ACTIVE.has(job.state)) ? 2_000 : 15_000,
  });
  return (
    <section className="panel" aria-labelledby="jobs-heading">
      <div className="panel-head">
        <h2 id="jobs-heading">Jobs</h2>
        {jobs.data && jobs.data.length > 0 ? (
          <span className="count">{jobs.data.length}</span>
        ) : null}
      </div>
      <QueryState isPending={jobs.isPending} error={jobs.error} onRetry={() => void jobs.refetch()}>
        {() =>
          jobs.data && jobs.data.length > 0 ? (
            <ul className="list" aria-label="Jobs">
              {jobs.data.map((job) => (
                <JobItem key={job.id} job={job} />
              ))}
            </ul>
          ) : (
            <p className="empty muted">No jobs yet. Scans, archives and restores will show here.</p>
          )
        }
      </QueryState>
    </section>
  );
}

function JobItem({ job }: { job: Job }) {
  const { text, fraction } = describeJobProgress(job);
  const when = job.finishedAt ?? job.startedAt ?? job.createdAt;
  const whenLabel = job.finishedAt ? 'finished' : job.startedAt ? 'started' : 'queued';
  return (
    <li className="item">
      <div className="item-head">
        <span className="item-title">
          {humanizeKey(job.kind)} <span className="muted">#{job.id}</span>
        </span>
        <span className={`badge ${BADGE[job.state] ?? 'muted'}`}>{job.state}</span>
      </div>
      <p className={job.state === 'failed' ? 'meta danger-text' : 'meta'}>{text}</p>
      {job.state === 'running' || job.state === 'paused' ? (
        <progress
          className="bar"
          aria-label={`${humanizeKey(job.kind)} progress`}
          {...(fraction !== null ? { value: fraction, max: 1 } : {})}
        />
      ) : null}
      <p className="meta muted">
        {whenLabel}{' '}
        <time dateTime={toDate(when).toISOString()} title={formatDateTime(when)}>
          {formatRelative(when)}
        </time>
      </p>
    </li>
  );
}
