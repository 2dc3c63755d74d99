import type { AppConfig } from './config.js';
import { SecretBox } from './auth/secrets.js';
import { Catalog } from './catalog/catalog.js';
import { openCatalog } from './catalog/db.js';
import { EventBus } from './events.js';
import { JobRunner, type JobHandler, type RunnerOptions } from './jobs/runner.js';
import { ARCHIVE_JOB, RESTORE_JOB, SCAN_JOB, SUMMARISE_JOB } from './jobs/kinds.js';
import {
  archiveHandlerWithRuntimeSettings,
  createUploadThrottle,
} from './settings/archive-handler.js';
import type { Throttle } from './storage/throttle.js';
import { runShutdownHooks } from './util/shutdown.js';

/** Everything the HTTP layer and the CLI share: config, catalog, events and the job runner. */
export interface AppContext {
  config: AppConfig;
  catalog: Catalog;
  bus: EventBus;
  runner: JobRunner;
  /** Seals the secrets users enter (S3 keys) with a key kept outside the catalog. */
  secrets: SecretBox;
  /**
   * The upload bandwidth limit every archive of this process shares; a settings change sets
   * its rate, and running uploads follow within a second.
   */
  uploadThrottle: Throttle;
  close(): Promise<void>;
}

export function createAppContext(config: AppConfig, runnerOptions: RunnerOptions = {}): AppContext {
  const catalog = new Catalog(openCatalog(config.dataDir));
  const bus = new EventBus();
  const secrets = SecretBox.open(config.dataDir);
  const uploadThrottle = createUploadThrottle(catalog, config);
  // A job's code (sharp and exiftool for summarise, the AWS SDK for archive and restore) is
  // loaded when a job of its kind first runs: a CLI command that runs none starts without it.
  const runner = new JobRunner(
    catalog,
    bus,
    {
      [SCAN_JOB]: lazyHandler(async () =>
        (await import('./scan/scan.js')).scanJobHandler(catalog, {
          ignore: config.ignore,
          concurrency: config.scanConcurrency,
          dataDir: config.dataDir,
        }),
      ),
      [SUMMARISE_JOB]: lazyHandler(async () =>
        (await import('./sheets/summarise.js')).summariseJobHandler(catalog, config.dataDir),
      ),
      // The upload limit applies live, the files at once at each start: see archive-handler.ts,
      // which loads the archive job itself at its first run.
      [ARCHIVE_JOB]: archiveHandlerWithRuntimeSettings(catalog, config, uploadThrottle, {
        dataDir: config.dataDir,
        secrets,
      }),
      [RESTORE_JOB]: lazyHandler(async () =>
        (await import('./restore/restore-job.js')).restoreJobHandler(catalog, {
          secrets,
          ...(config.restorePoll ? { schedule: config.restorePoll } : {}),
          ...(config.restoreChunkBytes ? { chunkSize: config.restoreChunkBytes } : {}),
        }),
      ),
    },
    runnerOptions,
  );
  return {
    config,
    catalog,
    bus,
    runner,
    secrets,
    uploadThrottle,
    async close() {
      await runner.stop();
      // Ends exiftool and the HEIC decoder if their modules were loaded (util/shutdown.ts).
      await runShutdownHooks();
      catalog.close();
    },
  };
}

/**
 * A handler made at its first run by `make`, which imports its module; later runs reuse it.
 * A failed import is tried again at the next run.
 */
function lazyHandler(make: () => Promise<JobHandler>): JobHandler {
  let handler: Promise<JobHandler> | undefined;
  return async (ctx) => {
    handler ??= make().catch((error: unknown) => {
      handler = undefined;
      throw error;
    });
    return (await handler)(ctx);
  };
}
