'use client';

import type { QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { JobEvent } from './api';
import { EventFeed } from './events';

/**
 * Where the live feed stands: `connecting` until its first socket opens, `open` while the job
 * list is kept fresh by events alone, `closed` while it is down and retrying.
 */
export type LiveStatus = 'connecting' | 'open' | 'closed';

/** Reconnect delays: 1 s, 2 s, 4 s … up to 30 s, with ±20 % jitter so tabs do not stampede. */
export function backoffDelay(attempt: number): number {
  const base = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

export function eventsUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`;
}

export interface LiveFeedOptions {
  /** Where to connect, read at each connect (default: `/api/events` on the page's host). */
  url?: () => string;
  /** The socket to open (a fake in tests). */
  WebSocket?: new (url: string) => WebSocket;
  /**
   * How long the socket outlives its last user. A client-side navigation unmounts one page's
   * shell before it mounts the next one's: the socket must not drop in between.
   */
  idleMs?: number;
}

/**
 * The app's one socket to `/api/events`, kept by the root layout for as long as the tab lives
 * and shared by every page, so a client-side navigation neither drops it nor has to catch up.
 * Its events keep the TanStack Query cache of jobs up to date (EventFeed). The socket is open
 * while some page holds it (`retain()`: the signed-in app shell does); when it drops it
 * reconnects by itself with back-off, and each time it opens it refetches what it feeds that
 * was loaded before it opened: after a drop, all of it.
 */
export class LiveFeed {
  private readonly events: EventFeed;
  private readonly url: () => string;
  private readonly Socket: new (url: string) => WebSocket;
  private readonly idleMs: number;
  private status: LiveStatus = 'connecting';
  private readonly listeners = new Set<() => void>();
  private socket: WebSocket | null = null;
  private running = false;
  private users = 0;
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(queryClient: QueryClient, options: LiveFeedOptions = {}) {
    this.events = new EventFeed(queryClient);
    this.url = options.url ?? (() => eventsUrl(window.location));
    this.Socket = options.WebSocket ?? WebSocket;
    this.idleMs = options.idleMs ?? 5_000;
  }

  /** For useSyncExternalStore: called whenever the status changes. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getStatus = (): LiveStatus => this.status;

  /** Holds the feed open (connecting now if it is not); the function returned lets go of it. */
  retain(): () => void {
    this.users += 1;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.start();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users -= 1;
      if (this.users > 0) return;
      this.idleTimer = setTimeout(() => {
        this.idleTimer = undefined;
        if (this.users === 0) this.close();
      }, this.idleMs);
    };
  }

  /**
   * Closes the socket now and retries no more, until the next `retain()`: on logout (the
   * session's socket must not go on receiving events) or when the app goes away.
   */
  close(): void {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleTimer);
    this.retryTimer = this.idleTimer = undefined;
    if (typeof window !== 'undefined') {
      document.removeEventListener('visibilitychange', this.wake);
      window.removeEventListener('online', this.wake);
    }
    this.events.dispose();
    const ws = this.socket;
    this.socket = null;
    ws?.close(1000, 'closed by the app');
    this.setStatus('closed');
  }

  /** Back in view or back on the network: retry at once rather than wait out the back-off. */
  readonly wake = (): void => {
    if (!this.running || this.socket) return;
    if (typeof document !== 'undefined' && document.visibilityState !== 'visible') return;
    this.attempt = 0;
    this.connect();
  };

  private start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt = 0;
    this.setStatus('connecting');
    if (typeof window !== 'undefined') {
      document.addEventListener('visibilitychange', this.wake);
      window.addEventListener('online', this.wake);
    }
    this.connect();
  }

  private connect(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    // A retry after a drop stays `closed` (reconnecting) until it opens.
    if (!this.running || this.socket) return;
    const ws = new this.Socket(this.url());
    this.socket = ws;
    ws.onopen = () => {
      if (this.socket !== ws) return;
      this.attempt = 0;
      this.setStatus('open');
      // Events from now on arrive; whatever was loaded before may have missed some.
      this.events.catchUp(Date.now());
    };
    ws.onmessage = (message: MessageEvent) => {
      if (this.socket !== ws || typeof message.data !== 'string') return;
      try {
        this.events.apply(JSON.parse(message.data) as JobEvent);
      } catch {
        // A frame that is not an event (a newer server's?) is ignored.
      }
    };
    ws.onclose = () => {
      if (this.socket !== ws) return;
      this.socket = null;
      this.setStatus('closed');
      this.retryTimer = setTimeout(() => this.connect(), backoffDelay(this.attempt));
      this.attempt += 1;
    };
    // An error is always followed by a close, which schedules the retry.
    ws.onerror = () => {};
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.status) return;
    this.status = status;
    for (const listener of this.listeners) listener();
  }
}

/** The app's feed, provided by components/Providers.tsx above every page. */
export const LiveFeedContext = createContext<LiveFeed | null>(null);

function useFeed(): LiveFeed {
  const feed = useContext(LiveFeedContext);
  if (!feed) throw new Error('The live feed is provided by components/Providers.tsx');
  return feed;
}

/** Keeps the app's feed open while the calling component is mounted (the signed-in shell). */
export function useLiveFeed(): LiveFeed {
  const feed = useFeed();
  useEffect(() => feed.retain(), [feed]);
  return feed;
}

const initialStatus = (): LiveStatus => 'connecting';

/** The live feed's state, for the "Live" indicator and the pages that poll while it is down. */
export function useLiveStatus(): LiveStatus {
  const feed = useFeed();
  return useSyncExternalStore(feed.subscribe, feed.getStatus, initialStatus);
}
