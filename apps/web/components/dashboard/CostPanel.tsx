'use client';

import dynamic from 'next/dynamic';
import type { Overview } from '../../lib/api-status';
import { formatBytes, formatMoney } from '../../lib/format';
import { PanelHead } from './PanelHead';
import { storageClassLabel } from '../settings/storage-classes';
import styles from './dashboard.module.css';

// Chart.js comes with the chart only, after the page is up: the dashboard's first load stays small.
const CostChart = dynamic(() => import('./CostChart'), {
  ssr: false,
  loading: () => (
    <p className="muted small-text" role="status">
      Loading the chart…
    </p>
  ),
});

const integer = new Intl.NumberFormat('en-US');

/** What the archive costs a month, by storage class: a chart and the table of its figures. */
export function CostPanel({ overview }: { overview: Overview }) {
  const { costByClass: costs, currency, totals } = overview;
  const estimated = overview.destinations.some((d) => d.estimated);
  return (
    <section className="panel" aria-labelledby="cost-heading">
      <PanelHead id="cost-heading" title="Cost a month" />
      <p>
        <span className={styles.costTotal} data-testid="cost-total">
          {formatMoney(totals.costPerMonth, currency)}
        </span>{' '}
        <span className="muted">a month for what is stored in S3</span>
      </p>
      {costs.length === 0 ? (
        <p className="muted">
          Nothing is stored in S3 yet. Folder destinations (a NAS folder, a USB drive) cost nothing
          a month.
        </p>
      ) : (
        <>
          <CostChart
            costs={costs}
            currency={currency}
            label={`Cost a month by storage class: ${costs
              .map(
                (c) =>
                  `${storageClassLabel(c.storageClass)} ${formatMoney(c.costPerMonth, currency)}`,
              )
              .join(', ')}`}
          />
          <div className={styles.tableWrap}>
            <table className={styles.table} aria-label="Cost a month by storage class">
              <thead>
                <tr>
                  <th scope="col">Storage class</th>
                  <th scope="col">Objects</th>
                  <th scope="col">Stored</th>
                  <th scope="col">Billed as</th>
                  <th scope="col">A month</th>
                </tr>
              </thead>
              <tbody>
                {costs.map((c) => (
                  <tr key={c.storageClass} data-class={c.storageClass}>
                    <th scope="row">{storageClassLabel(c.storageClass)}</th>
                    <td>{integer.format(c.objects)}</td>
                    <td>{formatBytes(c.bytes)}</td>
                    <td>{formatBytes(c.billedBytes)}</td>
                    <td>{formatMoney(c.costPerMonth, currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <p className="muted small-text">
        Storage only, at the list prices of {overview.pricesAsOf}
        {estimated ? ' (a region not on the price sheet is priced as us-east-1)' : ''}; “billed as”
        counts the minimum object sizes and the 40 KB Glacier keeps per object. Requests and
        restores are billed apart.
      </p>
    </section>
  );
}
