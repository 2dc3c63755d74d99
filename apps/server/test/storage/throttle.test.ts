import { describe, expect, it } from 'vitest';
import { Throttle } from '../../src/storage/throttle.js';

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
