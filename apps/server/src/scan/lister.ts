import { Piscina } from 'piscina';
import { WORKER_EXEC_ARGV } from '../util/worker-options.js';

/** One folder as the list worker saw it: files with their lstat, subfolders, the rest. */
export type FolderListing =
  | {
      ok: true;
      names: string[];
      sizes: number[];
      mtimes: number[];
      inodes: number[];
      dirs: string[];
      /** Symbolic links, devices, sockets, pipes: never followed, never media. */
      others: string[];
      /** Files that could not be lstat()ed: [name, errno code]. */
      errors: [string, string][];
    }
  | { ok: false; code: string; message: string };

/** A pool of worker threads listing folders. */
export class Lister {
  private readonly pool: Piscina;

  constructor(threads: number) {
    this.pool = new Piscina({
      filename: new URL('./list-worker.js', import.meta.url).href,
      minThreads: threads,
      execArgv: WORKER_EXEC_ARGV,
      maxThreads: threads,
      // Listing is synchronous: several tasks queued in each worker's port spare it the idle
      // round trip to the main thread between two folders.
      concurrentTasksPerWorker: 4,
      idleTimeout: 5_000,
    });
  }

  list(absDir: string): Promise<FolderListing> {
    return this.pool.run({ absDir }) as Promise<FolderListing>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
