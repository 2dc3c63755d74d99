import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as api from '../../api/schemas.js';
import type { AppContext } from '../../app-context.js';
import {
  browseFolder,
  fileById,
  fileByPath,
  fileDetails,
  folderChildren,
  listFiles,
} from '../../catalog/browse.js';
import { addRoot, getRoot, getRootById, listRoots } from '../../roots/roots.js';

export function catalogRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/api/roots', { schema: { response: { 200: api.rootList } } }, async () => ({
      roots: listRoots(ctx.catalog),
    }));

    app.post(
      '/api/roots',
      { schema: { body: api.addRootBody, response: { 201: api.rootSummary } } },
      async (request, reply) => {
        const root = addRoot(ctx.catalog, request.body);
        const summary = listRoots(ctx.catalog).find((r) => r.id === root.id)!;
        return reply.status(201).send(summary);
      },
    );

    app.get(
      '/api/roots/:label/browse',
      {
        schema: {
          params: z.object({ label: z.string() }),
          querystring: api.browseQuery,
          response: { 200: api.browseResult },
        },
      },
      async (request) =>
        browseFolder(ctx.catalog, getRoot(ctx.catalog, request.params.label), request.query),
    );

    app.get(
      '/api/roots/:label/files',
      {
        schema: {
          params: z.object({ label: z.string() }),
          querystring: api.filesQuery,
          response: { 200: api.filesPage },
        },
      },
      async (request) =>
        listFiles(ctx.catalog, getRoot(ctx.catalog, request.params.label), request.query),
    );

    app.get(
      '/api/roots/:label/folders',
      {
        schema: {
          params: z.object({ label: z.string() }),
          querystring: api.folderChildrenQuery,
          response: { 200: api.folderChildren },
        },
      },
      async (request) =>
        folderChildren(ctx.catalog, getRoot(ctx.catalog, request.params.label), request.query.path),
    );

    app.get(
      '/api/roots/:label/file',
      {
        schema: {
          params: z.object({ label: z.string() }),
          querystring: z.object({ path: z.string().min(1) }),
          response: { 200: api.fileDetails },
        },
      },
      async (request) => {
        const root = getRoot(ctx.catalog, request.params.label);
        return fileDetails(ctx.catalog, root, fileByPath(ctx.catalog, root, request.query.path));
      },
    );

    app.get(
      '/api/files/:id',
      {
        schema: {
          params: z.object({ id: z.coerce.number().int() }),
          response: { 200: api.fileDetails },
        },
      },
      async (request) => {
        const row = fileById(ctx.catalog, request.params.id);
        return fileDetails(ctx.catalog, getRootById(ctx.catalog, row.rootId), row);
      },
    );
  };
}
