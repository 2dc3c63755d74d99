/**
 * How a restore job paces itself. The defaults suit S3 (hours-long restores, a NAS uplink);
 * tests and benchmarks shrink them through the configuration (config.ts:
 * GLACIER_RESTORE_POLL_MS="first,max[,factor]" and GLACIER_RESTORE_CHUNK_BYTES), which the app
 * context passes here once, when the job handler is made.
 */
import type { SecretBox } from '../auth/secrets.js';

/**
 * Status checks of an object waiting on S3: the first after `firstMs`, then each wait grows by
 * `factor` up to `maxMs`. By default 1, 2, 4, 8, 16 and then every 30 minutes: an Expedited
 * restore (1–5 min) is seen within a few minutes, a 48-hour Bulk one costs about 100 HEAD
 * requests per object ($0.00004), not thousands.
 */
export interface PollSchedule {
  firstMs: number;
  factor: number;
  maxMs: number;
}

export const DEFAULT_POLL_SCHEDULE: PollSchedule = {
  firstMs: 60_000,
  factor: 2,
  maxMs: 30 * 60_000,
};

/** The wait before status check number `checks + 1` (0 checks so far → firstMs). */
export function nextCheckDelay(checks: number, schedule: PollSchedule): number {
  return Math.min(schedule.maxMs, Math.round(schedule.firstMs * schedule.factor ** checks));
}

export interface RestoreSettings {
  schedule: PollSchedule;
  /** RestoreObject / HEAD requests in flight at once. */
  requestConcurrency: number;
  /** Files downloaded at once. */
  fileConcurrency: number;
  /** Ranged GETs in flight for one large file. */
  rangeConcurrency: number;
  /** Size of one ranged GET and the unit a partial download resumes from. */
  chunkSize: number;
  /** Whole downloads tried before a checksum mismatch is reported. */
  verifyAttempts: number;
  /** A webhook that has not answered after this long is reported as failed. */
  webhookTimeoutMs: number;
  secrets?: SecretBox;
}

export const DEFAULT_RESTORE_SETTINGS: RestoreSettings = {
  schedule: DEFAULT_POLL_SCHEDULE,
  requestConcurrency: 8,
  fileConcurrency: 2,
  rangeConcurrency: 4,
  chunkSize: 16 * 1024 * 1024,
  verifyAttempts: 3,
  webhookTimeoutMs: 10_000,
};

export function restoreSettings(overrides: Partial<RestoreSettings> = {}): RestoreSettings {
  return { ...DEFAULT_RESTORE_SETTINGS, ...overrides };
}
