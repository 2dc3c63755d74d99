import { pino } from 'pino';
import { createAppContext } from './app-context.js';
import { ensureAdminFromEnvironment } from './auth/bootstrap.js';
import { loadConfig } from './config.js';
import { AppError } from './errors.js';
import { buildApp } from './http/app.js';
import { syncConfiguredRoots } from './roots/roots.js';

/** The server: one process, one port; stops cleanly on SIGTERM (docker stop) and SIGINT. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = pino({ level: config.logLevel });
  const ctx = createAppContext(config, { log });
  const app = await buildApp(ctx, { logger: log });
  await ensureAdminFromEnvironment(ctx.catalog, config.adminPassword, log);
  syncConfiguredRoots(ctx.catalog, config.roots);
  ctx.runner.start();
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
    await ctx.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof AppError) {
    console.error(`glacier: ${error.message}`);
    process.exit(error.exitCode);
  }
  console.error(error);
  process.exit(1);
});
