import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/**
 * Runs the media tools (ffmpeg, heif-convert, …) without a shell and with a hard time limit.
 * A decoder stuck on a hostile file usually ignores SIGTERM, so a timeout sends SIGKILL.
 * Bad media never throws here: every outcome is a value the caller turns into a reason.
 */

export type ChildRun =
  | { outcome: 'exited'; code: number; stdout: Buffer; stderr: string }
  | { outcome: 'timeout' }
  | { outcome: 'overflow' }
  | { outcome: 'signal'; signal: string }
  | { outcome: 'missing' };

export interface ChildOptions {
  timeoutMs: number;
  /** Bytes of stdout kept; more kills the child (a frame or an error message is far smaller). */
  maxOutputBytes?: number;
}

const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
const MAX_STDERR_BYTES = 64 * 1024;

export function runChild(binary: string, args: string[], options: ChildOptions): Promise<ChildRun> {
  if (options.timeoutMs <= 0) return Promise.resolve({ outcome: 'timeout' });
  const maxOutput = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  return new Promise((resolve) => {
    // stdin ignored: a tool that asks a question (ffmpeg's "overwrite? [y/N]") reads EOF.
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const stdout = new BoundedBuffer(maxOutput);
    const stderr = new BoundedBuffer(MAX_STDERR_BYTES);
    let stopped: 'timeout' | 'overflow' | null = null;
    const stop = (why: 'timeout' | 'overflow') => {
      stopped ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => stop('timeout'), Math.ceil(options.timeoutMs));
    child.stdout.on('data', (chunk: Buffer) => {
      if (!stdout.push(chunk)) stop('overflow');
    });
    // stderr past its bound is dropped, not fatal: only its first lines make a reason.
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // Emitted when the binary cannot be started (ENOENT, EACCES): as good as not installed.
    // 'close' may follow; the promise keeps the first answer.
    child.on('error', () => {
      clearTimeout(timer);
      resolve({ outcome: 'missing' });
    });
    // Once killed, 'exit' is enough: 'close' would also wait for any grandchild still holding
    // the pipes, and the output of a killed child is not wanted.
    child.on('exit', () => {
      if (!stopped) return;
      clearTimeout(timer);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve({ outcome: stopped });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (stopped) return resolve({ outcome: stopped });
      // Killed by someone else, e.g. the kernel's OOM killer on a small NAS.
      if (signal) return resolve({ outcome: 'signal', signal });
      resolve({
        outcome: 'exited',
        code: code ?? -1,
        stdout: stdout.toBuffer(),
        stderr: stderr.toBuffer().toString('utf8'),
      });
    });
  });
}

/** Collects chunks up to a byte limit; push() says false once the limit is passed. */
class BoundedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): boolean {
    if (this.size + chunk.length > this.limit) return false;
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks, this.size);
  }
}

/** The first non-empty line of a tool's stderr, shortened for a reason shown on a tile. */
export function firstLine(text: string, max = 120): string {
  const line = text
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0);
  if (!line) return 'no message';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

const lookups = new Map<string, string | null>();

/**
 * The absolute path of the first executable `name` on PATH, or null. Cached: the tools are
 * installed with the image, not while the server runs.
 */
export function findExecutable(name: string): string | null {
  const cached = lookups.get(name);
  if (cached !== undefined) return cached;
  let found: string | null = null;
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      found = candidate;
      break;
    } catch {
      // Not in this directory.
    }
  }
  lookups.set(name, found);
  return found;
}
