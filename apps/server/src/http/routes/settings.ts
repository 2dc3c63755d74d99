import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as api from '../../api/schemas.js';
import type { AppContext } from '../../app-context.js';
import { changeRuntimeSettings } from '../../settings/archive-handler.js';
import { readRuntimeSettings } from '../../settings/runtime.js';
import { STORAGE_CLASSES } from '../../storage/destination.js';
import { VERSION } from '../../version.js';

/** Settings changed at run time, and what this server is (behind the login, unlike health). */
export function settingsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const view = (runtime: ReturnType<typeof readRuntimeSettings>) => ({
    version: VERSION,
    dataDir: ctx.config.dataDir,
    ...runtime,
    storageClasses: [...STORAGE_CLASSES],
    appliesAt: {
      uploadLimitKiBps: 'now',
      archiveFileConcurrency: 'next-start',
      archiveSmallFileConcurrency: 'next-start',
    } as const,
  });

  return async (app) => {
    app.get('/api/settings', { schema: { response: { 200: api.settingsView } } }, async () =>
      view(readRuntimeSettings(ctx.catalog, ctx.config)),
    );

    app.patch(
      '/api/settings',
      { schema: { body: api.settingsPatch, response: { 200: api.settingsView } } },
      async (request) =>
        view(changeRuntimeSettings(ctx.catalog, ctx.config, ctx.uploadThrottle, request.body)),
    );
  };
}
