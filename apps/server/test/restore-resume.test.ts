import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJob, type JobRow } from '../src/jobs/store.js';
import { runCli, startCli, type CliResult } from './helpers/cli.js';
import { createTestEnv, writeTree } from './helpers/context.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import {
  MOTO_CREDENTIALS,
  MOTO_START_TIMEOUT_MS,
  startMoto,
  type Moto,
  motoClient,
} from './helpers/moto.js';
import { createBucket, filesUnder } from './storage/support.js';

let moto: Moto;
let proxy: FaultProxy;
const base = mkdtempSync(path.join(tmpdir(), 'glacier-restore-resume-'));
const FAST = { GLACIER_RESTORE_POLL_MS: '20,200', GLACIER_RESTORE_CHUNK_BYTES: String(1 << 20) };
const ENV = {
  AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
  ...FAST,
};
const MEDIA: Record<string, Buffer> = {
  'a.txt': randomBytes(2000),
  'b/c.txt': randomBytes(3000),
  'b/d.bin': randomBytes(70_000),
};

beforeAll(async () => {
  // The resumed runs happen in this process: same credentials and pace as the killed CLI.
  Object.assign(process.env, ENV);
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  await createBucket(moto.endpoint, 'vault');
}, MOTO_START_TIMEOUT_MS);
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
  rmSync(base, { recursive: true, force: true });
});

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const restoreRequests = () =>
  proxy.requests.filter((r) => r.method === 'POST' && /[?&]restore/.test(r.url));

/**
 * `glacier …` in a child process, awaited without blocking this one: the fault proxy runs in
 * this process, and a synchronous spawn would leave the child's S3 requests unanswered.
 */
async function glacier(dataDir: string, args: string[]): Promise<CliResult> {
  const child = startCli(dataDir, args, ENV);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/** The catalog as another process sees it (the CLI child writes it). */
function query<T>(dataDir: string, sql: string): T[] {
  const db = new Database(path.join(dataDir, 'catalog.sqlite'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    return db.prepare(sql).all() as T[];
  } catch {
    return []; // not migrated yet
  } finally {
    db.close();
  }
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** Starts the server's job loop on the data dir of a killed CLI and waits for the job. */
async function resumeInServer(dir: string, jobId: number): Promise<JobRow> {
  const env = createTestEnv(FAST, { dir });
  try {
    expect(getJob(env.ctx.catalog, jobId).state).toBe('running');
    env.ctx.runner.start();
    await until('the resumed job', () =>
      ['done', 'failed'].includes(getJob(env.ctx.catalog, jobId).state),
    );
    return getJob(env.ctx.catalog, jobId);
  } finally {
    await env.ctx.close();
  }
}

describe('glacier restore, killed while S3 thaws', () => {
  const dir = path.join(base, 'wait');
  const dataDir = path.join(dir, 'data');
  const cli = (args: string[]) => runCli(dataDir, args, { env: ENV });

  it('quotes, refuses an early download with the wait, resumes without asking again', async () => {
    writeTree(path.join(dir, 'media'), MEDIA);
    expect(cli(['roots', 'add', path.join(dir, 'media'), '--label', 'media']).code).toBe(0);
    expect(cli(['scan', 'media']).code).toBe(0);
    const add = ['dest', 'add', 'deep', 's3://vault/deep', '--endpoint-url', proxy.endpoint];
    expect(cli([...add, '--class', 'deep-archive']).code).toBe(0);
    expect((await glacier(dataDir, ['archive', 'media', '--to', 'deep'])).code).toBe(0);

    const quote = cli(['restore', 'media', '--from', 'deep', '--quote', '--json']);
    expect(quote.code).toBe(0);
    expect(JSON.parse(quote.stdout)).toMatchObject({ objects: 3, quote: { days: 7 } });
    const human = cli(['restore', 'media/b', '--from', 'deep', '--quote', '--days', '3']);
    expect(human.stdout).toMatch(/Bulk .* ready within 48 hours/);
    expect(human.stdout).toMatch(/Expedited +not possible: Deep Archive cannot be restored/);
    const expedited = cli(['restore', 'media', '--from', 'deep', '--tier', 'expedited']);
    expect(expedited.code).toBe(2);
    expect(expedited.stderr).toContain('Deep Archive has no Expedited tier');

    await moto.holdRestores();
    proxy.clear();
    const dl = path.join(dir, 'restored');
    const child = startCli(dataDir, ['restore', 'media', '--from', 'deep', '--to', dl], ENV);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await until('the restores in progress', () => {
      const rows = query<{ state: string }>(dataDir, 'select state from restore_items');
      return rows.length === 3 && rows.every((r) => r.state === 'in-progress');
    });

    const early = await glacier(dataDir, [
      'download',
      'media/a.txt',
      '--from',
      'deep',
      '--to',
      path.join(dir, 'x'),
    ]);
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(
      /media\/a\.txt is still being restored \(Bulk from DEEP_ARCHIVE takes within 48 hours; requested/,
    );
    expect(early.stderr).not.toMatch(/\n\s+at /);
    const status = JSON.parse(cli(['restores', '--json']).stdout) as Record<string, unknown>[];
    expect(status.find((r) => r.kind === 'restore')).toMatchObject({
      jobState: 'running',
      counts: { 'in-progress': 3 },
    });

    child.kill('SIGKILL');
    await exited;
    expect(restoreRequests()).toHaveLength(3);
    proxy.clear();
    await moto.releaseRestores();

    const [killed] = query<{ id: number }>(
      dataDir,
      "select id from jobs where kind = 'restore' and state = 'running'",
    );
    const done = await resumeInServer(dir, killed!.id);
    expect(done.summary).toMatchObject({ downloaded: 3, failed: 0, requested: 3 });
    // What was thawing was watched again, never requested again.
    expect(restoreRequests()).toEqual([]);
    for (const [rel, data] of Object.entries(MEDIA)) {
      expect(sha(readFileSync(path.join(dl, 'media', rel)))).toBe(sha(data));
    }
    expect(filesUnder(dl).sort()).toEqual(['media/a.txt', 'media/b/c.txt', 'media/b/d.bin']);
  });
});

describe('glacier restore, killed in the middle of a download', () => {
  const dir = path.join(base, 'download');
  const dataDir = path.join(dir, 'data');
  const cli = (args: string[]) => runCli(dataDir, args, { env: ENV });
  const BIG = randomBytes(96 << 20);
  const CHUNKS = 96;

  it('keeps the chunks it had, fetches only the rest, and verifies the whole', async () => {
    await putObject('ext/imports/big.bin', BIG);
    const add = ['dest', 'add', 'ext', 's3://vault/ext', '--endpoint-url', proxy.endpoint];
    expect(cli([...add, '--class', 'glacier']).code).toBe(0);
    const ls = await glacier(dataDir, ['remote', 'ls', 'ext', 'imports/']);
    expect(ls.stdout).toMatch(/GLACIER\timports\/big\.bin\t\(not in the catalog\)/);

    proxy.clear();
    const dl = path.join(dir, 'restored');
    const args = ['restore', 'imports/big.bin', '--key', '--from', 'ext', '--to', dl];
    const child = startCli(dataDir, args, ENV);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const chunksDone = () => {
      const sidecar = partialSidecar(path.join(dl, 'imports'));
      return sidecar ? sidecar.done.length : 0;
    };
    await until('a few chunks on disk', () => chunksDone() >= 4);
    child.kill('SIGKILL');
    await exited;
    const before = chunksDone();
    expect(before).toBeLessThan(CHUNKS);
    proxy.clear();

    const [killed] = query<{ id: number }>(
      dataDir,
      "select id from jobs where kind = 'restore' and state = 'running'",
    );
    const done = await resumeInServer(dir, killed!.id);
    expect(done.summary).toMatchObject({ downloaded: 1, failed: 0 });
    const ranged = proxy.requests.filter((r) => r.method === 'GET' && r.headers.range);
    expect(ranged.length).toBeLessThanOrEqual(CHUNKS - before);
    expect(restoreRequests()).toEqual([]);
    expect(sha(readFileSync(path.join(dl, 'imports/big.bin')))).toBe(sha(BIG));
    expect(filesUnder(dl)).toEqual(['imports/big.bin']);
  });
});

async function putObject(key: string, body: Buffer): Promise<void> {
  const s3 = motoClient(moto.endpoint);
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: 'vault',
        Key: key,
        Body: body,
        StorageClass: 'GLACIER',
        Metadata: { sha256: sha(body) },
      }),
    );
  } finally {
    s3.destroy();
  }
}

/** The resume list a download keeps beside its partial file. */
function partialSidecar(folder: string): { done: number[] } | undefined {
  try {
    const name = readdirSync(folder).find((n) => n.endsWith('.glacier-partial.json'));
    return name
      ? (JSON.parse(readFileSync(path.join(folder, name), 'utf8')) as { done: number[] })
      : undefined;
  } catch {
    return undefined;
  }
}
