import type { Command } from 'commander';
import type { AppContext } from '../../app-context.js';
import type { RemoteListing, RestoreQuoteView, RestoreView } from '../../api/schemas.js';
import type { JobRow } from '../../jobs/store.js';
import { formatUtc } from '../../restore/messages.js';
import { RESTORE_JOB } from '../../restore/params.js';
import type { RestoreInput } from '../../restore/start.js';
import { listRestores, restoreDetails } from '../../restore/status.js';
import { withContext } from '../main.js';
import { formatBytes } from '../output.js';
import { resolveCatalogPath } from '../resolve.js';
import { runJobHere } from '../run-job.js';

interface PlaceOptions {
  from: string;
  key?: boolean;
}

interface RestoreOptions extends PlaceOptions {
  tier?: string;
  days?: string;
  quote?: boolean;
  to?: string;
  toOriginal?: boolean;
  overwrite?: boolean;
  webhook?: string;
  detach?: boolean;
}

interface DownloadOptions extends PlaceOptions {
  to?: string;
  toOriginal?: boolean;
  wait?: boolean;
  overwrite?: boolean;
  webhook?: string;
}

// The restore modules bring the AWS SDK: the actions that talk to a destination import them when
// they run, so that other commands start without them.
export function restoreCommands(program: Command): void {
  program
    .command('restore <place>')
    .description(
      'bring files back from a destination: quote, request the restores, wait, download (verified)',
    )
    .requiredOption('--from <destination>', 'destination name')
    .option('--key', 'PLACE is an object key or key prefix (objects the catalog does not know)')
    .option('--tier <tier>', 'bulk (default, cheapest), standard or expedited (not Deep Archive)')
    .option('--days <n>', 'days the restored copy stays readable (default 7)')
    .option('--quote', 'show what each tier costs and how long it takes; request nothing')
    .option('--to <dir>', 'download into this folder as soon as files are available')
    .option('--to-original', 'download files back to their original place where they are missing')
    .option('--overwrite', 'replace files already in the download folder')
    .option('--webhook <url>', 'http(s) URL to POST when the restore ends (phone push services)')
    .option('--detach', 'queue the restore for the server and return at once')
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out, place: string, options: RestoreOptions) => {
        const input: RestoreInput = {
          ...placeInput(ctx, place, options),
          ...(options.tier ? { tier: options.tier } : {}),
          ...(options.days ? { days: Number(options.days) } : {}),
          ...(options.to ? { to: options.to } : {}),
          ...(options.toOriginal ? { toOriginal: true } : {}),
          ...(options.overwrite ? { overwrite: true } : {}),
          ...(options.webhook ? { webhook: options.webhook } : {}),
        };
        const { prepareRestore, quoteRestoreFor, startRestore } =
          await import('../../restore/start.js');
        if (options.quote) {
          const quote = await quoteRestoreFor(ctx, input);
          out.result(quote, () => describeQuote(quote));
          return 0;
        }
        if (options.detach) {
          const job = await startRestore(ctx, input, { request: true });
          out.result(
            job,
            () => `restore queued as job ${job.id}: the server runs it; see "glacier restores"`,
          );
          return 0;
        }
        const { params } = await prepareRestore(ctx, input, { request: true });
        const job = await runJobHere(ctx, out, RESTORE_JOB, params);
        return finish(out, job);
      }),
    );

  program
    .command('download <place>')
    .description('download restored (or readable) files into a folder, verified')
    .requiredOption('--from <destination>', 'destination name')
    .option('--key', 'PLACE is an object key or key prefix (objects the catalog does not know)')
    .option('--to <dir>', 'the download folder (an absolute path on the NAS)')
    .option('--to-original', 'back to their original place where the local file is missing')
    .option('--wait', 'wait for restores still running instead of reporting them')
    .option('--overwrite', 'replace files already in the download folder')
    .option('--webhook <url>', 'http(s) URL to POST when the download ends')
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out, place: string, options: DownloadOptions) => {
        const input: RestoreInput = {
          ...placeInput(ctx, place, options),
          ...(options.to ? { to: options.to } : {}),
          ...(options.toOriginal ? { toOriginal: true } : {}),
          ...(options.overwrite ? { overwrite: true } : {}),
          ...(options.wait ? { wait: true } : {}),
          ...(options.webhook ? { webhook: options.webhook } : {}),
        };
        const { prepareRestore } = await import('../../restore/start.js');
        const { params } = await prepareRestore(ctx, input, { request: false });
        const job = await runJobHere(ctx, out, RESTORE_JOB, params);
        return finish(out, job);
      }),
    );

  program
    .command('restores')
    .description('restores and downloads: where each stands, what is available until when')
    .option('--job <id>', 'one restore, object by object')
    .option('--json', 'machine-readable output')
    .action(
      withContext((ctx, out, options: { job?: string }) => {
        if (options.job) {
          const details = restoreDetails(ctx.catalog, Number(options.job));
          out.result(details, () =>
            [
              describeRestore(details),
              ...details.items.map(
                (i) =>
                  `  ${i.state.padEnd(11)} ${i.path}${i.expiresAt ? `  until ${formatUtc(i.expiresAt)}` : ''}${i.reason ? `  (${i.reason})` : ''}`,
              ),
            ].join('\n'),
          );
          return;
        }
        const all = listRestores(ctx.catalog);
        out.result(all, () =>
          all.length === 0
            ? 'no restores yet: glacier restore PATH --from DESTINATION --quote'
            : all.map(describeRestore).join('\n'),
        );
      }),
    );

  const remote = program.command('remote').description("a destination's objects, as stored");
  remote
    .command('ls <destination> [prefix]')
    .description('objects and folders under a key prefix, known to the catalog or not')
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out, name: string, prefix: string | undefined) => {
        const { listRemote } = await import('../../restore/remote.js');
        const listing = await listRemote(ctx, name, prefix ?? '');
        out.result(listing, () => describeListing(listing));
      }),
    );
}

function placeInput(
  ctx: AppContext,
  place: string,
  options: PlaceOptions,
): Pick<RestoreInput, 'destination' | 'root' | 'path' | 'key'> {
  if (options.key) return { destination: options.from, key: place };
  const { root, relPath } = resolveCatalogPath(ctx.catalog, place);
  return { destination: options.from, root: root.label, path: relPath };
}

function finish(out: { result(value: unknown, human: () => string): void }, job: JobRow): number {
  const s = (job.summary ?? {}) as Record<string, unknown>;
  out.result(job, () => {
    if (job.state === 'failed') return `restore failed: ${job.error}`;
    if (job.state !== 'done') {
      return `restore ${job.state} (job ${job.id}); it goes on with: glacier jobs resume ${job.id}`;
    }
    return `${s.scope} from ${s.destination}: ${s.onDisk}${Number(s.failed) + Number(s.expired) > 0 ? ` (glacier jobs failures ${job.id})` : ''}`;
  });
  const clean = Number(s.failed ?? 0) === 0 && Number(s.expired ?? 0) === 0;
  return job.state === 'done' && clean ? 0 : 1;
}

function describeQuote(view: RestoreQuoteView): string {
  const q = view.quote;
  const money = (n: number) => `${q.currency} ${n.toFixed(4)}`;
  const lines = [
    `restore ${view.scope} from ${view.destination}: ${view.objects} objects, ${formatBytes(view.bytes)}` +
      `${view.notArchived ? ` (${view.notArchived} files never archived there)` : ''}` +
      `${view.skipped ? `, ${view.skipped} already in place` : ''}${view.refused ? `, ${view.refused} refused` : ''}`,
    `  prices of ${q.pricesAsOf} in ${q.region}${q.estimated ? ' (estimated from us-east-1)' : ''}; restored copies kept ${q.days} days`,
    `  ${q.toRestore.objects} need a restore (${formatBytes(q.toRestore.bytes)}), ${q.readable.objects} are readable now` +
      `${view.alreadyRestored ? ` (${view.alreadyRestored} restored earlier and not expired)` : ''}` +
      `${view.thawing ? `, ${view.thawing} being restored already (not asked again)` : ''}`,
    `  transfer out ${formatBytes(q.transferOut.bytes)}: ${money(q.transferOut.cost)} after the free ${q.transferOut.freeGbPerMonth} GB/month (${money(q.transferOut.costWithoutFreeTier)} without it)`,
  ];
  if (q.tiers.length === 0) lines.push('  no restore needed: download it directly');
  for (const t of q.tiers) {
    lines.push(
      t.available
        ? `  ${t.tier.padEnd(9)} ${money(t.total)} total (retrieval ${money(t.retrievalCost)}, requests ${money(t.requestsCost)}, restored copy ${money(t.restoredStorageCost)}); ready ${t.wait?.text ?? 'at once'}`
        : `  ${t.tier.padEnd(9)} not possible: ${t.unavailableReason}`,
    );
  }
  return lines.join('\n');
}

function describeRestore(r: RestoreView): string {
  const counts = Object.entries(r.counts)
    .filter(([, n]) => n)
    .map(([state, n]) => `${n} ${state}`)
    .join(', ');
  const until = r.availableUntil ? `; available until ${formatUtc(r.availableUntil)}` : '';
  return (
    `job ${r.jobId}  ${r.kind} ${r.scope} from ${r.destination}` +
    `${r.kind === 'restore' ? ` (${r.tier}, ${r.days} days)` : ''}${r.target ? ` → ${r.target}` : ''}: ` +
    `${r.jobState}; ${counts || 'nothing planned yet'}${until}${r.error ? `; ${r.error}` : ''}`
  );
}

function describeListing(listing: RemoteListing): string {
  const lines = [
    ...listing.folders.map((f) => `PRE ${f.prefix}\t${f.objects} objects, ${formatBytes(f.bytes)}`),
    ...listing.objects.map(
      (o) =>
        `${o.lastModified ? formatUtc(o.lastModified) : '-'}\t${formatBytes(o.size)}\t${o.storageClass}\t${o.key}${o.known ? '' : '\t(not in the catalog)'}`,
    ),
  ];
  if (listing.truncated) lines.push('… more objects: give a longer prefix');
  return lines.length
    ? lines.join('\n')
    : `nothing under "${listing.prefix}" in ${listing.destination}`;
}
