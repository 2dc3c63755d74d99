import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { constants as zlibConstants } from 'node:zlib';
import type { Logger } from 'pino';
import {
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.js';
import { VERSION } from '../version.js';
import { registerErrorHandler } from './errors.js';
import { authRoutes } from './routes/auth.js';
import { catalogRoutes } from './routes/catalog.js';
import { archiveRoutes } from './routes/archive.js';
import { restoreRoutes } from './routes/restore.js';
import { jobRoutes } from './routes/jobs.js';
import { sheetRoutes } from './routes/sheets.js';
import { overviewRoutes } from './routes/overview.js';
import { settingsRoutes } from './routes/settings.js';
import { registerSecurity } from './security.js';
import { registerStaticUi } from './static-ui.js';
import { registerEventSocket } from './websocket.js';

export interface BuildAppOptions {
  /** The process's logger; none in tests. */
  logger?: Logger;
}

/** The whole HTTP face: API, websocket and web UI on one port. Routes only call the core. */
export async function buildApp(
  ctx: AppContext,
  options: BuildAppOptions = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    // pino's Logger is what Fastify logs with; its type is narrower than FastifyBaseLogger.
    loggerInstance: options.logger as FastifyBaseLogger | undefined,
    trustProxy: ctx.config.trustedProxy,
    bodyLimit: 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);

  await app.register(compress, {
    // The API's JSON (a folder's page is 66 kB, 6 kB compressed) for phones on a slow link;
    // Brotli at a low quality costs about as little CPU as gzip's default and is smaller. Media,
    // sheets' JPEGs and downloads are not compressible types or opt out (routes/restore.ts).
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
    zlibOptions: { level: 6 },
  });
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  registerSecurity(app, ctx.catalog);

  app.get('/api/health', async () => ({ status: 'ok' as const, version: VERSION }));
  await app.register(authRoutes(ctx));
  await app.register(catalogRoutes(ctx));
  await app.register(jobRoutes(ctx));
  await app.register(sheetRoutes(ctx));
  await app.register(archiveRoutes(ctx));
  await app.register(restoreRoutes(ctx));
  await app.register(overviewRoutes(ctx));
  await app.register(settingsRoutes(ctx));
  await app.register(async (scoped) => registerEventSocket(scoped, ctx));
  await registerStaticUi(app, ctx.config.webDir);
  return app;
}
