import { archiveJobHandler, type ArchiveSettings } from '../archive/archive-job.js';
import type { Catalog } from '../catalog/catalog.js';
import type { AppConfig } from '../config.js';
import type { JobHandler } from '../jobs/runner.js';
import { currentRuntimeValues } from './runtime.js';

/**
 * The archive job's handler, with the settings changed at run time: each archive reads the
 * upload limit and the files sent at once (large and small) from the catalog when it starts or resumes. A running
 * archive keeps what it started with (pausing and resuming it applies a change at once).
 *
 * Archives that start with the same values share one handler, so that its bandwidth limit (a
 * token bucket) is shared by all their uploads, as the limit promises.
 */
export function archiveHandlerWithRuntimeSettings(
  catalog: Catalog,
  config: AppConfig,
  base: Omit<ArchiveSettings, 'fileConcurrency' | 'smallFileConcurrency' | 'uploadBytesPerSecond'>,
): JobHandler {
  let current: { key: string; handler: JobHandler } | undefined;
  return (ctx) => {
    const values = currentRuntimeValues(catalog, config);
    const key = [
      values.archiveFileConcurrency,
      values.archiveSmallFileConcurrency,
      values.uploadLimitKiBps ?? 'none',
    ].join(':');
    if (current?.key !== key) {
      current = {
        key,
        handler: archiveJobHandler(catalog, {
          ...base,
          fileConcurrency: values.archiveFileConcurrency,
          smallFileConcurrency: values.archiveSmallFileConcurrency,
          uploadBytesPerSecond:
            values.uploadLimitKiBps === null ? null : values.uploadLimitKiBps * 1024,
        }),
      };
    }
    return current.handler(ctx);
  };
}
