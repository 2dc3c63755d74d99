import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import * as api from '../../api/schemas.js';
import type { AppContext } from '../../app-context.js';
import { catalogOverview } from '../../catalog/overview.js';

/** The home dashboard's numbers. */
export function overviewRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/overview', { schema: { response: { 200: api.overview } } }, async () =>
      catalogOverview(ctx.catalog),
    );
  };
}
