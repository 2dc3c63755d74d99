import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Runs `work` with a private, freshly made folder under the system temp dir and removes it
 * afterwards, whatever happened. Decoders write their intermediate images there; the folder
 * is mode 0700 (mkdtemp), so other users of the NAS cannot read the user's photos from it.
 */
export async function withTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-thumb-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
