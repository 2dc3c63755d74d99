import type { Command } from 'commander';
import { backupCatalog, listBackups } from '../../catalog/backup.js';
import type { AppContext } from '../../app-context.js';
import { withContext } from '../main.js';
import { formatBytes, formatTime } from '../output.js';

export function backupCommands(program: Command): void {
  const backup = program
    .command('backup')
    .description(
      'back up the catalog now, into <data dir>/backups (SQLite online backup: safe while the server runs), or with --to into a destination; subcommand list',
    )
    .option(
      '--to <destination>',
      'send the copy to this destination (.glacier-archiver/catalog/, as after an archive)',
    )
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out, options: { to?: string }) => {
        if (options.to) {
          const sent = await sendSnapshotTo(ctx, options.to);
          out.result(
            sent,
            () =>
              `catalog copied to ${options.to}: ${sent.key} (${formatBytes(sent.bytes)})` +
              (sent.pruned.length > 0 ? `; ${sent.pruned.length} older copies removed` : ''),
          );
          return;
        }
        const made = await backupCatalog(ctx.catalog.sqlite, ctx.config.dataDir, 'manual', {
          keep: ctx.config.backupKeep,
        });
        out.result(made, () => `catalog backed up to ${made.path} (${formatBytes(made.bytes)})`);
      }),
    );

  backup
    .command('list')
    .description('catalog backups, newest first: when, why (scheduled, manual, pre-migration)')
    .option('--json', 'machine-readable output')
    .action(
      withContext((ctx, out) => {
        const all = listBackups(ctx.config.dataDir);
        out.result(all, () =>
          all.length === 0
            ? 'no catalog backups yet: glacier backup'
            : all
                .map(
                  (b) =>
                    `${formatTime(b.createdAt)}\t${b.kind}\tschema ${b.schema}\t${formatBytes(b.bytes)}\t${b.path}`,
                )
                .join('\n'),
        );
      }),
    );
}

/** The catalog's copy sent to a destination now, as an archive sends it after its files. */
async function sendSnapshotTo(ctx: AppContext, name: string) {
  const { getDestination, openFor } = await import('../../archive/destinations.js');
  const { sendCatalogSnapshot } = await import('../../archive/catalog-snapshot.js');
  const row = getDestination(ctx.catalog, name);
  const destination = openFor(row, { secrets: ctx.secrets });
  try {
    return await sendCatalogSnapshot(ctx.catalog, destination, row, ctx.config.dataDir);
  } finally {
    destination.close();
  }
}
