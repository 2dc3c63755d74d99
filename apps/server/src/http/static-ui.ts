import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/web/out, built by `next build` (static export), beside this package. */
const DEFAULT_WEB_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../web/out',
);

/**
 * Serves the built web UI. The server starts without it (API only) and says so at `/`, so it
 * can be developed and tested on its own.
 */
export async function registerStaticUi(
  app: FastifyInstance,
  webDir = DEFAULT_WEB_DIR,
): Promise<void> {
  if (!existsSync(path.join(webDir, 'index.html'))) {
    app.log.warn({ webDir }, 'web UI not built: serving the API only');
    app.get('/', async (_request, reply) =>
      reply
        .type('text/plain')
        .send('Glacier Archiver API is running; the web UI is not built (pnpm build).'),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: webDir,
    prefix: '/',
    // The build writes .br and .gz copies of every script, page and style (apps/web/scripts/
    // precompress.mjs): a phone on a slow VPN link gets a third of the bytes, at no CPU cost here.
    preCompressed: true,
    // Next's hashed assets never change; pages must be revalidated after an upgrade.
    setHeaders(res, filePath) {
      const immutable = filePath.includes(`${path.sep}_next${path.sep}static${path.sep}`);
      res.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
