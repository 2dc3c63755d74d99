// The live feed's reducer: job events applied to the real TanStack Query cache the pages read,
// with "the server" played by query functions answering from a list the test holds. Every check
// reads the cache the way a job card does (lib/jobs.ts, lib/format.ts) and asserts what it shows.
import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys, type JobEvent, type JobFailure, type JobView } from './api';
import { EventFeed } from './events';
import { formatBytes, formatEta, formatPercent, formatRate } from './format';
import { readProgress } from './jobs';
import { job, T0, tearDown, watchQuery } from './test-kit';

type ProgressFields = Omit<Extract<JobEvent, { type: 'job.progress' }>, 'type' | 'jobId' | 'kind'>;

const progress = (jobId: number, fields: Partial<ProgressFields>, kind = 'archive'): JobEvent => ({
  type: 'job.progress',
  jobId,
  kind,
  at: T0 + 5000,
  phase: 'uploading',
  filesDone: 0,
  filesTotal: null,
  bytesDone: 0,
  bytesTotal: null,
  ...fields,
});

const finished = (
  jobId: number,
  state: 'done' | 'failed' | 'cancelled' | 'paused',
  kind = 'archive',
  at = T0 + 9000,
): JobEvent => ({
  type: 'job.finished',
  jobId,
  kind,
  at,
  state,
  summary: state === 'done' ? { archived: 3 } : null,
  error: state === 'failed' ? 'Bucket not found' : null,
});

const failed = (jobId: number, item: string, at: number): JobEvent => ({
  type: 'item.failed',
  jobId,
  kind: 'archive',
  at,
  item,
  reason: 'Permission denied',
});

/** What the job card shows of a job's progress. */
function card(j: JobView | undefined) {
  const p = readProgress(j?.progress ?? null);
  return {
    state: j?.state,
    percent: p.fraction === null ? null : formatPercent(p.fraction),
    bytes:
      p.bytesDone === null
        ? null
        : `${formatBytes(p.bytesDone)} / ${p.bytesTotal === null ? '?' : formatBytes(p.bytesTotal)}`,
    speed: formatRate(p.bytesPerSecond),
    eta: formatEta(p.etaSeconds),
    inFlight: p.active.map((a) => a.item),
    current: p.current,
  };
}

let client: QueryClient;
let feed: EventFeed;
/** The server's answer to GET /api/jobs. */
let serverJobs: JobView[];
let jobListFetches: number;

const cachedJobs = () => client.getQueryData<JobView[]>(queryKeys.jobList);
const cachedJob = (id: number) => cachedJobs()?.find((j) => j.id === id);

/** A page showing the job list (as AppShell does): an active query the feed keeps fresh. */
function watchJobList(
  fetchJobs: () => Promise<JobView[]> = async () => structuredClone(serverJobs),
) {
  watchQuery(client, queryKeys.jobList, () => {
    jobListFetches += 1;
    return fetchJobs();
  });
}

/** Lets every fetch under way finish (their query functions answer without waiting). */
async function settle() {
  do await new Promise((resolve) => setImmediate(resolve));
  while (client.isFetching() > 0);
}

beforeEach(() => {
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  feed = new EventFeed(client);
  serverJobs = [];
  jobListFetches = 0;
});

afterEach(() => {
  feed.dispose();
  tearDown(client);
});

describe('job.progress', () => {
  it('shows a running upload live: percentage, bytes, speed, time left, files in flight', () => {
    client.setQueryData(queryKeys.jobList, [job({ progress: { phase: 'planning', failures: 1 } })]);
    feed.apply(
      progress(7, {
        filesDone: 1,
        filesTotal: 3,
        bytesDone: 3_740_000,
        bytesTotal: 10_000_000,
        bytesPerSecond: 1_250_000,
        etaSeconds: 5 * 60 + 1,
        active: [{ item: 'Trip/IMG_2.JPG', bytesDone: 100, bytes: 4_000_000 }],
      }),
    );
    expect(card(cachedJob(7))).toEqual({
      state: 'running',
      percent: '37 %',
      bytes: '3.74 MB / 10.0 MB',
      speed: '1.25 MB/s',
      eta: '5 min',
      inFlight: ['Trip/IMG_2.JPG'],
      current: null,
    });
    // The saved progress counts failures, which events do not carry: it is kept.
    expect(readProgress(cachedJob(7)!.progress).failures).toBe(1);
    // Nothing but the envelope is dropped; the envelope is not progress.
    expect(cachedJob(7)!.progress).not.toHaveProperty('jobId');
    expect(cachedJob(7)!.progress).not.toHaveProperty('type');
  });

  it('follows successive events, the last one winning', () => {
    client.setQueryData(queryKeys.jobList, [job()]);
    for (const done of [1_000_000, 5_000_000, 10_000_000]) {
      feed.apply(progress(7, { bytesDone: done, bytesTotal: 10_000_000, etaSeconds: 42 }));
    }
    expect(card(cachedJob(7))).toMatchObject({ percent: '100 %', bytes: '10.0 MB / 10.0 MB' });
  });

  it('changes only the job it names', () => {
    const other = job({ id: 8, progress: { phase: 'reading', bytesDone: 5, bytesTotal: 10 } });
    client.setQueryData(queryKeys.jobList, [job(), other]);
    feed.apply(progress(7, { bytesDone: 9, bytesTotal: 10 }));
    expect(card(cachedJob(8)).percent).toBe('50 %');
    expect(cachedJob(8)).toBe(other);
  });

  it('moves a queued job to running at its first progress', () => {
    client.setQueryData(queryKeys.jobList, [job({ state: 'queued', startedAt: null })]);
    feed.apply(progress(7, { filesDone: 0, filesTotal: 4 }));
    expect(card(cachedJob(7))).toMatchObject({ state: 'running', percent: '0 %' });
  });

  it('does not bring a finished job back to life when a progress event comes late', () => {
    client.setQueryData(queryKeys.jobList, [job()]);
    feed.apply(finished(7, 'done'));
    feed.apply(progress(7, { bytesDone: 10, bytesTotal: 20 }));
    expect(cachedJob(7)?.state).toBe('done');
    feed.apply(finished(7, 'cancelled'));
    feed.apply(progress(7, { bytesDone: 10, bytesTotal: 20 }));
    expect(cachedJob(7)?.state).toBe('cancelled');
  });

  // The server replaces its saved progress with each update (jobs/reporter.ts saveProgress): a
  // restore going from "downloading" to "waiting for restores" must not keep the old speed.
  it('drops the transfer fields a later phase no longer reports', () => {
    client.setQueryData(queryKeys.jobList, [job({ kind: 'restore', progress: { failures: 0 } })]);
    feed.apply(
      progress(
        7,
        {
          phase: 'downloading',
          filesDone: 1,
          filesTotal: 4,
          bytesDone: 2_000_000,
          bytesTotal: 8_000_000,
          bytesPerSecond: 900_000,
          etaSeconds: 7,
          active: [{ item: 'Trip/IMG_3.JPG', bytesDone: 1, bytes: 2_000_000 }],
        },
        'restore',
      ),
    );
    feed.apply(
      progress(
        7,
        {
          phase: 'waiting for restores',
          filesDone: 2,
          filesTotal: 4,
          bytesDone: 4_000_000,
          bytesTotal: 8_000_000,
          current: '2 being restored; next check 2023-11-14 22:30 UTC',
          etaSeconds: 3 * 3600,
        },
        'restore',
      ),
    );
    expect(card(cachedJob(7))).toEqual({
      state: 'running',
      percent: '50 %',
      bytes: '4.00 MB / 8.00 MB',
      speed: '—',
      eta: '3 h',
      inFlight: [],
      current: '2 being restored; next check 2023-11-14 22:30 UTC',
    });
  });
});

describe('job.started, job.queued and jobs the list does not hold yet', () => {
  it('marks a started job running and keeps the first start time', () => {
    client.setQueryData(queryKeys.jobList, [
      job({ state: 'queued', startedAt: null }),
      job({ id: 8, state: 'paused', startedAt: T0 + 10, finishedAt: null, error: 'x' }),
    ]);
    feed.apply({ type: 'job.started', jobId: 7, kind: 'archive', at: T0 + 2000 });
    feed.apply({ type: 'job.started', jobId: 8, kind: 'archive', at: T0 + 3000 });
    expect(cachedJob(7)).toMatchObject({ state: 'running', startedAt: T0 + 2000 });
    expect(cachedJob(8)).toMatchObject({ state: 'running', startedAt: T0 + 10, error: null });
  });

  it('fetches the list when a job is queued, or when an event names a job it lacks', async () => {
    serverJobs = [job()];
    client.setQueryData(queryKeys.jobList, serverJobs);
    watchJobList();
    expect(jobListFetches).toBe(0);

    serverJobs = [job(), job({ id: 9, kind: 'scan', state: 'queued' })];
    feed.apply({ type: 'job.queued', jobId: 9, kind: 'scan', at: T0 });
    await settle();
    expect(cachedJob(9)?.state).toBe('queued');

    // A job started from the CLI: its first event is a progress the list knows nothing of.
    serverJobs = [...serverJobs, job({ id: 10, kind: 'scan', progress: { phase: 'listing' } })];
    feed.apply(progress(10, { phase: 'listing', filesDone: 40 }, 'scan'));
    await settle();
    expect(cachedJob(10)?.progress).toEqual({ phase: 'listing' });
    expect(jobListFetches).toBe(2);
  });
});

describe('job.finished', () => {
  it('shows the outcome at once, and reads the stored row again', async () => {
    client.setQueryData(queryKeys.jobList, [job()]);
    serverJobs = [job({ state: 'done', finishedAt: T0 + 9001, summary: { archived: 3 } })];
    watchJobList();
    feed.apply(finished(7, 'done'));
    expect(cachedJob(7)).toMatchObject({
      state: 'done',
      summary: { archived: 3 },
      finishedAt: T0 + 9000,
    });
    await settle();
    expect(jobListFetches).toBe(1);
    expect(cachedJob(7)?.finishedAt).toBe(T0 + 9001);
  });

  it('shows why a job failed, and keeps a paused job unfinished', () => {
    client.setQueryData(queryKeys.jobList, [job(), job({ id: 8 })]);
    feed.apply(finished(7, 'failed'));
    feed.apply(finished(8, 'paused'));
    expect(cachedJob(7)).toMatchObject({ state: 'failed', error: 'Bucket not found' });
    expect(cachedJob(8)).toMatchObject({ state: 'paused', finishedAt: null });
  });

  it('is the same whether it comes once or twice', () => {
    client.setQueryData(queryKeys.jobList, [job()]);
    feed.apply(finished(7, 'done'));
    const once = cachedJob(7);
    feed.apply(finished(7, 'done'));
    expect(cachedJob(7)).toEqual(once);
  });

  it('is not undone by a list fetch that left before the job ended', async () => {
    client.setQueryData(queryKeys.jobList, [job()]);
    // The first fetch answers late, with the job still running (as it was when the server read
    // it); the ones after answer at once with the job done.
    let answerLate!: (jobs: JobView[]) => void;
    const late = new Promise<JobView[]>((resolve) => (answerLate = resolve));
    let calls = 0;
    watchJobList(async () => {
      calls += 1;
      return calls === 1 ? late : [job({ state: 'done', finishedAt: T0 + 9000 })];
    });
    feed.apply({ type: 'job.queued', jobId: 8, kind: 'scan', at: T0 }); // starts the slow fetch
    expect(client.isFetching()).toBe(1);
    feed.apply(finished(7, 'done'));
    answerLate([job({ state: 'running' })]);
    await settle();
    expect(calls).toBe(2);
    expect(cachedJob(7)?.state).toBe('done');
  });

  it('refreshes what the job changed: roots, folder listings, file tags, sheets', () => {
    const keys = {
      roots: queryKeys.roots,
      browse: queryKeys.browseFolder('Holiday', {
        path: 'Trip',
        page: 1,
        pageSize: 200,
        sort: 'name',
        order: 'asc',
      }),
      file: queryKeys.file(12),
      sheets: queryKeys.sheetList('Holiday', 'Trip'),
      destinations: queryKeys.destinations,
    };
    const stale = () => {
      const out: string[] = [];
      for (const [name, key] of Object.entries(keys)) {
        if (client.getQueryState(key)?.isInvalidated) out.push(name);
      }
      return out;
    };
    const fill = () => {
      for (const key of Object.values(keys)) client.setQueryData(key, { filled: true });
    };
    client.setQueryData(queryKeys.jobList, [
      job({ id: 1, kind: 'scan' }),
      job({ id: 2, kind: 'summarise' }),
      job({ id: 3, kind: 'archive' }),
      job({ id: 4, kind: 'restore' }),
    ]);

    fill();
    feed.apply(finished(1, 'done', 'scan'));
    expect(stale()).toEqual(['roots', 'browse', 'file']);
    fill();
    feed.apply(finished(2, 'done', 'summarise'));
    expect(stale()).toEqual(['browse', 'file', 'sheets']);
    fill();
    feed.apply(finished(3, 'done', 'archive'));
    expect(stale()).toEqual(['browse', 'file']);
    fill();
    // A restore changes the files' tags (restore requested → restored: … left).
    feed.apply(finished(4, 'done', 'restore'));
    expect(stale()).toEqual(['browse', 'file']);
  });
});

describe('item.failed', () => {
  const failures = (id: number) => client.getQueryData<JobFailure[]>(queryKeys.jobFailures(id));

  it('appends failures in batches to the list on screen', () => {
    vi.useFakeTimers();
    client.setQueryData(queryKeys.jobList, [job()]);
    client.setQueryData<JobFailure[]>(queryKeys.jobFailures(7), [
      { item: 'Trip/a.jpg', reason: 'Permission denied', at: T0 + 1 },
    ]);
    feed.apply(failed(7, 'Trip/b.jpg', T0 + 2));
    feed.apply(failed(7, 'Trip/c.jpg', T0 + 3));
    expect(failures(7)?.map((f) => f.item)).toEqual(['Trip/a.jpg']);
    vi.advanceTimersByTime(300);
    expect(failures(7)).toEqual([
      { item: 'Trip/a.jpg', reason: 'Permission denied', at: T0 + 1 },
      { item: 'Trip/b.jpg', reason: 'Permission denied', at: T0 + 2 },
      { item: 'Trip/c.jpg', reason: 'Permission denied', at: T0 + 3 },
    ]);
  });

  it('adds what a job reported before it finished, at once', () => {
    client.setQueryData(queryKeys.jobList, [job()]);
    client.setQueryData<JobFailure[]>(queryKeys.jobFailures(7), []);
    feed.apply(failed(7, 'Trip/b.jpg', T0 + 2));
    feed.apply(finished(7, 'done'));
    expect(failures(7)?.map((f) => f.item)).toEqual(['Trip/b.jpg']);
  });

  it('does not repeat a failure that a fetch racing the events already holds', () => {
    client.setQueryData(queryKeys.jobList, [job()]);
    client.setQueryData<JobFailure[]>(queryKeys.jobFailures(7), [
      { item: 'Trip/b.jpg', reason: 'Permission denied', at: T0 + 2 },
    ]);
    feed.apply(failed(7, 'Trip/b.jpg', T0 + 2));
    feed.apply(failed(7, 'Trip/b.jpg', T0 + 5)); // the same file failing again later is news
    feed.apply(finished(7, 'failed'));
    expect(failures(7)?.map((f) => f.at)).toEqual([T0 + 2, T0 + 5]);
  });

  // The same event twice before a flush (300 ms), as a replay after a reconnect may bring it.
  it('lists an event received twice only once', () => {
    client.setQueryData(queryKeys.jobList, [job()]);
    client.setQueryData<JobFailure[]>(queryKeys.jobFailures(7), []);
    feed.apply(failed(7, 'Trip/b.jpg', T0 + 2));
    feed.apply(failed(7, 'Trip/b.jpg', T0 + 2));
    feed.apply(finished(7, 'failed'));
    expect(failures(7)).toHaveLength(1);
  });

  it('leaves a list nobody shows to be fetched whole by whoever opens it', () => {
    vi.useFakeTimers();
    feed.apply(failed(7, 'Trip/b.jpg', T0 + 2));
    vi.advanceTimersByTime(300);
    expect(failures(7)).toBeUndefined();
  });

  it('forgets what is pending when the page closes', () => {
    vi.useFakeTimers();
    client.setQueryData<JobFailure[]>(queryKeys.jobFailures(7), []);
    feed.apply(failed(7, 'Trip/b.jpg', T0 + 2));
    feed.dispose();
    vi.advanceTimersByTime(1000);
    expect(failures(7)).toEqual([]);
  });
});

describe('catching up after a reconnect', () => {
  it('shows what happened while the socket was down', async () => {
    // Before the drop: job 7 uploading at 37 %, job 8 queued.
    client.setQueryData(queryKeys.jobList, [
      job({ progress: { bytesDone: 37, bytesTotal: 100, bytesPerSecond: 10, etaSeconds: 6 } }),
      job({ id: 8, kind: 'scan', state: 'queued' }),
    ]);
    client.setQueryData(queryKeys.roots, { roots: [{ label: 'Holiday', fileCount: 3 }] });
    watchJobList();
    let rootFetches = 0;
    watchQuery(client, queryKeys.roots, async () => {
      rootFetches += 1;
      return { roots: [{ label: 'Holiday', fileCount: 5 }] };
    });

    // While down: job 7 finished, job 8 ran halfway, job 9 was queued. No event arrived.
    serverJobs = [
      job({ state: 'done', finishedAt: T0 + 9000, summary: { archived: 3 } }),
      job({ id: 8, kind: 'scan', state: 'running', progress: { filesDone: 5, filesTotal: 10 } }),
      job({ id: 9, kind: 'summarise', state: 'queued' }),
    ];
    feed.catchUp();
    await settle();
    expect(cachedJobs()?.map((j) => [j.id, j.state])).toEqual([
      [7, 'done'],
      [8, 'running'],
      [9, 'queued'],
    ]);
    expect(card(cachedJob(8)).percent).toBe('50 %');
    expect(rootFetches).toBe(1);
    expect(client.getQueryData(queryKeys.roots)).toEqual({
      roots: [{ label: 'Holiday', fileCount: 5 }],
    });

    // Events resume on top of the caught-up list.
    feed.apply(progress(8, { phase: 'reading', filesDone: 9, filesTotal: 10 }, 'scan'));
    expect(card(cachedJob(8))).toMatchObject({ state: 'running', percent: '90 %' });
  });

  it('marks what a job ended meanwhile may have changed: listings, tags, sheet lists', () => {
    const keys = {
      browse: queryKeys.browseFolder('Holiday', {
        path: 'Trip',
        page: 1,
        pageSize: 100,
        sort: 'name',
        order: 'asc',
      }),
      file: queryKeys.file(3),
      sheetList: queryKeys.sheetList('Holiday', 'Trip'),
      sheetIndex: queryKeys.sheetIndex('/api/sheets/1/index'),
      destinations: queryKeys.destinations,
    };
    for (const key of Object.values(keys)) client.setQueryData(key, { filled: true });
    feed.catchUp();
    const stale = Object.entries(keys)
      .filter(([, key]) => client.getQueryState(key)?.isInvalidated)
      .map(([name]) => name);
    expect(stale).toEqual(['browse', 'file', 'sheetList']);
  });

  it('leaves what was loaded after the socket opened: it saw every event', () => {
    vi.useFakeTimers({ now: T0 });
    client.setQueryData(queryKeys.roots, { roots: [] });
    client.setQueryData(queryKeys.browse, { filled: true });
    vi.setSystemTime(T0 + 50);
    client.setQueryData(queryKeys.jobList, []);
    feed.catchUp(T0 + 50);
    const stale = [queryKeys.roots, queryKeys.browse, queryKeys.jobList].map(
      (key) => client.getQueryState(key)?.isInvalidated,
    );
    expect(stale).toEqual([true, true, false]);
  });

  it('also refreshes the failures of a job on screen', async () => {
    client.setQueryData<JobFailure[]>(queryKeys.jobFailures(7), []);
    watchQuery(client, queryKeys.jobFailures(7), async (): Promise<JobFailure[]> => [
      { item: 'Trip/b.jpg', reason: 'Permission denied', at: T0 + 2 },
    ]);
    feed.catchUp();
    await settle();
    expect(client.getQueryData<JobFailure[]>(queryKeys.jobFailures(7))).toHaveLength(1);
  });
});
