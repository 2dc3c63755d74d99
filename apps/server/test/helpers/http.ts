import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import type { TestEnv } from './context.js';

export const TEST_HOST = 'nas.local:8377';

export interface SignedInApp {
  app: FastifyInstance;
  /** The session cookie of the admin set up at the first start. */
  cookie: string;
  /** A GET as the browser sends it; `session: ''` sends no cookie. */
  get(url: string, session?: string): Promise<LightMyRequestResponse>;
  /** A state-changing request from our own origin, with the session. */
  send(
    method: 'POST' | 'PATCH' | 'PUT' | 'DELETE',
    url: string,
    payload: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

/** The HTTP app on a test context, with the admin password set and its session. */
export async function signedInApp(env: TestEnv): Promise<SignedInApp> {
  const app = await buildApp(env.ctx);
  const setup = await app.inject({
    method: 'POST',
    url: '/api/auth/setup',
    payload: { password: 'correct horse battery' },
    headers: { host: TEST_HOST },
  });
  const token = setup.cookies.find((c) => c.name === 'glacier_session')?.value;
  if (!token) throw new Error(`setup did not start a session: ${setup.statusCode} ${setup.body}`);
  const cookie = `glacier_session=${token}`;
  return {
    app,
    cookie,
    get: (url, session = cookie) =>
      app.inject({ url, headers: { host: TEST_HOST, ...(session ? { cookie: session } : {}) } }),
    send: (method, url, payload, headers = {}) =>
      app.inject({
        method,
        url,
        payload: payload as InjectOptions['payload'],
        headers: { host: TEST_HOST, origin: `http://${TEST_HOST}`, cookie, ...headers },
      }),
  };
}
