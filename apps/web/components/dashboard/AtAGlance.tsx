'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import type { Overview, RestoreView } from '../../lib/api-status';
import type { JobView } from '../../lib/api';
import { formatBytes, formatCount, formatPercent, formatMoney } from '../../lib/format';
import { coverageFraction } from './CoverageBar';
import styles from './dashboard.module.css';
import { restoreCounts } from '../restores/restore-state';

/** The day's figures in a row of tiles: safe, catalogued, cost, jobs, restores. */
export function AtAGlance({
  overview,
  jobs,
  restores,
}: {
  overview: Overview;
  jobs: JobView[];
  restores: RestoreView[];
}) {
  const t = overview.totals;
  const archived = { files: t.archivedFiles, bytes: t.archivedBytes };
  const running = jobs.filter((j) => j.state === 'running').length;
  const queued = jobs.filter((j) => j.state === 'queued').length;
  const ready = restores.reduce((n, r) => n + restoreCounts(r).ready, 0);
  const waiting = restores
    .filter((r) => r.jobState !== 'cancelled' && r.jobState !== 'failed')
    .reduce((n, r) => n + restoreCounts(r).waiting, 0);
  return (
    <dl className={styles.glance} aria-label="At a glance">
      <Stat
        name="Archived"
        value={t.files === 0 ? '—' : formatPercent(coverageFraction(archived, t))}
        note={`${formatCount(t.archivedFiles, 'file')} in at least one destination`}
        testId="glance-archived"
      />
      <Stat
        name="Catalogued"
        value={formatBytes(t.bytes)}
        note={`${formatCount(t.files, 'file')}${t.unreadFiles > 0 ? `, ${t.unreadFiles} not read yet` : ''}`}
        testId="glance-catalogued"
      />
      <Stat
        name="Cost a month"
        value={formatMoney(t.costPerMonth, overview.currency)}
        note="S3 storage, list prices"
        testId="glance-cost"
      />
      <Stat
        name="Jobs"
        value={running > 0 ? `${running} running` : 'idle'}
        note={queued > 0 ? `${queued} queued` : 'nothing queued'}
        href="/jobs/"
        testId="glance-jobs"
      />
      <Stat
        name="Restores"
        value={`${ready} ready`}
        note={`${waiting} waiting`}
        href="/restores/"
        testId="glance-restores"
      />
    </dl>
  );
}

function Stat({
  name,
  value,
  note,
  href,
  testId,
}: {
  name: string;
  value: string;
  note: string;
  href?: string;
  testId: string;
}) {
  const body: ReactNode = (
    <>
      <span className={styles.statValue} data-testid={testId}>
        {value}
      </span>
      <span className={styles.statNote}>{note}</span>
    </>
  );
  return (
    <div className={styles.stat}>
      <dt>{name}</dt>
      <dd>
        {href ? (
          <Link href={href} className={styles.statLink}>
            {body}
          </Link>
        ) : (
          body
        )}
      </dd>
    </div>
  );
}
