'use client';

import { useSyncExternalStore } from 'react';

/** Whether a CSS media query matches, kept current (false before hydration: no server here). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const list = window.matchMedia(query);
      list.addEventListener('change', onChange);
      return () => list.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** The phone layout: file cards instead of a table, details as a full-screen sheet. */
export const PHONE_QUERY = '(max-width: 640px)';
