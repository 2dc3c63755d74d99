import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import * as api from '../../api/schemas.js';
import type { AppContext } from '../../app-context.js';
import { fileById } from '../../catalog/browse.js';
import { NotFoundError } from '../../errors.js';
import { toJobView } from '../../jobs/view.js';
import { normalizeRelPath } from '../../roots/paths.js';
import { getRoot, getRootById } from '../../roots/roots.js';
import { startSummarise } from '../../sheets/start.js';
import { folderSheets, getSheet, type SheetRow } from '../../sheets/store.js';
import { fileThumbnail } from '../../sheets/file-thumbnail.js';

const byId = z.object({ id: z.coerce.number().int() });

export function sheetRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/summaries',
      { schema: { body: api.startSummariseBody, response: { 202: api.jobView } } },
      async (request, reply) => {
        const root = getRoot(ctx.catalog, request.body.root);
        return reply
          .status(202)
          .send(toJobView(startSummarise(ctx, root, request.body.path, request.body.recursive)));
      },
    );

    app.get(
      '/api/roots/:label/sheets',
      {
        schema: {
          params: z.object({ label: z.string() }),
          querystring: z.object({ path: z.string().default('') }),
          response: { 200: api.sheetList },
        },
      },
      async (request) => {
        const root = getRoot(ctx.catalog, request.params.label);
        const folder = normalizeRelPath(request.query.path);
        return {
          root: root.label,
          folder,
          sheets: folderSheets(ctx.catalog, root.id, folder).map(toSheetView),
        };
      },
    );

    app.get('/api/sheets/:id/image', { schema: { params: byId } }, async (request, reply) => {
      const sheet = getSheet(ctx.catalog, request.params.id);
      return sendCached(request, reply, sheet.signature, 'image/webp', () =>
        readFileSync(path.join(ctx.config.dataDir, sheet.imagePath)),
      );
    });

    app.get('/api/sheets/:id/index', { schema: { params: byId } }, async (request, reply) => {
      const sheet = getSheet(ctx.catalog, request.params.id);
      return sendCached(request, reply, sheet.signature, 'application/json; charset=utf-8', () =>
        readFileSync(path.join(ctx.config.dataDir, sheet.indexPath)),
      );
    });

    app.get('/api/files/:id/thumbnail', { schema: { params: byId } }, async (request, reply) => {
      const file = fileById(ctx.catalog, request.params.id);
      const root = getRootById(ctx.catalog, file.rootId);
      const thumb = await fileThumbnail(ctx, root, file);
      return sendCached(request, reply, thumb.sha256, 'image/webp', () =>
        readFileSync(thumb.imagePath),
      );
    });
  };
}

function toSheetView(sheet: SheetRow): api.SheetView {
  return {
    id: sheet.id,
    page: sheet.page,
    pages: sheet.pages,
    tileCount: sheet.tileCount,
    width: sheet.width,
    height: sheet.height,
    bytes: sheet.bytes,
    createdAt: sheet.createdAt,
    imageUrl: `/api/sheets/${sheet.id}/image`,
    indexUrl: `/api/sheets/${sheet.id}/index`,
  };
}

/**
 * Sends content named by a hash: the browser keeps it and asks again with If-None-Match, and
 * gets a 304 while it has not changed. `private`: it is behind a login.
 */
function sendCached(
  request: FastifyRequest,
  reply: FastifyReply,
  hash: string,
  type: string,
  read: () => Buffer,
) {
  const etag = `"${hash}"`;
  reply.header('ETag', etag).header('Cache-Control', 'private, max-age=60, must-revalidate');
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();
  let body: Buffer;
  try {
    body = read();
  } catch {
    throw new NotFoundError(
      'The image is not in the data folder any more: summarise the folder again',
    );
  }
  return reply.type(type).send(body);
}
