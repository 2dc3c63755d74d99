import type { AppContext } from '../app-context.js';
import type { JobRow } from '../jobs/store.js';
import type { Output } from './output.js';

/**
 * Runs a job in this process (as the CLI does), printing its events; Ctrl-C pauses it, and
 * `glacier jobs resume ID` (or the server) carries on where it stopped.
 */
export async function runJobHere(
  ctx: AppContext,
  out: Output,
  kind: string,
  params: Record<string, unknown>,
): Promise<JobRow> {
  let jobId: number | undefined;
  const unsubscribe = ctx.bus.subscribe((event) => {
    if (event.type === 'job.queued') jobId = event.jobId;
    out.event(event);
  });
  const onInterrupt = () => {
    if (jobId !== undefined) ctx.runner.pause(jobId);
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await ctx.runner.runNow(kind, params);
  } finally {
    process.off('SIGINT', onInterrupt);
    unsubscribe();
  }
}
