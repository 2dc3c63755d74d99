import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Paths of the things under test, from this file's place in the repository. */
export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
/** The server's entry point; GLACIER_E2E_SERVER points at another build (an absolute path). */
export const serverMain =
  process.env.GLACIER_E2E_SERVER ?? path.join(repoRoot, 'apps', 'server', 'dist', 'main.js');
export const webDir = path.join(repoRoot, 'apps', 'web', 'out');
/**
 * Screenshots, traces and server logs. GLACIER_E2E_ARTIFACTS gives a run a folder of its own
 * (Playwright empties its output folder at the start: two runs at once would wipe each other).
 */
export const artifactsDir = path.resolve(
  process.env.GLACIER_E2E_ARTIFACTS ?? path.join(repoRoot, 'artifacts', 'e2e'),
);

export interface RunningServer {
  baseURL: string;
  port: number;
  dataDir: string;
  logFile: string;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1, found by letting the kernel pick one and releasing it. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error('could not read the probe port'));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}

/**
 * Starts `node apps/server/dist/main.js` on a free loopback port with a fresh data dir and the
 * built web UI, and resolves once `GET /api/health` answers 200.
 */
export async function startServer(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<RunningServer> {
  if (!existsSync(serverMain)) {
    throw new Error(`${serverMain} is missing: run \`pnpm build\` at the repository root first.`);
  }
  if (!existsSync(path.join(webDir, 'index.html'))) {
    throw new Error(
      `${webDir}/index.html is missing: run \`pnpm build\` at the repository root first.`,
    );
  }

  const dataDir = await mkdtemp(path.join(tmpdir(), `glacier-e2e-${name}-`));
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  mkdirSync(artifactsDir, { recursive: true });
  const logFile = path.join(artifactsDir, `server-${name}.log`);
  const log = createWriteStream(logFile);

  const child = spawn(process.execPath, [serverMain], {
    cwd: dataDir,
    env: {
      ...process.env,
      GLACIER_DATA_DIR: dataDir,
      GLACIER_PORT: String(port),
      GLACIER_HOST: '127.0.0.1',
      GLACIER_WEB_DIR: webDir,
      GLACIER_LOG_LEVEL: process.env.GLACIER_LOG_LEVEL ?? 'info',
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );

  const stop = async () => {
    await kill(child, exited);
    log.end();
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(baseURL, exited, 30_000);
  } catch (error) {
    await stop();
    const tail = (await readFile(logFile, 'utf8').catch(() => ''))
      .split('\n')
      .slice(-40)
      .join('\n');
    throw new Error(`${(error as Error).message}\n--- server log (${logFile}) ---\n${tail}`);
  }
  return { baseURL, port, dataDir, logFile, stop };
}

async function waitForHealth(baseURL: string, exited: Promise<number | null>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  let lastError = 'no answer';
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`The server exited with code ${exitCode} before it was healthy.`);
    try {
      const response = await fetch(`${baseURL}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
      lastError = `status ${response.status}`;
    } catch (error) {
      lastError = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`The server at ${baseURL} was not healthy after ${timeoutMs} ms (${lastError}).`);
}

async function kill(child: ChildProcess, exited: Promise<number | null>) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000));
  if ((await Promise.race([exited, timer])) === 'timeout') {
    child.kill('SIGKILL');
    await exited;
  }
}
