import type { QueryClient } from '@tanstack/react-query';
import { queryKeys, type JobEvent, type JobFailure, type JobView } from './api';

const FAILURE_FLUSH_MS = 300;

/**
 * What a finished job may have changed besides itself and the roots: folder listings, file
 * details (tags), the lists of contact sheets (a sheet's index never changes).
 */
const JOB_OUTCOMES = [queryKeys.browse, ['file'], ['sheets', 'list']] as const;

/**
 * Applies the events of `/api/events` (the app's one socket: lib/live-feed.ts) to the TanStack
 * Query cache of jobs. A finished scan, summarise, archive or restore refetches what it changed:
 * the roots, the open folder listings and file details (tags), the contact sheets.
 */
export class EventFeed {
  /** item.failed can come by the thousand: they are appended in batches. */
  private pendingFailures = new Map<number, JobFailure[]>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly queryClient: QueryClient) {}

  /**
   * After the socket opens: what happened while it was down, or before it first opened, is in
   * the API. That includes what a job that ended meanwhile changed (folder listings, file tags,
   * sheets): a restore that ends during a drop must not leave Browse showing "restore
   * requested". Only what was loaded before `olderThan` (the moment the socket opened) is
   * refetched: anything newer already saw the events.
   */
  catchUp(olderThan = Number.POSITIVE_INFINITY): void {
    for (const queryKey of [queryKeys.jobs, queryKeys.roots, ...JOB_OUTCOMES]) {
      void this.queryClient.invalidateQueries(
        { queryKey, predicate: (query) => query.state.dataUpdatedAt < olderThan },
        { cancelRefetch: false },
      );
    }
  }

  apply(event: JobEvent): void {
    switch (event.type) {
      case 'job.queued':
        this.refetchJobList();
        break;
      case 'job.started':
        this.updateJob(event.jobId, (job) => ({
          ...job,
          state: 'running',
          startedAt: job.startedAt ?? event.at,
          finishedAt: null,
          error: null,
        }));
        break;
      case 'job.progress': {
        // Everything but the envelope is the progress, as the server saves it: phase, files,
        // bytes, and for transfers the speed, the time left and the files under way.
        const { type: _type, jobId, kind: _kind, at: _at, ...reported } = event;
        this.updateJob(jobId, (job) => ({
          ...job,
          // A late progress event must not bring a finished job back to life.
          state: job.state === 'queued' ? 'running' : job.state,
          // The server replaces its saved progress with each update, so does the cache: a phase
          // that stops sending a speed or files in flight must not keep showing the old ones.
          // Only the failure count, which the server keeps beside the reported fields, stays.
          progress: { ...failureCount(job.progress), ...reported },
        }));
        break;
      }
      case 'item.failed': {
        const list = this.pendingFailures.get(event.jobId) ?? [];
        list.push({ item: event.item, reason: event.reason, at: event.at });
        this.pendingFailures.set(event.jobId, list);
        this.flushTimer ??= setTimeout(() => this.flushFailures(), FAILURE_FLUSH_MS);
        break;
      }
      case 'job.finished':
        this.flushFailures();
        this.updateJob(event.jobId, (job) => ({
          ...job,
          state: event.state,
          summary: event.summary,
          error: event.error,
          // A paused job has not finished: it keeps its place to resume.
          finishedAt: event.state === 'paused' ? null : event.at,
        }));
        // The stored row is the truth (times, final progress): read it once more. A list fetch
        // already under way may have left the server before the job ended; its answer would
        // put the job back to "running", so it is cancelled and fetched anew.
        this.refetchJobList({ restart: true });
        // What the job changed in the catalog: counts, tags (summarised, archived, restored),
        // sheets.
        if (
          event.kind === 'scan' ||
          event.kind === 'summarise' ||
          event.kind === 'archive' ||
          event.kind === 'restore'
        ) {
          if (event.kind === 'scan') {
            void this.queryClient.invalidateQueries({ queryKey: queryKeys.roots });
          }
          if (event.kind === 'summarise') {
            void this.queryClient.invalidateQueries({ queryKey: queryKeys.sheets });
          }
          void this.queryClient.invalidateQueries({ queryKey: queryKeys.browse });
          void this.queryClient.invalidateQueries({ queryKey: ['file'] });
        }
        break;
    }
  }

  dispose(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.pendingFailures.clear();
  }

  private refetchJobList(options: { restart?: boolean } = {}): void {
    void this.queryClient.invalidateQueries(
      { queryKey: queryKeys.jobList, exact: true },
      { cancelRefetch: options.restart ?? false },
    );
  }

  /** Changes one job in the cached list; a job the list does not have yet refetches it. */
  private updateJob(id: number, change: (job: JobView) => JobView): void {
    const jobs = this.queryClient.getQueryData<JobView[]>(queryKeys.jobList);
    if (!jobs || !jobs.some((job) => job.id === id)) {
      this.refetchJobList();
      return;
    }
    this.queryClient.setQueryData<JobView[]>(queryKeys.jobList, (list) =>
      list?.map((job) => (job.id === id ? change(job) : job)),
    );
  }

  private flushFailures(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    for (const [jobId, added] of this.pendingFailures) {
      const key = queryKeys.jobFailures(jobId);
      if (this.queryClient.getQueryData(key) === undefined) {
        // Nobody holds this job's list yet: whoever shows it will fetch it whole.
        void this.queryClient.invalidateQueries({ queryKey: key, exact: true });
      } else {
        this.queryClient.setQueryData<JobFailure[]>(key, (old = []) => {
          // A fetch that raced the events may hold some of them already.
          // The same event may also come twice within one batch (a replay after a reconnect).
          const seen = new Set(old.map(failureKey));
          const fresh = added.filter((f) => !seen.has(failureKey(f)) && seen.add(failureKey(f)));
          return [...old, ...fresh];
        });
      }
    }
    this.pendingFailures.clear();
  }
}

function failureKey(failure: { at: number; item: string }): string {
  return `${failure.at}\u0000${failure.item}`;
}

/** The part of a saved progress a progress event does not carry. */
function failureCount(progress: unknown): { failures?: unknown } {
  if (typeof progress !== 'object' || progress === null || !('failures' in progress)) return {};
  return { failures: (progress as { failures: unknown }).failures };
}
