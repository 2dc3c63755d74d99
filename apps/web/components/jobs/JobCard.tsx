'use client';

import { useState } from 'react';
import type { JobState, JobSummaries, JobView, Loose, SummarisedKind } from '../../lib/api';
import {
  describeArchiveSummary,
  describeJobProgress,
  describeRestoreSummary,
  describeScanSummary,
  describeSummariseSummary,
  formatBytes,
  formatCount,
  formatDateTime,
  formatEta,
  formatPercent,
  formatRate,
  formatRelative,
  toDate,
} from '../../lib/format';
import {
  canCancel,
  canPause,
  canResume,
  canRetry,
  failureCount,
  jobTitle,
  readProgress,
  type ProgressView,
} from '../../lib/jobs';
import { JobFailures } from './JobFailures';
import { RetryRestoreDialog } from './RetryRestoreDialog';
import { useJobActions } from './useJobActions';

export const STATE_BADGE: Record<JobState, string> = {
  queued: 'info',
  running: 'accent',
  paused: 'warn',
  done: 'ok',
  failed: 'danger',
  cancelled: 'muted',
};

/** How each kind of job words its summary once done (its fields: jobs/summaries.ts). */
const DESCRIBE_SUMMARY: {
  [Kind in SummarisedKind]: (summary: Loose<JobSummaries[Kind]>) => string | null;
} = {
  scan: describeScanSummary,
  archive: describeArchiveSummary,
  summarise: describeSummariseSummary,
  restore: describeRestoreSummary,
};

/** The outcome of a finished job in one line, in the words of its kind. */
function outcome(job: JobView): string {
  const describe =
    job.kind in DESCRIBE_SUMMARY ? DESCRIBE_SUMMARY[job.kind as SummarisedKind] : null;
  const text = job.state === 'done' && job.summary && describe ? describe(job.summary) : null;
  return text ?? describeJobProgress(job).text;
}

/**
 * One job: title, state, live progress (for transfers: speed, time left and each file under
 * way), its controls (pause, resume, cancel, retry) and its failures with their reasons.
 * `detailed` (the Activity page) also shows the final bar of a finished job.
 */
export function JobCard({
  job,
  rootLabel,
  loadFailures,
  detailed = false,
}: {
  job: JobView;
  rootLabel?: string | undefined;
  loadFailures: boolean;
  detailed?: boolean;
}) {
  const title = jobTitle(job, rootLabel);
  const when = job.finishedAt ?? job.startedAt ?? job.createdAt;
  const whenLabel = job.finishedAt ? 'finished' : job.startedAt ? 'started' : 'queued';
  const moving = job.state === 'running' || job.state === 'paused';
  const progress = readProgress(job.progress);
  // "done" with failures is not all well: amber, not green (its failures are listed below).
  const badge =
    job.state === 'done' && failureCount(job) > 0 ? 'warn' : (STATE_BADGE[job.state] ?? 'muted');
  return (
    <li
      className={`item job${detailed ? ' job-detailed' : ''}`}
      aria-label={`${title}, job ${job.id}`}
      data-state={job.state}
      data-kind={job.kind}
    >
      <div className="item-head">
        <span className="item-title">
          {title} <span className="muted">#{job.id}</span>
        </span>
        <span className={`badge ${badge}`} data-testid="job-state">
          {job.state}
        </span>
      </div>
      {moving && job.progress ? (
        <JobProgress progress={progress} title={title} detailed={detailed} />
      ) : (
        <>
          <p className={job.state === 'failed' ? 'meta danger-text' : 'meta'}>{outcome(job)}</p>
          {detailed && job.state === 'done' && failureCount(job) === 0 ? (
            // The outcome above already says how much was read or sent.
            <div className="job-progress">
              <p className="meta">
                <span data-testid="job-percent">100 %</span>
              </p>
              <progress className="bar" aria-label={`${title} progress`} value={1} max={1} />
            </div>
          ) : null}
        </>
      )}
      <p className="meta muted">
        {whenLabel}{' '}
        <time dateTime={toDate(when).toISOString()} title={formatDateTime(when)}>
          {formatRelative(when)}
        </time>
      </p>
      <JobControls job={job} />
      <JobFailures job={job} enabled={loadFailures} />
    </li>
  );
}

/** Phase, files and bytes of a running job with its bar; speed, time left and files for transfers. */
function JobProgress({
  progress: p,
  title,
  detailed,
}: {
  progress: ProgressView;
  title: string;
  detailed: boolean;
}) {
  const transfer = p.bytesPerSecond !== null || p.etaSeconds !== null || p.active.length > 0;
  return (
    <div className="job-progress" data-testid="job-progress">
      <p className="meta">
        {p.phase ? <span className="badge accent">{p.phase}</span> : null}
        {p.filesDone !== null ? (
          <span>
            {p.filesTotal !== null
              ? `${p.filesDone.toLocaleString('en-US')} / ${formatCount(p.filesTotal, 'file')}`
              : formatCount(p.filesDone, 'file')}
          </span>
        ) : null}
        {p.bytesDone !== null ? (
          <span data-testid="job-bytes">
            {p.bytesTotal !== null
              ? `${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}`
              : formatBytes(p.bytesDone)}
          </span>
        ) : null}
        {p.fraction !== null ? (
          <span data-testid="job-percent">{formatPercent(p.fraction)}</span>
        ) : null}
      </p>
      {p.fraction !== null ? (
        <progress className="bar" aria-label={`${title} progress`} value={p.fraction} max={1} />
      ) : null}
      {transfer ? (
        <dl className="transfer-stats">
          <div>
            <dt>Speed</dt>
            <dd data-testid="job-speed">{formatRate(p.bytesPerSecond)}</dd>
          </div>
          <div>
            <dt>Time left</dt>
            <dd data-testid="job-eta">{formatEta(p.etaSeconds)}</dd>
          </div>
        </dl>
      ) : null}
      {p.active.length > 0 ? (
        <ul className="active-files" aria-label={`Files under way in ${title}`}>
          {p.active.slice(0, detailed ? 50 : 3).map((a) => {
            const fraction = a.bytes > 0 ? Math.min(1, a.bytesDone / a.bytes) : 1;
            const name = a.item.split('/').pop() ?? a.item;
            return (
              <li key={a.item} className="active-file" data-item={a.item}>
                <span className="active-file-name path" title={a.item}>
                  {name}
                </span>
                <span className="active-file-bytes muted">
                  {formatBytes(a.bytesDone)} / {formatBytes(a.bytes)}
                </span>
                <progress
                  className="bar thin"
                  aria-label={`${name} sent`}
                  value={fraction}
                  max={1}
                />
              </li>
            );
          })}
        </ul>
      ) : null}
      {p.current ? (
        <p className="path current" title={p.current}>
          {p.current}
        </p>
      ) : null}
    </div>
  );
}

function JobControls({ job }: { job: JobView }) {
  const { control, retry } = useJobActions(job);
  const busy = control.isPending || retry.isPending;
  const id = <span className="sr-only"> job {job.id}</span>;
  const error = control.error ?? retry.error;
  const retryLabel = job.state === 'done' && failureCount(job) === 0 ? 'Run again' : 'Retry';
  const [quoting, setQuoting] = useState(false);
  const buttons = [
    canPause(job.state) ? (
      <button
        key="pause"
        type="button"
        className="button small"
        disabled={busy}
        onClick={() => control.mutate('pause')}
      >
        Pause{id}
      </button>
    ) : null,
    canResume(job.state) ? (
      <button
        key="resume"
        type="button"
        className="button small primary"
        disabled={busy}
        onClick={() => control.mutate('resume')}
      >
        Resume{id}
      </button>
    ) : null,
    canCancel(job.state) ? (
      <button
        key="cancel"
        type="button"
        className="button small danger"
        disabled={busy}
        onClick={() => control.mutate('cancel')}
      >
        Cancel{id}
      </button>
    ) : null,
    canRetry(job) ? (
      <button
        key="retry"
        type="button"
        className="button small"
        disabled={busy}
        // A restore is quoted again first: a retry may thaw (and bill) copies gone cold.
        onClick={() => (job.kind === 'restore' ? setQuoting(true) : retry.mutate())}
      >
        {retryLabel}
        {id}
      </button>
    ) : null,
  ].filter(Boolean);
  if (buttons.length === 0 && !error) return null;
  return (
    <>
      {job.kind === 'restore' ? (
        <RetryRestoreDialog
          job={job}
          open={quoting}
          label={retryLabel}
          onClose={() => setQuoting(false)}
        />
      ) : null}
      {buttons.length > 0 ? <div className="actions job-actions">{buttons}</div> : null}
      {error ? (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      ) : null}
      {retry.data ? (
        <p className="muted small-text" role="status">
          Started again as job #{retry.data.id}.
        </p>
      ) : null}
    </>
  );
}
