import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFor, getDestination } from '../src/archive/destinations.js';
import { fileByPath } from '../src/catalog/browse.js';
import { getJob, listJobs } from '../src/jobs/store.js';
import { getRoot } from '../src/roots/roots.js';
import { runCli, startCli } from './helpers/cli.js';
import { createTestEnv } from './helpers/context.js';
import { startFaultProxy, type FaultProxy } from './helpers/fault-proxy.js';
import { MOTO_CREDENTIALS, MOTO_START_TIMEOUT_MS, startMoto, type Moto } from './helpers/moto.js';
import { createBucket } from './storage/support.js';

let moto: Moto;
let proxy: FaultProxy;
const dir = mkdtempSync(path.join(tmpdir(), 'glacier-resume-'));
const AWS = {
  AWS_ACCESS_KEY_ID: MOTO_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: MOTO_CREDENTIALS.secretAccessKey,
};

beforeAll(async () => {
  // The resumed run happens in this process: it finds its credentials the standard way.
  Object.assign(process.env, AWS);
  moto = await startMoto();
  proxy = await startFaultProxy(moto.endpoint);
  await createBucket(moto.endpoint, 'archive');
}, MOTO_START_TIMEOUT_MS);
afterAll(async () => {
  await proxy?.stop();
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Parts of the big file's multipart upload that the catalog has saved so far. */
function savedParts(dataDir: string): number {
  const db = new Database(path.join(dataDir, 'catalog.sqlite'), {
    readonly: true,
    fileMustExist: true,
  });
  try {
    const row = db.prepare('select state from uploads').get() as { state: string } | undefined;
    return row ? (JSON.parse(row.state) as { parts: unknown[] }).parts.length : 0;
  } finally {
    db.close();
  }
}

describe('an archive killed half-way', () => {
  it('resumes at the next start from its completed parts, sending nothing twice', async () => {
    const dataDir = path.join(dir, 'data');
    const media = path.join(dir, 'media');
    writeTreeWithBigFile(media);
    const cli = (args: string[]) => runCli(dataDir, args, { env: AWS });
    expect(cli(['roots', 'add', media, '--label', 'media']).code).toBe(0);
    expect(cli(['scan', 'media']).code).toBe(0);
    expect(
      cli([
        'dest',
        'add',
        'ireland',
        's3://archive/nas',
        '--endpoint-url',
        proxy.endpoint,
        '--region',
        'us-east-1',
      ]).code,
    ).toBe(0);

    const child = startCli(dataDir, ['archive', 'media', '--to', 'ireland'], AWS);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 600 && savedParts(dataDir) < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGKILL');
    await exited;
    const partsBefore = savedParts(dataDir);
    expect(partsBefore).toBeGreaterThanOrEqual(2);
    expect(partsBefore).toBeLessThan(10);
    proxy.clear();

    // The next start finds the job of a dead process and runs it again.
    const env = createTestEnv({}, { dir });
    try {
      const [job] = listJobs(env.ctx.catalog).jobs;
      expect(job).toMatchObject({ kind: 'archive', state: 'running' });
      env.ctx.runner.start();
      for (let i = 0; i < 600 && getJob(env.ctx.catalog, job!.id).state !== 'done'; i++)
        await new Promise((r) => setTimeout(r, 50));
      const done = getJob(env.ctx.catalog, job!.id);
      expect(done.state).toBe('done');
      const failures = env.ctx.catalog.sqlite
        .prepare('select item, reason from job_failures')
        .all();
      expect({ summary: done.summary, failures }).toMatchObject({ summary: { failedFiles: 0 } });
      const partsAfter = proxy.requests.filter(
        (r) => r.method === 'PUT' && /partNumber=/.test(r.url),
      );
      // Only the parts the first run had not finished were sent again.
      expect(partsAfter.length).toBeLessThanOrEqual(10 - partsBefore);
      expect(partsAfter.length + partsBefore).toBeGreaterThanOrEqual(10);

      const root = getRoot(env.ctx.catalog, 'media');
      const big = fileByPath(env.ctx.catalog, root, 'big.bin');
      const destination = openFor(getDestination(env.ctx.catalog, 'ireland'));
      try {
        expect(await destination.head('media/big.bin')).toMatchObject({
          size: big.size,
          sha256: big.sha256,
        });
        expect(await destination.listMultipartUploads('')).toEqual([]);
        const keys: string[] = [];
        for await (const entry of destination.list('media/')) keys.push(entry.key);
        expect(keys.sort()).toEqual(['media/a.txt', 'media/b/c.txt', 'media/big.bin']);
      } finally {
        destination.close();
      }
    } finally {
      await env.ctx.close();
    }
  });
});

describe('glacier dest and archive --dry-run', () => {
  it('adds, lists and tests destinations, and quotes an archive without sending anything', () => {
    const dataDir = path.join(dir, 'data-cli');
    const media = path.join(dir, 'media-cli');
    mkdirSync(media);
    writeFileSync(path.join(media, 'a.jpg'), 'a photo');
    const cli = (args: string[]) => runCli(dataDir, args, { env: AWS });
    cli(['roots', 'add', media, '--label', 'cli']);
    cli(['scan', 'cli']);
    expect(
      cli([
        'dest',
        'add',
        'ok',
        's3://archive/cli',
        '--class',
        'glacier',
        '--endpoint-url',
        moto.endpoint,
      ]).code,
    ).toBe(0);
    expect(
      cli(['dest', 'add', 'nobucket', 's3://missing-bucket/x', '--endpoint-url', moto.endpoint])
        .code,
    ).toBe(0);
    const bad = cli(['dest', 'add', 'bad', 's3://valid-bucket/y', '--class', 'frozen']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown storage class "frozen"');
    const list = JSON.parse(cli(['dest', 'list', '--json']).stdout) as {
      name: string;
      storageClass: string;
    }[];
    expect(list.map((d) => [d.name, d.storageClass])).toEqual([
      ['nobucket', 'DEEP_ARCHIVE'],
      ['ok', 'GLACIER'],
    ]);
    const good = cli(['dest', 'test', 'ok', '--json']);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true });
    const missing = cli(['dest', 'test', 'nobucket']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/FAIL.*missing-bucket.*does not exist/);
    const dry = cli(['archive', 'cli', '--to', 'ok', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({
      files: 1,
      bytes: 7,
      quote: { storageClass: 'GLACIER', minimumDays: 90 },
    });
    expect(
      JSON.parse(cli(['jobs', '--json']).stdout).filter(
        (j: { kind: string }) => j.kind === 'archive',
      ),
    ).toEqual([]);
  });
});

describe('keys entered with a destination', () => {
  it('are stored encrypted, never shown, and used without any AWS environment', () => {
    const dataDir = path.join(dir, 'data-keys');
    const noAws = {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
    };
    const added = runCli(
      dataDir,
      [
        'dest',
        'add',
        'keyed',
        's3://archive/keyed',
        '--endpoint-url',
        moto.endpoint,
        '--access-key-id',
        'test',
        '--secret-stdin',
        '--json',
      ],
      { input: `${MOTO_CREDENTIALS.secretAccessKey}\n`, env: noAws },
    );
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ name: 'keyed', credentials: 'entered' });
    expect(added.stdout).not.toContain('secretAccessKey');
    const db = new Database(path.join(dataDir, 'catalog.sqlite'), { readonly: true });
    const stored = db.prepare("select secret from destinations where name = 'keyed'").get() as {
      secret: string;
    };
    db.close();
    expect(stored.secret).toMatch(/^v1:/);
    expect(Buffer.from(stored.secret.slice(3), 'base64').toString('latin1')).not.toContain('test');
    const probe = runCli(dataDir, ['dest', 'test', 'keyed', '--json'], { env: noAws });
    expect(JSON.parse(probe.stdout)).toMatchObject({ ok: true });
    const half = runCli(dataDir, [
      'dest',
      'add',
      'half',
      's3://archive/x',
      '--access-key-id',
      'test',
    ]);
    expect(half.code).toBe(2);
    expect(half.stderr).toContain('--secret-stdin');
  });
});

function writeTreeWithBigFile(media: string): void {
  mkdirSync(path.join(media, 'b'), { recursive: true });
  writeFileSync(path.join(media, 'a.txt'), 'a');
  writeFileSync(path.join(media, 'b/c.txt'), 'c');
  // Ten parts of 16 MiB: long enough to be stopped in the middle.
  writeFileSync(path.join(media, 'big.bin'), randomBytes(160 * 1024 * 1024));
}
