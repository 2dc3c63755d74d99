import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Catalog } from '../catalog/catalog.js';
import { AppError, CancelledError, ConflictError, DataVolumeFullError } from '../errors.js';
import type { EventBus } from '../events.js';
import { JobReporter, type ProgressUpdate } from './reporter.js';
import {
  claimNextJob,
  controlsFor,
  finishJob,
  getJob,
  heartbeat,
  insertJob,
  runningJobs,
  setControl,
  setState,
  type JobRow,
} from './store.js';

/** Why a running job was asked to stop; each ends in a different state. */
export type StopReason = 'pause' | 'cancel' | 'shutdown';

export interface JobContext {
  job: JobRow;
  signal: AbortSignal;
  report: JobReporter;
  /**
   * Runs `wait` (a sleep until there may be news, such as a restore thawing for hours) with
   * this job's slot given up, so that the next queued job of its kind can run meanwhile; then
   * takes a slot again before it returns (once the job holding it ends or waits in turn). The
   * job stays `running` in the catalog with its heartbeat throughout, so a restart resumes it
   * as any other. Rejects with CancelledError if the job is stopped while waiting for a slot.
   */
  waitOutsideSlot<T>(wait: () => Promise<T>): Promise<T>;
}

/** Runs one job to its end and returns its summary; throws (or returns early) when aborted. */
export type JobHandler = (ctx: JobContext) => Promise<Record<string, unknown>>;

export interface RunnerOptions {
  /** Poll for queued jobs and foreign controls this often. */
  tickMs?: number;
  /** A running job whose owner has not written a heartbeat for this long is taken over. */
  staleAfterMs?: number;
  log?: { info(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

interface RunningJob {
  kind: string;
  abort: AbortController;
  done: Promise<JobRow>;
  /** Holds its kind's slot: false while the job waits outside it (waitOutsideSlot). */
  active: boolean;
}

/**
 * Runs persisted jobs: one handler per kind (checked at construction), at most one job per
 * kind working at a time in this process. A job that only waits (a restore polling S3 for
 * hours) gives its slot up meanwhile: the next job of its kind starts, and the waiting one
 * queues for the slot again when it has work. Jobs survive restarts: a job left `running` by a
 * dead process (no heartbeat) is queued again and resumes; handlers are written to be rerun
 * safely.
 */
export class JobRunner {
  /** pid@host#nonce: the nonce tells this run apart from an earlier one with the same pid (pid 1 in a container). */
  readonly owner = `${process.pid}@${hostname()}#${randomBytes(4).toString('hex')}`;
  private readonly running = new Map<number, RunningJob>();
  /** Per kind, the waiting jobs that want their slot back, first come first served. */
  private readonly slotQueue = new Map<string, (() => void)[]>();
  /** Last relayed progress of jobs that other processes run. */
  private foreign = new Map<number, string>();
  private timer: NodeJS.Timeout | undefined;
  private lastHeartbeat = 0;
  private stopping = false;
  private readonly tickMs: number;
  private readonly staleAfterMs: number;

  constructor(
    private readonly catalog: Catalog,
    private readonly bus: EventBus,
    private readonly handlers: Record<string, JobHandler>,
    private readonly options: RunnerOptions = {},
  ) {
    this.tickMs = options.tickMs ?? 1000;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
  }

  /** Starts polling: resumes jobs that died with their process, then runs what is queued. */
  start(): void {
    this.requeueAbandoned();
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
    this.tick();
  }

  /** Queues a job for the server's loop. */
  enqueue(kind: string, params: Record<string, unknown>): JobRow {
    this.assertKnown(kind);
    const job = insertJob(this.catalog, kind, params);
    this.bus.emit({ type: 'job.queued', jobId: job.id, kind, at: Date.now() });
    if (this.timer) setImmediate(() => this.tick());
    return job;
  }

  /** Creates a job already claimed by this process and runs it now (the CLI's way). */
  async runNow(kind: string, params: Record<string, unknown>): Promise<JobRow> {
    this.assertKnown(kind);
    const job = insertJob(this.catalog, kind, params, { owner: this.owner });
    this.bus.emit({ type: 'job.queued', jobId: job.id, kind, at: Date.now() });
    const heartbeatTimer = this.timer ? undefined : setInterval(() => this.beat(), this.tickMs);
    try {
      return await this.execute(job).done;
    } finally {
      if (heartbeatTimer) clearInterval(heartbeatTimer);
    }
  }

  /** Resumes a queued or running job claimed in another process run (the CLI's `--resume`). */
  async runClaimed(job: JobRow): Promise<JobRow> {
    return this.execute(job).done;
  }

  pause(id: number): JobRow {
    return this.control(id, 'pause');
  }

  cancel(id: number): JobRow {
    return this.control(id, 'cancel');
  }

  resume(id: number): JobRow {
    if (!setState(this.catalog, id, ['paused', 'failed'], 'queued')) {
      const job = getJob(this.catalog, id);
      throw new ConflictError(`Job ${id} is ${job.state}: only a paused or failed job can resume`);
    }
    this.bus.emit({
      type: 'job.queued',
      jobId: id,
      kind: getJob(this.catalog, id).kind,
      at: Date.now(),
    });
    if (this.timer) setImmediate(() => this.tick());
    return getJob(this.catalog, id);
  }

  /** Stops the loop; running jobs go back to `queued` and resume at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    for (const run of this.running.values()) run.abort.abort('shutdown' satisfies StopReason);
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  private control(id: number, action: 'pause' | 'cancel'): JobRow {
    const job = getJob(this.catalog, id);
    if (job.state === 'queued' || (job.state === 'paused' && action === 'cancel')) {
      const to = action === 'cancel' ? 'cancelled' : 'paused';
      setState(this.catalog, id, [job.state], to);
      this.bus.emit({
        type: 'job.finished',
        jobId: id,
        kind: job.kind,
        at: Date.now(),
        state: to,
        summary: job.summary ?? null,
        error: null,
      });
      return getJob(this.catalog, id);
    }
    if (job.state !== 'running') {
      throw new ConflictError(`Job ${id} is ${job.state}: it cannot be ${action}d`);
    }
    const local = this.running.get(id);
    if (local) local.abort.abort(action satisfies StopReason);
    else setControl(this.catalog, id, action);
    return getJob(this.catalog, id);
  }

  private assertKnown(kind: string): void {
    if (!this.handlers[kind]) throw new Error(`No handler for job kind "${kind}"`);
  }

  private tick(): void {
    if (this.stopping) return;
    try {
      this.beat();
      this.requeueAbandoned();
      const free = Object.keys(this.handlers).filter((k) => !this.slotTaken(k));
      const job = claimNextJob(this.catalog, this.owner, free);
      if (job) this.execute(job);
      this.relayForeignJobs();
    } catch (error) {
      this.options.log?.error({ err: error }, 'job runner tick failed');
    }
  }

  /**
   * Jobs run by another process (the CLI) reach this process's listeners too: their saved
   * progress is relayed as events, and their end as job.finished, so browsers watch a CLI scan
   * live (at the pace of the saved progress, once a second).
   */
  private relayForeignJobs(): void {
    const seen = new Map<number, string>();
    for (const job of runningJobs(this.catalog)) {
      if (job.owner === this.owner) continue;
      const progress = JSON.stringify(job.progress);
      seen.set(job.id, progress);
      if (this.foreign.get(job.id) === progress || !job.progress) continue;
      this.bus.emit({
        type: 'job.progress',
        jobId: job.id,
        kind: job.kind,
        at: Date.now(),
        ...(job.progress as unknown as ProgressUpdate),
      });
    }
    for (const id of this.foreign.keys()) {
      if (seen.has(id)) continue;
      const job = getJob(this.catalog, id);
      if (
        job.state === 'done' ||
        job.state === 'failed' ||
        job.state === 'cancelled' ||
        job.state === 'paused'
      ) {
        this.bus.emit({
          type: 'job.finished',
          jobId: id,
          kind: job.kind,
          at: Date.now(),
          state: job.state as 'done' | 'failed' | 'cancelled' | 'paused',
          summary: job.summary ?? null,
          error: job.error,
        });
      }
    }
    this.foreign = seen;
  }

  /** Writes the heartbeat and applies pauses and cancels asked by other processes. */
  private beat(): void {
    const now = Date.now();
    if (now - this.lastHeartbeat >= Math.min(5000, this.staleAfterMs / 3)) {
      this.lastHeartbeat = now;
      heartbeat(this.catalog, this.owner);
    }
    for (const { id, control } of controlsFor(this.catalog, this.owner)) {
      this.running.get(id)?.abort.abort(control as StopReason);
    }
  }

  private requeueAbandoned(): void {
    const now = Date.now();
    for (const job of runningJobs(this.catalog)) {
      if (job.owner === this.owner) continue;
      if (isOwnerAlive(job.owner) && now - (job.heartbeatAt ?? 0) < this.staleAfterMs) continue;
      if (setState(this.catalog, job.id, ['running'], 'queued')) {
        this.options.log?.info(
          { jobId: job.id, kind: job.kind },
          'resuming a job whose process died',
        );
      }
    }
  }

  /** A job of this kind holds the slot, or waits to take it back. */
  private slotTaken(kind: string): boolean {
    return (this.slotQueue.get(kind)?.length ?? 0) > 0 || this.slotHeld(kind);
  }

  private slotHeld(kind: string): boolean {
    for (const run of this.running.values()) if (run.kind === kind && run.active) return true;
    return false;
  }

  /** A slot of this kind came free: a waiting job takes it back first, else the loop may claim. */
  private slotFreed(kind: string): void {
    if (this.slotHeld(kind)) return;
    const next = this.slotQueue.get(kind)?.shift();
    if (next) next();
    else if (!this.stopping && this.timer) setImmediate(() => this.tick());
  }

  private async outsideSlot<T>(run: RunningJob, wait: () => Promise<T>): Promise<T> {
    run.active = false;
    this.slotFreed(run.kind);
    try {
      return await wait();
    } finally {
      // A stopped job ends without the slot: it has nothing more to do but say so.
      if (!run.abort.signal.aborted) await this.retakeSlot(run);
    }
  }

  private retakeSlot(run: RunningJob): Promise<void> {
    if (!this.slotTaken(run.kind)) {
      run.active = true;
      return Promise.resolve();
    }
    const queue = this.slotQueue.get(run.kind) ?? [];
    this.slotQueue.set(run.kind, queue);
    const signal = run.abort.signal;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        queue.splice(queue.indexOf(take), 1);
        reject(new CancelledError('the job was stopped while it waited for its turn'));
        this.slotFreed(run.kind);
      };
      const take = () => {
        signal.removeEventListener('abort', onAbort);
        run.active = true;
        resolve();
      };
      queue.push(take);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private execute(job: JobRow): RunningJob {
    const abort = new AbortController();
    const report = new JobReporter(this.catalog, this.bus, job.id, job.kind);
    const handler = this.handlers[job.kind]!;
    this.bus.emit({ type: 'job.started', jobId: job.id, kind: job.kind, at: Date.now() });
    // Registered before the handler starts: its slot is taken from the first instruction on.
    const run = { kind: job.kind, abort, active: true } as RunningJob;
    this.running.set(job.id, run);
    run.done = (async (): Promise<JobRow> => {
      let finished: JobRow;
      try {
        const summary = await handler({
          job,
          signal: abort.signal,
          report,
          waitOutsideSlot: (wait) => this.outsideSlot(run, wait),
        });
        report.flush();
        finished = this.finishAfterRun(job, abort.signal, {
          ...summary,
          failures: report.failureCount,
        });
      } catch (thrown) {
        const error = DataVolumeFullError.from(thrown) ?? thrown;
        report.flush();
        finished = abort.signal.aborted
          ? this.finishAfterRun(job, abort.signal, { failures: report.failureCount })
          : finishJob(this.catalog, job.id, 'failed', { error: describeJobError(error) });
        if (!abort.signal.aborted && !(error instanceof AppError)) {
          this.options.log?.error(
            { err: error, jobId: job.id },
            'job failed with an unexpected error',
          );
        }
      } finally {
        this.running.delete(job.id);
        this.slotFreed(job.kind);
      }
      this.bus.emit({
        type: 'job.finished',
        jobId: job.id,
        kind: job.kind,
        at: Date.now(),
        state: finished.state as 'done' | 'failed' | 'cancelled' | 'paused',
        summary: finished.summary ?? null,
        error: finished.error,
      });
      if (!this.stopping && this.timer) setImmediate(() => this.tick());
      return finished;
    })();
    return run;
  }

  private finishAfterRun(
    job: JobRow,
    signal: AbortSignal,
    summary: Record<string, unknown>,
  ): JobRow {
    if (!signal.aborted) return finishJob(this.catalog, job.id, 'done', { summary });
    const reason = signal.reason as StopReason;
    if (reason === 'pause') return finishJob(this.catalog, job.id, 'paused', { summary });
    if (reason === 'cancel') return finishJob(this.catalog, job.id, 'cancelled', { summary });
    return finishJob(this.catalog, job.id, 'queued', { summary });
  }
}

function describeJobError(error: unknown): string {
  if (error instanceof AppError) return error.message;
  return `Internal error: ${error instanceof Error ? error.message : String(error)}`;
}

/** True unless the owner is a process on this host that no longer exists. */
function isOwnerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const match = /^(\d+)@(.*)#[0-9a-f]+$/.exec(owner);
  if (!match) return false;
  const [, pidText, host] = match;
  if (host !== hostname()) return true;
  if (Number(pidText) === process.pid) return false;
  try {
    process.kill(Number(pidText), 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
