#!/usr/bin/env node
import { Command } from 'commander';
import { createAppContext, type AppContext } from '../app-context.js';
import { backupBeforeMigration } from '../catalog/backup.js';
import { loadConfig } from '../config.js';
import { VERSION } from '../version.js';
import { adminCommands } from './commands/admin.js';
import { archiveCommands } from './commands/archive.js';
import { restoreCommands } from './commands/restore.js';
import { backupCommands } from './commands/backup.js';
import { browseCommands } from './commands/browse.js';
import { copiesCommands } from './commands/copies.js';
import { jobCommands } from './commands/jobs.js';
import { rootCommands } from './commands/roots.js';
import { scanCommand } from './commands/scan.js';
import { sheetCommands } from './commands/sheets.js';
import { createOutput, exitWithError, type Output } from './output.js';

/**
 * `glacier …`: the admin CLI. It opens the same data dir as the server (GLACIER_DATA_DIR) and
 * works while the server runs: SQLite in WAL mode lets both read and write.
 */
export type Action = (
  ctx: AppContext,
  out: Output,
  ...args: never[]
) => Promise<number | void> | number | void;

export function withContext(
  action: (
    ctx: AppContext,
    out: Output,
    ...args: never[]
  ) => Promise<number | void> | number | void,
) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const json = Boolean(command.optsWithGlobals().json);
    const out = createOutput(json);
    let ctx: AppContext | undefined;
    let code: number | void = 0;
    try {
      const config = loadConfig();
      // The CLI may be the first to open a catalog after an upgrade: same backup as the server.
      await backupBeforeMigration(config.dataDir, { keep: config.backupKeep });
      ctx = createAppContext(config);
      code = await action(ctx, out, ...(args as never[]));
    } catch (error) {
      await ctx?.close().catch(() => undefined);
      exitWithError(error, json);
    }
    await ctx.close();
    process.exit(code ?? 0);
  };
}

const program = new Command('glacier')
  .description('Glacier Archiver: catalog, summarise and archive media to S3 cold storage')
  .version(VERSION)
  .option('--json', 'machine-readable output: one JSON object or event per line')
  .showHelpAfterError();

rootCommands(program);
scanCommand(program);
sheetCommands(program);
archiveCommands(program);
restoreCommands(program);
browseCommands(program);
copiesCommands(program);
jobCommands(program);
adminCommands(program);
backupCommands(program);

program.parseAsync(process.argv).catch((error: unknown) => exitWithError(error, false));
