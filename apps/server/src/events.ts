import { EventEmitter } from 'node:events';
import type { JobState } from './catalog/schema.js';

/**
 * Progress of every long operation is a stream of these events. The core emits them; the
 * websocket pushes them to browsers and the CLI prints them. Rendering happens at the edges.
 */
export type JobEvent =
  | { type: 'job.queued'; jobId: number; kind: string; at: number }
  | { type: 'job.started'; jobId: number; kind: string; at: number }
  | {
      type: 'job.progress';
      jobId: number;
      kind: string;
      at: number;
      phase: string;
      filesDone: number;
      filesTotal: number | null;
      bytesDone: number;
      bytesTotal: number | null;
      current?: string;
      /** Transfers: bytes a second over the last few seconds, and the time left at that pace. */
      bytesPerSecond?: number;
      etaSeconds?: number | null;
      /** Transfers: the items under way, each with its own progress. */
      active?: { item: string; bytesDone: number; bytes: number }[];
    }
  | { type: 'item.failed'; jobId: number; kind: string; at: number; item: string; reason: string }
  | {
      type: 'job.finished';
      jobId: number;
      kind: string;
      at: number;
      state: Extract<JobState, 'done' | 'failed' | 'cancelled' | 'paused'>;
      summary: Record<string, unknown> | null;
      error: string | null;
    };

export type JobEventType = JobEvent['type'];

/** A job's progress as its handler reports it (a job.progress event without who and when). */
export type ProgressUpdate = Omit<
  Extract<JobEvent, { type: 'job.progress' }>,
  'type' | 'jobId' | 'kind' | 'at'
>;

/** The `progress` a job row keeps (saved once a second): the latest update and failures so far. */
export type SavedProgress = ProgressUpdate & { failures: number };

/** In-process fan-out of job events. */
export class EventBus {
  private readonly emitter = new EventEmitter();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  emit(event: JobEvent): void {
    this.emitter.emit('event', event);
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }
}
