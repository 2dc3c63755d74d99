import { describe, expect, it } from 'vitest';
import { MAX_WAIT_MS, Throttle } from '../../src/storage/throttle.js';

/** A clock that only moves when the throttle sleeps: the limit is checked without waiting. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
    elapsed: () => now,
  };
}

describe('upload bandwidth limit', () => {
  it('spaces slices so that the average rate stays at the limit', async () => {
    const clock = fakeClock();
    const throttle = new Throttle(1024 * 1024, clock.now, clock.sleep);
    const slice = 256 * 1024;
    for (let i = 0; i < 40; i++) await throttle.take(slice);
    // 10 MiB at 1 MiB/s: about ten seconds, less the quarter-second of initial credit.
    expect(clock.elapsed()).toBeGreaterThanOrEqual(9_700);
    expect(clock.elapsed()).toBeLessThanOrEqual(10_100);
  });

  it('lets a burst through at once and stops when the job is stopped', async () => {
    const clock = fakeClock();
    const throttle = new Throttle(10 * 1024 * 1024, clock.now, clock.sleep);
    await throttle.take(256 * 1024);
    expect(clock.sleeps).toEqual([]);
    const stop = new AbortController();
    stop.abort('pause');
    await expect(throttle.take(256 * 1024, stop.signal)).rejects.toBe('pause');
  });
});

describe('a limit changed while uploads run (setRate)', () => {
  /** Bytes let through between two instants of the fake clock. */
  async function sendFor(throttle: Throttle, clock: ReturnType<typeof fakeClock>, ms: number) {
    const until = clock.now() + ms;
    let sent = 0;
    while (clock.now() < until) {
      await throttle.take(64 * 1024);
      sent += 64 * 1024;
    }
    return sent;
  }

  it('takes a lower rate at once, then a higher one', async () => {
    const clock = fakeClock();
    const throttle = new Throttle(4 * 1024 * 1024, clock.now, clock.sleep);
    await sendFor(throttle, clock, 2_000);
    throttle.setRate(512 * 1024);
    expect(throttle.bytesPerSecond).toBe(512 * 1024);
    // Ten seconds at 512 KiB/s, give or take the burst and one slice.
    const slow = await sendFor(throttle, clock, 10_000);
    expect(slow).toBeGreaterThanOrEqual(10 * 512 * 1024 - 64 * 1024);
    expect(slow).toBeLessThanOrEqual(10 * 512 * 1024 + 256 * 1024 + 64 * 1024);
    throttle.setRate(2 * 1024 * 1024);
    const fast = await sendFor(throttle, clock, 10_000);
    expect(fast).toBeGreaterThanOrEqual(10 * 2 * 1024 * 1024 - 64 * 1024);
    expect(fast).toBeLessThanOrEqual(10 * 2 * 1024 * 1024 + 512 * 1024 + 64 * 1024);
  });

  it('goes to no limit and back', async () => {
    const clock = fakeClock();
    const throttle = new Throttle(256 * 1024, clock.now, clock.sleep);
    throttle.setRate(null);
    expect(throttle.bytesPerSecond).toBeNull();
    // No limit: 100 MiB without a single wait.
    for (let i = 0; i < 400; i++) await throttle.take(256 * 1024);
    expect(clock.sleeps).toEqual([]);
    throttle.setRate(1024 * 1024);
    // Back to a limit: a quarter of a second of credit, then the rate (no debt from before).
    const sent = await sendFor(throttle, clock, 4_000);
    expect(sent).toBeGreaterThanOrEqual(4 * 1024 * 1024 - 64 * 1024);
    expect(sent).toBeLessThanOrEqual(4 * 1024 * 1024 + 256 * 1024 + 64 * 1024);
  });

  it('reaches an upload already waiting: no wait is longer than a quarter second', async () => {
    let now = 0;
    const sleeps: number[] = [];
    // 1 KiB/s: a 256 KiB slice would wait four minutes at that rate. The first wait lifts it.
    const throttle: Throttle = new Throttle(
      1024,
      () => now,
      async (ms) => {
        sleeps.push(ms);
        now += ms;
        if (sleeps.length === 1) throttle.setRate(null);
      },
    );
    await throttle.take(256 * 1024);
    await throttle.take(256 * 1024);
    expect(sleeps).toEqual([MAX_WAIT_MS]);
    expect(now).toBe(MAX_WAIT_MS);
  });

  it('refuses a rate of zero or below (null is "no limit")', () => {
    const throttle = new Throttle(null);
    expect(() => throttle.setRate(0)).toThrow(RangeError);
    expect(() => throttle.setRate(-1)).toThrow(RangeError);
    expect(throttle.bytesPerSecond).toBeNull();
  });
});

describe('a throttled body', () => {
  it('ends quietly when the job stops while it waits for bandwidth (no unhandled error)', async () => {
    const { bodyOf } = await import('../../src/storage/s3-requests.js');
    let calls = 0;
    const body = bodyOf(
      Buffer.alloc(1024 * 1024),
      () => undefined,
      async () => {
        calls += 1;
        if (calls === 2) throw 'pause';
      },
    );
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).length).toBe(256 * 1024);
  });
});
