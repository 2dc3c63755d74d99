/**
 * A resumable multipart upload: resumes the saved upload (keeping only the parts S3 confirms
 * by ListParts) or creates one, sends the missing parts `concurrency` at a time from
 * `concurrency + 1` reused buffers, and completes it once the whole file hashed right.
 */
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CancelledError, SourceChangedError, StorageError } from '../errors.js';
import type {
  Checksum,
  CompletedPart,
  MultipartState,
  ObjectInfo,
  PutOptions,
  PutSource,
} from './destination.js';
import { compositeSha256, sha256 } from './hashing.js';
import type { MemoryBudget } from './memory.js';
import { choosePartSize, partCount, partRange, readExactly } from './parts.js';
import {
  abortUpload,
  bodyOf,
  objectFields,
  send,
  usePayloadHash,
  type UploadOutcome,
  type UploadTarget,
} from './s3-requests.js';
import { parseChecksum } from './s3-objects.js';
import { contentChanged } from './source.js';

/** One multipart upload run: resumes or creates the upload, sends missing parts, completes. */
export class MultipartUpload {
  private readonly partSize: number;
  private state!: MultipartState;
  private readonly digests: string[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Bytes of each part being sent, for progress. */
  private readonly sending = new Map<number, number>();
  private confirmedBytes = 0;
  private bytesSent = 0;
  private failure: unknown;
  private notified: Promise<void> = Promise.resolve();
  /** Set when an earlier run completed this very upload but did not live to report it. */
  private completedEarlier: ObjectInfo | undefined;

  constructor(
    private readonly target: UploadTarget,
    private readonly file: FileHandle,
    private readonly source: PutSource,
    private readonly options: PutOptions,
    /** Part buffers come from it and go back as soon as their part is sent (or skipped). */
    private readonly memory: MemoryBudget,
  ) {
    this.partSize =
      usableResume(options.resume, target.key, source)?.partSize ??
      options.partSize ??
      choosePartSize(source.size);
  }

  async run(): Promise<UploadOutcome> {
    this.state = await this.startOrResume();
    this.notify();
    const whole = createHash('sha256');
    const count = partCount(this.source.size, this.partSize);
    for (let n = 1; n <= count && !this.stopped(); n++) {
      await this.readAndSend(n, whole);
    }
    await Promise.all(this.inFlight);
    await this.notified.catch((error: unknown) => (this.failure ??= error));
    await this.settleFailure();
    const wholeDigest = whole.digest();
    if (wholeDigest.toString('hex') !== this.source.sha256.toLowerCase()) {
      if (!this.completedEarlier) await this.abandon();
      throw contentChanged(this.source);
    }
    if (this.completedEarlier) return this.alreadyComplete(this.completedEarlier, wholeDigest);
    return this.complete();
  }

  private stopped(): boolean {
    return this.failure !== undefined || this.options.signal?.aborted === true;
  }

  private async readAndSend(n: number, whole: ReturnType<typeof createHash>): Promise<void> {
    const { offset, length } = partRange(this.source.size, this.partSize, n);
    let buffer: Buffer;
    let data: Buffer;
    try {
      buffer = await this.memory.take(length, this.options.signal);
    } catch (error) {
      // Only a cancel rejects a take: settled like a stop (run() sees the aborted signal).
      this.failure ??= error;
      return;
    }
    try {
      data = await readExactly(this.file, buffer, offset, length, this.source.path);
    } catch (error) {
      // Settled like a failed part: the parts in flight finish first, then run() decides.
      this.memory.give(buffer);
      this.failure ??= error;
      return;
    }
    const digest = sha256(data);
    whole.update(data);
    this.digests[n - 1] = digest.toString('base64');
    if (this.completedEarlier) {
      // Only hashed: the composite checksum is compared with the stored object's.
      this.memory.give(buffer);
      this.confirmedBytes += length;
      return this.reportProgress();
    }
    const done = this.state.parts.find((p) => p.partNumber === n);
    if (done) {
      this.memory.give(buffer);
      // The part on the server was cut from other bytes: the file changed since that run.
      if (done.sha256 !== this.digests[n - 1]) this.failure = contentChanged(this.source);
      this.confirmedBytes += length;
      this.reportProgress();
      return;
    }
    while (this.inFlight.size >= this.target.concurrency) await Promise.race(this.inFlight);
    if (this.stopped()) return this.memory.give(buffer);
    const task = this.sendPart(n, data, digest).finally(() => {
      this.memory.give(buffer);
      this.inFlight.delete(task);
    });
    this.inFlight.add(task);
  }

  private async sendPart(n: number, data: Buffer, digest: Buffer): Promise<void> {
    const { target } = this;
    const command = new UploadPartCommand({
      Bucket: target.bucket,
      Key: target.objectKey,
      UploadId: this.state.uploadId,
      PartNumber: n,
      Body: bodyOf(
        data,
        (sent) => {
          this.sending.set(n, sent);
          this.reportProgress();
        },
        this.options.throttle,
      ),
      ContentLength: data.length,
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: digest.toString('base64'),
    });
    usePayloadHash(command, digest);
    try {
      const out = await send(target, 'put', this.options.signal, () =>
        target.client.send(command, { abortSignal: this.options.signal }),
      );
      if (!out.ETag) throw new StorageError(`S3 gave no ETag for part ${n}`);
      this.addPart({
        partNumber: n,
        size: data.length,
        etag: out.ETag,
        sha256: digest.toString('base64'),
      });
    } catch (error) {
      // The other parts in flight may still finish (and be kept for the resume); no new ones start.
      this.failure ??= error;
    } finally {
      this.sending.delete(n);
      this.reportProgress();
    }
  }

  private addPart(part: CompletedPart): void {
    this.state.parts.push(part);
    this.state.parts.sort((a, b) => a.partNumber - b.partNumber);
    this.confirmedBytes += part.size;
    this.bytesSent += part.size;
    this.notify();
  }

  /** Hands the caller a snapshot to persist; calls are serialised so states arrive in order. */
  private notify(): void {
    const { onPartDone } = this.options;
    if (!onPartDone) return;
    const snapshot: MultipartState = {
      ...this.state,
      parts: this.state.parts.map((p) => ({ ...p })),
    };
    this.notified = this.notified.then(() => onPartDone(snapshot));
  }

  private reportProgress(): void {
    let sending = 0;
    for (const bytes of this.sending.values()) sending += bytes;
    this.options.onProgress?.(this.confirmedBytes + sending);
  }

  private async settleFailure(): Promise<void> {
    if (this.options.signal?.aborted) {
      if (this.options.abortOnCancel) await this.abandon();
      throw new CancelledError(`the upload of ${this.target.key} was cancelled`);
    }
    if (this.failure === undefined) return;
    if (this.failure instanceof SourceChangedError) await this.abandon();
    throw this.failure;
  }

  private async startOrResume(): Promise<MultipartState> {
    const resume = usableResume(this.options.resume, this.target.key, this.source);
    if (resume) {
      const onServer = await listUploadedParts(this.target, resume.uploadId);
      if (onServer) {
        const parts = resume.parts.filter((p) => {
          const server = onServer.get(p.partNumber);
          return server?.etag === p.etag && server.size === p.size;
        });
        return { ...resume, parts };
      }
      // The upload is gone: completed by a run that died before saying so, or aborted.
      const existing = await this.target.existing();
      if (
        existing?.size === this.source.size &&
        existing.sha256 === this.source.sha256.toLowerCase()
      ) {
        this.completedEarlier = existing;
        return resume;
      }
    } else if (this.options.resume) {
      // Saved for another version of the file: its parts can never be used.
      await abortUpload(this.target, this.options.resume.uploadId);
    }
    const created = await send(this.target, 'put', this.options.signal, () =>
      this.target.client.send(
        new CreateMultipartUploadCommand(objectFields(this.target, this.source, this.options)),
        { abortSignal: this.options.signal },
      ),
    );
    if (!created.UploadId) throw new StorageError('S3 gave no UploadId for a multipart upload');
    return {
      key: this.target.key,
      uploadId: created.UploadId,
      partSize: this.partSize,
      size: this.source.size,
      sha256: this.source.sha256,
      parts: [],
    };
  }

  private async complete(): Promise<UploadOutcome> {
    const { target, state } = this;
    const out = await send(target, 'put', this.options.signal, () =>
      target.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: target.bucket,
          Key: target.objectKey,
          UploadId: state.uploadId,
          MultipartUpload: {
            Parts: state.parts.map((p) => ({
              PartNumber: p.partNumber,
              ETag: p.etag,
              ChecksumSHA256: p.sha256,
            })),
          },
        }),
        { abortSignal: this.options.signal },
      ),
    );
    const stored = parseChecksum(out.ChecksumSHA256);
    // The object is made of exactly the parts listed, each of a size S3 confirmed.
    const size = state.parts.reduce((sum, p) => sum + p.size, 0);
    return {
      ...(out.ETag ? { etag: out.ETag } : {}),
      ...(out.VersionId && out.VersionId !== 'null' ? { versionId: out.VersionId } : {}),
      checksum: {
        algorithm: 'SHA256',
        value: compositeSha256(this.digests),
        parts: this.digests.length,
      },
      bytesSent: this.bytesSent,
      ...(stored ? { stored: { checksum: stored, size } } : {}),
    };
  }

  /**
   * The outcome for an object an earlier run stored: its checksum as S3 would have computed it
   * from this file (composite, or whole-file if it was stored in one piece), for verifyStored.
   */
  private alreadyComplete(existing: ObjectInfo, wholeDigest: Buffer): UploadOutcome {
    const composite = compositeSha256(this.digests);
    const checksum: Checksum =
      existing.checksum?.value === composite || existing.checksum?.parts !== undefined
        ? { algorithm: 'SHA256', value: composite, parts: this.digests.length }
        : { algorithm: 'SHA256', value: wholeDigest.toString('base64') };
    return {
      ...(existing.etag ? { etag: existing.etag } : {}),
      ...(existing.versionId ? { versionId: existing.versionId } : {}),
      checksum,
      bytesSent: 0,
    };
  }

  private abandon(): Promise<void> {
    return abortUpload(this.target, this.state.uploadId);
  }
}

/** The saved state if it belongs to this key and this exact file, else undefined. */
function usableResume(
  resume: MultipartState | undefined,
  key: string,
  source: PutSource,
): MultipartState | undefined {
  if (!resume) return undefined;
  const same =
    resume.key === key &&
    resume.size === source.size &&
    resume.sha256.toLowerCase() === source.sha256.toLowerCase();
  return same ? resume : undefined;
}

/**
 * The parts S3 holds for an upload, or undefined if the upload is gone (completed or aborted).
 * Pages by NextPartNumberMarker past 1,000 parts (moto's marker is wrong there; S3's is not).
 */
async function listUploadedParts(
  target: UploadTarget,
  uploadId: string,
): Promise<Map<number, { etag: string; size: number }> | undefined> {
  const parts = new Map<number, { etag: string; size: number }>();
  let marker: string | undefined;
  try {
    do {
      const page = await target.call('list-parts', () =>
        target.client.send(
          new ListPartsCommand({
            Bucket: target.bucket,
            Key: target.objectKey,
            UploadId: uploadId,
            ...(marker ? { PartNumberMarker: marker } : {}),
          }),
        ),
      );
      for (const p of page.Parts ?? []) {
        if (p.PartNumber && p.ETag) parts.set(p.PartNumber, { etag: p.ETag, size: p.Size ?? 0 });
      }
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (error) {
    if ((error as { details?: { s3Code?: string } }).details?.s3Code === 'NoSuchUpload') {
      return undefined;
    }
    throw error;
  }
  return parts;
}
