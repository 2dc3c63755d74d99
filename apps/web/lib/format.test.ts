// What the UI prints for sizes, counts, dates, capture times, media metadata, speeds, time left,
// money and percentages. The locale is en-US and the zone America/New_York (vitest.config.ts).
import { describe, expect, it } from 'vitest';
import {
  describeArchiveSummary,
  describeJobProgress,
  describeScanSummary,
  describeRestoreSummary,
  describeSummariseSummary,
  formatBytes,
  formatCamera,
  formatCapturedAt,
  formatCount,
  formatDateTime,
  formatDimensions,
  formatDuration,
  formatEta,
  formatExactBytes,
  formatGps,
  formatMoney,
  formatPercent,
  formatRate,
  formatRelative,
  humanizeKey,
  parseCapturedAt,
  toDate,
} from './format';

/** ICU puts a narrow no-break space before AM/PM in some versions: compare plain spaces. */
const plain = (text: string) => text.replace(/\s/g, ' ');

describe('formatBytes', () => {
  it('uses decimal units, as disks are sold, with three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1000)).toBe('1.00 kB');
    expect(formatBytes(1024)).toBe('1.02 kB');
    expect(formatBytes(1_500_000)).toBe('1.50 MB');
    expect(formatBytes(12_340_000_000)).toBe('12.3 GB');
    expect(formatBytes(999_000_000_000)).toBe('999 GB');
    expect(formatBytes(4e12)).toBe('4.00 TB');
    expect(formatBytes(2e15)).toBe('2.00 PB');
    // Beyond the largest unit the number grows instead of the unit.
    expect(formatBytes(3e18)).toBe('3000 PB');
  });

  it('shows a dash for what is not a size', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('gives the exact count beside the rounded size', () => {
    expect(formatExactBytes(1)).toBe('1 byte');
    expect(formatExactBytes(0)).toBe('0 bytes');
    expect(formatExactBytes(1_234_567)).toBe('1,234,567 bytes');
  });
});

describe('formatCount', () => {
  it('groups thousands and picks singular or plural', () => {
    expect(formatCount(0, 'file')).toBe('0 files');
    expect(formatCount(1, 'file')).toBe('1 file');
    expect(formatCount(2, 'file')).toBe('2 files');
    expect(formatCount(100_000, 'file')).toBe('100,000 files');
    expect(formatCount(3, 'copy', 'copies')).toBe('3 copies');
    expect(formatCount(1, 'copy', 'copies')).toBe('1 copy');
  });
});

describe('dates', () => {
  const june1 = Date.UTC(2024, 5, 1, 14, 30); // 10:30 in New York (EDT)

  it('reads milliseconds and, for older rows, seconds since the epoch', () => {
    expect(toDate(june1).toISOString()).toBe('2024-06-01T14:30:00.000Z');
    expect(toDate(june1 / 1000).toISOString()).toBe('2024-06-01T14:30:00.000Z');
  });

  it("shows a date and time in the browser's zone", () => {
    expect(plain(formatDateTime(june1))).toBe('Jun 1, 2024, 10:30 AM');
    expect(plain(formatDateTime(june1 / 1000))).toBe('Jun 1, 2024, 10:30 AM');
    expect(plain(formatDateTime(Date.UTC(2024, 0, 15, 3, 5)))).toBe('Jan 14, 2024, 10:05 PM');
  });

  it('says how long ago, or how soon, in words', () => {
    const now = june1;
    expect(formatRelative(now - 10_000, now)).toBe('just now');
    expect(formatRelative(now + 30_000, now)).toBe('just now');
    expect(formatRelative(now - 3 * 60_000, now)).toBe('3 minutes ago');
    expect(formatRelative(now - 60 * 60_000, now)).toBe('1 hour ago');
    expect(formatRelative(now + 2 * 3600_000, now)).toBe('in 2 hours');
    expect(formatRelative(now - 30 * 3600_000, now)).toBe('yesterday');
    expect(formatRelative(now - 3 * 86_400_000, now)).toBe('3 days ago');
    expect(formatRelative(now - 14 * 86_400_000, now)).toBe('2 weeks ago');
    expect(formatRelative(now - 400 * 86_400_000, now)).toBe('last year');
    // Seconds since the epoch, as older rows hold.
    expect(formatRelative((now - 5 * 60_000) / 1000, now)).toBe('5 minutes ago');
  });
});

describe('capture times', () => {
  it("shows the camera's wall clock as written, never converted to the browser's zone", () => {
    expect(plain(formatCapturedAt('2011-01-13T14:33:39'))).toBe('Jan 13, 2011, 2:33 PM');
    expect(plain(formatCapturedAt('2024-02-03T07:05:38Z'))).toBe('Feb 3, 2024, 7:05 AM');
    expect(plain(formatCapturedAt('2024-02-03T07:05:38+02:00'))).toBe('Feb 3, 2024, 7:05 AM');
    expect(plain(formatCapturedAt('2024-02-03T23:59:59.120-05:00'))).toBe('Feb 3, 2024, 11:59 PM');
  });

  it('names the zone the camera wrote, when asked and known', () => {
    expect(plain(formatCapturedAt('2024-02-03T07:05:38+02:00', true))).toBe(
      'Feb 3, 2024, 7:05 AM (UTC+02:00)',
    );
    expect(plain(formatCapturedAt('2024-02-03T07:05:38Z', true))).toBe(
      'Feb 3, 2024, 7:05 AM (UTC)',
    );
    expect(plain(formatCapturedAt('2011-01-13T14:33:39', true))).toBe('Jan 13, 2011, 2:33 PM');
  });

  it('shows a date alone when there is no time, the raw text when it is not ISO, a dash for none', () => {
    expect(formatCapturedAt('2024-02-03')).toBe('Feb 3, 2024');
    expect(formatCapturedAt('2024:02:03 07:05:38')).toBe('2024:02:03 07:05:38');
    expect(formatCapturedAt(null)).toBe('—');
    expect(formatCapturedAt('')).toBe('—');
  });

  it('parses what it shows', () => {
    expect(parseCapturedAt('2024-02-03T07:05')).toEqual({
      date: new Date(Date.UTC(2024, 1, 3, 7, 5)),
      hasTime: true,
      zone: null,
    });
    expect(parseCapturedAt('2024-02-03')?.hasTime).toBe(false);
    expect(parseCapturedAt('yesterday')).toBeNull();
  });
});

describe('media metadata', () => {
  it('names the camera once', () => {
    expect(formatCamera('Apple', 'iPhone 4')).toBe('Apple iPhone 4');
    expect(formatCamera('Canon', 'Canon EOS R6')).toBe('Canon EOS R6');
    expect(formatCamera('NIKON CORPORATION', 'NIKON D750')).toBe('NIKON D750');
    expect(formatCamera('  ', 'X100V ')).toBe('X100V');
    expect(formatCamera('GoPro', null)).toBe('GoPro');
    expect(formatCamera(null, null)).toBeNull();
  });

  it('shows durations as a clock, short clips in seconds', () => {
    expect(formatDuration(0.544)).toBe('0.54 s');
    expect(formatDuration(9.96)).toBe('10.0 s');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(-1)).toBe('—');
  });

  it('shows dimensions as stored and, when turned a quarter, as shown', () => {
    expect(formatDimensions(1296, 968, 1)).toBe('1,296 × 968');
    expect(formatDimensions(1296, 968, null)).toBe('1,296 × 968');
    expect(formatDimensions(4032, 3024, 3)).toBe('4,032 × 3,024 (rotated 180°)');
    expect(formatDimensions(1920, 1080, 6)).toBe(
      '1,920 × 1,080 stored, shown 1,080 × 1,920 (rotated 90° clockwise)',
    );
    expect(formatDimensions(1920, 1080, 8)).toBe(
      '1,920 × 1,080 stored, shown 1,080 × 1,920 (rotated 90° counter-clockwise)',
    );
    expect(formatDimensions(null, 1080, 1)).toBeNull();
  });

  it('shows GPS positions with their hemispheres', () => {
    expect(formatGps(41.853, 12.489)).toBe('41.85300° N, 12.48900° E');
    expect(formatGps(-33.8568, -70.6483)).toBe('33.85680° S, 70.64830° W');
    expect(formatGps(null, 12)).toBeNull();
  });

  it('turns summary keys into words', () => {
    expect(humanizeKey('filesAdded')).toBe('files added');
    expect(humanizeKey('bytes_sent')).toBe('bytes sent');
  });
});

describe('transfer speed and time left', () => {
  it('shows a speed in decimal units a second, a dash while nothing moves', () => {
    expect(formatRate(1_250_000)).toBe('1.25 MB/s');
    expect(formatRate(524_288)).toBe('524 kB/s');
    expect(formatRate(12)).toBe('12 B/s');
    expect(formatRate(0)).toBe('—');
    expect(formatRate(null)).toBe('—');
    expect(formatRate(undefined)).toBe('—');
    expect(formatRate(Number.NaN)).toBe('—');
  });

  it('rounds the time left as a person says it', () => {
    expect(formatEta(0)).toBe('a few seconds');
    expect(formatEta(4.9)).toBe('a few seconds');
    expect(formatEta(42.4)).toBe('42 s');
    expect(formatEta(59.4)).toBe('59 s');
    expect(formatEta(60)).toBe('1 min');
    expect(formatEta(4 * 60 + 20)).toBe('4 min');
    expect(formatEta(59 * 60 + 29)).toBe('59 min');
    expect(formatEta(59 * 60 + 31)).toBe('1 h');
    expect(formatEta(80 * 60)).toBe('1 h 20 min');
    expect(formatEta(47 * 3600 + 59 * 60)).toBe('47 h 59 min');
    expect(formatEta(48 * 3600)).toBe('2 days');
    expect(formatEta(51 * 3600 + 10 * 60)).toBe('2 days 3 h');
  });

  it('shows a dash when the time left is unknown', () => {
    expect(formatEta(null)).toBe('—');
    expect(formatEta(undefined)).toBe('—');
    expect(formatEta(-5)).toBe('—');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('—');
  });
});

describe('money and percentages', () => {
  it('shows cents, and the fractions of a cent small archives cost', () => {
    expect(formatMoney(1234.5)).toBe('$1,234.50');
    expect(formatMoney(3)).toBe('$3.00');
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(0.034)).toBe('$0.034');
    expect(formatMoney(0.0042)).toBe('$0.0042');
    expect(formatMoney(2, 'EUR')).toBe('€2.00');
    expect(formatMoney(Number.NaN)).toBe('—');
  });

  // A month of Deep Archive for a 40 MB folder is $0.00004: not free, so never "$0.00".
  it('never shows a cost below a hundredth of a cent as $0.00', () => {
    expect(formatMoney(0.00004)).toBe('< $0.0001');
  });

  it('never shows 100 % before the end', () => {
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(0.374)).toBe('37 %');
    expect(formatPercent(0.999)).toBe('99 %');
    expect(formatPercent(0.99999)).toBe('99 %');
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(1.2)).toBe('100 %');
    expect(formatPercent(-0.5)).toBe('0 %');
  });
});

describe('job lines', () => {
  const base = { progress: null, summary: null, error: null };

  it('describes a running job by phase, files and bytes, with its fraction', () => {
    expect(
      describeJobProgress({
        ...base,
        state: 'running',
        progress: {
          phase: 'uploading',
          filesDone: 3,
          filesTotal: 10,
          bytesDone: 1_500_000,
          bytesTotal: 6_000_000,
        },
      }),
    ).toEqual({ text: 'uploading · 3 of 10 files · 1.50 MB of 6.00 MB', fraction: 0.25 });
    expect(
      describeJobProgress({
        ...base,
        state: 'running',
        progress: { phase: 'listing', filesDone: 1200, filesTotal: null, bytesDone: 0 },
      }),
    ).toEqual({ text: 'listing · 1,200 files', fraction: null });
    // By files when the bytes are unknown.
    expect(
      describeJobProgress({
        ...base,
        state: 'running',
        progress: { filesDone: 1, filesTotal: 4, bytesDone: 0, bytesTotal: null },
      }).fraction,
    ).toBe(0.25);
  });

  it("tells a failed job's error, a finished job's summary, and a waiting job's state", () => {
    expect(
      describeJobProgress({ ...base, state: 'failed', error: 'Root photos is offline' }),
    ).toEqual({ text: 'Root photos is offline', fraction: null });
    expect(
      describeJobProgress({
        ...base,
        state: 'done',
        progress: { phase: 'reading', filesDone: 2, filesTotal: 3 },
        summary: { filesAdded: 1200, unchanged: true, nested: { a: 1 } },
      }),
    ).toEqual({ text: 'files added: 1,200 · unchanged: true', fraction: 1 });
    expect(describeJobProgress({ ...base, state: 'queued' }).text).toBe('Waiting to start');
    expect(describeJobProgress({ ...base, state: 'paused' }).text).toBe('Paused');
    expect(describeJobProgress({ ...base, state: 'cancelled' }).text).toBe('Cancelled');
  });

  it('sums up a scan', () => {
    expect(
      describeScanSummary({
        files: 3,
        bytes: 2_510_000,
        folders: 2,
        added: 3,
        changed: 0,
        hashed: 3,
        missing: 1,
        unreadableFolders: 1,
      }),
    ).toBe('3 files · 2.51 MB · 2 folders · 3 added · 1 missing · 3 read · 1 unreadable folder');
    expect(describeScanSummary({ bytes: 1 })).toBeNull();
  });

  it('sums up an archive', () => {
    expect(
      describeArchiveSummary({
        archived: 3,
        bytesSent: 3_400_000,
        alreadyArchived: 2,
        unread: 0,
        failedFiles: 1,
        sheets: 1,
        catalogSnapshot: '.glacier-archiver/catalog/catalog-20261127T000000000Z-v8.sqlite.gz',
      }),
    ).toBe(
      '3 files archived · 3.40 MB sent · 2 already there · 1 failed · 1 sheet · catalog copied',
    );
    expect(describeArchiveSummary({ archived: 0, bytesSent: 0, alreadyArchived: 5 })).toBe(
      '0 files archived · 0 B sent · 5 already there',
    );
    expect(describeArchiveSummary({})).toBeNull();
  });

  it('sums up a summarise', () => {
    expect(
      describeSummariseSummary({
        folders: 2,
        tiles: 14,
        sheetsWritten: 1,
        sheetsUnchanged: 3,
        placeholders: 1,
      }),
    ).toBe('2 folders · 14 tiles · 1 sheet written · 3 unchanged · 1 placeholder');
    expect(describeSummariseSummary({ folders: 1 })).toBeNull();
  });

  it('sums up a restore', () => {
    expect(
      describeRestoreSummary({
        objects: 5,
        target: '/restore/trip',
        downloaded: 3,
        bytesDownloaded: 4_200_000,
        unverified: 1,
        skipped: 1,
        failed: 1,
        notArchived: 2,
        webhook: null,
      }),
    ).toBe(
      '3 files (4.20 MB) verified in /restore/trip · 1 checked by size only · 1 already there · 2 not archived · 1 failed',
    );
    const until = Date.UTC(2026, 11, 12, 9);
    expect(
      describeRestoreSummary({ objects: 2, target: null, available: 2, availableUntil: until }),
    ).toBe(`2 files ready to download until ${formatDateTime(until)}`);
    expect(describeRestoreSummary({ objects: 0, target: '/r' })).toBe('Nothing to restore');
    expect(describeRestoreSummary({ onDisk: 'x' })).toBeNull();
  });
});
