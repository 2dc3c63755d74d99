import type { Command } from 'commander';
import type { AppContext } from '../../app-context.js';
import { listRoots } from '../../roots/roots.js';
import { planScan, SCAN_JOB } from '../../scan/scan.js';
import { getRoot } from '../../roots/roots.js';
import { withContext } from '../main.js';
import type { Output } from '../output.js';
import { resolveCatalogPath } from '../resolve.js';
import type { JobRow } from '../../jobs/store.js';

export function scanCommand(program: Command): void {
  program
    .command('scan [place]')
    .description(
      'scan a root (label or path), a folder in it, or every online root; prints progress',
    )
    .option('--json', 'one JSON event per line, then the finished job')
    .action(
      withContext(async (ctx, out, place: string | undefined) => {
        const targets = place
          ? [resolveCatalogPath(ctx.catalog, place)]
          : listRoots(ctx.catalog)
              .filter((r) => r.online)
              .map((r) => ({ root: getRoot(ctx.catalog, r.label), relPath: '' }));
        let failed = false;
        for (const { root, relPath } of targets) {
          const job = await runScanHere(ctx, out, planScan(ctx.catalog, root, relPath));
          out.result(job, () => describeScan(job));
          if (job.state !== 'done') failed = true;
        }
        return failed ? 1 : 0;
      }),
    );
}

/** Runs the scan in this process, printing its events; Ctrl-C pauses it (resume: glacier jobs resume). */
async function runScanHere(
  ctx: AppContext,
  out: Output,
  params: Record<string, unknown>,
): Promise<JobRow> {
  const unsubscribe = ctx.bus.subscribe((event) => out.event(event));
  let jobId: number | undefined;
  const watchStart = ctx.bus.subscribe((event) => {
    if (event.type === 'job.queued') jobId = event.jobId;
  });
  const onInterrupt = () => {
    if (jobId !== undefined) ctx.runner.pause(jobId);
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await ctx.runner.runNow(SCAN_JOB, params);
  } finally {
    process.off('SIGINT', onInterrupt);
    watchStart();
    unsubscribe();
  }
}

function describeScan(job: JobRow): string {
  const s = (job.summary ?? {}) as Record<string, number | string>;
  if (job.state === 'failed') return `scan failed: ${job.error}`;
  if (job.state !== 'done')
    return `scan ${job.state} (job ${job.id}); resume with: glacier jobs resume ${job.id}`;
  return (
    `scanned ${s.root}${s.path ? `/${s.path}` : ''}: ${s.files} files in ${s.folders} folders; ` +
    `${s.added} new, ${s.changed} changed, ${s.missing} missing, ${s.moved} moved, ${s.hashed} read; ` +
    `${s.failures} problems${Number(s.failures) > 0 ? ` (glacier jobs failures ${job.id})` : ''}`
  );
}
