import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as api from '../../api/schemas.js';
import type { AppContext } from '../../app-context.js';
import {
  type AddDestinationInput,
  addDestination,
  checkDestination,
  describeDestination,
  getDestination,
  listDestinations,
} from '../../archive/destinations.js';
import { checkFileCopies } from '../../archive/check-copies.js';
import { planArchive } from '../../archive/plan.js';
import { toPlanView } from '../../archive/plan-view.js';
import { cleanupDestination, reconcileDestination } from '../../archive/reconcile.js';
import { startArchive } from '../../archive/start.js';
import { toJobView } from '../../jobs/view.js';
import { getRoot } from '../../roots/roots.js';

const byName = z.object({ name: z.string() });
const byId = z.object({ id: z.coerce.number().int() });

export function archiveRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/destinations',
      { schema: { response: { 200: api.destinationList } } },
      async () => ({
        destinations: listDestinations(ctx.catalog).map(describeDestination),
      }),
    );

    app.post(
      '/api/destinations',
      { schema: { body: api.addDestinationBody, response: { 201: api.destinationView } } },
      async (request, reply) =>
        reply
          .status(201)
          .send(
            describeDestination(addDestination(ctx.catalog, toAddInput(request.body), ctx.secrets)),
          ),
    );

    app.post(
      '/api/destinations/:name/test',
      { schema: { params: byName, response: { 200: api.probeResult } } },
      async (request) =>
        checkDestination(getDestination(ctx.catalog, request.params.name), ctx.secrets),
    );

    app.post(
      '/api/destinations/:name/reconcile',
      { schema: { params: byName, response: { 200: api.reconcileReport } } },
      async (request) =>
        reconcileDestination(ctx.catalog, getDestination(ctx.catalog, request.params.name)),
    );

    app.post(
      '/api/destinations/:name/cleanup',
      { schema: { params: byName, response: { 200: z.object({ aborted: z.array(z.string()) }) } } },
      async (request) =>
        cleanupDestination(ctx.catalog, getDestination(ctx.catalog, request.params.name)),
    );

    // Reads only: a copy found missing is reported, not marked lost (that is reconcile's work).
    app.get(
      '/api/files/:id/copies/check',
      { schema: { params: byId, response: { 200: api.fileCopiesCheck } } },
      async (request) => checkFileCopies(ctx, request.params.id),
    );

    app.post(
      '/api/archives/plan',
      { schema: { body: api.archiveBody, response: { 200: api.archivePlanView } } },
      async (request) => {
        const { destination, root, path, fileIds } = request.body;
        return toPlanView(
          planArchive(
            ctx.catalog,
            getDestination(ctx.catalog, destination),
            getRoot(ctx.catalog, root),
            path,
            fileIds,
          ),
        );
      },
    );

    app.post(
      '/api/archives',
      { schema: { body: api.archiveBody, response: { 202: api.jobView } } },
      async (request, reply) => {
        const { destination, root, path, fileIds } = request.body;
        const job = startArchive(
          ctx,
          getDestination(ctx.catalog, destination),
          getRoot(ctx.catalog, root),
          path,
          fileIds,
        );
        return reply.status(202).send(toJobView(job));
      },
    );
  };
}

function toAddInput(body: z.infer<typeof api.addDestinationBody>): AddDestinationInput {
  const { accessKeyId, secretAccessKey, ...rest } = body;
  return {
    ...rest,
    ...(accessKeyId || secretAccessKey
      ? { credentials: { accessKeyId: accessKeyId ?? '', secretAccessKey: secretAccessKey ?? '' } }
      : {}),
  };
}
