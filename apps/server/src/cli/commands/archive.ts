import type { Command } from 'commander';
import { toPlanView } from '../../archive/plan-view.js';
import type { ArchivePlanView } from '../../api/schemas.js';
import type { Catalog } from '../../catalog/catalog.js';
import { fileByPath } from '../../catalog/browse.js';
import type { JobRow } from '../../jobs/store.js';
import type { RootRow } from '../../roots/roots.js';
import { UserInputError } from '../../errors.js';
import { withContext } from '../main.js';
import { formatBytes, formatTime } from '../output.js';
import { resolveCatalogPath } from '../resolve.js';
import { runJobHere } from '../run-job.js';

// The archive modules bring the AWS SDK: each action imports what it uses when it runs, so
// that other commands start without them.
export function archiveCommands(program: Command): void {
  const dest = program
    .command('dest')
    .description('destinations: S3 buckets and folders copies go to');

  dest
    .command('add <name> <url>')
    .description('add a destination: s3://BUCKET/PREFIX or an absolute folder path')
    .option(
      '--class <class>',
      'S3 storage class: DEEP_ARCHIVE, GLACIER, GLACIER_IR, STANDARD_IA, STANDARD (default: the one in the settings, else DEEP_ARCHIVE)',
    )
    .option('--region <region>', 'the bucket region (default: AWS_REGION, or us-east-1)')
    .option('--endpoint-url <url>', 'an S3-compatible endpoint')
    .option('--access-key-id <id>', 'store these keys (encrypted) instead of using the AWS chain')
    .option('--secret-stdin', 'read the secret access key from standard input, never from argv')
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out, name: string, url: string, options: AddOptions) => {
        const { addDestination, describeDestination } =
          await import('../../archive/destinations.js');
        const credentials = await enteredCredentials(options);
        const row = addDestination(
          ctx.catalog,
          {
            name,
            url,
            ...(options.class ? { storageClass: options.class } : {}),
            ...(options.region ? { region: options.region } : {}),
            ...(options.endpointUrl ? { endpoint: options.endpointUrl } : {}),
            ...(credentials ? { credentials } : {}),
          },
          ctx.secrets,
        );
        const view = describeDestination(row);
        out.result(
          view,
          () =>
            `added destination "${view.name}": ${view.url}${view.storageClass ? ` (${view.storageClass})` : ''}; check it with: glacier dest test ${view.name}`,
        );
      }),
    );

  dest
    .command('list')
    .description('destinations and where they point')
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out) => {
        const { describeDestination, listDestinations } =
          await import('../../archive/destinations.js');
        const all = listDestinations(ctx.catalog).map(describeDestination);
        out.result(all, () =>
          all.length === 0
            ? 'no destinations yet: glacier dest add NAME s3://BUCKET/PREFIX (or a folder path)'
            : all
                .map(
                  (d) =>
                    `${d.name}\t${d.kind}\t${d.url}\t${d.storageClass ?? ''}\t${d.region ?? ''}\t${d.catalogSnapshot ? `catalog copied ${formatTime(d.catalogSnapshot.at)}` : 'catalog not copied yet'}`,
                )
                .join('\n'),
        );
      }),
    );

  dest
    .command('test <name>')
    .description('list, put, read back and delete a probe object; say what is missing')
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out, name: string) => {
        const { checkDestination, getDestination } = await import('../../archive/destinations.js');
        const result = await checkDestination(getDestination(ctx.catalog, name), ctx.secrets);
        out.result(result, () =>
          result.checks.map((c) => `${c.ok ? 'ok  ' : 'FAIL'}  ${c.name}\t${c.message}`).join('\n'),
        );
        return result.ok ? 0 : 1;
      }),
    );

  program
    .command('archive <place>')
    .description('copy a folder (and everything below it) to a destination, verified')
    .requiredOption('--to <destination>', 'destination name')
    .option(
      '--file <path>',
      'only this file of PLACE (repeat it for more; photos/2024/a.jpg or an absolute path)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--dry-run', 'show what would be sent and what it costs; send nothing')
    .option('--json', 'machine-readable output: the plan, or one event per line then the job')
    .action(
      withContext(
        async (
          ctx,
          out,
          place: string,
          options: { to: string; file?: string[]; dryRun?: boolean },
        ) => {
          const { getDestination } = await import('../../archive/destinations.js');
          const { root, relPath } = resolveCatalogPath(ctx.catalog, place);
          const destination = getDestination(ctx.catalog, options.to);
          const fileIds = options.file?.map((file) => fileIdOf(ctx.catalog, root, file));
          if (options.dryRun) {
            const { planArchive } = await import('../../archive/plan.js');
            const plan = toPlanView(planArchive(ctx.catalog, destination, root, relPath, fileIds));
            out.result(plan, () => describePlan(plan));
            return 0;
          }
          const { ARCHIVE_JOB } = await import('../../archive/archive-job.js');
          const { archiveParams } = await import('../../archive/start.js');
          const job = await runJobHere(
            ctx,
            out,
            ARCHIVE_JOB,
            archiveParams(
              destination,
              root,
              relPath,
              fileIds ? { catalog: ctx.catalog, fileIds } : undefined,
            ),
          );
          out.result(job, () => describeArchive(job));
          return job.state === 'done' &&
            Number((job.summary as { failedFiles?: number } | null)?.failedFiles ?? 0) === 0
            ? 0
            : 1;
        },
      ),
    );

  program
    .command('reconcile <destination>')
    .description("compare a destination's objects with the catalog; flag copies that are gone")
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out, name: string) => {
        const { getDestination } = await import('../../archive/destinations.js');
        const { reconcileDestination } = await import('../../archive/reconcile.js');
        const report = await reconcileDestination(
          ctx.catalog,
          getDestination(ctx.catalog, name),
          ctx.secrets,
        );
        out.result(report, () =>
          [
            `${report.destination}: ${report.objects} objects, ${report.confirmed} as the catalog knows them`,
            ...report.adopted.map(
              (k) => `  adopted (matched a local file by size and SHA-256): ${k}`,
            ),
            ...report.unmatched.map((k) => `  not matched to any local file: ${k}`),
            ...report.lost.map(
              (k) => `  MISSING: the catalog counted on ${k}, the destination does not have it`,
            ),
          ].join('\n'),
        );
        return report.lost.length > 0 ? 1 : 0;
      }),
    );

  program
    .command('cleanup <destination>')
    .description('abort abandoned multipart uploads (they are billed until aborted)')
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out, name: string) => {
        const { getDestination } = await import('../../archive/destinations.js');
        const { cleanupDestination } = await import('../../archive/reconcile.js');
        const result = await cleanupDestination(
          ctx.catalog,
          getDestination(ctx.catalog, name),
          ctx.secrets,
        );
        out.result(
          result,
          () =>
            `${result.aborted.length} abandoned uploads aborted${result.aborted.map((k) => `\n  ${k}`).join('')}`,
        );
      }),
    );
}

interface AddOptions {
  class?: string;
  region?: string;
  endpointUrl?: string;
  accessKeyId?: string;
  secretStdin?: boolean;
}

async function enteredCredentials(options: AddOptions) {
  if (!options.accessKeyId && !options.secretStdin) return undefined;
  if (!options.accessKeyId || !options.secretStdin) {
    throw new UserInputError(
      'Give both --access-key-id and --secret-stdin (the secret on standard input)',
    );
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return {
    accessKeyId: options.accessKeyId,
    secretAccessKey: Buffer.concat(chunks).toString('utf8').trim(),
  };
}

/** The catalog id of a file named as the CLI names places, which must be in `root`. */
function fileIdOf(catalog: Catalog, root: RootRow, input: string): number {
  const found = resolveCatalogPath(catalog, input);
  if (found.root.id !== root.id) {
    throw new UserInputError(`--file ${input} is not in the root "${root.label}"`);
  }
  return fileByPath(catalog, root, found.relPath).id;
}

function describePlan(plan: ArchivePlanView): string {
  const q = plan.quote;
  const what =
    plan.selected === null
      ? ''
      : ` (${plan.selected} picked file${plan.selected === 1 ? '' : 's'} only)`;
  return [
    `archive ${plan.root}/${plan.path}${what} to ${plan.destination}: ${plan.files} files, ${formatBytes(plan.bytes)} to send`,
    `  ${plan.alreadyArchived} already there${plan.unread ? `, ${plan.unread} not scanned yet (skipped)` : ''}${plan.missing ? `, ${plan.missing} gone from the NAS (skipped)` : ''}`,
    ...(q
      ? [
          `  ${q.storageClass} in ${q.region}${q.estimated ? ' (estimated from us-east-1 prices)' : ''}, prices of ${q.pricesAsOf}:`,
          `  storage ${q.currency} ${q.storagePerMonth.toFixed(4)}/month; ${q.putRequests} requests ${q.currency} ${q.requestsCost.toFixed(4)};`,
          `  minimum ${q.minimumDays} days of storage: ${q.currency} ${q.minimumStorageCharge.toFixed(4)} even if deleted sooner`,
        ]
      : []),
    ...plan.sample.slice(0, 20).map((i) => `  ${i.key}\t${formatBytes(i.size)}`),
    plan.files > 20 ? `  … and ${plan.files - 20} more` : '',
  ]
    .filter(Boolean)
    .join('\n');
}

function describeArchive(job: JobRow): string {
  const s = (job.summary ?? {}) as Record<string, number | string>;
  if (job.state === 'failed') return `archive failed: ${job.error}`;
  if (job.state !== 'done')
    return `archive ${job.state} (job ${job.id}); resume with: glacier jobs resume ${job.id}`;
  return (
    `archived ${s.root}${s.path ? `/${s.path}` : ''} to ${s.destination}: ${s.archived} of ${s.files} files verified ` +
    `(${formatBytes(Number(s.bytesSent))} sent), ${s.alreadyArchived} already there, ${s.sheets} sheet files` +
    `${Number(s.failedFiles) > 0 ? `; ${s.failedFiles} FAILED (glacier jobs failures ${job.id})` : ''}`
  );
}
