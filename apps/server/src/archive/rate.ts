/**
 * Transfer speed over a sliding window, and the time left at that speed. A window (not the
 * average since the start) follows a home uplink whose speed changes through the evening.
 */
export class RateMeter {
  private samples: { at: number; bytes: number }[] = [];

  constructor(private readonly windowMs = 10_000) {}

  /** Records the running total of bytes sent. */
  update(totalBytes: number, now = Date.now()): void {
    this.samples.push({ at: now, bytes: totalBytes });
    while (this.samples.length > 2 && now - this.samples[0]!.at > this.windowMs)
      this.samples.shift();
  }

  bytesPerSecond(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at === first.at) return 0;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.at - first.at));
  }

  etaSeconds(remainingBytes: number): number | null {
    const rate = this.bytesPerSecond();
    return rate > 0 ? Math.round(remainingBytes / rate) : null;
  }
}
