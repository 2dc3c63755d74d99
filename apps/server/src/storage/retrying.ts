/**
 * Retries transient destination failures, in one place for every destination.
 *
 * Only TransientStorageError is retried (5xx, SlowDown, throttling, timeouts, resets, a copy
 * that did not verify); permanent errors (403, 404, NoSuchBucket, InvalidObjectState, bad
 * credentials, a full disk, a changed source) fail at once. Delays grow exponentially with
 * full jitter (AWS's advice against retry storms). The attempt count restarts whenever an
 * attempt made progress (a part stored, bytes received), so a night-long upload over a flaky
 * uplink is not failed by a handful of hiccups spread over hours.
 *
 * A multipart put is retried from the state its last attempt reported (only missing parts are
 * sent again); a download that breaks mid-body is continued with a ranged GET pinned to the
 * same version (If-Match on its ETag).
 */
import { Readable } from 'node:stream';
import { CancelledError, TransientStorageError } from '../errors.js';
import type {
  Destination,
  GetOptions,
  GetResult,
  ListEntry,
  MultipartState,
  PutOptions,
  PutResult,
  PutSource,
  RestoreTier,
} from './destination.js';

export interface RetryPolicy {
  /** Attempts in a row without progress before giving up. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** In [0, 1); injectable for tests. */
  random: () => number;
  onRetry?: (event: RetryEvent) => void;
}

export interface RetryEvent {
  operation: string;
  key: string;
  attempt: number;
  delayMs: number;
  error: TransientStorageError;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  random: Math.random,
};

/** Full jitter: a random wait up to base × 2^(attempt−1), capped. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(policy.random() * ceiling);
}

export class RetryingDestination implements Destination {
  readonly policy: RetryPolicy;

  constructor(
    readonly inner: Destination,
    policy: Partial<RetryPolicy> = {},
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...policy };
  }

  get features() {
    return this.inner.features;
  }

  async put(key: string, source: PutSource, options: PutOptions = {}): Promise<PutResult> {
    let resume = options.resume;
    let attempt = 0;
    for (;;) {
      const partsBefore = resume?.parts.length ?? 0;
      let progressed = false;
      const onPartDone = async (state: MultipartState) => {
        if (state.parts.length > partsBefore) progressed = true;
        resume = state;
        await options.onPartDone?.(state);
      };
      try {
        return await this.inner.put(key, source, {
          ...options,
          ...(resume ? { resume } : {}),
          onPartDone,
        });
      } catch (error) {
        attempt = progressed ? 1 : attempt + 1;
        await this.backOff('put', key, error, attempt, options.signal);
      }
    }
  }

  head(key: string) {
    return this.retry('head', key, undefined, () => this.inner.head(key));
  }

  async get(key: string, options: GetOptions = {}): Promise<GetResult> {
    const first = await this.retry('get', key, options.signal, () => this.inner.get(key, options));
    return {
      ...first,
      body: Readable.from(this.resumingBody(key, options, first), { objectMode: false }),
    };
  }

  async *list(prefix: string, options: { restoreStatus?: boolean } = {}): AsyncIterable<ListEntry> {
    // A listing that breaks is started again; keys already given are not given twice.
    const seen = new Set<string>();
    let attempt = 0;
    for (;;) {
      try {
        for await (const entry of this.inner.list(prefix, options)) {
          if (seen.has(entry.key)) continue;
          seen.add(entry.key);
          attempt = 0;
          yield entry;
        }
        return;
      } catch (error) {
        attempt += 1;
        await this.backOff('list', prefix, error, attempt, undefined);
      }
    }
  }

  delete(key: string) {
    return this.retry('delete', key, undefined, () => this.inner.delete(key));
  }

  requestRestore(key: string, options: { days: number; tier: RestoreTier }) {
    return this.retry('restore', key, undefined, () => this.inner.requestRestore(key, options));
  }

  listMultipartUploads(prefix: string) {
    return this.retry('list-uploads', prefix, undefined, () =>
      this.inner.listMultipartUploads(prefix),
    );
  }

  abortMultipart(key: string, uploadId: string) {
    return this.retry('abort-upload', key, undefined, () =>
      this.inner.abortMultipart(key, uploadId),
    );
  }

  close(): void {
    this.inner.close();
  }

  private async retry<T>(
    operation: string,
    key: string,
    signal: AbortSignal | undefined,
    run: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        await this.backOff(operation, key, error, attempt, signal);
      }
    }
  }

  /** Rethrows what must not be retried (or has been tried enough); otherwise waits. */
  private async backOff(
    operation: string,
    key: string,
    error: unknown,
    attempt: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    if (!(error instanceof TransientStorageError) || signal?.aborted) throw error;
    if (attempt >= this.policy.maxAttempts) {
      throw new TransientStorageError(`${error.message} (gave up after ${attempt} attempts)`, {
        ...error.details,
        attempts: attempt,
        lastCode: error.code,
      });
    }
    const delayMs = backoffDelay(attempt, this.policy);
    this.policy.onRetry?.({ operation, key, attempt, delayMs, error });
    await sleep(delayMs, signal);
  }

  /** The body of `first`, continued from where it broke with ranged GETs of the same version. */
  private async *resumingBody(
    key: string,
    options: GetOptions,
    first: GetResult,
  ): AsyncGenerator<Buffer> {
    const start = options.range?.offset ?? 0;
    let body = first.body;
    let received = 0;
    let attempt = 0;
    try {
      for (;;) {
        try {
          for await (const chunk of body) {
            received += (chunk as Buffer).length;
            attempt = 0;
            yield chunk as Buffer;
          }
          return;
        } catch (error) {
          attempt += 1;
          await this.backOff('get', key, error, attempt, options.signal);
          if (received >= first.length) return;
          const ifMatch = first.etag ?? options.ifMatch;
          const next = await this.retry('get', key, options.signal, () =>
            this.inner.get(key, {
              ...options,
              range: { offset: start + received, length: first.length - received },
              ...(ifMatch ? { ifMatch } : {}),
            }),
          );
          body = next.body;
        }
      }
    } finally {
      body.destroy();
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError('cancelled'));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancelledError('cancelled'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
