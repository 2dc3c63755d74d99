'use client';

import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { JobView } from '../../lib/api';
import {
  getRestore,
  objectDownloadUrl,
  statusKeys,
  type RestoreItemState,
  type RestoreItemView,
  type RestoreView,
} from '../../lib/api-status';
import { formatBytes } from '../../lib/format';
import { RelativeTime } from '../dashboard/RelativeTime';
import { useRefetchOnJobs } from '../../lib/job-refresh';
import { readProgress } from '../../lib/jobs';
import { storageClassLabel } from '../settings/storage-classes';
import { QueryState } from '../QueryState';
import { canDownload, ITEM_STATES, itemStateLabel } from './restore-state';
import styles from './restores.module.css';

/**
 * A restore's objects: each with its state (and when its restored copy expires), its own bar
 * while it downloads, the reason when it failed, and a download link while it is readable.
 */
export function RestoreItems({
  restore: r,
  job,
}: {
  restore: RestoreView;
  job: JobView | undefined;
}) {
  const [state, setState] = useState<RestoreItemState | ''>('');
  const filterId = useId();
  const details = useQuery({
    queryKey: statusKeys.restore(r.jobId, state || undefined),
    queryFn: ({ signal }) => getRestore(r.jobId, state || undefined, signal),
  });
  // Objects change state as the job moves on: read them again (at most every 2 s) when it does.
  useRefetchOnJobs(statusKeys.restoreObjects(r.jobId), (jobs) => {
    const j = jobs.find((x) => x.id === r.jobId);
    const p = readProgress(j?.progress ?? null);
    return j ? `${j.state}:${p.phase}:${p.filesDone}:${p.active.map((a) => a.item).join('|')}` : '';
  });
  const active = new Map(readProgress(job?.progress ?? null).active.map((a) => [a.item, a]));
  const present = ITEM_STATES.filter(({ state: s }) => (r.counts[s] ?? 0) > 0);

  return (
    <div>
      {present.length > 1 ? (
        <div className={styles.filter}>
          <label htmlFor={filterId}>Show</label>
          <select
            id={filterId}
            value={state}
            onChange={(event) => setState(event.target.value as RestoreItemState | '')}
          >
            <option value="">every object</option>
            {present.map(({ state: s, label }) => (
              <option key={s} value={s}>
                {label} ({r.counts[s]})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <QueryState
        isPending={details.isPending}
        error={details.error}
        onRetry={() => void details.refetch()}
      >
        {() => {
          const items = details.data?.items ?? [];
          return (
            <>
              <ul className={styles.items} aria-label={`Objects of restore ${r.jobId}`}>
                {items.map((item) => (
                  <ItemRow
                    key={item.key}
                    item={item}
                    destination={r.destination}
                    progress={active.get(item.path)}
                  />
                ))}
              </ul>
              {items.length === 0 ? <p className="muted">No object in this state.</p> : null}
              {items.length >= 1000 ? (
                <p className="muted small-text">
                  The first 1,000 objects are shown: pick a state to see others.
                </p>
              ) : null}
            </>
          );
        }}
      </QueryState>
    </div>
  );
}

function ItemRow({
  item,
  destination,
  progress,
}: {
  item: RestoreItemView;
  destination: string;
  progress: { bytesDone: number; bytes: number } | undefined;
}) {
  const name = item.path.split('/').pop() ?? item.path;
  const state = progress ? 'downloading' : itemStateLabel(item.state);
  const badge = progress
    ? 'accent'
    : (ITEM_STATES.find((s) => s.state === item.state)?.badge ?? 'muted');
  return (
    <li className={styles.row} data-object={item.path} data-state={item.state}>
      <span className={styles.rowName} title={item.key}>
        {item.path}
      </span>
      <span className={styles.rowMeta}>
        <span>{formatBytes(item.size)}</span>
        <span>{storageClassLabel(item.storageClass)}</span>
        {item.expiresAt !== null && (item.state === 'available' || item.state === 'downloaded') ? (
          <span>
            {item.expiresAt > Date.now() ? 'expires' : 'expired'}{' '}
            <RelativeTime at={item.expiresAt} />
          </span>
        ) : null}
        {item.downloadedAt !== null && item.targetPath ? (
          <span className="path-text" title={item.targetPath}>
            saved to {item.targetPath}
          </span>
        ) : null}
      </span>
      <span className={styles.rowActions}>
        <span className={`badge ${badge}`}>{state}</span>
        {canDownload(item) ? (
          <a
            className="button small"
            href={objectDownloadUrl(destination, item.key)}
            download={name}
            aria-label={`Download ${item.path}`}
          >
            Download
          </a>
        ) : null}
      </span>
      {progress ? (
        <progress
          className={`bar thin ${styles.rowBar}`}
          aria-label={`${name} downloaded`}
          value={progress.bytes > 0 ? Math.min(1, progress.bytesDone / progress.bytes) : 1}
          max={1}
        />
      ) : null}
      {item.reason &&
      (item.state === 'failed' || item.state === 'expired' || item.state === 'skipped') ? (
        <span className={item.state === 'failed' ? styles.reason : 'muted'}>{item.reason}</span>
      ) : null}
    </li>
  );
}
