'use client';

import { useQuery } from '@tanstack/react-query';
import { getJobs, queryKeys } from '../lib/api';
import { getOverview, getRestores, statusKeys } from '../lib/api-status';
import { finishedJobs, useRefetchOnJobs } from '../lib/job-refresh';
import { AppShell } from './AppShell';
import { JobsSection } from './JobsSection';
import { QueryState } from './QueryState';
import { RootsSection } from './RootsSection';
import { AtAGlance } from './dashboard/AtAGlance';
import { CostPanel } from './dashboard/CostPanel';
import { DestinationsPanel } from './dashboard/DestinationsPanel';
import { FailuresPanel } from './dashboard/FailuresPanel';
import { RestoresPanel } from './dashboard/RestoresPanel';

/**
 * The home page, opened every day: the figures at a glance, each root with how much of it each
 * destination holds, the destinations, the monthly cost by storage class, the jobs under way,
 * the restores waiting or ready, and the latest failures. The numbers come from
 * GET /api/overview, fetched again whenever a job ends (the events feed tells).
 */
export function Dashboard() {
  return (
    <AppShell home>
      <DashboardPanels />
    </AppShell>
  );
}

/** Restores that are still moving change their counts: their progress is part of the key. */
const restoreJobs = (jobs: { kind: string; id: number; state: string; progress: unknown }[]) =>
  jobs
    .filter((job) => job.kind === 'restore')
    .map((job) => `${job.id}:${job.state}:${JSON.stringify(job.progress)}`)
    .join(',');

function DashboardPanels() {
  const overview = useQuery({
    queryKey: statusKeys.overview,
    queryFn: ({ signal }) => getOverview(signal),
    // Its numbers change when a job ends (refetched then) or a root is added; no polling: the
    // aggregate reads the whole catalog (~0.25 s for 100,000 files).
  });
  const restores = useQuery({
    queryKey: statusKeys.restoreList,
    queryFn: ({ signal }) => getRestores(signal),
    refetchInterval: 60_000,
  });
  const jobs = useQuery({ queryKey: queryKeys.jobList, queryFn: ({ signal }) => getJobs(signal) });
  useRefetchOnJobs(statusKeys.overview, finishedJobs);
  useRefetchOnJobs(statusKeys.restoreList, restoreJobs, 5_000);
  const data = overview.data;

  return (
    <main className="dashboard">
      {data ? (
        <AtAGlance overview={data} jobs={jobs.data ?? []} restores={restores.data ?? []} />
      ) : null}
      <RootsSection coverage={data?.roots} />
      <JobsSection />
      <QueryState
        isPending={overview.isPending}
        error={overview.error}
        onRetry={() => void overview.refetch()}
      >
        {() =>
          data ? (
            <>
              <DestinationsPanel overview={data} />
              <CostPanel overview={data} />
            </>
          ) : null
        }
      </QueryState>
      <RestoresPanel restores={restores.data ?? []} />
      {data ? <FailuresPanel overview={data} /> : null}
    </main>
  );
}
