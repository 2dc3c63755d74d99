'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ReactNode } from 'react';
import { LOGIN_PATH, getHealth, getJobs, logout, queryKeys, type AuthState } from '../lib/api';
import { useAuthGate } from '../lib/auth';
import { useLiveFeed, useLiveStatus } from '../lib/live-feed';
import { MainNav } from './nav/MainNav';

/**
 * The frame of every page behind the login: the auth gate, the top bar (brand, live-feed
 * state, log out) and the footer. While signed in it holds the app's live feed open (the feed
 * itself lives above the pages, in Providers, so a navigation does not drop it). `home` makes the brand the page's h1.
 */
export function AppShell({ home = false, children }: { home?: boolean; children: ReactNode }) {
  const gate = useAuthGate('home');

  if (!gate.ready) {
    return (
      <main className="center-page">
        {gate.error ? (
          <div className="stack center-text">
            <p role="alert">{gate.error.message}</p>
            <button type="button" className="button" onClick={() => void gate.refetch()}>
              Try again
            </button>
          </div>
        ) : (
          <p className="muted" role="status">
            Loading…
          </p>
        )}
      </main>
    );
  }
  return <SignedIn home={home}>{children}</SignedIn>;
}

function SignedIn({ home, children }: { home: boolean; children: ReactNode }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const feed = useLiveFeed();
  const live = useLiveStatus();
  const health = useQuery({ queryKey: queryKeys.health, queryFn: getHealth, staleTime: Infinity });
  // Every page holds the job list: the navigation counts what runs, and the feed's catch-up
  // (a refetch of this query) then works wherever the user is.
  const jobs = useQuery({
    queryKey: queryKeys.jobList,
    queryFn: ({ signal }) => getJobs(signal),
    refetchInterval: (query) =>
      live === 'open'
        ? false
        : query.state.data?.some((job) => job.state === 'running' || job.state === 'queued')
          ? 2_000
          : 15_000,
  });
  const running = (jobs.data ?? []).filter((job) => job.state === 'running').length;

  const logoutMutation = useMutation({
    mutationFn: logout,
    onSettled: () => {
      // The session's socket would go on receiving events: close it now.
      feed.close();
      // Mark the session gone first: the gate unmounts the lists (no refetch that would 401),
      // then drop every cached answer that needed the session.
      queryClient.setQueryData<AuthState>(queryKeys.authState, {
        setupRequired: false,
        authenticated: false,
      });
      queryClient.removeQueries({
        predicate: (query) => query.queryKey[0] !== 'auth' && query.queryKey[0] !== 'health',
      });
      router.replace(LOGIN_PATH);
    },
  });

  const brand = (
    <>
      <span className="brand-mark" aria-hidden="true">
        ❄
      </span>{' '}
      Glacier Archiver
    </>
  );

  return (
    <>
      <header className="topbar">
        <div className="topbar-inner">
          {home ? (
            <h1 className="topbar-title">{brand}</h1>
          ) : (
            <p className="topbar-title">
              <Link href="/" className="brand-link">
                {brand}
              </Link>
            </p>
          )}
          <MainNav running={running} />
          <div className="topbar-actions">
            <span
              className={`live live-${live}`}
              role="status"
              title={
                live === 'open'
                  ? 'Job progress is live'
                  : 'The live feed is down: job progress refreshes every few seconds'
              }
            >
              <span className="live-dot" aria-hidden="true" />
              {live === 'open' ? 'Live' : live === 'connecting' ? 'Connecting…' : 'Reconnecting…'}
            </span>
            <button
              type="button"
              className="button"
              onClick={() => logoutMutation.mutate()}
              disabled={logoutMutation.isPending}
            >
              {logoutMutation.isPending ? 'Logging out…' : 'Log out'}
            </button>
          </div>
        </div>
      </header>
      {children}
      <footer className="footer muted">
        Glacier Archiver{health.data ? ` ${health.data.version}` : ''}
      </footer>
    </>
  );
}
