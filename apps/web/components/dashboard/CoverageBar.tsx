import type { Coverage } from '../../lib/api-status';
import { formatBytes, formatPercent } from '../../lib/format';
import styles from './dashboard.module.css';

const integer = new Intl.NumberFormat('en-US');

/** Archived over all, by bytes (by files when nothing has a size); 0 when there is nothing. */
export function coverageFraction(done: Coverage, total: Coverage): number {
  if (total.bytes > 0) return done.bytes / total.bytes;
  return total.files > 0 ? done.files / total.files : 0;
}

/** "3 of 5 files, 2.10 MB of 3.40 MB archived; 2 files not yet". */
export function describeCoverage(done: Coverage, total: Coverage): string {
  if (total.files === 0) return 'nothing catalogued yet';
  const left = total.files - done.files;
  const files = `${integer.format(done.files)} of ${integer.format(total.files)} ${total.files === 1 ? 'file' : 'files'}`;
  const bytes = `${formatBytes(done.bytes)} of ${formatBytes(total.bytes)}`;
  return `${files}, ${bytes} archived${left > 0 ? `; ${integer.format(left)} not yet` : ''}`;
}

/**
 * Files and bytes archived against all there are, as a bar with the figures under it. The bar
 * is a `meter` named `label` (its value the percentage, its text the figures) for assistive
 * technologies and tests alike.
 */
export function CoverageBar({
  name,
  label,
  done,
  total,
}: {
  /** What is shown above the bar ("offsite"). */
  name: string;
  /** The meter's accessible name ("Holiday in offsite"). */
  label: string;
  done: Coverage;
  total: Coverage;
}) {
  const fraction = Math.min(1, Math.max(0, coverageFraction(done, total)));
  const text = describeCoverage(done, total);
  const percent = formatPercent(fraction);
  return (
    <li className={styles.coverage} data-coverage={label}>
      <span className={styles.coverageName}>{name}</span>
      <span className={styles.coveragePercent} aria-hidden="true">
        {percent}
      </span>
      <div
        className={styles.track}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Number.parseInt(percent, 10)}
        aria-valuetext={`${percent}: ${text}`}
      >
        <div className={styles.done} style={{ width: `${fraction * 100}%` }} />
      </div>
      <span className={styles.coverageText}>{text}</span>
    </li>
  );
}
