import type { AppConfig } from './config.js';
import { SecretBox } from './auth/secrets.js';
import { Catalog } from './catalog/catalog.js';
import { openCatalog } from './catalog/db.js';
import { EventBus } from './events.js';
import { JobRunner, type RunnerOptions } from './jobs/runner.js';
import { endExiftool } from './media/exif.js';
import { ARCHIVE_JOB } from './archive/archive-job.js';
import {
  archiveHandlerWithRuntimeSettings,
  createUploadThrottle,
} from './settings/archive-handler.js';
import { RESTORE_JOB, restoreJobHandler } from './restore/restore-job.js';
import { SCAN_JOB, scanJobHandler } from './scan/scan.js';
import { SUMMARISE_JOB, summariseJobHandler } from './sheets/summarise.js';
import { shutdownThumbnailers } from './media/thumbnail.js';
import type { Throttle } from './storage/throttle.js';

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
  const runner = new JobRunner(
    catalog,
    bus,
    {
      [SCAN_JOB]: scanJobHandler(catalog, {
        ignore: config.ignore,
        concurrency: config.scanConcurrency,
        dataDir: config.dataDir,
      }),
      [SUMMARISE_JOB]: summariseJobHandler(catalog, config.dataDir),
      // The upload limit applies live, the files at once at each start: see archive-handler.ts.
      [ARCHIVE_JOB]: archiveHandlerWithRuntimeSettings(catalog, config, uploadThrottle, {
        dataDir: config.dataDir,
        secrets,
      }),
      [RESTORE_JOB]: restoreJobHandler(catalog, {
        secrets,
        ...(config.restorePoll ? { schedule: config.restorePoll } : {}),
        ...(config.restoreChunkBytes ? { chunkSize: config.restoreChunkBytes } : {}),
      }),
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
      await shutdownThumbnailers();
      await endExiftool();
      catalog.close();
    },
  };
}
