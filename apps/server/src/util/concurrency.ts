/**
 * Runs `work` on every item with at most `limit` at once; stops taking new items when aborted.
 *
 * When one item fails, no new item is started and the call waits for the ones in flight before
 * it rethrows the first error: a caller that then closes its worker pool (or the catalog) must
 * not have work still running against it. A full data volume showed why: the scan's catalog
 * write failed, the hashing pool was destroyed while other lanes kept hashing, and the pool's
 * unexpected answers crashed the server.
 */
export async function forEachLimited<T>(
  items: T[],
  limit: number,
  signal: AbortSignal,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!signal.aborted && !failure && next < items.length) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
}

/**
 * Runs the tasks given to it at most `limit` at once, in the order given; for work that is
 * discovered while other work runs (a page becomes ready to draw as its last thumbnail lands).
 */
export function createLimiter(limit: number): <R>(task: () => Promise<R>) => Promise<R> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await task();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

/** Waits for every promise, then throws the first failure: nothing is left running behind. */
export async function settleAll(promises: Promise<unknown>[]): Promise<void> {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
