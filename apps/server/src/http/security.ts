import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import { isValidSession } from '../auth/auth.js';
import { AuthRequiredError, ForbiddenError } from '../errors.js';

export const SESSION_COOKIE = 'glacier_session';

/** Paths reachable without a session: the login flow, the health check and the UI's files. */
const PUBLIC_API = new Set([
  '/api/health',
  '/api/auth/state',
  '/api/auth/login',
  '/api/auth/setup',
]);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

/**
 * Every API route needs a session except the public few; the UI's static files are public
 * (they hold no data). State-changing requests and websocket upgrades must come from our own
 * origin: SameSite=Strict cookies already stop most cross-site requests, the Origin check
 * stops the rest (and cross-site websocket hijacking, which SameSite does not cover everywhere).
 */
export function registerSecurity(app: FastifyInstance, catalog: Catalog): void {
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0]!;
    if (!path.startsWith('/api/')) return;
    const isUpgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (STATE_CHANGING.has(request.method) || isUpgrade) assertSameOrigin(request);
    if (PUBLIC_API.has(path)) return;
    if (!isValidSession(catalog, sessionToken(request)))
      throw new AuthRequiredError('Log in first');
  });
}

function assertSameOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (request.headers['sec-fetch-site'] === 'cross-site') {
    throw new ForbiddenError('Cross-site requests are refused');
  }
  if (origin === undefined) return; // not a browser (curl, the CLI's scripts): the cookie decides
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new ForbiddenError(`Refused: malformed Origin "${origin}"`);
  }
  const host = request.host;
  if (originHost !== host) {
    throw new ForbiddenError(
      `Refused: the request comes from ${origin}, not from this app (${host})`,
    );
  }
}
