import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { UserInputError } from './errors.js';

/**
 * Configuration comes from a JSON file in the data dir (or GLACIER_CONFIG) and from the
 * environment; the environment wins so that docker compose can override anything.
 */
const fileConfigSchema = z
  .object({
    port: z.number().int().min(0).max(65535).optional(),
    host: z.string().optional(),
    trustedProxy: z.string().optional(),
    roots: z.array(z.object({ path: z.string(), label: z.string() })).optional(),
    ignore: z.array(z.string()).optional(),
    scanConcurrency: z.number().int().min(1).max(64).optional(),
    loginRateLimit: z.number().int().min(1).optional(),
    archiveFileConcurrency: z.number().int().min(1).max(16).optional(),
    archiveSmallFileConcurrency: z.number().int().min(1).max(64).optional(),
    restorePollMs: z.string().optional(),
    restoreChunkBytes: z.number().int().min(1).optional(),
    uploadLimitKiBps: z.number().int().min(1).optional(),
    backupIntervalHours: z.number().min(0).optional(),
    backupKeep: z.number().int().min(1).optional(),
  })
  .strict();

export type FileConfig = z.infer<typeof fileConfigSchema>;

export interface AppConfig {
  dataDir: string;
  port: number;
  host: string;
  /** Fastify's trustProxy: an address/CIDR list, or false when no proxy is trusted. */
  trustedProxy: string | false;
  /** Roots declared in the config file; added to the catalog at start if absent. */
  roots: { path: string; label: string }[];
  /** Extra ignore patterns (picomatch globs on paths relative to a root). */
  ignore: string[];
  scanConcurrency: number;
  /** Upload bandwidth limit for all archive jobs together, in bytes a second; null: none. */
  uploadBytesPerSecond: number | null;
  /** Files above 16 MiB uploaded at once by an archive job (each sends up to 3 parts at once). */
  archiveFileConcurrency: number;
  /** Files of up to 16 MiB (one PUT each) uploaded at once beside those. */
  archiveSmallFileConcurrency: number;
  /** How often a restore job checks objects being restored; undefined: the default schedule. */
  restorePoll: { firstMs: number; maxMs: number; factor: number } | undefined;
  /** Size of one ranged GET of a restore download; undefined: the default (16 MiB). */
  restoreChunkBytes: number | undefined;
  /** Login attempts allowed per address per 15 minutes. */
  loginRateLimit: number;
  /** Hours between scheduled catalog backups; 0 turns them off. */
  backupIntervalHours: number;
  /** Catalog backups kept of each kind (scheduled, manual, pre-migration). */
  backupKeep: number;
  adminPassword: string | undefined;
  webDir: string | undefined;
  logLevel: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const dataDir = path.resolve(env.GLACIER_DATA_DIR ?? './data');
  const configPath = env.GLACIER_CONFIG ?? path.join(dataDir, 'config.json');
  const file = readConfigFile(configPath);
  return {
    dataDir,
    port: parsePort(env.GLACIER_PORT) ?? file.port ?? 8377,
    host: env.GLACIER_HOST ?? file.host ?? '0.0.0.0',
    // Empty counts as unset: compose passes `GLACIER_TRUSTED_PROXY: ${GLACIER_TRUSTED_PROXY:-}`.
    trustedProxy: env.GLACIER_TRUSTED_PROXY || file.trustedProxy || false,
    roots: file.roots ?? [],
    ignore: [...(file.ignore ?? []), ...splitList(env.GLACIER_IGNORE)],
    scanConcurrency:
      parsePositiveInt(env.GLACIER_SCAN_CONCURRENCY) ??
      file.scanConcurrency ??
      Math.max(1, Math.min(cpus().length, 4)),
    loginRateLimit: parsePositiveInt(env.GLACIER_LOGIN_RATE_LIMIT) ?? file.loginRateLimit ?? 10,
    uploadBytesPerSecond: kibToBytes(
      parsePositiveInt(env.GLACIER_UPLOAD_LIMIT_KIBPS) ?? file.uploadLimitKiBps,
    ),
    archiveFileConcurrency:
      parsePositiveInt(env.GLACIER_ARCHIVE_CONCURRENCY) ?? file.archiveFileConcurrency ?? 2,
    archiveSmallFileConcurrency:
      parsePositiveInt(env.GLACIER_ARCHIVE_SMALL_CONCURRENCY) ??
      file.archiveSmallFileConcurrency ??
      8,
    restorePoll: parsePollSchedule(env.GLACIER_RESTORE_POLL_MS || file.restorePollMs),
    restoreChunkBytes:
      parsePositiveInt(env.GLACIER_RESTORE_CHUNK_BYTES, 'GLACIER_RESTORE_CHUNK_BYTES') ??
      file.restoreChunkBytes,
    backupIntervalHours:
      parseHours(env.GLACIER_BACKUP_INTERVAL_HOURS) ?? file.backupIntervalHours ?? 24,
    backupKeep: parsePositiveInt(env.GLACIER_BACKUP_KEEP) ?? file.backupKeep ?? 7,
    adminPassword: env.ADMIN_PASSWORD || undefined,
    webDir: env.GLACIER_WEB_DIR,
    logLevel: env.GLACIER_LOG_LEVEL ?? 'info',
  };
}

function readConfigFile(configPath: string): FileConfig {
  if (!existsSync(configPath)) return {};
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(configPath, 'utf8'));
  } catch (error) {
    throw new UserInputError(`The config file ${configPath} is not valid JSON: ${String(error)}`);
  }
  const parsed = fileConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`);
    throw new UserInputError(`The config file ${configPath} is not valid: ${issues.join('; ')}`);
  }
  return parsed.data;
}

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UserInputError(`GLACIER_PORT must be a port number, not "${value}"`);
  }
  return port;
}

function parsePositiveInt(value: string | undefined, name?: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    const what = name
      ? `${name} needs a positive whole number`
      : 'Expected a positive whole number';
    throw new UserInputError(`${what}, not "${value}"`);
  }
  return n;
}

/** "first,max[,factor]" in milliseconds (factor 2 by default): a restore's polling back-off. */
function parsePollSchedule(
  value: string | undefined,
): { firstMs: number; maxMs: number; factor: number } | undefined {
  if (value === undefined || value === '') return undefined;
  const [first, max, factor] = value.split(',').map((part) => part.trim());
  const ms = (text: string | undefined) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) {
      throw new UserInputError(
        `GLACIER_RESTORE_POLL_MS needs positive whole numbers ("first,max[,factor]" in ms), not "${value}"`,
      );
    }
    return n;
  };
  const growth = factor ? Number(factor) : 2;
  if (!Number.isFinite(growth) || growth < 1) {
    throw new UserInputError(
      `GLACIER_RESTORE_POLL_MS: the factor must be 1 or more, not "${factor}"`,
    );
  }
  return { firstMs: ms(first), maxMs: ms(max ?? first), factor: growth };
}

function kibToBytes(kib: number | undefined): number | null {
  return kib === undefined ? null : kib * 1024;
}

function parseHours(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0)
    throw new UserInputError(`Expected a number of hours (0 to turn off), not "${value}"`);
  return n;
}

function splitList(value: string | undefined): string[] {
  return value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}
