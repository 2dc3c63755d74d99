import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Catalog } from '../catalog/catalog.js';
import { isValidSession } from '../auth/auth.js';
import { AuthRequiredError, ForbiddenError } from '../errors.js';

export const SESSION_COOKIE = 'glacier_session';

/** API routes reachable without a session: the login flow and the health check. */
const PUBLIC_API = new Set([
  '/api/health',
  '/api/auth/state',
  '/api/auth/login',
  '/api/auth/setup',
]);
/** The web UI's static files (they hold no data), or the note at `/` when it is not built. */
const UI_ROUTES = new Set(['/', '/*']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function sessionToken(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE];
}

/**
 * Every route needs a session except the public API few and the UI's static files. The
 * decision is made on the route the router matched, never on the raw URL: the router decodes
 * percent-escapes, so `/%61pi/roots` reaches `/api/roots` although its text does not start
 * with `/api/`. A new route is protected unless it is added to a list here.
 * State-changing requests and websocket upgrades must come from our own origin: SameSite=Strict
 * cookies already stop most cross-site requests, the Origin check stops the rest (and
 * cross-site websocket hijacking, which SameSite does not cover everywhere).
 */
export function registerSecurity(app: FastifyInstance, catalog: Catalog): void {
  app.addHook('onRequest', async (request) => {
    const isUpgrade = request.headers.upgrade?.toLowerCase() === 'websocket';
    if (STATE_CHANGING.has(request.method) || isUpgrade) assertSameOrigin(request);
    // No route matched (undefined): still a session first, so that nobody can map the API.
    const route = request.routeOptions.url;
    if (route !== undefined && (PUBLIC_API.has(route) || isUiFile(request, route))) return;
    if (!isValidSession(catalog, sessionToken(request)))
      throw new AuthRequiredError('Log in first');
  });
}

/**
 * A request for the UI's files. The static files' catch-all also receives unknown API paths
 * (and answers 404): those stay behind the login, so nobody can map the API.
 */
function isUiFile(request: FastifyRequest, route: string): boolean {
  if (!UI_ROUTES.has(route)) return false;
  const rest = (request.params as Record<string, string | undefined>)['*'] ?? '';
  return !/^api(\/|$)/i.test(rest);
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
