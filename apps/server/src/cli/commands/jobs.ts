import type { Command } from 'commander';
import { getJob, listFailures, listJobs } from '../../jobs/store.js';
import { toJobView } from '../../jobs/view.js';
import { UserInputError } from '../../errors.js';
import { withContext } from '../main.js';
import { formatTime } from '../output.js';

export function jobCommands(program: Command): void {
  const jobs = program
    .command('jobs')
    .description(
      'list jobs (scans, …) with their state; subcommands pause, resume, cancel, failures',
    )
    .option('--json', 'machine-readable output')
    .action(
      withContext((ctx, out) => {
        // As the API shows them: a selection's ids are counted, not printed by the thousand.
        const all = listJobs(ctx.catalog, { limit: 50 }).jobs.map(toJobView);
        out.result(all, () =>
          all.length === 0
            ? 'no jobs yet'
            : all
                .map((j) => {
                  const p = (j.progress ?? {}) as Record<string, unknown>;
                  const progress =
                    j.state === 'running'
                      ? ` ${p.phase ?? ''} ${p.filesDone ?? 0}/${p.filesTotal ?? '?'}`
                      : '';
                  return `${j.id}\t${j.kind}\t${j.state}${progress}\t${JSON.stringify(j.params)}${j.selection ? ` (${j.selection.files} picked)` : ''}\t${formatTime(j.createdAt)}${j.error ? `\t${j.error}` : ''}`;
                })
                .join('\n'),
        );
      }),
    );

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    jobs
      .command(`${action} <id>`)
      .description(`${action} a job (a running job stops between files)`)
      .option('--json', 'machine-readable output')
      .action(
        withContext((ctx, out, id: string) => {
          const job = ctx.runner[action](parseId(id));
          out.result(
            job,
            () =>
              `job ${job.id}: ${action === 'resume' ? 'queued to resume (the server runs it)' : `${action} requested`}`,
          );
        }),
      );
  }

  jobs
    .command('failures <id>')
    .description('what went wrong, file by file')
    .option('--json', 'machine-readable output')
    .action(
      withContext((ctx, out, id: string) => {
        const job = getJob(ctx.catalog, parseId(id));
        const failures = listFailures(ctx.catalog, job.id);
        out.result(failures, () =>
          failures.length === 0
            ? `job ${job.id} had no failures`
            : failures.map((f) => `${f.item}: ${f.reason}`).join('\n'),
        );
      }),
    );
}

function parseId(text: string): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id < 1) throw new UserInputError(`"${text}" is not a job id`);
  return id;
}
