import type { Command } from 'commander';
import type { CopyCheck } from '../../api/schemas.js';
import { fileByPath } from '../../catalog/browse.js';
import { withContext } from '../main.js';
import { formatTime } from '../output.js';
import { resolveCatalogPath } from '../resolve.js';

/**
 * `glacier check-copies` exits with this when a copy is missing, differs or could not be asked:
 * a script (a monthly cron job) can tell "all there" from "look at this" without parsing.
 */
export const COPIES_NOT_VERIFIED_EXIT_CODE = 12;

const STATUS_WORD = { mismatch: 'CHANGED', missing: 'MISSING', error: 'NOT CHECKED' } as const;
const GOOD: ReadonlySet<CopyCheck['status']> = new Set(['verified', 'unverified']);

export function copiesCommands(program: Command): void {
  program
    .command('check-copies <file>')
    .description(
      'ask each destination about its copy of a file (there, same SHA-256, class, restore, replication); changes nothing',
    )
    .option('--json', 'machine-readable output')
    .action(
      withContext(async (ctx, out, place: string) => {
        const { root, relPath } = resolveCatalogPath(ctx.catalog, place);
        const file = fileByPath(ctx.catalog, root, relPath);
        // Storage (the AWS SDK) is loaded only when a check runs.
        const { checkFileCopies } = await import('../../archive/check-copies.js');
        const report = await checkFileCopies(ctx, file.id);
        out.result(report, () =>
          report.copies.length === 0
            ? `${root.label}:/${relPath}: no destination holds a copy yet`
            : [`${root.label}:/${relPath}`, ...report.copies.map(copyLine)].join('\n'),
        );
        return report.copies.every((c) => GOOD.has(c.status)) ? 0 : COPIES_NOT_VERIFIED_EXIT_CODE;
      }),
    );
}

function copyLine(copy: CopyCheck): string {
  const where = copy.region ? `${copy.destination} (${copy.region})` : copy.destination;
  const facts = [
    copy.status === 'verified'
      ? 'present, SHA-256 verified'
      : copy.status === 'unverified'
        ? 'present, same size (no SHA-256 to compare)'
        : `${STATUS_WORD[copy.status]}${copy.problem ? `: ${copy.problem}` : ''}`,
    copy.storageClass,
    copy.restore?.state === 'available'
      ? `restored${copy.restore.until ? ` until ${formatTime(copy.restore.until)}` : ''}`
      : copy.restore?.state === 'in-progress'
        ? 'restore in progress'
        : null,
    copy.replication ? `replication ${copy.replication.status}: ${copy.replication.meaning}` : null,
    copy.catalogLostAt ? `marked lost ${formatTime(copy.catalogLostAt)}` : null,
  ].filter(Boolean);
  return `  ${where}\t${copy.key}\t${facts.join('; ')}`;
}
