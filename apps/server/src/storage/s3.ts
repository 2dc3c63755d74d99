/**
 * The S3 destination (AWS, or any S3-compatible endpoint) on @aws-sdk/client-s3.
 *
 * The SDK's own retries are off (maxAttempts 1): RetryingDestination owns retries in one place,
 * so attempts do not multiply (3 SDK × 5 ours), a multipart retry resumes from its confirmed
 * parts instead of resending a part stream the SDK cannot rewind, and the SDK's client-wide
 * retry quota cannot silently stop retrying halfway through a night-long archive.
 */
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  RestoreObjectCommand,
  S3Client,
  ListMultipartUploadsCommand,
  paginateListObjectsV2,
  type _Object,
} from '@aws-sdk/client-s3';
import {
  CancelledError,
  ObjectNotReadableError,
  PermanentStorageError,
  StorageError,
  VerificationFailedError,
} from '../errors.js';
import {
  STORAGE_CLASSES,
  type Destination,
  type DestinationFeatures,
  type GetOptions,
  type GetResult,
  type ListEntry,
  type MultipartUploadInfo,
  type ObjectInfo,
  type PutOptions,
  type PutResult,
  type PutSource,
  type RestoreRequestResult,
  type RestoreTier,
  type StorageClass,
} from './destination.js';
import { compareStored, sameChecksum } from './compare.js';
import { assertValidKey, joinKey, normalizePrefix } from './keys.js';
import { DEFAULT_PART_SIZE } from './parts.js';
import { toStorageError, type S3Operation } from './s3-errors.js';
import { uploadFile, type UploadOutcome } from './s3-upload.js';
import { guardBody, objectInfo, rangeHeader, restoreFromStatus, totalSize } from './s3-objects.js';

/** Parts of one file sent at once by default: a NAS uplink is the limit, not S3. */
export const PART_CONCURRENCY = 3;

export interface S3DestinationConfig {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing `/` ("" for the bucket root). */
  prefix?: string;
  region: string;
  /** An S3-compatible endpoint (MinIO, Wasabi, a local test server); path-style addressing. */
  endpoint?: string;
  storageClass: StorageClass;
  /** Explicit keys; otherwise the standard chain (environment, ~/.aws, container credentials). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** SSE-S3 (AES256) by default; 'none' for S3-compatible services that reject the header. */
  serverSideEncryption?: 'AES256' | 'none';
  /** Parts of one file sent at once (default 3: a NAS uplink is the limit, not S3). */
  partConcurrency?: number;
  /** Files larger than this go multipart (default 16 MiB, one default part). */
  multipartThreshold?: number;
  /** A request that makes no progress for this long fails (transient) (default 120 s). */
  requestTimeoutMs?: number;
}

/**
 * The SDK logs every failed command (console.error) and warns whenever a request with a
 * streamed body fails, because it cannot retry it. Our errors are translated, retried and
 * reported per file by the caller, so both are noise here.
 */
const SDK_LOGGER = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...args: unknown[]) => {
    if (!/non-retryable streaming request/.test(String(args[0]))) console.warn(...args);
  },
  error: () => undefined,
};

export class S3Destination implements Destination {
  readonly features: DestinationFeatures;
  private readonly client: S3Client;
  private readonly prefix: string;
  private readonly endpointLabel: string;

  constructor(private readonly config: S3DestinationConfig) {
    this.prefix = normalizePrefix(config.prefix ?? '');
    this.endpointLabel = config.endpoint ? new URL(config.endpoint).host : `S3 (${config.region})`;
    this.features = {
      needsRestore: true,
      storageClasses: STORAGE_CLASSES,
      description: `s3://${config.bucket}/${this.prefix}${this.prefix ? '/' : ''} (${config.region}${config.endpoint ? `, ${config.endpoint}` : ''})`,
    };
    this.client = new S3Client({
      region: config.region,
      ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
      maxAttempts: 1,
      // We name the checksum ourselves (SHA-256, computed once per part): no CRC32 on top.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      // A wrong region is a setting to fix and say, not something to paper over per request.
      followRegionRedirects: false,
      logger: SDK_LOGGER,
      requestHandler: {
        requestTimeout: config.requestTimeoutMs ?? 120_000,
        connectionTimeout: Math.min(config.requestTimeoutMs ?? 10_000, 10_000),
        throwOnRequestTimeout: true,
      },
    });
  }

  async put(key: string, source: PutSource, options: PutOptions = {}): Promise<PutResult> {
    assertValidKey(key);
    const outcome = await uploadFile(
      {
        client: this.client,
        bucket: this.config.bucket,
        objectKey: this.objectKey(key),
        key,
        storageClass: options.storageClass ?? this.config.storageClass,
        ...(this.config.serverSideEncryption === 'none'
          ? {}
          : { serverSideEncryption: 'AES256' as const }),
        concurrency: this.config.partConcurrency ?? PART_CONCURRENCY,
        multipartThreshold: this.config.multipartThreshold ?? DEFAULT_PART_SIZE,
        existing: () => this.head(key),
        call: (operation, run) => this.call(operation, this.objectKey(key), run),
      },
      source,
      options,
    );
    const checksumVerified = await this.verifyStored(key, source, outcome);
    return {
      ...(outcome.etag ? { etag: outcome.etag } : {}),
      ...(outcome.versionId ? { versionId: outcome.versionId } : {}),
      checksum: outcome.checksum,
      bytesSent: outcome.bytesSent,
      checksumVerified,
    };
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const out = await this.call('head', this.objectKey(key), () =>
        this.client.send(
          new HeadObjectCommand({
            Bucket: this.config.bucket,
            Key: this.objectKey(key),
            ChecksumMode: 'ENABLED',
          }),
        ),
      );
      return objectInfo(key, out);
    } catch (error) {
      if ((error as StorageError).code === 'object_not_found') return null;
      throw error;
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    assertValidKey(key);
    const objectKey = this.objectKey(key);
    const { range, ifMatch, signal } = options;
    try {
      const out = await this.call('get', objectKey, () =>
        this.client.send(
          new GetObjectCommand({
            Bucket: this.config.bucket,
            Key: objectKey,
            ...(range ? { Range: rangeHeader(range) } : {}),
            ...(ifMatch ? { IfMatch: ifMatch } : {}),
          }),
          { abortSignal: signal },
        ),
      );
      const length = out.ContentLength ?? 0;
      const size = totalSize(out.ContentRange) ?? length;
      const body = guardBody(out.Body as Readable, length, (error) =>
        signal?.aborted
          ? new CancelledError(`the download of ${key} was cancelled`)
          : this.mapError(error, 'get', objectKey),
      );
      return { body, length, size, ...(out.ETag ? { etag: out.ETag } : {}) };
    } catch (error) {
      if ((error as StorageError).details?.s3Code === 'InvalidObjectState') {
        throw await this.notReadable(key);
      }
      if ((error as StorageError).details?.s3Code === 'PreconditionFailed') {
        throw new PermanentStorageError(`${key} changed on the destination while it was read`, {
          key,
        });
      }
      throw error;
    }
  }

  async *list(prefix: string, options: { restoreStatus?: boolean } = {}): AsyncIterable<ListEntry> {
    const listPrefix = joinKey(this.prefix, prefix);
    const pages = paginateListObjectsV2(
      { client: this.client },
      {
        Bucket: this.config.bucket,
        Prefix: listPrefix,
        ...(options.restoreStatus ? { OptionalObjectAttributes: ['RestoreStatus' as const] } : {}),
      },
    );
    const iterator = pages[Symbol.asyncIterator]();
    for (;;) {
      const page = await this.call('list', listPrefix, () => iterator.next());
      if (page.done) return;
      for (const object of page.value.Contents ?? []) {
        const entry = this.listEntry(object);
        if (entry) yield entry;
      }
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.call('delete', this.objectKey(key), () =>
      this.client.send(
        new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectKey(key) }),
      ),
    );
  }

  async requestRestore(
    key: string,
    options: { days: number; tier: RestoreTier },
  ): Promise<RestoreRequestResult> {
    assertValidKey(key);
    try {
      const out = await this.call('restore', this.objectKey(key), () =>
        this.client.send(
          new RestoreObjectCommand({
            Bucket: this.config.bucket,
            Key: this.objectKey(key),
            RestoreRequest: { Days: options.days, GlacierJobParameters: { Tier: options.tier } },
          }),
        ),
      );
      // S3 answers 202 for a new restore, 200 when a restored copy exists (its expiry moves).
      return out.$metadata.httpStatusCode === 200 ? 'already-available' : 'requested';
    } catch (error) {
      const code = (error as StorageError).details?.s3Code;
      if (code === 'RestoreAlreadyInProgress') return 'in-progress';
      // S3 refuses to restore what needs no restore (STANDARD, GLACIER_IR…).
      if (code === 'InvalidObjectState') return 'not-needed';
      throw error;
    }
  }

  async listMultipartUploads(prefix: string): Promise<MultipartUploadInfo[]> {
    const listPrefix = joinKey(this.prefix, prefix);
    const uploads: MultipartUploadInfo[] = [];
    let markers: { KeyMarker?: string; UploadIdMarker?: string } = {};
    for (;;) {
      const page = await this.call('list-uploads', listPrefix, () =>
        this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.config.bucket,
            Prefix: listPrefix,
            ...markers,
          }),
        ),
      );
      for (const upload of page.Uploads ?? []) {
        const key = this.relativeKey(upload.Key);
        if (key === undefined || !upload.UploadId) continue;
        uploads.push({
          key,
          uploadId: upload.UploadId,
          ...(upload.Initiated ? { initiated: upload.Initiated } : {}),
        });
      }
      if (!page.IsTruncated) return uploads;
      markers = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
    }
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.call('abort-upload', this.objectKey(key), () =>
        this.client.send(
          new AbortMultipartUploadCommand({
            Bucket: this.config.bucket,
            Key: this.objectKey(key),
            UploadId: uploadId,
          }),
        ),
      );
    } catch (error) {
      if ((error as StorageError).details?.s3Code !== 'NoSuchUpload') throw error;
    }
  }

  close(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    return joinKey(this.prefix, key);
  }

  private relativeKey(objectKey: string | undefined): string | undefined {
    if (objectKey === undefined) return undefined;
    if (!this.prefix) return objectKey;
    const head = `${this.prefix}/`;
    return objectKey.startsWith(head) ? objectKey.slice(head.length) : undefined;
  }

  private listEntry(object: _Object): ListEntry | undefined {
    const key = this.relativeKey(object.Key);
    if (key === undefined) return undefined;
    const restore = object.RestoreStatus
      ? restoreFromStatus(
          object.RestoreStatus.IsRestoreInProgress,
          object.RestoreStatus.RestoreExpiryDate,
        )
      : undefined;
    return {
      key,
      size: object.Size ?? 0,
      storageClass: object.StorageClass ?? 'STANDARD',
      ...(object.ETag ? { etag: object.ETag } : {}),
      ...(object.LastModified ? { lastModified: object.LastModified } : {}),
      ...(restore ? { restore } : {}),
    };
  }

  private async call<T>(operation: S3Operation, key: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.mapError(error, operation, key);
    }
  }

  private mapError(error: unknown, operation: S3Operation, key: string): Error {
    return toStorageError(error, {
      operation,
      bucket: this.config.bucket,
      key,
      region: this.config.region,
      endpointLabel: this.endpointLabel,
    });
  }

  /**
   * Rule 2 of DESIGN.md: the stored object's size and checksum must match the bytes we sent,
   * whose SHA-256 was compared with the catalog's before the object was committed.
   *
   * From the write's own answer when it carries the checksum S3 stored (S3 computed it from
   * the bytes it received, and refuses the write when they do not match the checksum sent),
   * which saves a request per file; otherwise with a HEAD: size, `x-amz-meta-sha256` and the
   * native checksum. False only where the server keeps no checksum at all.
   */
  private async verifyStored(
    key: string,
    source: PutSource,
    outcome: UploadOutcome,
  ): Promise<boolean> {
    const fail = (what: string) =>
      new VerificationFailedError(`${key}: the stored copy's ${what} does not match the file`, {
        key,
      });
    if (outcome.stored) {
      if (outcome.stored.size !== source.size) throw fail('size');
      if (!sameChecksum(outcome.stored.checksum, outcome.checksum)) throw fail('checksum');
      return true;
    }
    const info = await this.head(key);
    if (!info) throw new VerificationFailedError(`${key} is missing right after it was stored`);
    const stored = compareStored(info, { ...source, checksum: outcome.checksum });
    if (!stored.size) throw fail('size');
    if (stored.sha256 !== 'match') throw fail('SHA-256 metadata');
    if (stored.checksum === 'absent') return false;
    if (stored.checksum !== 'match') throw fail('checksum');
    return true;
  }

  private async notReadable(key: string): Promise<ObjectNotReadableError> {
    const info = await this.head(key).catch(() => null);
    const restore = info?.restore.state === 'in-progress' ? 'in-progress' : 'none';
    const storageClass = info?.storageClass ?? 'a cold storage class';
    const message =
      restore === 'in-progress'
        ? `${key} is being restored from ${storageClass}: not readable yet`
        : `${key} is in ${storageClass}: request a restore before downloading it`;
    return new ObjectNotReadableError(message, restore, { key, storageClass });
  }
}
