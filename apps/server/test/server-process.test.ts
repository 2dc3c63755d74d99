import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { runCli, startCli } from './helpers/cli.js';
import { writeTree } from './helpers/context.js';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(SERVER_DIR, 'node_modules/tsx/dist/esm/index.mjs');
const PASSWORD = 'a long enough password';

let dir: string;
let dataDir: string;
let media: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'glacier-server-'));
  dataDir = path.join(dir, 'data');
  media = path.join(dir, 'media');
  writeTree(media, { 'a.txt': 'a', 'b/c.txt': 'c' });
  for (let i = 0; i < 6; i++) {
    const fd = openSync(path.join(media, `big${i}.bin`), 'w');
    ftruncateSync(fd, 384 * 1024 * 1024 + i);
    closeSync(fd);
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

async function startServer(
  port: number,
): Promise<{ child: ChildProcess; base: string; log: () => string }> {
  const child = spawn(process.execPath, ['--import', TSX, path.join(SERVER_DIR, 'src/main.ts')], {
    env: {
      ...process.env,
      GLACIER_DATA_DIR: dataDir,
      GLACIER_PORT: String(port),
      GLACIER_HOST: '127.0.0.1',
      ADMIN_PASSWORD: PASSWORD,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { child, base, log: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not start:\n${output}`);
}

async function login(base: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(res.status).toBe(204);
  return res.headers.getSetCookie()[0]!.split(';')[0]!;
}

describe('the server process', () => {
  it('relays a CLI scan live, stops cleanly on SIGTERM mid-job, and resumes the job at the next start', async () => {
    const port = await freePort();
    expect(runCli(dataDir, ['roots', 'add', media, '--label', 'media']).code).toBe(0);
    const server = await startServer(port);
    const cookie = await login(server.base);

    // A scan run by the CLI is seen live by a browser connected to the server.
    const socket = new WebSocket(`ws://127.0.0.1:${port}/api/events`, {
      headers: { cookie },
      origin: server.base,
    });
    await once(socket, 'open');
    const events: { type: string; jobId: number; state?: string }[] = [];
    socket.on('message', (data) => events.push(JSON.parse(String(data))));
    const cli = startCli(dataDir, ['scan', 'media']);
    const [code] = await once(cli, 'exit');
    expect(code).toBe(0);
    for (let i = 0; i < 50 && !events.some((e) => e.type === 'job.finished'); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(events.some((e) => e.type === 'job.progress')).toBe(true);
    expect(events.find((e) => e.type === 'job.finished')).toMatchObject({ state: 'done' });
    socket.close();

    // A server scan is stopped by SIGTERM between files and put back in the queue.
    for (let i = 0; i < 6; i++) {
      const fd = openSync(path.join(media, `big${i}.bin`), 'r+');
      ftruncateSync(fd, 384 * 1024 * 1024 + 7 + i);
      closeSync(fd);
    }
    const started = await fetch(`${server.base}/api/scans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.base, cookie },
      body: JSON.stringify({ root: 'media' }),
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: number };
    for (let i = 0; i < 100; i++) {
      const job = (await (
        await fetch(`${server.base}/api/jobs/${id}`, { headers: { cookie } })
      ).json()) as { progress: { phase?: string } | null };
      if (job.progress?.phase === 'reading') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    server.child.kill('SIGTERM');
    const [exitCode] = await once(server.child, 'exit');
    expect(exitCode, server.log()).toBe(0);
    expect(server.log()).toContain('running jobs will resume at the next start');
    const jobs = JSON.parse(runCli(dataDir, ['jobs', '--json']).stdout) as {
      id: number;
      state: string;
    }[];
    expect(jobs.find((j) => j.id === id)?.state).toBe('queued');

    const again = await startServer(port);
    try {
      const cookie2 = await login(again.base);
      let state = '';
      for (let i = 0; i < 300 && state !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = (
          (await (
            await fetch(`${again.base}/api/jobs/${id}`, { headers: { cookie: cookie2 } })
          ).json()) as { state: string }
        ).state;
      }
      expect(state).toBe('done');
    } finally {
      again.child.kill('SIGTERM');
      await once(again.child, 'exit');
    }
  });
});
