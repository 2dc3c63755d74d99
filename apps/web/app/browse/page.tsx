import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AppShell } from '../../components/AppShell';
import { BrowseView } from '../../components/browse/BrowseView';
import './browse.css';

export const metadata: Metadata = { title: 'Browse · Glacier Archiver' };

/**
 * `/browse/?root=LABEL&path=REL`. A static export has no server to read the query string:
 * BrowseView reads it in the browser (useSearchParams), which needs this Suspense boundary.
 */
export default function BrowsePage() {
  return (
    <AppShell>
      <Suspense
        fallback={
          <main className="browse">
            <p className="muted" role="status">
              Loading…
            </p>
          </main>
        }
      >
        <BrowseView />
      </Suspense>
    </AppShell>
  );
}
