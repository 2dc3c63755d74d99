import { Piscina } from 'piscina';
import { WORKER_EXEC_ARGV } from '../util/worker-options.js';

export type HashResult =
  | {
      ok: true;
      sha256: string;
      size: number;
      mtimeMs: number;
      inode: number;
      /** False when the file changed while it was read: the hash is not of any one version. */
      stable: boolean;
      mime: string | null;
    }
  | { ok: false; code: string; message: string };

/**
 * A pool of worker threads hashing files, one file per thread at a time. The pool starts with
 * the first file: a rescan that finds nothing new to read starts no thread.
 */
export class Hasher {
  private pool: Piscina | undefined;

  constructor(private readonly threads: number) {}

  hash(absPath: string): Promise<HashResult> {
    this.pool ??= new Piscina({
      filename: new URL('./hash-worker.js', import.meta.url).href,
      minThreads: 1,
      execArgv: WORKER_EXEC_ARGV,
      maxThreads: this.threads,
      idleTimeout: 10_000,
    });
    return this.pool.run({ absPath }) as Promise<HashResult>;
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }
}
