import { fork, type ChildProcess } from 'node:child_process';
import { onShutdown } from '../util/shutdown.js';

/**
 * The WebAssembly HEIC decoder (heic-decode), run in one child process at a time: its heap
 * grows with the largest image decoded and is never given back, and a hostile file could
 * spin it. So decodes are queued one by one, the child is killed (SIGKILL) when a decode
 * overruns its time, and replaced after a failure, after RECYCLE_AFTER decodes, when it has
 * grown past RECYCLE_ABOVE_BYTES, or after IDLE_MS without work, which returns its memory to
 * the NAS. Used where Debian's native libheif tools are missing, and as a second opinion
 * (libheif 1.23 against Debian's 1.15) on files they cannot read.
 */

export type WasmDecode =
  { ok: true; width: number; height: number; data: Buffer } | { ok: false; reason: string };

export interface WasmRequest {
  absPath: string;
  size: number;
  maxPixels: number;
  /** Time left for this decode, asked when its turn comes (queued time counts too). */
  remainingMs(): number;
}

/**
 * Measured on the samples: a 12 MP decode takes 0.4–0.6 s and leaves the child at ~210 MB, a
 * 50 MP one 0.8–1 s and ~715 MB; a fresh child idles at ~80 MB. So the child is replaced
 * after a few decodes, or at once when a large image left it big.
 */
const RECYCLE_AFTER = 8;
const RECYCLE_ABOVE_BYTES = 400 * 1024 * 1024;
const IDLE_MS = 15_000;
const CHILD_SCRIPT = new URL('./heic-decode-child.js', import.meta.url);

type Reply = { id: number; rss?: number } & WasmDecode;

class WasmDecoder {
  private child: ChildProcess | null = null;
  private decodes = 0;
  private nextId = 1;
  private tail: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;

  decode(request: WasmRequest): Promise<WasmDecode> {
    const run = this.tail.then(() => this.decodeNow(request));
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Ends the child now; a later decode starts a new one. */
  async stop(): Promise<void> {
    clearTimeout(this.idleTimer);
    const child = this.child;
    this.child = null;
    this.decodes = 0;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Referenced while waiting: with nothing else pending, an unreferenced child would let the
    // event loop run dry, and 'beforeExit' ends exiftool's processes (BatchCluster) with it.
    child.ref();
    child.kill('SIGKILL');
    await exited;
  }

  private async decodeNow(request: WasmRequest): Promise<WasmDecode> {
    clearTimeout(this.idleTimer);
    const timeoutMs = request.remainingMs();
    if (timeoutMs <= 0) return { ok: false, reason: 'HEIC decoding timed out' };
    const child = this.ensureChild();
    const { result, rss } = await this.exchange(child, request, timeoutMs);
    this.decodes++;
    // After a failure too: a WebAssembly module that aborted (out of memory on a hostile box
    // size) stays broken, and would fail the next good file.
    const spent = !result.ok && !/too large/.test(result.reason);
    if (spent || this.decodes >= RECYCLE_AFTER || rss > RECYCLE_ABOVE_BYTES) await this.stop();
    else this.idleTimer = setTimeout(() => void this.stop(), IDLE_MS).unref();
    return result;
  }

  private ensureChild(): ChildProcess {
    if (this.child && this.child.connected) return this.child;
    this.decodes = 0;
    this.child = fork(CHILD_SCRIPT, [], {
      // Not the parent's flags: a test runner's loaders have no business in the decoder.
      execArgv: [],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    // Failing to start or to receive a message ends in 'exit', handled per decode; without a
    // listener an 'error' event would crash the server.
    this.child.on('error', () => undefined);
    // The server must never wait for this child to exit.
    this.child.unref();
    this.child.channel?.unref();
    return this.child;
  }

  private exchange(
    child: ChildProcess,
    request: WasmRequest,
    timeoutMs: number,
  ): Promise<{ result: WasmDecode; rss: number }> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const finish = (result: WasmDecode, rss = 0) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve({ result, rss });
      };
      const onMessage = (message: unknown) => {
        if (isReply(message) && message.id === id)
          finish(toDecode(message), numberOr0(message.rss));
      };
      // The OOM killer or a libheif abort: the reason is the same for the user.
      const onExit = () => finish({ ok: false, reason: 'HEIC decoder crashed' });
      const timer = setTimeout(
        () => finish({ ok: false, reason: 'HEIC decoding timed out' }),
        timeoutMs,
      );
      child.on('message', onMessage);
      child.once('exit', onExit);
      const { absPath, size, maxPixels } = request;
      child.send({ id, absPath, size, maxPixels }, (error) => {
        if (error) finish({ ok: false, reason: 'HEIC decoder crashed' });
      });
    });
  }
}

function isReply(message: unknown): message is Reply {
  return (
    typeof message === 'object' &&
    message !== null &&
    'id' in message &&
    typeof message.id === 'number' &&
    'ok' in message &&
    typeof message.ok === 'boolean'
  );
}

/** Checks the child's answer instead of trusting it: a wrong shape is a failed decode. */
function toDecode(reply: Reply): WasmDecode {
  if (!reply.ok) return { ok: false, reason: String(reply.reason) };
  const { width, height } = reply;
  const data: unknown = reply.data;
  const valid =
    Number.isInteger(width) &&
    Number.isInteger(height) &&
    data instanceof Uint8Array &&
    data.length === width * height * 3;
  if (!valid) return { ok: false, reason: 'HEIC could not be decoded' };
  return { ok: true, width, height, data: Buffer.from(data.buffer, data.byteOffset, data.length) };
}

const shared = new WasmDecoder();

export function decodeHeicWasm(request: WasmRequest): Promise<WasmDecode> {
  return shared.decode(request);
}

export function stopHeicWasm(): Promise<void> {
  return shared.stop();
}
onShutdown(stopHeicWasm);

function numberOr0(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
