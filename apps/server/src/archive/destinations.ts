import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Catalog } from '../catalog/catalog.js';
import { destinations } from '../catalog/schema.js';
import { ConflictError, NotFoundError, UserInputError } from '../errors.js';
import type { Destination, StorageClass } from '../storage/destination.js';
import {
  openDestination,
  parseDestinationUrl,
  parseStorageClass,
  type DestinationConfig,
  type OpenOptions,
} from '../storage/open.js';
import { testDestination, type ProbeResult } from '../storage/probe.js';
import { defaultStorageClass } from '../settings/runtime.js';
import type { SecretBox } from '../auth/secrets.js';

export type DestinationRow = typeof destinations.$inferSelect;

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface AddDestinationInput {
  name: string;
  /** `s3://BUCKET/PREFIX` or an absolute folder path. */
  url: string;
  /** S3 only; without it, the default set under Transfers (settings/runtime.ts). */
  storageClass?: string;
  region?: string;
  endpoint?: string;
  /** Keys entered by the user; without them S3 uses the standard AWS chain. */
  credentials?: S3Credentials;
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

const s3Settings = z.object({
  bucket: z.string(),
  prefix: z.string(),
  region: z.string(),
  endpoint: z.string().optional(),
  storageClass: z.string(),
});
const folderSettings = z.object({ path: z.string() });

/**
 * Adds a place copies go to. S3 credentials come from the standard AWS chain (environment, a
 * mounted ~/.aws, docker secrets through AWS_SHARED_CREDENTIALS_FILE), or are entered with the
 * destination and stored sealed by the SecretBox (never in clear, never returned).
 */
export function addDestination(
  catalog: Catalog,
  input: AddDestinationInput,
  secrets?: SecretBox,
): DestinationRow {
  if (!NAME_PATTERN.test(input.name)) {
    throw new UserInputError(
      `The destination name "${input.name}" is not valid: use 1 to 64 letters, digits, ".", "_" or "-"`,
    );
  }
  const location = parseDestinationUrl(input.url);
  const config =
    location.kind === 's3'
      ? {
          bucket: location.bucket,
          prefix: location.prefix,
          region:
            input.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
          ...(input.endpoint ? { endpoint: checkedEndpoint(input.endpoint) } : {}),
          storageClass: parseStorageClass(input.storageClass ?? defaultStorageClass(catalog)),
        }
      : { path: location.path };
  if (location.kind === 'folder' && (input.storageClass || input.credentials)) {
    throw new UserInputError('A folder destination has no storage class and no credentials');
  }
  const secret = sealCredentials(input.credentials, secrets);
  return catalog.write((tx) => {
    if (tx.select().from(destinations).where(eq(destinations.name, input.name)).get()) {
      throw new ConflictError(`A destination is already named "${input.name}"`);
    }
    return tx
      .insert(destinations)
      .values({ name: input.name, kind: location.kind, config, secret, createdAt: Date.now() })
      .returning()
      .get();
  });
}

export function listDestinations(catalog: Catalog): DestinationRow[] {
  return catalog.db.select().from(destinations).orderBy(destinations.name).all();
}

export function getDestination(catalog: Catalog, name: string): DestinationRow {
  const row = catalog.db.select().from(destinations).where(eq(destinations.name, name)).get();
  if (!row)
    throw new NotFoundError(`There is no destination named "${name}" (see "glacier dest list")`);
  return row;
}

export function getDestinationById(catalog: Catalog, id: number): DestinationRow {
  const row = catalog.db.select().from(destinations).where(eq(destinations.id, id)).get();
  if (!row) throw new NotFoundError(`There is no destination ${id}`);
  return row;
}

export function destinationConfig(row: DestinationRow, secrets?: SecretBox): DestinationConfig {
  if (row.kind === 'folder') return { kind: 'folder', ...folderSettings.parse(row.config) };
  const s3 = s3Settings.parse(row.config);
  const credentials = row.secret ? unsealCredentials(row, secrets) : undefined;
  return {
    kind: 's3',
    ...s3,
    storageClass: s3.storageClass as StorageClass,
    ...(credentials ? { credentials } : {}),
  };
}

export function openFor(
  row: DestinationRow,
  options: OpenOptions & { secrets?: SecretBox } = {},
): Destination {
  const { secrets, ...open } = options;
  return openDestination(destinationConfig(row, secrets), open);
}

function sealCredentials(
  credentials: S3Credentials | undefined,
  secrets: SecretBox | undefined,
): string | null {
  if (!credentials) return null;
  if (!credentials.accessKeyId.trim() || !credentials.secretAccessKey.trim()) {
    throw new UserInputError('Both an access key id and a secret access key are needed');
  }
  if (!secrets) throw new Error('entered credentials need the secret box');
  return secrets.seal({
    accessKeyId: credentials.accessKeyId.trim(),
    secretAccessKey: credentials.secretAccessKey.trim(),
  });
}

function unsealCredentials(row: DestinationRow, secrets: SecretBox | undefined): S3Credentials {
  if (!secrets)
    throw new Error(`destination "${row.name}" has stored keys: open it with the secret box`);
  return secrets.open<S3Credentials>(row.secret!);
}

/** The storage class new copies get here ('FOLDER' for a folder). */
export function destinationClass(row: DestinationRow): string {
  return row.kind === 's3' ? s3Settings.parse(row.config).storageClass : 'FOLDER';
}

export function destinationRegion(row: DestinationRow): string {
  return row.kind === 's3' ? s3Settings.parse(row.config).region : 'local';
}

/** Lists, puts, reads back and deletes a probe object; says plainly what is missing. */
export async function checkDestination(
  row: DestinationRow,
  secrets?: SecretBox,
): Promise<ProbeResult> {
  const destination = openFor(row, { retry: false, ...(secrets ? { secrets } : {}) });
  try {
    return await testDestination(destination);
  } finally {
    await destination.close();
  }
}

/** A public view: no secrets, the settings a user typed. */
export function describeDestination(row: DestinationRow) {
  const config = destinationConfig({ ...row, secret: null });
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    url: config.kind === 's3' ? `s3://${config.bucket}/${config.prefix}` : config.path,
    storageClass: config.kind === 's3' ? config.storageClass : null,
    region: config.kind === 's3' ? config.region : null,
    endpoint: config.kind === 's3' ? (config.endpoint ?? null) : null,
    /** Where S3 keys come from; the keys themselves are never shown. */
    credentials:
      row.kind === 'folder' ? null : row.secret ? ('entered' as const) : ('aws-chain' as const),
    createdAt: row.createdAt,
    /** The newest copy of the catalog sent there, or null: none yet. */
    catalogSnapshot:
      row.catalogSnapshotKey && row.catalogSnapshotAt !== null
        ? { key: row.catalogSnapshotKey, at: row.catalogSnapshotAt }
        : null,
  };
}

function checkedEndpoint(endpoint: string): string {
  try {
    const url = new URL(endpoint);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return url.toString().replace(/\/$/, '');
  } catch {
    throw new UserInputError(`"${endpoint}" is not an http(s) URL for an S3-compatible endpoint`);
  }
}
