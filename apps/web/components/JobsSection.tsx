'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import {
  getJobFailures,
  getJobs,
  getRoots,
  queryKeys,
  type JobState,
  type JobView,
} from '../lib/api';
import { useLiveStatus } from '../lib/events';
import {
  describeJobProgress,
  describeScanSummary,
  formatBytes,
  formatCount,
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

/** Recent jobs whose failures are looked up even when finished (older ones: on request). */
const FAILURES_OF_RECENT = 5;

export function JobsSection() {
  const live = useLiveStatus();
  const jobs = useQuery({
    queryKey: queryKeys.jobList,
    queryFn: ({ signal }) => getJobs(signal),
    // The websocket keeps this list fresh; without it, poll fast while something is moving.
    refetchInterval: (query) =>
      live === 'open'
        ? false
        : query.state.data?.some((job) => ACTIVE.has(job.state))
          ? 2_000
          : 15_000,
  });
  // Scan jobs name their root by id: the roots list gives the label.
  const roots = useQuery({ queryKey: queryKeys.roots, queryFn: ({ signal }) => getRoots(signal) });
  const rootLabels = new Map((roots.data ?? []).map((root) => [root.id, root.label]));

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
              {jobs.data.map((job, index) => (
                <JobItem
                  key={job.id}
                  job={job}
                  rootLabel={
                    typeof job.params.rootId === 'number'
                      ? rootLabels.get(job.params.rootId)
                      : undefined
                  }
                  loadFailures={index < FAILURES_OF_RECENT || ACTIVE.has(job.state)}
                />
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

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function JobItem({
  job,
  rootLabel,
  loadFailures,
}: {
  job: JobView;
  rootLabel: string | undefined;
  loadFailures: boolean;
}) {
  const when = job.finishedAt ?? job.startedAt ?? job.createdAt;
  const whenLabel = job.finishedAt ? 'finished' : job.startedAt ? 'started' : 'queued';
  const kind = humanizeKey(job.kind);
  const title = `${kind.charAt(0).toUpperCase()}${kind.slice(1)}${rootLabel ? ` of ${rootLabel}` : ''}`;
  const moving = job.state === 'running' || job.state === 'paused';
  return (
    <li className="item job" aria-label={`${title}, job ${job.id}`} data-state={job.state}>
      <div className="item-head">
        <span className="item-title">
          {title} <span className="muted">#{job.id}</span>
        </span>
        <span className={`badge ${BADGE[job.state] ?? 'muted'}`} data-testid="job-state">
          {job.state}
        </span>
      </div>
      {moving && job.progress ? (
        <JobProgress job={job} title={title} />
      ) : (
        <p className={job.state === 'failed' ? 'meta danger-text' : 'meta'}>
          {(job.kind === 'scan' && job.state === 'done' && job.summary
            ? describeScanSummary(job.summary)
            : null) ?? describeJobProgress(job).text}
        </p>
      )}
      <p className="meta muted">
        {whenLabel}{' '}
        <time dateTime={toDate(when).toISOString()} title={formatDateTime(when)}>
          {formatRelative(when)}
        </time>
      </p>
      <JobFailures job={job} enabled={loadFailures} />
    </li>
  );
}

/** Phase, files and bytes of a running job; a bar once the totals are known. */
function JobProgress({ job, title }: { job: JobView; title: string }) {
  const p = job.progress ?? {};
  const phase = typeof p.phase === 'string' ? p.phase : null;
  const filesDone = num(p.filesDone);
  const filesTotal = num(p.filesTotal);
  const bytesDone = num(p.bytesDone);
  const bytesTotal = num(p.bytesTotal);
  const current = typeof p.current === 'string' ? p.current : null;
  let fraction: number | null = null;
  if (bytesTotal && bytesDone !== null) fraction = bytesDone / bytesTotal;
  else if (filesTotal && filesDone !== null) fraction = filesDone / filesTotal;
  else if (filesTotal === 0) fraction = 1;
  if (fraction !== null) fraction = Math.min(1, Math.max(0, fraction));

  return (
    <div className="job-progress" data-testid="job-progress">
      <p className="meta">
        {phase ? <span className="badge accent">{phase}</span> : null}
        {filesDone !== null ? (
          <span>
            {filesTotal !== null
              ? `${filesDone.toLocaleString('en-US')} / ${formatCount(filesTotal, 'file')}`
              : formatCount(filesDone, 'file')}
          </span>
        ) : null}
        {bytesDone !== null ? (
          <span>
            {bytesTotal !== null
              ? `${formatBytes(bytesDone)} / ${formatBytes(bytesTotal)}`
              : formatBytes(bytesDone)}
          </span>
        ) : null}
        {fraction !== null ? <span>{Math.floor(fraction * 100)} %</span> : null}
      </p>
      {fraction !== null ? (
        <progress className="bar" aria-label={`${title} progress`} value={fraction} max={1} />
      ) : null}
      {current ? (
        <p className="path current" title={current}>
          {current}
        </p>
      ) : null}
    </div>
  );
}

const SHOWN_AT_FIRST = 5;
const SHOWN_AT_MOST = 1_000;

/** The items a job could not handle, with the reason (live while it runs). */
function JobFailures({ job, enabled }: { job: JobView; enabled: boolean }) {
  const [expanded, setExpanded] = useState(false);
  const failures = useQuery({
    queryKey: queryKeys.jobFailures(job.id),
    queryFn: ({ signal }) => getJobFailures(job.id, signal),
    enabled,
    // A finished job's failures do not change; a running job's arrive by events.
    staleTime: ACTIVE.has(job.state) ? 5_000 : Infinity,
  });
  const list = failures.data ?? [];
  if (list.length === 0) return null;
  const shown = list.slice(0, expanded ? SHOWN_AT_MOST : SHOWN_AT_FIRST);
  return (
    <div className="failures">
      <p className="danger-text failures-title">{formatCount(list.length, 'item')} failed</p>
      <ul className="failure-list" aria-label={`Failures of job ${job.id}`}>
        {shown.map((f, i) => (
          <li key={`${f.at}-${i}`}>
            <span className="path">{f.item}</span> <span className="muted">— {f.reason}</span>
          </li>
        ))}
      </ul>
      {list.length > SHOWN_AT_FIRST ? (
        <button
          type="button"
          className="button small link"
          aria-expanded={expanded}
          onClick={() => setExpanded((e) => !e)}
        >
          {expanded
            ? 'Show fewer'
            : `Show all ${list.length > SHOWN_AT_MOST ? `first ${SHOWN_AT_MOST.toLocaleString('en-US')} of ` : ''}${list.length.toLocaleString('en-US')}`}
        </button>
      ) : null}
    </div>
  );
}
