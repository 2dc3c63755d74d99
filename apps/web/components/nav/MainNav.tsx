'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ReactNode } from 'react';

const ICONS: Record<string, ReactNode> = {
  home: <path d="M4 11.2 12 4l8 7.2V20a1 1 0 0 1-1 1h-5v-6h-4v6H5a1 1 0 0 1-1-1v-8.8Z" />,
  browse: (
    <path d="M3 6.5A2.5 2.5 0 0 1 5.5 4h4.09a2 2 0 0 1 1.41.59L12.41 6H18.5A2.5 2.5 0 0 1 21 8.5v9a2.5 2.5 0 0 1-2.5 2.5h-13A2.5 2.5 0 0 1 3 17.5v-11Z" />
  ),
  activity: <path d="M3 12h4l2.5-6 5 12 2.5-6H21" fill="none" strokeWidth="2" />,
  restores: (
    <path d="M12 3a9 9 0 1 1-8.6 6.3l1.9.6A7 7 0 1 0 7 7.1V10H5V4h6v2H8.3A9 9 0 0 1 12 3Zm-1 4.5h2v4.1l3.2 1.9-1 1.7-4.2-2.5V7.5Z" />
  ),
  settings: (
    <path d="M12 8.5a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7Zm8.6 5.1-1.7 1 .2 2-1.9 1.9-2-.2-1 1.7h-2.4l-1-1.7-2 .2-1.9-1.9.2-2-1.7-1v-2.4l1.7-1-.2-2 1.9-1.9 2 .2 1-1.7h2.4l1 1.7 2-.2 1.9 1.9-.2 2 1.7 1v2.4Z" />
  ),
};

const ITEMS = [
  { href: '/', label: 'Home', icon: 'home', match: (p: string) => p === '/' },
  {
    href: '/browse/',
    label: 'Browse',
    icon: 'browse',
    match: (p: string) => p.startsWith('/browse'),
  },
  {
    href: '/jobs/',
    label: 'Activity',
    icon: 'activity',
    match: (p: string) => p.startsWith('/jobs'),
  },
  {
    href: '/restores/',
    label: 'Restores',
    icon: 'restores',
    match: (p: string) => p.startsWith('/restores'),
  },
  {
    href: '/settings/',
    label: 'Settings',
    icon: 'settings',
    match: (p: string) => p.startsWith('/settings'),
  },
] as const;

/**
 * The app's sections: links in the top bar on a desktop, a bottom bar of big thumb-sized
 * buttons on a phone (the same element, placed by CSS). `running` counts the jobs under way.
 */
export function MainNav({ running }: { running: number }) {
  const pathname = usePathname() ?? '/';
  return (
    <nav className="main-nav" aria-label="Main">
      <ul>
        {ITEMS.map((item) => {
          const current = item.match(pathname);
          return (
            <li key={item.href}>
              <Link
                href={item.href}
                className="main-nav-link"
                aria-current={current ? 'page' : undefined}
              >
                <svg
                  className={`nav-icon nav-icon-${item.icon}`}
                  viewBox="0 0 24 24"
                  aria-hidden="true"
                  focusable="false"
                >
                  {ICONS[item.icon]}
                </svg>
                <span className="main-nav-label">{item.label}</span>
                {item.icon === 'activity' && running > 0 ? (
                  <span className="nav-count" aria-label={`${running} running`}>
                    {running}
                  </span>
                ) : null}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
