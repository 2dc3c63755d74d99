'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { getDestinations, queryKeys, type JobView } from '../../lib/api';
import type { RestoreView } from '../../lib/api-status';
import {
  formatBytes,
  formatDateTime,
  formatEta,
  formatPercent,
  formatRate,
  formatRelative,
  toDate,
} from '../../lib/format';
import { canCancel, canPause, canResume, readProgress } from '../../lib/jobs';
import { useJobActions } from '../jobs/useJobActions';
import { RelativeTime } from '../dashboard/RelativeTime';
import { RestoreItems } from './RestoreItems';
import { ITEM_STATES, restoreStatus, restoreTitle, STATUS_BADGE } from './restore-state';
import styles from './restores.module.css';
import { FormError } from '../QueryState';

const TIERS: Record<string, string> = {
  bulk: 'Bulk',
  standard: 'Standard',
  expedited: 'Expedited',
};

/**
 * One restore: what, from where, to where, its state, when what was restored expires, the
 * count of objects in each state, its live progress and controls, and its objects on request.
 */
export function RestoreCard({
  restore: r,
  job,
}: {
  restore: RestoreView;
  job: JobView | undefined;
}) {
  const [open, setOpen] = useState(false);
  // A folder destination needs no restore: its tier and days mean nothing.
  const destinations = useQuery({
    queryKey: queryKeys.destinations,
    queryFn: ({ signal }) => getDestinations(signal),
  });
  const fromFolder = destinations.data?.find((d) => d.name === r.destination)?.kind === 'folder';
  const title = restoreTitle(r);
  const status = restoreStatus(r);
  // The job list is live (events); the restore row catches up when it is fetched again.
  const jobState = job?.state ?? r.jobState;
  const moving = jobState === 'running' || jobState === 'paused';
  const downloaded = r.bytes > 0 ? r.bytesDownloaded / r.bytes : null;
  return (
    <li className="panel" aria-label={`${title}, job ${r.jobId}`} data-restore={r.jobId}>
      <div className="item-head">
        <span className="item-title">
          {title} <span className="muted">#{r.jobId}</span>
        </span>
        <span className={`badge ${STATUS_BADGE[status]}`} data-testid="restore-status">
          {status}
        </span>
      </div>
      <dl className={styles.facts}>
        <div>
          <dt>Objects</dt>
          <dd>
            {r.objects.toLocaleString('en-US')} · {formatBytes(r.bytes)}
          </dd>
        </div>
        {r.kind === 'restore' && !fromFolder ? (
          <div>
            <dt>Tier</dt>
            <dd>
              {TIERS[r.tier] ?? r.tier}, kept {r.days} {r.days === 1 ? 'day' : 'days'}
            </dd>
          </div>
        ) : null}
        <div>
          <dt>To</dt>
          <dd className={r.target ? 'path-text' : undefined}>
            {r.target ?? 'not downloaded (thaw only)'}
          </dd>
        </div>
        <div>
          <dt>Asked</dt>
          <dd>
            <RelativeTime at={r.createdAt} />
          </dd>
        </div>
        {r.availableUntil !== null ? (
          <div>
            <dt>Readable until</dt>
            <dd data-testid="restore-expiry">
              <time dateTime={toDate(r.availableUntil).toISOString()}>
                {formatDateTime(r.availableUntil)}
              </time>{' '}
              <span className="muted">({formatRelative(r.availableUntil)})</span>
            </dd>
          </div>
        ) : null}
      </dl>
      <ul className={styles.chips} aria-label={`Objects of ${title} by state`}>
        {ITEM_STATES.filter(({ state }) => (r.counts[state] ?? 0) > 0).map(
          ({ state, label, badge }) => (
            <li key={state} className={`badge ${badge}`} data-item-state={state}>
              {r.counts[state]} {label}
            </li>
          ),
        )}
      </ul>
      {r.target !== null && downloaded !== null && !moving ? (
        <p className="meta muted">
          {formatBytes(r.bytesDownloaded)} of {formatBytes(r.bytes)} downloaded
        </p>
      ) : null}
      {moving && job ? <LiveProgress job={job} title={title} /> : null}
      {r.error ? (
        <p className="danger-text" role="status">
          {r.error}
        </p>
      ) : null}
      {job ? <Controls job={job} /> : null}
      <details
        className={styles.objects}
        open={open}
        onToggle={(event) => setOpen(event.currentTarget.open)}
      >
        <summary>Objects ({r.objects.toLocaleString('en-US')})</summary>
        {open ? <RestoreItems restore={r} job={job} /> : null}
      </details>
    </li>
  );
}

/** Phase, bytes, speed and time left of a running restore, from its job's live progress. */
function LiveProgress({ job, title }: { job: JobView; title: string }) {
  const p = readProgress(job.progress);
  return (
    <div className="job-progress" data-testid="restore-progress">
      <p className="meta">
        {p.phase ? <span className="badge accent">{p.phase}</span> : null}
        {p.filesDone !== null && p.filesTotal !== null ? (
          <span>
            {p.filesDone.toLocaleString('en-US')} / {p.filesTotal.toLocaleString('en-US')} objects
          </span>
        ) : null}
        {p.bytesDone !== null && p.bytesTotal ? (
          <span>
            {formatBytes(p.bytesDone)} / {formatBytes(p.bytesTotal)}
          </span>
        ) : null}
        {p.fraction !== null ? <span>{formatPercent(p.fraction)}</span> : null}
        {p.bytesPerSecond ? <span>{formatRate(p.bytesPerSecond)}</span> : null}
        {p.etaSeconds !== null ? <span>{formatEta(p.etaSeconds)} left</span> : null}
      </p>
      {p.fraction !== null ? (
        <progress className="bar" aria-label={`${title} progress`} value={p.fraction} max={1} />
      ) : null}
      {p.current ? (
        <p className="path current" title={p.current}>
          {p.current}
        </p>
      ) : null}
    </div>
  );
}

const CONTROLS = [
  { action: 'pause', label: 'Pause', shown: canPause, className: 'button small' },
  { action: 'resume', label: 'Resume', shown: canResume, className: 'button small primary' },
  { action: 'cancel', label: 'Cancel', shown: canCancel, className: 'button small danger' },
] as const;

function Controls({ job }: { job: JobView }) {
  const { control } = useJobActions(job);
  const shown = CONTROLS.filter((c) => c.shown(job.state));
  if (shown.length === 0) return null;
  return (
    <>
      <div className="actions">
        {shown.map((c) => (
          <button
            key={c.action}
            type="button"
            className={c.className}
            disabled={control.isPending}
            onClick={() => control.mutate(c.action)}
          >
            {c.label}
            <span className="sr-only"> restore job {job.id}</span>
          </button>
        ))}
      </div>
      <FormError error={control.error} />
    </>
  );
}
