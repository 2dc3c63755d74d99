'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { getJobs, queryKeys, type JobView } from '../../lib/api';
import { getRestores, statusKeys, type RestoreView } from '../../lib/api-status';
import { useLiveStatus } from '../../lib/live-feed';
import { useRefetchOnJobs } from '../../lib/job-refresh';
import { QueryState } from '../QueryState';
import { RestoreCard } from './RestoreCard';
import styles from './restores.module.css';

/** A restore's counts change while it runs: its state and progress are part of the key. */
const restoreJobs = (jobs: JobView[]) =>
  jobs
    .filter((job) => job.kind === 'restore')
    .map((job) => `${job.id}:${job.state}:${String(job.progress?.filesDone)}`)
    .join(',');

/**
 * `/restores/`: every restore and browser-side download job with its state, the expiry of what
 * was restored, live progress (each object under way with its own bar), its objects with their
 * states and a download link for each one readable now.
 */
export function RestoresView() {
  const live = useLiveStatus();
  const restores = useQuery({
    queryKey: statusKeys.restoreList,
    queryFn: ({ signal }) => getRestores(signal),
    // Events drive it; besides, every 10 s while a restore moves (a missed event costs no more
    // than that) and every minute otherwise (expiries pass without any event).
    refetchInterval: (query) =>
      query.state.data?.some((r) => r.jobState === 'running' || r.jobState === 'queued')
        ? 10_000
        : 60_000,
  });
  const jobs = useQuery({ queryKey: queryKeys.jobList, queryFn: ({ signal }) => getJobs(signal) });
  useRefetchOnJobs(statusKeys.restoreList, restoreJobs);
  const jobById = new Map((jobs.data ?? []).map((job) => [job.id, job]));

  return (
    <main className="page restores">
      <div className="page-head">
        <h1>Restores</h1>
        <p className="muted">
          {live === 'open'
            ? 'Live: objects move on as S3 restores them and downloads progress.'
            : 'The live feed is reconnecting: the list refreshes every few seconds.'}
        </p>
      </div>
      <QueryState
        isPending={restores.isPending}
        error={restores.error}
        onRetry={() => void restores.refetch()}
      >
        {() =>
          restores.data && restores.data.length > 0 ? (
            <ul className={styles.cards} aria-label="Restores">
              {restores.data.map((r: RestoreView) => (
                <RestoreCard key={r.jobId} restore={r} job={jobById.get(r.jobId)} />
              ))}
            </ul>
          ) : (
            <div className="panel">
              <p className="empty">
                <strong>No restore yet.</strong> Files in Glacier or Deep Archive are brought back
                in two steps: S3 thaws a copy (minutes to 48 hours, by tier), then the app downloads
                it, verified. Start one from <Link href="/browse/">Browse</Link>: open a folder and
                choose “Restore…”, which quotes each tier’s price and wait first.
              </p>
            </div>
          )
        }
      </QueryState>
    </main>
  );
}
