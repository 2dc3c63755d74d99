'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { LOGIN_PATH, getHealth, logout, queryKeys, type AuthState } from '../lib/api';
import { useAuthGate } from '../lib/auth';
import { JobsSection } from './JobsSection';
import { RootsSection } from './RootsSection';

/** The placeholder home page: media roots and jobs. The explorer comes in a later issue. */
export function Dashboard() {
  const gate = useAuthGate('home');
  const router = useRouter();
  const queryClient = useQueryClient();
  const health = useQuery({ queryKey: queryKeys.health, queryFn: getHealth, staleTime: Infinity });

  const logoutMutation = useMutation({
    mutationFn: logout,
    onSettled: () => {
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

  return (
    <>
      <header className="topbar">
        <div className="topbar-inner">
          <h1 className="topbar-title">
            <span className="brand-mark" aria-hidden="true">
              ❄
            </span>{' '}
            Glacier Archiver
          </h1>
          <button
            type="button"
            className="button"
            onClick={() => logoutMutation.mutate()}
            disabled={logoutMutation.isPending}
          >
            {logoutMutation.isPending ? 'Logging out…' : 'Log out'}
          </button>
        </div>
      </header>
      <main className="dashboard">
        <RootsSection />
        <JobsSection />
      </main>
      <footer className="footer muted">
        Glacier Archiver{health.data ? ` ${health.data.version}` : ''}
      </footer>
    </>
  );
}
