/**
 * moto's S3 server on a free loopback port, one per test file.
 *
 * One server per file (started in `beforeAll`) rather than one per run (vitest globalSetup):
 * vitest runs files in parallel, and `reset()` and the restore hold are global to a moto
 * process, so a shared server would let one file wipe or freeze another's objects. A start
 * costs about a second.
 *
 * moto is installed into a venv by scripts/moto.sh, which this helper runs when the venv is
 * missing, so `vitest` alone works on a fresh machine that has python3.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  HeadObjectCommand,
  ListBucketsCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const MOTO_SCRIPT = path.join(REPO, 'scripts/moto.sh');

/**
 * moto's minimum multipart part size, lowered from S3's 5 MiB by the same factor of 1024 so
 * tests can build 10+ part uploads from files of a few dozen KiB. moto still enforces it: a
 * non-last part below it fails CompleteMultipartUpload with EntityTooSmall.
 */
export const MOTO_PART_MIN_SIZE = 5 * 1024;

/** Credentials moto accepts (it checks no signature); tests pass them explicitly. */
export const MOTO_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
export const MOTO_REGION = 'us-east-1';

/** For the `beforeAll` that starts moto: the first run on a machine installs it (pip). */
export const MOTO_START_TIMEOUT_MS = 300_000;

export interface Moto {
  endpoint: string;
  port: number;
  /** Deletes every bucket and object and puts restores back to completing at once. */
  reset(): Promise<void>;
  /**
   * Makes restores requested from now on stay "in progress" (x-amz-restore:
   * ongoing-request="true", GET refused) until `releaseRestores()`. Applies to the objects that
   * exist when it is called: put them first.
   */
  holdRestores(): Promise<void>;
  /** Lets held restores (and all later ones) complete at their next HEAD or GET. */
  releaseRestores(): Promise<void>;
  stop(): Promise<void>;
}

const RESTORE_MODEL = 's3::keyrestore';

export async function startMoto(): Promise<Moto> {
  const server = await ensureMotoInstalled();
  let lastError: unknown;
  // A free port can be taken between our probe and moto's bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      const child = await spawnMoto(server, port);
      return motoHandle(child, port);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function ensureMotoInstalled(): Promise<string> {
  const venv = process.env.MOTO_VENV ?? path.join(REPO, '.venv-moto');
  const server = path.join(venv, 'bin/moto_server');
  if (existsSync(path.join(venv, '.glacier-moto-5.2.5')) && existsSync(server)) return server;
  const { stdout } = await promisify(execFile)('bash', [MOTO_SCRIPT], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim().split('\n').at(-1) ?? server;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

async function spawnMoto(server: string, port: number): Promise<ChildProcess> {
  const child = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], {
    env: {
      ...process.env,
      S3_UPLOAD_PART_MIN_SIZE: String(MOTO_PART_MIN_SIZE),
      // Its default follows the part minimum (minus 1 KiB), which would spill every object
      // over 4 KiB to a temp file; keep test objects in memory.
      MOTO_S3_DEFAULT_KEY_BUFFER_SIZE: String(16 * 1024 * 1024),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // werkzeug logs every request on stderr: keep the tail for a failure message, drain the rest.
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail.push(chunk);
    if (tail.length > 40) tail.shift();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  try {
    await waitUntilAnswering(child, `http://127.0.0.1:${port}`);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(
      `moto_server did not start on port ${port}: ${String(error)}\n${tail.join('')}`,
    );
  }
  return child;
}

async function waitUntilAnswering(child: ChildProcess, endpoint: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no answer after 30 s');
}

function motoHandle(child: ChildProcess, port: number): Moto {
  const endpoint = `http://127.0.0.1:${port}`;
  const api = async (route: string, body?: unknown): Promise<void> => {
    const response = await fetch(`${endpoint}/moto-api/${route}`, {
      method: body === undefined ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`moto-api/${route} answered ${response.status}`);
  };
  const setRestoreTransition = (transition: Record<string, unknown>) =>
    api('state-manager/set-transition', { model_name: RESTORE_MODEL, transition });

  return {
    endpoint,
    port,
    async reset() {
      await api('reset', {});
      // reset keeps state-manager transitions: a test that held restores would hold the next's.
      await api('state-manager/unset-transition', { model_name: RESTORE_MODEL });
    },
    async holdRestores() {
      // moto moves an object's restore state None -> IN_PROGRESS -> RESTORED, one step per
      // status read once the object has been fetched `times` times since the last step. None
      // renders as "restored" once a restore is requested, so the hold must first put every
      // object in IN_PROGRESS (one HEAD each, then a read of every status through data.json,
      // with times=1), and then freeze there (times = 1e9).
      await setRestoreTransition({ progression: 'manual', times: 1 });
      await headEveryObject(endpoint);
      await api('data.json');
      await setRestoreTransition({ progression: 'manual', times: 1_000_000_000 });
    },
    async releaseRestores() {
      await setRestoreTransition({ progression: 'immediate' });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An AWS SDK client of moto's, for what a test does behind the app's back; destroy it after. */
export function motoClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: MOTO_REGION,
    forcePathStyle: true,
    credentials: MOTO_CREDENTIALS,
  });
}

async function headEveryObject(endpoint: string): Promise<void> {
  const s3 = motoClient(endpoint);
  try {
    const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
    for (const bucket of Buckets) {
      const pages = paginateListObjectsV2({ client: s3 }, { Bucket: bucket.Name });
      for await (const page of pages) {
        for (const object of page.Contents ?? []) {
          await s3.send(new HeadObjectCommand({ Bucket: bucket.Name, Key: object.Key }));
        }
      }
    }
  } finally {
    s3.destroy();
  }
}
