/**
 * An upload bandwidth limit: a token bucket shared by every upload of the process (a NAS shares
 * the home uplink with the family). Bodies take their slices' bytes from it before sending.
 *
 * The rate can be changed while uploads run (`setRate`, from the Settings page), down, up, to
 * no limit (null) and back: a waiting upload looks again at least every MAX_WAIT_MS, so a change
 * applies within a quarter of a second, never after a wait worked out at the old rate.
 */
export class Throttle {
  private rate: number | null = null;
  private tokens = 0;
  private last: number;
  private burst = 0;

  constructor(
    bytesPerSecond: number | null,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.last = now();
    this.setRate(bytesPerSecond);
  }

  /** The limit in force, bytes a second; null: none. */
  get bytesPerSecond(): number | null {
    return this.rate;
  }

  /**
   * A new limit for every upload, those under way included; null for none. The credit earned at
   * the old rate is kept (up to the new burst), so a change neither frees a flood nor stalls.
   */
  setRate(bytesPerSecond: number | null): void {
    if (bytesPerSecond !== null && !(bytesPerSecond > 0)) {
      throw new RangeError('a bandwidth limit must be above zero (null for no limit)');
    }
    if (this.rate !== null) this.refill();
    const wasLimited = this.rate !== null;
    this.rate = bytesPerSecond;
    this.last = this.now();
    if (bytesPerSecond === null) return;
    // A quarter of a second of credit: smooth enough for the uplink, small enough to obey.
    this.burst = Math.max(256 * 1024, bytesPerSecond / 4);
    this.tokens = wasLimited ? Math.min(this.tokens, this.burst) : this.burst;
  }

  /** Waits until `bytes` may be sent. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      signal?.throwIfAborted();
      const rate = this.rate;
      if (rate === null) return;
      this.refill();
      if (this.tokens >= Math.min(bytes, this.burst)) {
        this.tokens -= bytes;
        return;
      }
      const missing = Math.min(bytes, this.burst) - this.tokens;
      await this.sleep(Math.min(MAX_WAIT_MS, Math.ceil((missing / rate) * 1000)));
    }
  }

  private refill(): void {
    const now = this.now();
    if (this.rate !== null) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    }
    this.last = now;
  }
}

/** The longest a waiting upload sleeps before it looks at the rate (and its stop signal) again. */
export const MAX_WAIT_MS = 250;
