/**
 * An upload bandwidth limit: a token bucket shared by every upload of the process (a NAS shares
 * the home uplink with the family). Bodies take their slices' bytes from it before sending.
 */
export class Throttle {
  private tokens: number;
  private last: number;
  private readonly burst: number;

  constructor(
    readonly bytesPerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError('a bandwidth limit must be above zero');
    // A quarter of a second of credit: smooth enough for the uplink, small enough to obey.
    this.burst = Math.max(256 * 1024, bytesPerSecond / 4);
    this.tokens = this.burst;
    this.last = now();
  }

  /** Waits until `bytes` may be sent. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      this.refill();
      if (this.tokens >= Math.min(bytes, this.burst)) {
        this.tokens -= bytes;
        return;
      }
      const missing = Math.min(bytes, this.burst) - this.tokens;
      await this.sleep(Math.ceil((missing / this.bytesPerSecond) * 1000));
    }
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(
      this.burst,
      this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond,
    );
    this.last = now;
  }
}
