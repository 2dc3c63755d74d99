import { pino } from 'pino';
import { createAppContext } from './app-context.js';
import { ensureAdminFromEnvironment } from './auth/bootstrap.js';
import { BackupSchedule, backupBeforeMigration } from './catalog/backup.js';
import { loadConfig } from './config.js';
import { AppError, DataVolumeFullError } from './errors.js';
import { buildApp } from './http/app.js';
import { syncConfiguredRoots } from './roots/roots.js';

/** The server: one process, one port; stops cleanly on SIGTERM (docker stop) and SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  // An upgrade keeps a copy of the catalog as the previous release left it, before opening it
  // migrates it; if that copy cannot be written, the start stops here with nothing changed.
  const before = await backupBeforeMigration(config.dataDir, { keep: config.backupKeep });
  if (before) log.info({ backup: before.path }, 'catalog backed up before its upgrade');
  const ctx = createAppContext(config, { log });
  const backups = new BackupSchedule(ctx.catalog.sqlite, config.dataDir, {
    intervalHours: config.backupIntervalHours,
    keep: config.backupKeep,
    log,
  });
  const app = await buildApp(ctx, { logger: log });
  await ensureAdminFromEnvironment(ctx.catalog, config.adminPassword, log);
  syncConfiguredRoots(ctx.catalog, config.roots);
  ctx.runner.start();
  backups.start();
  await app.listen({ port: config.port, host: config.host });
  app.log.info({ dataDir: config.dataDir }, 'Glacier Archiver is ready');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down: running jobs will resume at the next start');
    const force = setTimeout(() => process.exit(1), 20_000);
    force.unref();
    await app.close();
    await backups.stop();
    await ctx.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((thrown: unknown) => {
  const error = DataVolumeFullError.from(thrown) ?? thrown;
  if (error instanceof AppError) {
    console.error(`glacier: ${error.message}`);
    process.exit(error.exitCode);
  }
  console.error(error);
  process.exit(1);
});
