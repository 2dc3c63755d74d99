'use client';

import Link from 'next/link';
import type { RestoreView } from '../../lib/api-status';
import { formatCount } from '../../lib/format';
import { RelativeTime } from './RelativeTime';
import {
  restoreCounts,
  restoreStatus,
  restoreTitle,
  STATUS_BADGE,
} from '../restores/restore-state';
import { PanelHead } from './PanelHead';

const SHOWN = 4;

/** Restores still waiting for S3, and restored copies ready to download before they expire. */
export function RestoresPanel({ restores }: { restores: RestoreView[] }) {
  const open = restores.filter((r) => {
    const c = restoreCounts(r);
    return c.ready > 0 || (c.waiting > 0 && !['cancelled', 'failed'].includes(r.jobState));
  });
  const totals = open.reduce(
    (sum, r) => {
      const c = restoreCounts(r);
      return { waiting: sum.waiting + c.waiting, ready: sum.ready + c.ready };
    },
    { waiting: 0, ready: 0 },
  );
  return (
    <section className="panel" aria-labelledby="restores-heading">
      <PanelHead
        id="restores-heading"
        title="Restores"
        count={open.length}
        link={{ href: '/restores/', text: 'All restores' }}
      />
      {open.length === 0 ? (
        <p className="empty muted">
          No restore waiting or ready. Restore files from Browse: pick a folder, then “Restore…”.
        </p>
      ) : (
        <>
          <p className="meta" data-testid="restores-summary">
            <span>{formatCount(totals.ready, 'object')} ready</span>
            <span>{formatCount(totals.waiting, 'object')} waiting</span>
          </p>
          <ul className="list" aria-label="Restores waiting or ready">
            {open.slice(0, SHOWN).map((r) => {
              const c = restoreCounts(r);
              const status = restoreStatus(r);
              return (
                <li key={r.jobId} className="item">
                  <div className="item-head">
                    <span className="item-title">{restoreTitle(r)}</span>
                    <span className={`badge ${STATUS_BADGE[status]}`}>{status}</span>
                  </div>
                  <p className="meta">
                    {c.ready > 0 ? <span>{c.ready} ready</span> : null}
                    {c.waiting > 0 ? <span>{c.waiting} waiting</span> : null}
                    {r.availableUntil !== null ? (
                      <span>
                        until <RelativeTime at={r.availableUntil} />
                      </span>
                    ) : null}
                  </p>
                </li>
              );
            })}
          </ul>
          {open.length > SHOWN ? (
            <p className="muted small-text">
              {open.length - SHOWN} more on the <Link href="/restores/">Restores</Link> page.
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
