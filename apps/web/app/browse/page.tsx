import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AppShell } from '../../components/AppShell';
import { BrowseView } from '../../components/browse/BrowseView';
import { PAGE_SIZE } from '../../components/browse/listing';
import { prefetchScript } from '../../components/browse/prefetch';
import { PrefetchSeed } from '../../components/browse/PrefetchSeed';
import './browse.css';

export const metadata: Metadata = { title: 'Browse · Glacier Archiver' };

/**
 * `/browse/?root=LABEL&path=REL`. A static export has no server to read the query string:
 * BrowseView reads it in the browser (useSearchParams), which needs this Suspense boundary.
 * The inline script asks for the auth state and the folder's first page while the page's
 * scripts load (components/browse/prefetch.ts).
 */
export default function BrowsePage() {
  return (
    <>
      <script dangerouslySetInnerHTML={{ __html: prefetchScript(PAGE_SIZE) }} />
      <PrefetchSeed />
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
    </>
  );
}
