// The app's one socket to /api/events: a fake WebSocket plays the connection, fake timers the
// back-off, and the real TanStack Query cache shows what the feed refetches.
import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { queryKeys, type JobEvent, type JobView } from './api';
import { backoffDelay, eventsUrl, LiveFeed } from './live-feed';
import { afterTest, job, T0, tearDown, watchQuery } from './test-kit';

/** A socket the test opens, feeds and drops as the server (or the network) would. */
class FakeSocket {
  static all: FakeSocket[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((message: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  closed: { code?: number } | null = null;

  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }

  close(code?: number) {
    this.closed = { code };
    this.onclose?.();
  }

  open() {
    this.onopen?.();
  }

  receive(data: unknown) {
    this.onmessage?.({ data });
  }

  drop() {
    this.onerror?.();
    this.onclose?.();
  }
}

let client: QueryClient;
let feed: LiveFeed;
let statuses: string[];
let jobListFetches: number;
const sockets = FakeSocket.all;
const lastSocket = () => sockets[sockets.length - 1]!;

/** A page showing the job list, as the app shell does. */
function watchJobList() {
  watchQuery(client, queryKeys.jobList, async () => {
    jobListFetches += 1;
    return [job({ state: 'done' })];
  });
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
  sockets.length = 0;
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  feed = new LiveFeed(client, {
    url: () => 'ws://nas.local/api/events',
    WebSocket: FakeSocket as unknown as new (url: string) => WebSocket,
  });
  statuses = [];
  afterTest(feed.subscribe(() => statuses.push(feed.getStatus())));
  jobListFetches = 0;
});

afterEach(() => {
  feed.close();
  tearDown(client);
});

describe('one socket for the app', () => {
  it('opens one socket however many pages hold it, and keeps it across a navigation', () => {
    expect(sockets).toHaveLength(0);
    const home = feed.retain();
    expect(sockets.map((s) => s.url)).toEqual(['ws://nas.local/api/events']);
    lastSocket().open();
    expect(feed.getStatus()).toBe('open');

    // A navigation: the old page's shell lets go of the feed before the new one holds it.
    home();
    const browse = feed.retain();
    const dialog = feed.retain();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    expect(lastSocket().closed).toBeNull();
    expect(statuses).toEqual(['open']);

    // Once nobody holds it (letting go twice counts once), it closes after a while.
    dialog();
    browse();
    browse();
    vi.advanceTimersByTime(4_999);
    expect(lastSocket().closed).toBeNull();
    vi.advanceTimersByTime(1);
    expect(lastSocket().closed).toEqual({ code: 1000 });
    expect(sockets).toHaveLength(1);
  });

  it('applies the events it receives to the cache, and ignores frames that are not events', () => {
    client.setQueryData(queryKeys.jobList, [job({ id: 3, state: 'queued' })]);
    feed.retain();
    lastSocket().open();
    const started: JobEvent = { type: 'job.started', jobId: 3, kind: 'scan', at: T0 + 10 };
    lastSocket().receive('not json');
    lastSocket().receive(new ArrayBuffer(2));
    lastSocket().receive(JSON.stringify(started));
    expect(client.getQueryData<JobView[]>(queryKeys.jobList)?.[0]?.state).toBe('running');
  });

  it('reconnects after a drop with back-off, says so, and catches up on what it missed', async () => {
    watchJobList();
    await vi.advanceTimersByTimeAsync(0);
    expect(jobListFetches).toBe(1);
    vi.setSystemTime(T0 + 1000);
    feed.retain();
    vi.setSystemTime(T0 + 1200);
    lastSocket().open();
    await vi.advanceTimersByTimeAsync(0);
    // The list was loaded before the socket opened: it may have missed an event.
    expect(jobListFetches).toBe(2);

    lastSocket().drop();
    expect(feed.getStatus()).toBe('closed');
    await vi.advanceTimersByTimeAsync(999);
    expect(sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(2);
    // The retry fails too: the next one waits twice as long, still "reconnecting".
    lastSocket().drop();
    await vi.advanceTimersByTimeAsync(1999);
    expect(sockets).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(sockets).toHaveLength(3);
    expect(jobListFetches).toBe(2);

    lastSocket().open();
    await vi.advanceTimersByTimeAsync(0);
    expect(jobListFetches).toBe(3);
    expect(statuses).toEqual(['open', 'closed', 'open']);

    // A drop after that starts the back-off from 1 s again.
    lastSocket().drop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets).toHaveLength(4);
  });

  it('retries at once when woken (back in view, back on the network)', () => {
    feed.retain();
    lastSocket().open();
    lastSocket().drop();
    feed.wake();
    expect(sockets).toHaveLength(2);
    feed.wake();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(2);
  });

  it('closes at once on logout and stays closed until a page holds it again', () => {
    const shell = feed.retain();
    lastSocket().open();
    feed.close();
    expect(lastSocket().closed).toEqual({ code: 1000 });
    expect(feed.getStatus()).toBe('closed');
    feed.wake();
    vi.advanceTimersByTime(60_000);
    shell();
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);

    // Signed in again.
    feed.retain();
    expect(sockets).toHaveLength(2);
    expect(feed.getStatus()).toBe('connecting');
  });
});

describe('connection', () => {
  it('backs off 1 s, 2 s, 4 s … up to 30 s, within ±20 %', () => {
    const random = vi.spyOn(Math, 'random');
    random.mockReturnValue(0.5);
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(backoffDelay)).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
    random.mockReturnValue(0);
    expect(backoffDelay(0)).toBe(800);
    expect(backoffDelay(9)).toBe(24000);
    random.mockReturnValue(0.999999);
    expect(backoffDelay(0)).toBe(1200);
    expect(backoffDelay(9)).toBe(36000);
  });

  it('opens the feed on the page host, over TLS behind HTTPS', () => {
    expect(eventsUrl({ protocol: 'http:', host: 'nas.local:8377' })).toBe(
      'ws://nas.local:8377/api/events',
    );
    expect(eventsUrl({ protocol: 'https:', host: 'photos.example.org' })).toBe(
      'wss://photos.example.org/api/events',
    );
  });
});
