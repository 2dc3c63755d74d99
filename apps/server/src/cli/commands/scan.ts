import type { Command } from 'commander';
import { listRoots } from '../../roots/roots.js';
import { planScan, SCAN_JOB } from '../../scan/scan.js';
import { getRoot } from '../../roots/roots.js';
import { withContext } from '../main.js';
import { resolveCatalogPath } from '../resolve.js';
import { runJobHere } from '../run-job.js';
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
          const job = await runJobHere(ctx, out, SCAN_JOB, planScan(ctx.catalog, root, relPath));
          out.result(job, () => describeScan(job));
          if (job.state !== 'done') failed = true;
        }
        return failed ? 1 : 0;
      }),
    );
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
