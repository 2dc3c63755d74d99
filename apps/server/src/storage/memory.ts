/**
 * One memory budget for the bytes that uploads hold in memory: every single-PUT body and every
 * multipart part buffer is taken from it and given back, so the memory an archive job uses is
 * bounded by one figure whatever the mix of files in flight (8 photos, 2 videos × 4 parts…).
 *
 * Buffers come in size classes (powers of two up to 1 MiB, whole MiB above) and are kept for
 * reuse while the budget has room: 2,000 photos do not make 2,000 allocations for the garbage
 * collector, and a 5 GiB file reuses its four 16 MiB part buffers. Kept buffers count against
 * the budget and are dropped first when a request needs the room; `trim()` drops them all.
 *
 * Requests are served in order (first come, first served), so a part buffer is never starved by
 * a stream of small files. A request larger than the whole budget (a 525 MiB part of a 5 TiB
 * file) is served alone, once nothing else is lent. Holders must only ever wait for the budget
 * while holding nothing they need to give back first: uploads take a buffer, fill it, send it
 * and give it back, so whatever is lent comes back without further taking.
 */
import { CancelledError } from '../errors.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SMALLEST_CLASS = 64 * KiB;

/** The size of buffer that serves a request of `size` bytes. */
export function sizeClass(size: number): number {
  if (size <= SMALLEST_CLASS) return SMALLEST_CLASS;
  if (size <= MiB) return 2 ** Math.ceil(Math.log2(size));
  return Math.ceil(size / MiB) * MiB;
}

interface Waiter {
  size: number;
  resolve(buffer: Buffer): void;
  reject(error: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

export class MemoryBudget {
  /** Bytes of buffers handed out and not yet given back. */
  private lent = 0;
  /** Bytes of buffers kept for reuse. */
  private keptBytes = 0;
  private peakBytes = 0;
  private readonly kept = new Map<number, Buffer[]>();
  private readonly waiting: Waiter[] = [];

  /** `limit` in bytes; Infinity for a budget that only reuses buffers. */
  constructor(readonly limit: number) {}

  /** Bytes lent now and kept for reuse: what this budget holds in memory. */
  get used(): number {
    return this.lent + this.keptBytes;
  }

  /** Bytes handed out and not given back yet. */
  get lentBytes(): number {
    return this.lent;
  }

  /** The most bytes held at once since this budget was made. */
  get peak(): number {
    return this.peakBytes;
  }

  /**
   * A buffer of at least `size` bytes (slice it to the length needed), once the budget has room
   * for it and every earlier request was served. Rejects with CancelledError when `signal`
   * aborts first.
   */
  take(size: number, signal?: AbortSignal): Promise<Buffer> {
    if (signal?.aborted) return Promise.reject(new CancelledError('cancelled'));
    const wanted = sizeClass(size);
    if (this.waiting.length === 0 && this.fits(wanted)) return Promise.resolve(this.lend(wanted));
    return new Promise<Buffer>((resolve, reject) => {
      const waiter: Waiter = { size: wanted, resolve, reject, signal, onAbort: undefined };
      if (signal) {
        waiter.onAbort = () => {
          this.waiting.splice(this.waiting.indexOf(waiter), 1);
          reject(new CancelledError('cancelled'));
          this.serve();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiting.push(waiter);
    });
  }

  /** Gives back a buffer `take` gave (whole, not a slice); kept for reuse if there is room. */
  give(buffer: Buffer): void {
    const size = buffer.length;
    this.lent -= size;
    if (this.used + size <= this.limit) {
      const list = this.kept.get(size) ?? [];
      list.push(buffer);
      this.kept.set(size, list);
      this.keptBytes += size;
    }
    this.serve();
  }

  /** Drops the buffers kept for reuse (a job ended: its memory goes back to the system). */
  trim(): void {
    this.kept.clear();
    this.keptBytes = 0;
  }

  private fits(size: number): boolean {
    return this.lent + size <= this.limit || this.lent === 0;
  }

  private serve(): void {
    while (this.waiting.length > 0 && this.fits(this.waiting[0]!.size)) {
      const waiter = this.waiting.shift()!;
      if (waiter.onAbort) waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.lend(waiter.size));
    }
  }

  /** Hands out a buffer of one size class: a kept one, or a new one once room is made. */
  private lend(size: number): Buffer {
    let buffer = this.kept.get(size)?.pop();
    if (buffer) {
      this.keptBytes -= size;
    } else {
      this.dropKept(size);
      buffer = Buffer.allocUnsafe(size);
    }
    this.lent += size;
    this.peakBytes = Math.max(this.peakBytes, this.used);
    return buffer;
  }

  /**
   * Drops kept buffers until `size` more bytes fit (or none are left), the smallest first: a
   * part buffer dropped for a photo would be allocated again for the next part, and the
   * dropped one lingers until the garbage collector runs.
   */
  private dropKept(size: number): void {
    for (const keptSize of [...this.kept.keys()].sort((a, b) => a - b)) {
      const list = this.kept.get(keptSize)!;
      while (list.length > 0 && this.used + size > this.limit) {
        list.pop();
        this.keptBytes -= keptSize;
      }
      if (list.length === 0) this.kept.delete(keptSize);
      if (this.used + size <= this.limit) return;
    }
  }
}
