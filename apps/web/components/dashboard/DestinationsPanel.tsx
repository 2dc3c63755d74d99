'use client';

import Link from 'next/link';
import type { Overview } from '../../lib/api-status';
import { formatBytes, formatCount, formatMoney } from '../../lib/format';
import { storageClassLabel } from '../settings/storage-classes';
import { DestinationHead } from '../settings/DestinationHead';
import { CoverageBar } from './CoverageBar';
import styles from './dashboard.module.css';
import { PanelHead } from './PanelHead';

/** Each destination: how much of the catalogue it holds, what it stores, what that costs. */
export function DestinationsPanel({ overview }: { overview: Overview }) {
  const { destinations, totals, currency } = overview;
  const all = { files: totals.files, bytes: totals.bytes };
  return (
    <section className="panel" aria-labelledby="dest-coverage-heading">
      <PanelHead
        id="dest-coverage-heading"
        title="Destinations"
        count={destinations.length}
        link={{ href: '/settings/', text: 'Settings' }}
      />
      {destinations.length === 0 ? (
        <p className="empty muted">
          No destination yet: add an S3 bucket or a folder in{' '}
          <Link href="/settings/">Settings</Link>, then archive a folder from Browse.
        </p>
      ) : (
        <ul className="list" aria-label="Destinations">
          {destinations.map((d) => (
            <li key={d.id} className="item" aria-label={`Destination ${d.name}`}>
              <DestinationHead name={d.name} kind={d.kind} />
              <p className="meta muted">
                {d.storageClass ? <span>{storageClassLabel(d.storageClass)}</span> : null}
                {d.region ? <span>{d.region}</span> : null}
                <span>
                  {formatCount(d.objects, 'object')} · {formatBytes(d.bytes)}
                </span>
                <span data-testid="destination-cost">
                  {d.costPerMonth === null
                    ? 'no storage charge'
                    : `${formatMoney(d.costPerMonth, currency)} a month`}
                </span>
              </p>
              {d.lostObjects > 0 ? (
                <p className="danger-text small-text" role="status">
                  {formatCount(d.lostObjects, 'copy', 'copies')} the catalogue knew are gone from
                  here (found by a reconcile): archive again to replace them.
                </p>
              ) : null}
              <ul className={styles.coverageList}>
                <CoverageBar
                  name="All media roots"
                  label={`All roots in ${d.name}`}
                  done={d.archived}
                  total={all}
                />
              </ul>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
