/**
 * The answer of "Check copies" (`GET /api/files/:id/copies/check`) in plain words, one line a
 * copy: "offsite (eu-west-1): present, verified SHA-256, Glacier Deep Archive, replication
 * COMPLETED — a replica exists in the other region" / "usb: missing".
 */
import type { CopyCheck } from '@glacier/server/api';
import { storageClassLabel } from '../components/settings/storage-classes';
import { formatDateTime } from './format';

export type { CopyCheck };

/** ok: verified; warn: there but not proven (no hash to compare); bad: missing, changed, unasked. */
export type CopyTone = 'ok' | 'warn' | 'bad';

export interface CopyDescription {
  /** "offsite (eu-west-1)". */
  where: string;
  /** Everything after the colon. */
  text: string;
  tone: CopyTone;
}

const ENCRYPTION: Record<string, string> = {
  AES256: 'encrypted at rest (SSE-S3)',
  'aws:kms': 'encrypted at rest (SSE-KMS)',
  'aws:kms:dsse': 'encrypted at rest (DSSE-KMS)',
};

function statusWords(copy: CopyCheck): { words: string; tone: CopyTone } {
  switch (copy.status) {
    case 'verified':
      return { words: 'present, verified SHA-256', tone: 'ok' };
    case 'unverified':
      return { words: 'present, same size, SHA-256 not verifiable', tone: 'warn' };
    case 'mismatch':
      return { words: 'present but different', tone: 'bad' };
    case 'missing':
      return { words: 'missing', tone: 'bad' };
    case 'error':
      return { words: 'could not be checked', tone: 'bad' };
  }
}

function restoreWords(restore: CopyCheck['restore']): string | null {
  if (restore?.state === 'in-progress') return 'restore under way';
  if (restore?.state === 'available') {
    return restore.until === null ? 'restored' : `restored until ${formatDateTime(restore.until)}`;
  }
  return null;
}

export function describeCopyCheck(copy: CopyCheck): CopyDescription {
  const where = copy.region ? `${copy.destination} (${copy.region})` : copy.destination;
  const { words, tone } = statusWords(copy);
  const parts = [words];
  if (copy.kind === 's3' && copy.storageClass) parts.push(storageClassLabel(copy.storageClass));
  const restore = restoreWords(copy.restore);
  if (restore) parts.push(restore);
  if (copy.serverSideEncryption) {
    parts.push(ENCRYPTION[copy.serverSideEncryption] ?? `encrypted (${copy.serverSideEncryption})`);
  }
  if (copy.replication) {
    parts.push(`replication ${copy.replication.status} — ${copy.replication.meaning}`);
  }
  let text = parts.join(', ');
  if (copy.problem && copy.status !== 'missing') text += `: ${copy.problem}`;
  if (copy.catalogLostAt !== null) {
    text += ` (the catalog counts it lost since ${formatDateTime(copy.catalogLostAt)})`;
  }
  return { where, text, tone };
}
