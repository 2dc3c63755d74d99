import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as api from '../../api/schemas.js';
import type { AppContext } from '../../app-context.js';
import { quoteRetry, retryJob } from '../../jobs/retry.js';
import { getJob, listFailures, listJobs } from '../../jobs/store.js';
import { toJobView } from '../../jobs/view.js';
import { getRoot } from '../../roots/roots.js';
import { startScan } from '../../scan/start.js';

const jobId = z.object({ id: z.coerce.number().int() });

export function jobRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/jobs',
      { schema: { querystring: api.jobListQuery, response: { 200: api.jobList } } },
      async (request) => {
        const { before, limit } = request.query;
        const page = listJobs(ctx.catalog, {
          ...(before !== undefined ? { before } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
        return { jobs: page.jobs.map(toJobView), older: page.older };
      },
    );

    app.get(
      '/api/jobs/:id',
      { schema: { params: jobId, response: { 200: api.jobView } } },
      async (request) => toJobView(getJob(ctx.catalog, request.params.id)),
    );

    app.get(
      '/api/jobs/:id/failures',
      { schema: { params: jobId, response: { 200: api.jobFailureList } } },
      async (request) => {
        getJob(ctx.catalog, request.params.id);
        return { failures: listFailures(ctx.catalog, request.params.id) };
      },
    );

    app.post(
      '/api/scans',
      { schema: { body: api.startScanBody, response: { 202: api.jobView } } },
      async (request, reply) => {
        const root = getRoot(ctx.catalog, request.body.root);
        return reply.status(202).send(toJobView(startScan(ctx, root, request.body.path)));
      },
    );

    for (const action of ['pause', 'resume', 'cancel'] as const) {
      app.post(
        `/api/jobs/:id/${action}`,
        { schema: { params: jobId, response: { 200: api.jobView } } },
        async (request) => toJobView(ctx.runner[action](request.params.id)),
      );
    }

    // A new job of the same kind over the same stored params (a selection's ids included).
    app.get(
      '/api/jobs/:id/retry-quote',
      { schema: { params: jobId, response: { 200: api.restoreQuoteView } } },
      async (request) => quoteRetry(ctx, request.params.id),
    );

    app.post(
      '/api/jobs/:id/retry',
      { schema: { params: jobId, response: { 202: api.jobView } } },
      async (request, reply) =>
        reply.status(202).send(toJobView(await retryJob(ctx, request.params.id))),
    );
  };
}
