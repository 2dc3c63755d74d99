'use client';

import { AppShell } from './AppShell';
import { JobsSection } from './JobsSection';
import { RootsSection } from './RootsSection';

/** The home page: the media roots (add, scan, browse) and the jobs with their live progress. */
export function Dashboard() {
  return (
    <AppShell home>
      <main className="dashboard">
        <RootsSection />
        <JobsSection />
      </main>
    </AppShell>
  );
}
