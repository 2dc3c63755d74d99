'use client';

import { useMutation } from '@tanstack/react-query';
import { checkFileCopies } from '../../lib/api';
import { describeCopyCheck, type CopyCheck } from '../../lib/copies';
import { formatDateTime } from '../../lib/format';
import styles from './copies.module.css';
import { FormError } from '../QueryState';

const BADGES: Record<CopyCheck['status'], { label: string; tone: string }> = {
  verified: { label: 'verified', tone: 'ok' },
  unverified: { label: 'unverified', tone: 'warn' },
  mismatch: { label: 'changed', tone: 'danger' },
  missing: { label: 'missing', tone: 'danger' },
  error: { label: 'not checked', tone: 'danger' },
};

/**
 * "Check copies": asks each destination holding the file's content whether its copy is still
 * there and still matches the catalog (a HEAD each, nothing changed), and says so per copy.
 */
export function CopiesCheck({ fileId }: { fileId: number }) {
  const check = useMutation({ mutationFn: () => checkFileCopies(fileId) });
  const headingId = `copies-${fileId}`;
  const result = check.data;
  return (
    <section className={styles.copies} aria-labelledby={headingId}>
      <div className={styles.head}>
        <h3 id={headingId}>Copies</h3>
        <button
          type="button"
          className="button small"
          onClick={() => check.mutate()}
          disabled={check.isPending}
        >
          {check.isPending ? 'Checking copies…' : 'Check copies'}
        </button>
      </div>
      <p className="muted">Asks each destination whether its copy is still there and intact.</p>
      <div aria-live="polite">
        <FormError error={check.error} />
        {result ? (
          result.copies.length === 0 ? (
            <p>No destination holds a copy of this file.</p>
          ) : (
            <>
              <ul className={styles.list} aria-label="Copies checked">
                {result.copies.map((copy) => {
                  const { where, text } = describeCopyCheck(copy);
                  const badge = BADGES[copy.status];
                  return (
                    <li
                      key={copy.destination}
                      className={styles.copy}
                      data-testid="copy-check"
                      data-status={copy.status}
                    >
                      <span className={`badge ${badge.tone}`} aria-hidden="true">
                        {badge.label}
                      </span>
                      <span className={styles.text}>
                        <strong>{where}</strong>: {text}
                      </span>
                    </li>
                  );
                })}
              </ul>
              <p className="muted">Checked {formatDateTime(result.checkedAt)}.</p>
            </>
          )
        ) : null}
      </div>
    </section>
  );
}
