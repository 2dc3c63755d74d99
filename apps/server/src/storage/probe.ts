/**
 * `glacier dest test`: tries each operation an archive and a restore need on a small probe
 * object under `.glacier-archiver/`, and says plainly which one fails and why ("access denied:
 * the key lacks s3:PutObject on bucket/prefix…", "the bucket X does not exist").
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Destination } from './destination.js';
import { hashStream } from './hashing.js';

export type ProbeCheckName = 'list' | 'put' | 'head' | 'get' | 'delete';

export interface ProbeCheck {
  name: ProbeCheckName;
  ok: boolean;
  message: string;
}

export interface ProbeResult {
  ok: boolean;
  checks: ProbeCheck[];
}

export const PROBE_PREFIX = '.glacier-archiver/';

export async function testDestination(dest: Destination): Promise<ProbeResult> {
  const key = `${PROBE_PREFIX}probe-${randomBytes(8).toString('hex')}`;
  const content = Buffer.from(`Glacier Archiver destination test ${key}\n`);
  const sha256 = createHash('sha256').update(content).digest('hex');
  const dir = await mkdtemp(path.join(tmpdir(), 'glacier-probe-'));
  const file = path.join(dir, 'probe');
  const checks: ProbeCheck[] = [];
  const check = async (name: ProbeCheckName, run: () => Promise<string>) => {
    try {
      checks.push({ name, ok: true, message: await run() });
    } catch (error) {
      checks.push({
        name,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };
  const skipped = (name: ProbeCheckName) =>
    checks.push({ name, ok: false, message: 'not tried: the probe object could not be written' });
  try {
    await writeFile(file, content);
    const { mtimeMs } = await stat(file);
    await check('list', async () => {
      for await (const _entry of dest.list(PROBE_PREFIX)) break;
      return 'can list objects';
    });
    await check('put', async () => {
      // STANDARD whatever the destination's class: a cold probe could not be read back.
      await dest.put(
        key,
        { path: file, size: content.length, sha256, mtimeMs },
        { storageClass: 'STANDARD' },
      );
      return 'can write objects (checksum and metadata verified)';
    });
    if (checks.at(-1)?.ok) {
      await check('head', async () => {
        const info = await dest.head(key);
        if (!info) throw new Error('the probe object is not there right after it was written');
        if (info.size !== content.length || info.sha256 !== sha256) {
          throw new Error('the probe object came back with another size or SHA-256');
        }
        return 'can read object metadata';
      });
      await check('get', async () => {
        const { body } = await dest.get(key);
        const back = await hashStream(body);
        if (back.sha256 !== sha256) throw new Error('the probe object reads back different');
        return 'can read objects back intact';
      });
      await check('delete', async () => {
        await dest.delete(key);
        return 'can delete objects';
      });
    } else {
      for (const name of ['head', 'get', 'delete'] as const) skipped(name);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { ok: checks.every((c) => c.ok), checks };
}
