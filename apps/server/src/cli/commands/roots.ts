import type { Command } from 'commander';
import { addRoot, listRoots } from '../../roots/roots.js';
import { withContext } from '../main.js';
import { formatBytes, formatTime } from '../output.js';

export function rootCommands(program: Command): void {
  const roots = program.command('roots').description('media folders to catalog');

  roots
    .command('add <path>')
    .description('add a media folder (a NAS share or a USB drive)')
    .requiredOption('--label <name>', 'short name used in the UI and in the bucket layout')
    .option('--json', 'machine-readable output')
    .action(
      withContext((ctx, out, fsPath: string, options: { label: string }) => {
        const root = addRoot(ctx.catalog, { path: fsPath, label: options.label });
        out.result(
          root,
          () =>
            `added root "${root.label}" at ${root.path}; scan it with: glacier scan ${root.label}`,
        );
      }),
    );

  roots
    .command('list')
    .description('list media roots, online or not, with what the catalog holds')
    .option('--json', 'machine-readable output')
    .action(
      withContext((ctx, out) => {
        const all = listRoots(ctx.catalog);
        out.result(all, () =>
          all.length === 0
            ? 'no media roots yet: glacier roots add /path/to/photos --label photos'
            : all
                .map(
                  (r) =>
                    `${r.label}\t${r.online ? 'online ' : 'OFFLINE'}\t${r.fileCount} files\t${formatBytes(r.bytes)}` +
                    `${r.missingCount ? `\t${r.missingCount} missing` : ''}\tscanned ${formatTime(r.lastScanAt)}\t${r.path}`,
                )
                .join('\n'),
        );
      }),
    );
}
