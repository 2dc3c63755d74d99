/**
 * Settings a user may change while the server runs (Settings page): the upload bandwidth limit,
 * how many files an archive sends at once, and the storage class offered first for a new S3
 * destination. Defaults come from the configuration (config.json, environment); a change is
 * stored as an override in the catalog's `settings` table (`runtime.<name>`, JSON), so the CLI
 * and the server, which share the catalog, see the same values. Archive jobs read them when they
 * start (or resume): see archive-handler.ts.
 */
import { eq, like } from 'drizzle-orm';
import type { Catalog } from '../catalog/catalog.js';
import { settings } from '../catalog/schema.js';
import type { AppConfig } from '../config.js';
import { UserInputError } from '../errors.js';
import { STORAGE_CLASSES, type StorageClass } from '../storage/destination.js';
import { FALLBACK_STORAGE_CLASS, RUNTIME_LIMITS } from './limits.js';

export interface RuntimeValues {
  /** Upload bandwidth limit of all archive jobs together, KiB/s; null: no limit. */
  uploadLimitKiBps: number | null;
  /** Large files (over the multipart threshold) an archive job sends at once. */
  archiveFileConcurrency: number;
  /** Small files (one request each) an archive job sends at once beside the large ones. */
  archiveSmallFileConcurrency: number;
  /** The class a new S3 destination is offered first. */
  defaultStorageClass: StorageClass;
}
export type RuntimeName = keyof RuntimeValues;

export interface RuntimeSetting<T> {
  /** What applies now. */
  value: T;
  /** What applies without an override (from the configuration). */
  default: T;
  overridden: boolean;
}
export type RuntimeSettingsView = { [K in RuntimeName]: RuntimeSetting<RuntimeValues[K]> };

/**
 * A change: a new value, or null to go back to the default. The upload limit is given in KiB/s
 * with 0 for "no limit" (as rclone's --bwlimit 0).
 */
export interface RuntimePatch {
  uploadLimitKiBps?: number | null;
  archiveFileConcurrency?: number | null;
  archiveSmallFileConcurrency?: number | null;
  defaultStorageClass?: string | null;
}

const KEY_PREFIX = 'runtime.';
const NAMES: readonly RuntimeName[] = [
  'uploadLimitKiBps',
  'archiveFileConcurrency',
  'archiveSmallFileConcurrency',
  'defaultStorageClass',
];

/** Each setting's check: the stored form of a value a user gave, or a UserInputError. */
const CHECKS: { [K in RuntimeName]: (input: unknown) => RuntimeValues[K] } = {
  uploadLimitKiBps(input) {
    // Stored as null for "no limit"; given as 0.
    if (input === null) return null;
    const { min, max } = RUNTIME_LIMITS.uploadLimitKiBps;
    const n = wholeNumber(input, 'The upload limit', min, max, ' KiB/s (0 for no limit)');
    return n === 0 ? null : n;
  },
  archiveFileConcurrency(input) {
    const { min, max } = RUNTIME_LIMITS.archiveFileConcurrency;
    return wholeNumber(input, 'The number of large files uploaded at once', min, max, '');
  },
  archiveSmallFileConcurrency(input) {
    const { min, max } = RUNTIME_LIMITS.archiveSmallFileConcurrency;
    return wholeNumber(input, 'The number of small files uploaded at once', min, max, '');
  },
  defaultStorageClass(input) {
    if (typeof input === 'string' && (STORAGE_CLASSES as readonly string[]).includes(input))
      return input as StorageClass;
    throw new UserInputError(
      `The default storage class must be one of ${STORAGE_CLASSES.join(', ')}, not ${JSON.stringify(input)}`,
    );
  },
};

function wholeNumber(input: unknown, what: string, min: number, max: number, unit: string) {
  if (typeof input !== 'number' || !Number.isInteger(input) || input < min || input > max) {
    throw new UserInputError(
      `${what} must be a whole number from ${min} to ${max.toLocaleString('en-US')}${unit}, not ${JSON.stringify(input)}`,
    );
  }
  return input;
}

/** The values without any override, from the configuration. */
export function runtimeDefaults(
  config: Pick<
    AppConfig,
    'uploadBytesPerSecond' | 'archiveFileConcurrency' | 'archiveSmallFileConcurrency'
  >,
): RuntimeValues {
  return {
    uploadLimitKiBps:
      config.uploadBytesPerSecond === null
        ? null
        : Math.max(1, Math.round(config.uploadBytesPerSecond / 1024)),
    archiveFileConcurrency: config.archiveFileConcurrency,
    archiveSmallFileConcurrency: config.archiveSmallFileConcurrency,
    defaultStorageClass: FALLBACK_STORAGE_CLASS,
  };
}

/**
 * The overrides stored in the catalog. One that no longer passes its check (written by another
 * release with other bounds) is ignored: the default applies, and the next save replaces it.
 */
function storedOverrides(catalog: Catalog): Partial<RuntimeValues> {
  const found: Partial<Record<RuntimeName, unknown>> = {};
  const rows = catalog.db
    .select()
    .from(settings)
    .where(like(settings.key, `${KEY_PREFIX}%`))
    .all();
  for (const row of rows) {
    const name = row.key.slice(KEY_PREFIX.length) as RuntimeName;
    if (!NAMES.includes(name)) continue;
    try {
      const parsed: unknown = JSON.parse(row.value);
      // "No limit" is stored as null; the check takes it as given.
      found[name] = CHECKS[name](parsed);
    } catch {
      // Unreadable or out of bounds: the default applies.
    }
  }
  return found as Partial<RuntimeValues>;
}

export function readRuntimeSettings(catalog: Catalog, config: AppConfig): RuntimeSettingsView {
  const defaults = runtimeDefaults(config);
  const stored = storedOverrides(catalog);
  const view = {} as Record<RuntimeName, RuntimeSetting<unknown>>;
  for (const name of NAMES) {
    const overridden = name in stored;
    view[name] = {
      value: overridden ? stored[name] : defaults[name],
      default: defaults[name],
      overridden,
    };
  }
  return view as RuntimeSettingsView;
}

/**
 * The class a new S3 destination gets when none is named, by the API, the web form and the CLI
 * alike: the one set under Transfers, else Deep Archive.
 */
export function defaultStorageClass(catalog: Catalog): StorageClass {
  return storedOverrides(catalog).defaultStorageClass ?? FALLBACK_STORAGE_CLASS;
}

/** The values that apply now (what a job starting now uses). */
export function currentRuntimeValues(catalog: Catalog, config: AppConfig): RuntimeValues {
  return { ...runtimeDefaults(config), ...storedOverrides(catalog) };
}

/**
 * Applies a change in one transaction: every value is checked first, so a bad one changes
 * nothing. A null goes back to the default (the override is removed).
 */
export function updateRuntimeSettings(
  catalog: Catalog,
  config: AppConfig,
  patch: RuntimePatch,
): RuntimeSettingsView {
  const names = NAMES.filter((name) => patch[name] !== undefined);
  if (names.length === 0) {
    throw new UserInputError(`Name at least one setting to change: ${NAMES.join(', ')}`);
  }
  const changes = names.map((name) => {
    const given = patch[name];
    return given === null
      ? { name, value: undefined }
      : { name, value: JSON.stringify(CHECKS[name](given)) };
  });
  catalog.write((tx) => {
    for (const { name, value } of changes) {
      const key = `${KEY_PREFIX}${name}`;
      if (value === undefined) tx.delete(settings).where(eq(settings.key, key)).run();
      else
        tx.insert(settings)
          .values({ key, value })
          .onConflictDoUpdate({ target: settings.key, set: { value } })
          .run();
    }
  });
  return readRuntimeSettings(catalog, config);
}
