import type { ARCHIVE_JOB as ArchiveKind } from '../archive/archive-job.js';
import type { SCAN_JOB as ScanKind } from '../scan/scan.js';
import type { SUMMARISE_JOB as SummariseKind } from '../sheets/summarise.js';

/**
 * The job kinds, spelled out so that naming one (registering a lazy handler, showing a job in
 * the CLI or the API) loads nothing of its job: each is typed as its module's constant, so a
 * rename there fails to compile here.
 */
export const SCAN_JOB: typeof ScanKind = 'scan';
export const SUMMARISE_JOB: typeof SummariseKind = 'summarise';
export const ARCHIVE_JOB: typeof ArchiveKind = 'archive';
export { RESTORE_JOB } from '../restore/params.js';
