// What a job card reads out of a job: title, progress (files, bytes, percentage, speed, time
// left, files in flight), and which buttons apply ("Retry" among them).
import { describe, expect, it } from 'vitest';
import type { JobView } from './api';
import { formatEta, formatPercent, formatRate } from './format';
import {
  canCancel,
  canPause,
  canResume,
  canRetry,
  failureCount,
  jobParams,
  jobTitle,
  readProgress,
} from './jobs';

function job(over: Partial<JobView> = {}): JobView {
  return {
    id: 7,
    kind: 'archive',
    state: 'running',
    params: { rootId: 1, root: 'Holiday', path: 'Trip', destination: 'offsite' },
    selection: null,
    retryable: true,
    progress: null,
    summary: null,
    error: null,
    createdAt: 1_700_000_000_000,
    startedAt: 1_700_000_001_000,
    finishedAt: null,
    ...over,
  };
}

describe('jobTitle', () => {
  it('names the work, the place and, for an archive, the destination', () => {
    expect(jobTitle(job())).toBe('Archive of Holiday/Trip to offsite');
    expect(jobTitle(job({ kind: 'scan', params: { root: 'Holiday', path: '' } }))).toBe(
      'Scan of Holiday',
    );
    expect(jobTitle(job({ kind: 'summarise', params: { root: 'Holiday', path: 'Trip' } }))).toBe(
      'Summarise of Holiday/Trip',
    );
    // Params without the label: the caller knows the root.
    expect(jobTitle(job({ kind: 'scan', params: { rootId: 1 } }), 'photos')).toBe('Scan of photos');
    expect(jobTitle(job({ kind: 'reconcile', params: {} }))).toBe('Reconcile');
  });

  it('names a restore by what it brings back, as the Restores page does', () => {
    const restore = (params: Record<string, unknown>, selection: { files: number } | null = null) =>
      jobTitle(job({ kind: 'restore', params: { destination: 'offsite', ...params }, selection }));
    expect(restore({ scope: { kind: 'catalog', root: 'photos', path: 'Trip' } })).toBe(
      'Restore of photos/Trip from offsite',
    );
    expect(restore({ scope: { kind: 'catalog', root: 'photos', path: '' } })).toBe(
      'Restore of photos from offsite',
    );
    // The server counts the files picked in `selection`, without their ids.
    expect(restore({ scope: { kind: 'files' } }, { files: 3 })).toBe(
      'Restore of 3 files from offsite',
    );
    expect(restore({ scope: { kind: 'files' } }, { files: 1 })).toBe(
      'Restore of 1 file from offsite',
    );
    expect(restore({ scope: { kind: 'keys', prefix: 'nas/Trip/' } })).toBe(
      'Restore of keys under nas/Trip/ from offsite',
    );
    expect(restore({ scope: { kind: 'keys', prefix: '' } })).toBe(
      'Restore of every key from offsite',
    );
    // A download requests no restore: it fetches what is readable already.
    expect(
      restore({ request: false, scope: { kind: 'catalog', root: 'photos', path: 'Home' } }),
    ).toBe('Download of photos/Home from offsite');
    expect(jobTitle(job({ kind: 'restore', params: { scope: 'nonsense' } }))).toBe('Restore');
  });

  it('reads params of the wrong type as absent', () => {
    expect(
      jobParams(job({ params: { rootId: '1', root: 3, path: null, recursive: 'yes' } })),
    ).toEqual({
      rootId: null,
      root: null,
      path: '',
      destination: null,
      recursive: false,
    });
  });

  it('names an archive of picked files by their count (the server sends no ids)', () => {
    const picked = job({
      params: { root: 'Holiday', path: 'Trip', destination: 'offsite' },
      selection: { files: 3 },
    });
    expect(jobTitle(picked)).toBe('Archive of 3 files in Holiday/Trip to offsite');
    expect(jobTitle(job({ selection: { files: 1 } }))).toBe(
      'Archive of 1 file in Holiday/Trip to offsite',
    );
    expect(jobTitle(job({ selection: { files: 12_500 } }))).toBe(
      'Archive of 12,500 files in Holiday/Trip to offsite',
    );
  });
});

describe('readProgress', () => {
  it('shows an upload as the card does: bytes percentage, speed, time left, files in flight', () => {
    const p = readProgress({
      phase: 'uploading',
      filesDone: 1,
      filesTotal: 3,
      bytesDone: 3_740_000,
      bytesTotal: 10_000_000,
      bytesPerSecond: 524_288,
      etaSeconds: 11.9,
      active: [
        { item: 'Trip/IMG_1.JPG', bytesDone: 200_000, bytes: 2_000_000 },
        { item: 'Trip/broken', bytesDone: 'x', bytes: 1 },
        null,
      ],
      failures: 2,
    });
    expect(p.phase).toBe('uploading');
    expect(formatPercent(p.fraction ?? Number.NaN)).toBe('37 %');
    expect(formatRate(p.bytesPerSecond)).toBe('524 kB/s');
    expect(formatEta(p.etaSeconds)).toBe('12 s');
    // Malformed entries are dropped rather than drawn as NaN bars.
    expect(p.active).toEqual([{ item: 'Trip/IMG_1.JPG', bytesDone: 200_000, bytes: 2_000_000 }]);
    expect(p.failures).toBe(2);
  });

  it('measures by files when the bytes are unknown, and a job with no files is complete', () => {
    expect(
      readProgress({ filesDone: 3, filesTotal: 4, bytesDone: 0, bytesTotal: null }).fraction,
    ).toBe(0.75);
    expect(readProgress({ filesDone: 0, filesTotal: 0 }).fraction).toBe(1);
    expect(readProgress({ filesDone: 12, filesTotal: null }).fraction).toBeNull();
  });

  it('keeps the bar within 0..100 % when the totals are stale', () => {
    expect(readProgress({ bytesDone: 1200, bytesTotal: 1000 }).fraction).toBe(1);
    expect(readProgress({ bytesDone: -5, bytesTotal: 1000 }).fraction).toBe(0);
  });

  it('shows dashes, not zeros, for a job that has not reported', () => {
    const p = readProgress(null);
    expect(p).toMatchObject({ phase: null, filesDone: null, bytesDone: null, fraction: null });
    expect(p.active).toEqual([]);
    expect(formatRate(p.bytesPerSecond)).toBe('—');
    expect(formatEta(p.etaSeconds)).toBe('—');
    expect(readProgress({ phase: '', etaSeconds: Number.NaN })).toMatchObject({
      phase: null,
      etaSeconds: null,
    });
  });
});

describe('failureCount', () => {
  it("takes a finished job's summary first, else a live job's progress", () => {
    expect(failureCount(job({ summary: { failures: 3 }, progress: { failures: 1 } }))).toBe(3);
    expect(failureCount(job({ progress: { failures: 1 } }))).toBe(1);
    expect(failureCount(job())).toBe(0);
  });
});

describe('controls', () => {
  it('offers pause, resume and cancel only where they apply', () => {
    const states = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
    expect(states.filter(canPause)).toEqual(['queued', 'running']);
    expect(states.filter(canResume)).toEqual(['paused']);
    expect(states.filter(canCancel)).toEqual(['queued', 'running', 'paused']);
  });
});

describe('canRetry', () => {
  it('offers a retry once a job of a kind the server retries has ended', () => {
    expect(canRetry(job({ state: 'failed' }))).toBe(true);
    expect(canRetry(job({ state: 'cancelled' }))).toBe(true);
    expect(canRetry(job({ state: 'done' }))).toBe(true);
  });

  it('offers nothing for a job under way, or of a kind the server does not retry', () => {
    expect(canRetry(job({ state: 'running' }))).toBe(false);
    expect(canRetry(job({ state: 'queued' }))).toBe(false);
    expect(canRetry(job({ state: 'paused' }))).toBe(false);
    expect(canRetry(job({ kind: 'reconcile', state: 'failed', retryable: false }))).toBe(false);
  });
});
