'use client';

import { useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { LOGIN_PATH, SETUP_PATH, getAuthState, queryKeys, type AuthState } from './api';

type Page = 'home' | 'login' | 'setup';

/** Where a visitor in `state` belongs, if not on `page`; null when `page` is right. */
export function redirectFor(page: Page, state: AuthState): string | null {
  if (state.setupRequired) return page === 'setup' ? null : SETUP_PATH;
  if (page === 'setup') return '/';
  if (state.authenticated) return page === 'home' ? null : '/';
  return page === 'login' ? null : LOGIN_PATH;
}

/**
 * Reads `/api/auth/state` and sends the browser where it belongs: first start → setup,
 * no session → login, a session on the login page → home.
 * `ready` is true once the state is known and this page is the right one.
 */
export function useAuthGate(page: Page) {
  const router = useRouter();
  const query = useQuery({
    queryKey: queryKeys.authState,
    queryFn: ({ signal }) => getAuthState(signal),
    staleTime: 0,
  });
  const target = query.data ? redirectFor(page, query.data) : null;

  useEffect(() => {
    if (target) router.replace(target);
  }, [router, target]);

  return { ...query, ready: query.data !== undefined && target === null };
}
