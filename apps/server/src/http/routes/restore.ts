import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as api from '../../api/schemas.js';
import type { AppContext } from '../../app-context.js';
import { toJobView } from '../../jobs/view.js';
import { listRemote } from '../../restore/remote.js';
import { quoteRestoreFor, startRestore } from '../../restore/start.js';
import { listRestores, restoreDetails } from '../../restore/status.js';
import { openFileDownload, openKeyDownload, type ObjectDownload } from '../../restore/stream.js';

const byId = z.object({ id: z.coerce.number().int() });
const byName = z.object({ name: z.string() });

export function restoreRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/restores/quote',
      { schema: { body: api.restoreQuoteBody, response: { 200: api.restoreQuoteView } } },
      async (request) => quoteRestoreFor(ctx, request.body),
    );

    app.post(
      '/api/restores',
      { schema: { body: api.restoreBody, response: { 202: api.jobView } } },
      async (request, reply) =>
        reply.status(202).send(toJobView(await startRestore(ctx, request.body, { request: true }))),
    );

    app.post(
      '/api/downloads',
      { schema: { body: api.downloadBody, response: { 202: api.jobView } } },
      async (request, reply) =>
        reply
          .status(202)
          .send(toJobView(await startRestore(ctx, request.body, { request: false }))),
    );

    app.get('/api/restores', { schema: { response: { 200: api.restoreList } } }, async () => ({
      restores: listRestores(ctx.catalog),
    }));

    app.get(
      '/api/restores/:id',
      {
        schema: {
          params: byId,
          querystring: api.restoreDetailsQuery,
          response: { 200: api.restoreDetails },
        },
      },
      async (request) => restoreDetails(ctx.catalog, request.params.id, request.query),
    );

    app.get(
      '/api/destinations/:name/objects',
      {
        schema: {
          params: byName,
          querystring: z.object({ prefix: z.string().default('') }),
          response: { 200: api.remoteListing },
        },
      },
      async (request) => listRemote(ctx, request.params.name, request.query.prefix),
    );

    app.get(
      '/api/files/:id/download',
      {
        schema: { params: byId, querystring: z.object({ from: z.string().min(1) }) },
        // The user's own bytes, as stored, with their length: never re-encoded on the way.
        compress: false,
      },
      async (request, reply) =>
        send(reply, await openFileDownload(ctx, request.params.id, request.query.from)),
    );

    app.get(
      '/api/destinations/:name/objects/download',
      {
        schema: { params: byName, querystring: z.object({ key: z.string().min(1) }) },
        compress: false,
      },
      async (request, reply) =>
        send(reply, await openKeyDownload(ctx, request.params.name, request.query.key)),
    );
  };
}

function send(reply: FastifyReply, download: ObjectDownload) {
  return reply
    .header('Content-Type', download.contentType)
    .header('Content-Length', String(download.size))
    .header('Content-Disposition', download.disposition)
    .header('Cache-Control', 'private, no-store')
    .header('X-Content-Type-Options', 'nosniff')
    .send(download.body);
}
