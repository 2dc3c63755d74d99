import type { Catalog } from '../catalog/catalog.js';
import type { EventBus, ProgressUpdate, SavedProgress } from '../events.js';
import { MAX_RECORDED_FAILURES, recordFailure, saveProgress } from './store.js';

export type { ProgressUpdate };

const EMIT_EVERY_MS = 250;
const SAVE_EVERY_MS = 1000;

/**
 * What a job handler uses to tell the world how it is doing: progress is throttled (events
 * four times a second, the catalog once a second), failures are recorded and emitted at once.
 */
export class JobReporter {
  private lastEmit = 0;
  private lastSave = 0;
  private latest: ProgressUpdate | undefined;
  failureCount = 0;

  constructor(
    private readonly catalog: Catalog,
    private readonly bus: EventBus,
    readonly jobId: number,
    readonly kind: string,
  ) {}

  progress(update: ProgressUpdate, force = false): void {
    // A new phase is always told at once: it is what a watcher most wants to see.
    if (update.phase !== this.latest?.phase) force = true;
    this.latest = update;
    const now = Date.now();
    if (force || now - this.lastEmit >= EMIT_EVERY_MS) {
      this.lastEmit = now;
      this.bus.emit({
        type: 'job.progress',
        jobId: this.jobId,
        kind: this.kind,
        at: now,
        ...update,
      });
    }
    if (force || now - this.lastSave >= SAVE_EVERY_MS) {
      this.lastSave = now;
      const saved: SavedProgress = { ...update, failures: this.failureCount };
      saveProgress(this.catalog, this.jobId, saved);
    }
  }

  /** Sends the latest progress even if throttled, so the final numbers are never lost. */
  flush(): void {
    if (this.latest) this.progress(this.latest, true);
  }

  failed(item: string, reason: string): void {
    this.failureCount += 1;
    if (this.failureCount <= MAX_RECORDED_FAILURES) {
      recordFailure(this.catalog, this.jobId, item, reason);
    }
    this.bus.emit({
      type: 'item.failed',
      jobId: this.jobId,
      kind: this.kind,
      at: Date.now(),
      item,
      reason,
    });
  }
}
