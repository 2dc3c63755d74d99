import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../app-context.js';

/**
 * `/api/events`: every job event, as JSON text frames, to every logged-in browser. The
 * security hook has already checked the session and the Origin before the upgrade. A client
 * that reconnects catches up from GET /api/jobs, which holds each job's latest progress.
 */
export function registerEventSocket(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/events', { websocket: true }, (socket) => {
    const unsubscribe = ctx.bus.subscribe((event) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(event));
    });
    socket.on('close', unsubscribe);
    socket.on('error', unsubscribe);
  });
}
