/**
 * The bounds of the settings that can be changed while the server runs. No imports: the API
 * schemas (which the web app reads) and the core both take them from here.
 */
export const RUNTIME_LIMITS = {
  /** KiB/s; 0 means no limit. 10,000,000 KiB/s is about 80 Gbit/s: no home uplink is faster. */
  uploadLimitKiBps: { min: 0, max: 10_000_000 },
  /** Large files (multipart) an archive job sends at once, 3 parts each; as config.json allows. */
  archiveFileConcurrency: { min: 1, max: 16 },
  /** Small files (one PUT each) sent at once beside the large ones; as config.json allows. */
  archiveSmallFileConcurrency: { min: 1, max: 64 },
} as const;

/** The class a new S3 destination gets when none is named (archive/destinations.ts does the same). */
export const FALLBACK_STORAGE_CLASS = 'DEEP_ARCHIVE';
