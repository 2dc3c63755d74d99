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
