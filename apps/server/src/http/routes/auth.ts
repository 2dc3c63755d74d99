import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as api from '../../api/schemas.js';
import {
  checkPassword,
  createSession,
  endSession,
  isSetupRequired,
  isValidSession,
  setupAdminPassword,
} from '../../auth/auth.js';
import type { AppContext } from '../../app-context.js';
import { SESSION_COOKIE, sessionToken } from '../security.js';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function authRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    const loginLimit = {
      rateLimit: { max: ctx.config.loginRateLimit, timeWindow: '15 minutes' },
    };

    app.get(
      '/api/auth/state',
      { schema: { response: { 200: api.authState } } },
      async (request) => ({
        setupRequired: isSetupRequired(ctx.catalog),
        authenticated: isValidSession(ctx.catalog, sessionToken(request)),
      }),
    );

    app.post(
      '/api/auth/setup',
      { schema: { body: api.passwordBody, response: { 204: z.null() } }, config: loginLimit },
      async (request, reply) => {
        await setupAdminPassword(ctx.catalog, request.body.password);
        startSession(ctx, request, reply);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/auth/login',
      { schema: { body: api.passwordBody, response: { 204: z.null() } }, config: loginLimit },
      async (request, reply) => {
        await checkPassword(ctx.catalog, request.body.password);
        startSession(ctx, request, reply);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/auth/logout',
      { schema: { response: { 204: z.null() } } },
      async (request, reply) => {
        endSession(ctx.catalog, sessionToken(request));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );
  };
}

function startSession(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): void {
  const session = createSession(ctx.catalog);
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    // Secure when the browser reached us over HTTPS (directly or through a trusted proxy).
    secure: request.protocol === 'https',
    expires: new Date(session.expiresAt),
  });
}
