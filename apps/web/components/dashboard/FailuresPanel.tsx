'use client';

import { useQuery } from '@tanstack/react-query';
import { getJobs, queryKeys } from '../../lib/api';
import type { Overview } from '../../lib/api-status';
import { jobTitle } from '../../lib/jobs';
import { RelativeTime } from './RelativeTime';
import styles from './dashboard.module.css';
import { PanelHead } from './PanelHead';

/** The latest files a job could not handle, with the reason and the job it belongs to. */
export function FailuresPanel({ overview }: { overview: Overview }) {
  const jobs = useQuery({ queryKey: queryKeys.jobList, queryFn: ({ signal }) => getJobs(signal) });
  const failures = overview.recentFailures;
  const titleOf = (jobId: number, kind: string) => {
    const job = jobs.data?.find((j) => j.id === jobId);
    return job ? jobTitle(job) : `${kind.charAt(0).toUpperCase()}${kind.slice(1)} job`;
  };
  return (
    <section className="panel" aria-labelledby="failures-heading">
      <PanelHead
        id="failures-heading"
        title="Recent failures"
        count={failures.length}
        link={{ href: '/jobs/', text: 'Activity' }}
      />
      {failures.length === 0 ? (
        <p className="empty muted">No file has failed lately.</p>
      ) : (
        <ul className="list" aria-label="Recent failures">
          {failures.map((f) => (
            <li key={`${f.jobId}:${f.at}:${f.item}`} className="item">
              <span className="path" title={f.item}>
                {f.item}
              </span>
              <span className={styles.reason}>{f.reason}</span>
              <span className="meta muted">
                <span>
                  {titleOf(f.jobId, f.jobKind)} #{f.jobId}
                </span>
                <RelativeTime at={f.at} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
