import type { FastifyInstance } from 'fastify';
import { once } from 'node:events';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildApp } from '../src/http/app.js';
import { createTestEnv, makeRoot, type TestEnv } from './helpers/context.js';

let env: TestEnv;
let app: FastifyInstance;
const PASSWORD = 'correct horse battery';
const ORIGIN = 'http://nas.local:8377';

beforeEach(async () => {
  env = createTestEnv({ GLACIER_LOGIN_RATE_LIMIT: '5' });
  app = await buildApp(env.ctx);
});
afterEach(async () => {
  await app.close();
  await env.cleanup();
});

function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url,
    payload: body as object,
    headers: { host: 'nas.local:8377', ...headers },
  });
}

async function login(): Promise<string> {
  const setup = await post('/api/auth/setup', { password: PASSWORD }, { origin: ORIGIN });
  expect(setup.statusCode).toBe(204);
  const cookie = setup.cookies.find((c) => c.name === 'glacier_session')!;
  return `glacier_session=${cookie.value}`;
}

describe('auth', () => {
  it('asks for a password at first start, then only logs in', async () => {
    const state = await app.inject({ url: '/api/auth/state' });
    expect(state.json()).toEqual({ setupRequired: true, authenticated: false });

    const short = await post('/api/auth/setup', { password: 'short' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.message).toMatch(/at least 8 characters/);

    const setup = await post('/api/auth/setup', { password: PASSWORD });
    expect(setup.statusCode).toBe(204);
    const cookie = setup.cookies.find((c) => c.name === 'glacier_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });

    const again = await post('/api/auth/setup', { password: 'another password' });
    expect(again.statusCode).toBe(403);

    const wrong = await post('/api/auth/login', { password: 'not the password' });
    expect(wrong.statusCode).toBe(403);
    expect(wrong.json()).toEqual({ error: { code: 'forbidden', message: 'Wrong password' } });

    const right = await post('/api/auth/login', { password: PASSWORD });
    expect(right.statusCode).toBe(204);
    const session = `glacier_session=${right.cookies.find((c) => c.name === 'glacier_session')!.value}`;
    const after = await app.inject({ url: '/api/auth/state', headers: { cookie: session } });
    expect(after.json()).toEqual({ setupRequired: false, authenticated: true });

    await post('/api/auth/logout', {}, { cookie: session });
    const out = await app.inject({ url: '/api/roots', headers: { cookie: session } });
    expect(out.statusCode).toBe(401);
  });

  it('refuses every API call without a session, but answers health', async () => {
    await login();
    expect((await app.inject({ url: '/api/health' })).json()).toMatchObject({ status: 'ok' });
    for (const url of [
      '/api/roots',
      '/api/jobs',
      '/api/roots/photos/browse',
      '/api/files/1',
      '/api/jobs/1',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(401);
      expect(res.json().error.code).toBe('auth_required');
    }
    const forged = await app.inject({
      url: '/api/roots',
      headers: { cookie: 'glacier_session=forged' },
    });
    expect(forged.statusCode).toBe(401);
    const scan = await post('/api/scans', { root: 'photos' });
    expect(scan.statusCode).toBe(401);
  });

  it('decides on the route the router matched: a percent-escaped /api/ is still the API', async () => {
    // The router decodes %61 to "a": /%61pi/roots is /api/roots, and must need a session too.
    for (const url of ['/%61pi/roots', '/%61%70%69/jobs', '/api/%72oots']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(401);
    }
    const cookie = await login();
    const foreign = await post(
      '/%61pi/roots',
      { path: env.dir, label: 'escaped' },
      { cookie, origin: 'http://evil.example' },
    );
    expect(foreign.statusCode).toBe(403);
    const roots = await app.inject({ url: '/api/roots', headers: { cookie } });
    expect(roots.json().roots.map((r: { label: string }) => r.label)).not.toContain('escaped');
  });

  it('rate-limits login attempts', async () => {
    await login();
    const codes: number[] = [];
    for (let i = 0; i < 7; i++)
      codes.push((await post('/api/auth/login', { password: `guess ${i} wrong` })).statusCode);
    expect(codes.slice(0, 5)).toEqual([403, 403, 403, 403, 403]);
    expect(codes.slice(5)).toEqual([429, 429]);
    const limited = await post('/api/auth/login', { password: PASSWORD });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('too_many_requests');
  });

  it('refuses state-changing requests from a foreign origin', async () => {
    const cookie = await login();
    const foreign = await post(
      '/api/roots',
      { path: env.dir, label: 'x' },
      { cookie, origin: 'http://evil.example' },
    );
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.message).toMatch(/evil\.example/);
    const crossSite = await post(
      '/api/roots',
      { path: env.dir, label: 'x' },
      { cookie, 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.statusCode).toBe(403);
  });
});

describe('catalog API', () => {
  it('adds a root, scans it and browses it, refusing paths outside the root', async () => {
    const cookie = await login();
    const root = makeRoot(env, 'photos', { 'Trip/a.txt': 'a', 'Trip/b.txt': 'bb', 'top.txt': 't' });
    const roots = await app.inject({ url: '/api/roots', headers: { cookie } });
    expect(roots.json().roots).toMatchObject([{ label: 'photos', online: true, fileCount: 0 }]);

    env.ctx.runner.start();
    const started = await post('/api/scans', { root: 'photos' }, { cookie, origin: ORIGIN });
    expect(started.statusCode).toBe(202);
    const jobId = started.json().id as number;
    let job;
    for (let i = 0; i < 200; i++) {
      job = (await app.inject({ url: `/api/jobs/${jobId}`, headers: { cookie } })).json();
      if (job.state === 'done') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(job.state).toBe('done');
    expect(job.summary).toMatchObject({ files: 3 });

    const top = (await app.inject({ url: '/api/roots/photos/browse', headers: { cookie } })).json();
    expect(top.folders).toEqual([
      { name: 'Trip', path: 'Trip', fileCount: 2, bytes: 3, missingCount: 0 },
    ]);
    expect(top.files.map((f: { name: string }) => f.name)).toEqual(['top.txt']);

    const trip = (
      await app.inject({
        url: '/api/roots/photos/browse?path=Trip&sort=size&order=desc',
        headers: { cookie },
      })
    ).json();
    expect(trip.files.map((f: { name: string }) => f.name)).toEqual(['b.txt', 'a.txt']);
    expect(trip.files[0].tags).toEqual({
      summarised: false,
      archived: [],
      modified: false,
      missing: false,
      moved: false,
      unread: false,
    });

    const detail = await app.inject({ url: `/api/files/${trip.files[0].id}`, headers: { cookie } });
    expect(detail.json()).toMatchObject({ path: 'Trip/b.txt', size: 2 });

    for (const bad of ['../etc', '/etc', 'Trip/../../x', 'Trip/\u0000x']) {
      const res = await app.inject({
        url: `/api/roots/photos/browse?path=${encodeURIComponent(bad)}`,
        headers: { cookie },
      });
      expect(res.statusCode, bad).toBe(400);
      expect(res.json().error.code).toBe('path_outside_root');
    }
    const escape = await app.inject({
      url: `/api/roots/photos/file?path=${encodeURIComponent('../../etc/passwd')}`,
      headers: { cookie },
    });
    expect(escape.statusCode).toBe(400);
    const climbScan = await post(
      '/api/scans',
      { root: 'photos', path: '../' },
      { cookie, origin: ORIGIN },
    );
    expect(climbScan.statusCode).toBe(400);
    // A symbolic link inside the root that points out of it is refused too.
    symlinkSync('/etc', path.join(root.path, 'escape'));
    const symlinkScan = await post(
      '/api/scans',
      { root: 'photos', path: 'escape' },
      { cookie, origin: ORIGIN },
    );
    expect(symlinkScan.statusCode).toBe(400);
    expect(symlinkScan.json().error).toMatchObject({
      code: 'path_outside_root',
      message: '"escape" leads outside the root through a symbolic link',
    });
  });

  it('gives clear errors for unknown roots and bad input', async () => {
    const cookie = await login();
    const unknown = await app.inject({ url: '/api/roots/nope/browse', headers: { cookie } });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toBe('There is no root labelled "nope"');
    const relative = await post('/api/roots', { path: 'relative/dir', label: 'r' }, { cookie });
    expect(relative.statusCode).toBe(400);
    expect(relative.json().error.message).toMatch(/must be absolute/);
    const badLabel = await post('/api/roots', { path: env.dir, label: '../x' }, { cookie });
    expect(badLabel.statusCode).toBe(400);
    const missing = await post(
      '/api/roots',
      { path: '/nonexistent/usb', label: 'usb' },
      { cookie },
    );
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/not a folder that exists/);
    const badPage = await app.inject({ url: '/api/jobs/abc', headers: { cookie } });
    expect(badPage.statusCode).toBe(400);
    expect(badPage.json().error.code).toBe('invalid_input');
  });
});

describe('events websocket', () => {
  it('refuses a connection without a session or from a foreign origin, and pushes job events', async () => {
    const cookie = await login();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address() as { port: number };
    const url = `ws://127.0.0.1:${address.port}/api/events`;
    const origin = `http://127.0.0.1:${address.port}`;

    const anonymous = new WebSocket(url, { origin });
    const [, anonRes] = (await once(anonymous, 'unexpected-response')) as [
      unknown,
      { statusCode: number },
    ];
    expect(anonRes.statusCode).toBe(401);

    const foreign = new WebSocket(url, { headers: { cookie }, origin: 'http://evil.example' });
    const [, foreignRes] = (await once(foreign, 'unexpected-response')) as [
      unknown,
      { statusCode: number },
    ];
    expect(foreignRes.statusCode).toBe(403);

    const socket = new WebSocket(url, { headers: { cookie }, origin });
    await once(socket, 'open');
    const received: { type: string }[] = [];
    socket.on('message', (data) => received.push(JSON.parse(String(data))));
    makeRoot(env, 'photos', { 'a.txt': 'a' });
    env.ctx.runner.start();
    const started = await post('/api/scans', { root: 'photos' }, { cookie, origin: ORIGIN });
    expect(started.statusCode).toBe(202);
    for (let i = 0; i < 200 && !received.some((e) => e.type === 'job.finished'); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    socket.close();
    const types = received.map((e) => e.type);
    expect(types).toContain('job.started');
    expect(types).toContain('job.progress');
    expect(types[types.length - 1]).toBe('job.finished');
  });
});
