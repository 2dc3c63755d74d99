/**
 * moto's S3 server on a free loopback port, for the specs that archive to S3: the same
 * approach as the server's test helper (apps/server/test/helpers/moto.ts). moto is installed
 * into <repo>/.venv-moto by scripts/moto.sh, which this runs when the venv is missing.
 */
import {
  CreateBucketCommand,
  HeadObjectCommand,
  S3Client,
  paginateListObjectsV2,
} from '@aws-sdk/client-s3';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort, repoRoot } from './server';

/** Credentials moto accepts (it checks no signature); the server gets them in its env. */
export const MOTO_ENV = {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
};

/** The first run on a machine installs moto with pip: give it time. */
export const MOTO_START_TIMEOUT_MS = 300_000;

export interface Moto {
  endpoint: string;
  createBucket(bucket: string): Promise<void>;
  /** Every key under `prefix` with its storage class and sha256 metadata. */
  objects(
    bucket: string,
    prefix?: string,
  ): Promise<{ key: string; size: number; storageClass: string; sha256: string | undefined }[]>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const server = await ensureMotoInstalled();
  let lastError: unknown;
  // A free port can be taken between the probe and moto's bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      return handle(await spawnMoto(server, port), `http://127.0.0.1:${port}`);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function ensureMotoInstalled(): Promise<string> {
  const venv = process.env.MOTO_VENV ?? path.join(repoRoot, '.venv-moto');
  const server = path.join(venv, 'bin/moto_server');
  if (existsSync(path.join(venv, '.glacier-moto-5.2.5')) && existsSync(server)) return server;
  const { stdout } = await promisify(execFile)('bash', [path.join(repoRoot, 'scripts/moto.sh')], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim().split('\n').at(-1) ?? server;
}

async function spawnMoto(server: string, port: number): Promise<ChildProcess> {
  const child = spawn(server, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_S3_DEFAULT_KEY_BUFFER_SIZE: String(16 * 1024 * 1024) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // werkzeug logs every request on stderr: keep the tail for a failure message.
  const tail: string[] = [];
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    tail.push(chunk);
    if (tail.length > 40) tail.shift();
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      await response.arrayBuffer();
      if (response.ok) return child;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`moto_server did not start on port ${port}\n${tail.join('')}`);
}

function handle(child: ChildProcess, endpoint: string): Moto {
  const s3 = new S3Client({
    endpoint,
    region: MOTO_ENV.AWS_REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    async createBucket(bucket) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    },
    async objects(bucket, prefix = '') {
      const found = [];
      for await (const page of paginateListObjectsV2(
        { client: s3 },
        { Bucket: bucket, Prefix: prefix },
      )) {
        for (const object of page.Contents ?? []) {
          const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: object.Key }));
          found.push({
            key: object.Key!,
            size: object.Size ?? 0,
            storageClass: head.StorageClass ?? 'STANDARD',
            sha256: head.Metadata?.sha256,
          });
        }
      }
      return found;
    },
    async stop() {
      s3.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
