import type { Command } from 'commander';
import path from 'node:path';
import type { JobRow } from '../../jobs/store.js';
import { folderSheets } from '../../sheets/store.js';
import { withContext } from '../main.js';
import { formatBytes } from '../output.js';
import { resolveCatalogPath } from '../resolve.js';
import { runJobHere } from '../run-job.js';

export function sheetCommands(program: Command): void {
  program
    .command('summarise <place>')
    .alias('summarize')
    .description('make the contact sheets of a folder (photos and videos as thumbnails)')
    .option('-r, --recursive', 'every folder below it too')
    .option('--json', 'one JSON event per line, then the finished job')
    .action(
      withContext(async (ctx, out, place: string, options: { recursive?: boolean }) => {
        // sharp and exiftool come with the summarise job: loaded when it runs, not by other commands.
        const { planSummarise, SUMMARISE_JOB } = await import('../../sheets/summarise.js');
        const { root, relPath } = resolveCatalogPath(ctx.catalog, place);
        const job = await runJobHere(
          ctx,
          out,
          SUMMARISE_JOB,
          planSummarise(root, relPath, Boolean(options.recursive)),
        );
        out.result(job, () => describeSummarise(job));
        return job.state === 'done' ? 0 : 1;
      }),
    );

  program
    .command('sheets <place>')
    .description("a folder's contact sheets: pages, sizes and where the images are")
    .option('--json', 'machine-readable output')
    .action(
      withContext((ctx, out, place: string) => {
        const { root, relPath } = resolveCatalogPath(ctx.catalog, place);
        const sheets = folderSheets(ctx.catalog, root.id, relPath).map((s) => ({
          page: s.page,
          pages: s.pages,
          tiles: s.tileCount,
          width: s.width,
          height: s.height,
          bytes: s.bytes,
          image: path.join(ctx.config.dataDir, s.imagePath),
          index: path.join(ctx.config.dataDir, s.indexPath),
        }));
        out.result({ root: root.label, folder: relPath, sheets }, () =>
          sheets.length === 0
            ? `${root.label}:/${relPath} has no contact sheets yet: glacier summarise ${root.label}${relPath ? `/${relPath}` : ''}`
            : sheets
                .map(
                  (s) =>
                    `page ${s.page}/${s.pages}\t${s.tiles} tiles\t${s.width}x${s.height}\t${formatBytes(s.bytes)}\t${s.image}`,
                )
                .join('\n'),
        );
      }),
    );
}

function describeSummarise(job: JobRow): string {
  const s = (job.summary ?? {}) as Record<string, number | string>;
  if (job.state === 'failed') return `summarise failed: ${job.error}`;
  if (job.state !== 'done') return `summarise ${job.state} (job ${job.id})`;
  return (
    `summarised ${s.root}${s.path ? `/${s.path}` : ''}: ${s.folders} folders, ${s.tiles} tiles ` +
    `(${s.placeholders} placeholders), ${s.sheetsWritten} sheets written, ${s.sheetsUnchanged} unchanged` +
    `${Number(s.skipped) > 0 ? `, ${s.skipped} files skipped (glacier jobs failures ${job.id})` : ''}`
  );
}
