/**
 * The one storage interface: every destination (S3, a local folder) implements it with our own
 * types, so no SDK type leaks past storage/. Keys are relative to the destination (its bucket
 * prefix or folder) and use `/`: `<root label>/<path relative to the root>` for media,
 * `.glacier-archiver/…` for the app's own objects (DESIGN.md, "Bucket layout").
 *
 * Errors are StorageError subclasses (errors.ts): TransientStorageError is worth retrying (the
 * RetryingDestination wrapper does it), PermanentStorageError is not.
 */
import type { Readable } from 'node:stream';
import type { MemoryBudget } from './memory.js';

export const STORAGE_CLASSES = [
  'DEEP_ARCHIVE',
  'GLACIER',
  'GLACIER_IR',
  'STANDARD_IA',
  'STANDARD',
] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/** Classes whose objects must be restored before a GET (GLACIER_IR reads at once). */
export function classNeedsRestore(storageClass: string): boolean {
  return storageClass === 'GLACIER' || storageClass === 'DEEP_ARCHIVE';
}

export type RestoreTier = 'Expedited' | 'Standard' | 'Bulk';

/** Where an object stands on the restore path, as the server says it now. */
export type RestoreState =
  { state: 'none' } | { state: 'in-progress' } | { state: 'available'; until: Date };

/** The local file to send, as the catalog knows it; `put` refuses it if it changed since. */
export interface PutSource {
  path: string;
  size: number;
  /** Hex SHA-256 of the whole file. */
  sha256: string;
  mtimeMs: number;
}

/**
 * What a caller persists to resume an interrupted multipart upload (after a crash or restart):
 * the upload's id and the parts the destination confirmed. Plain JSON.
 */
export interface MultipartState {
  key: string;
  uploadId: string;
  partSize: number;
  /** The source this upload is for: a resume of another file (or a changed one) starts over. */
  size: number;
  sha256: string;
  parts: CompletedPart[];
}

export interface CompletedPart {
  partNumber: number;
  size: number;
  etag: string;
  /** Base64 SHA-256 of the part, as sent. */
  sha256: string;
}

export interface PutOptions {
  /** Overrides the destination's class (contact sheets go to STANDARD_IA). */
  storageClass?: StorageClass;
  contentType?: string;
  /** Bytes of this object sent or confirmed so far (resumed parts included); may go back on a retry. */
  onProgress?(bytes: number): void;
  signal?: AbortSignal;
  /** Overrides the size chosen by choosePartSize (tests use small parts). */
  partSize?: number;
  /** A state saved from onPartDone: parts the destination still has are not sent again. */
  resume?: MultipartState;
  /** Called after each part is stored, with everything needed to resume; persist it. */
  onPartDone?(state: MultipartState): void | Promise<void>;
  /**
   * On abort, also discard the incomplete upload (a user's cancel). By default it is kept so a
   * paused or interrupted job can resume it; a cleanup action aborts the abandoned ones.
   */
  abortOnCancel?: boolean;
  /**
   * Waits until this many more bytes may go out (an upload bandwidth limit, see throttle.ts);
   * network destinations call it before each slice they send.
   */
  throttle?: (bytes: number) => Promise<void>;
  /**
   * Where the bytes held in memory (a single PUT's body, part buffers) come from: one budget
   * shared by every upload of a job bounds their sum (memory.ts). Without it each put reuses
   * its own buffers, unbounded across puts.
   */
  memory?: MemoryBudget;
}

export interface Checksum {
  algorithm: 'SHA256';
  /**
   * Base64. A single-part object's value is the SHA-256 of the whole file; a multipart one's is
   * S3's composite: the SHA-256 of the parts' digests, with `parts` set.
   */
  value: string;
  parts?: number;
}

export interface PutResult {
  etag?: string;
  checksum?: Checksum;
  versionId?: string;
  /** Bytes sent by this call: a resumed upload sends only its missing parts. */
  bytesSent: number;
  /**
   * The stored copy was read back (HEAD, or a re-read for folders) and its size, SHA-256
   * metadata and native checksum matched the local hash; false only where the server keeps no
   * checksum (some S3-compatible services), in which case size and metadata still matched.
   */
  checksumVerified: boolean;
}

export interface ObjectInfo {
  key: string;
  size: number;
  /** Hex SHA-256 from x-amz-meta-sha256; absent on objects put there by other tools. */
  sha256?: string;
  /** From x-amz-meta-mtime (rclone's format: seconds since the epoch, with decimals). */
  mtimeMs?: number;
  etag?: string;
  lastModified?: Date;
  storageClass: string;
  restore: RestoreState;
  /** A GET would succeed now: not a cold class, or restored. */
  readable: boolean;
  checksum?: Checksum;
  /** x-amz-replication-status (COMPLETED, PENDING, FAILED, REPLICA) where replication is set up. */
  replication?: string;
  serverSideEncryption?: string;
  versionId?: string;
}

export interface GetOptions {
  /** Bytes from `offset`, `length` of them (to the end when absent). */
  range?: { offset: number; length?: number };
  /** Fail (ObjectNotFoundError) if the object is no longer this version (an etag from head/get). */
  ifMatch?: string;
  signal?: AbortSignal;
}

export interface GetResult {
  body: Readable;
  /** Bytes this body will deliver. */
  length: number;
  /** The whole object's size. */
  size: number;
  etag?: string;
}

export interface ListEntry {
  key: string;
  size: number;
  storageClass: string;
  etag?: string;
  lastModified?: Date;
  /**
   * Only when the server reported it (S3's OptionalObjectAttributes=RestoreStatus); absent
   * means unknown, not "none": HEAD a cold object to learn it.
   */
  restore?: RestoreState;
}

export interface MultipartUploadInfo {
  key: string;
  uploadId: string;
  initiated?: Date;
}

export type RestoreRequestResult =
  /** A new restore was started. */
  | 'requested'
  /** One was already running (S3's 409 RestoreAlreadyInProgress). */
  | 'in-progress'
  /** The object was already restored; S3 extended the restored copy's expiry. */
  | 'already-available'
  /** The object is readable as it is (folder destination, STANDARD, GLACIER_IR). */
  | 'not-needed';

export interface DestinationFeatures {
  /** Cold objects must be restored before a GET. */
  needsRestore: boolean;
  /** Classes `put` accepts; empty for a folder. */
  storageClasses: readonly string[];
  /** A short human name: "s3://bucket/prefix (eu-west-1)", "/mnt/usb/archive". */
  description: string;
}

export interface Destination {
  readonly features: DestinationFeatures;
  put(key: string, source: PutSource, options?: PutOptions): Promise<PutResult>;
  /** null when there is no object at `key`. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Throws ObjectNotReadableError for a cold object not restored, ObjectNotFoundError if absent. */
  get(key: string, options?: GetOptions): Promise<GetResult>;
  /** Every object whose key starts with `prefix`, in no promised order. */
  list(prefix: string, options?: { restoreStatus?: boolean }): AsyncIterable<ListEntry>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  requestRestore(
    key: string,
    options: { days: number; tier: RestoreTier },
  ): Promise<RestoreRequestResult>;
  /** Incomplete uploads under `prefix` (for the cleanup action). */
  listMultipartUploads(prefix: string): Promise<MultipartUploadInfo[]>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /** Releases sockets and handles. */
  close(): void;
}
