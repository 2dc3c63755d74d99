/** Shared pieces of the storage tests: source files, an S3 destination on moto, quick reads. */
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import type { Destination, PutSource } from '../../src/storage/destination.js';
import { hashStream } from '../../src/storage/hashing.js';
import { S3Destination, type S3DestinationConfig } from '../../src/storage/s3.js';
import {
  MOTO_CREDENTIALS,
  MOTO_REGION,
  startMoto,
  type Moto,
  motoClient,
} from '../helpers/moto.js';

// The SDK warns once per process that its 2027 releases will need Node 22; tests run on 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** Writes `content` (or that many random bytes) to `dir/name` and describes it as the catalog would. */
export function makeSource(dir: string, name: string, content: Buffer | number): PutSource {
  const data = typeof content === 'number' ? randomBytes(content) : content;
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return {
    path: file,
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
    mtimeMs: Math.floor(statSync(file).mtimeMs),
  };
}

export async function readAll(
  dest: Destination,
  key: string,
): Promise<{ sha256: string; size: number }> {
  const { body } = await dest.get(key);
  return hashStream(body);
}

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

export async function createBucket(endpoint: string, bucket: string): Promise<void> {
  const s3 = motoClient(endpoint);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    s3.destroy();
  }
}

/**
 * moto with one empty bucket, and the AWS SDK's default credentials (what a destination added
 * without keys uses) set to what moto takes.
 */
export async function startMotoWithBucket(bucket: string): Promise<Moto> {
  process.env.AWS_ACCESS_KEY_ID = MOTO_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = MOTO_CREDENTIALS.secretAccessKey;
  const moto = await startMoto();
  await createBucket(moto.endpoint, bucket);
  return moto;
}

/** An S3 destination on a test server (moto, or the fault proxy in front of it). */
export function s3Destination(
  endpoint: string,
  overrides: Partial<S3DestinationConfig> = {},
): S3Destination {
  return new S3Destination({
    bucket: 'archive',
    prefix: 'nas',
    region: MOTO_REGION,
    endpoint,
    storageClass: 'DEEP_ARCHIVE',
    credentials: MOTO_CREDENTIALS,
    ...overrides,
  });
}

/** Every file name under `dir`, recursively, for "nothing left behind" checks. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}
