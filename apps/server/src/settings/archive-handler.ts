import type { ArchiveSettings } from '../archive/archive-job.js';
import type { Catalog } from '../catalog/catalog.js';
import type { AppConfig } from '../config.js';
import type { JobHandler } from '../jobs/runner.js';
import { Throttle } from '../storage/throttle.js';
import {
  currentRuntimeValues,
  updateRuntimeSettings,
  type RuntimePatch,
  type RuntimeSettingsView,
  type RuntimeValues,
} from './runtime.js';

/** How often a running archive looks for an upload limit changed by another process (the CLI). */
const FOLLOW_MS = 1000;

/** The upload limit of these values in bytes a second; null: none. */
export function uploadRate(values: Pick<RuntimeValues, 'uploadLimitKiBps'>): number | null {
  return values.uploadLimitKiBps === null ? null : values.uploadLimitKiBps * 1024;
}

/** The process's upload bandwidth limit, at the rate the settings give now. */
export function createUploadThrottle(catalog: Catalog, config: AppConfig): Throttle {
  return new Throttle(uploadRate(currentRuntimeValues(catalog, config)));
}

/**
 * Saves a change of the settings and applies what applies at once: the upload limit, which
 * every running upload of this process follows within a second (see Throttle.setRate).
 */
export function changeRuntimeSettings(
  catalog: Catalog,
  config: AppConfig,
  throttle: Throttle,
  patch: RuntimePatch,
): RuntimeSettingsView {
  const view = updateRuntimeSettings(catalog, config, patch);
  throttle.setRate(uploadRate({ uploadLimitKiBps: view.uploadLimitKiBps.value }));
  return view;
}

/**
 * The archive job's handler, with the settings changed at run time.
 *
 * The upload limit is the one process-wide `throttle`, shared by all archives' uploads as the
 * limit promises: a change saved through this process (the Settings page) sets its rate at once
 * (changeRuntimeSettings); one saved by another process sharing the catalog is read at each
 * start or resume and, while an archive runs, every second.
 *
 * The files sent at once (large and small) are read when an archive starts or resumes: a running
 * archive keeps its lanes and memory budget (pausing and resuming it applies a change at once).
 * Archives that start with the same values share one handler, and so one memory budget.
 */
export function archiveHandlerWithRuntimeSettings(
  catalog: Catalog,
  config: AppConfig,
  throttle: Throttle,
  base: Omit<ArchiveSettings, 'fileConcurrency' | 'smallFileConcurrency' | 'throttle'>,
): JobHandler {
  let current: { key: string; handler: JobHandler } | undefined;
  const followRate = () => {
    const rate = uploadRate(currentRuntimeValues(catalog, config));
    if (rate !== throttle.bytesPerSecond) throttle.setRate(rate);
  };
  return async (ctx) => {
    // The archive code (and the AWS SDK with it) loads at the first archive, not with the app.
    const { archiveJobHandler } = await import('../archive/archive-job.js');
    const values = currentRuntimeValues(catalog, config);
    followRate();
    const key = [values.archiveFileConcurrency, values.archiveSmallFileConcurrency].join(':');
    if (current?.key !== key) {
      current = {
        key,
        handler: archiveJobHandler(catalog, {
          ...base,
          fileConcurrency: values.archiveFileConcurrency,
          smallFileConcurrency: values.archiveSmallFileConcurrency,
          throttle,
        }),
      };
    }
    const follow = setInterval(() => {
      try {
        followRate();
      } catch {
        // A busy or closing catalog: the next look, or the next start, catches up.
      }
    }, FOLLOW_MS);
    follow.unref();
    try {
      return await current.handler(ctx);
    } finally {
      clearInterval(follow);
    }
  };
}
