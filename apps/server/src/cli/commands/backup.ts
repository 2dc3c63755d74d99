import type { Command } from 'commander';
import { backupCatalog, listBackups } from '../../catalog/backup.js';
import { withContext } from '../main.js';
import { formatBytes, formatTime } from '../output.js';

export function backupCommands(program: Command): void {
  const backup = program
    .command('backup')
    .description(
      'back up the catalog now, into <data dir>/backups (SQLite online backup: safe while the server runs); subcommand list',
    )
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out) => {
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
