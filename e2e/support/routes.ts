import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serverMain, webDir } from './server';

export interface ApiRoute {
  method: string;
  /** Fastify's pattern: `/api/files/:id/thumbnail`. */
  path: string;
}

/**
 * Every route of the server build under test (`serverMain`), as Fastify registered it: the
 * build's own `buildApp()` on a throw-away data dir, read with `printRoutes()`. A route added
 * tomorrow is in this list without anyone editing a test. Runs in a child process, so the
 * server's native modules never load into the test worker.
 */
export function listServerRoutes(): ApiRoute[] {
  const dist = path.dirname(serverMain);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'glacier-e2e-routes-'));
  const script = `
    const dist = ${JSON.stringify(dist)};
    const { loadConfig } = await import(dist + '/config.js');
    const { createAppContext } = await import(dist + '/app-context.js');
    const { buildApp } = await import(dist + '/http/app.js');
    const ctx = createAppContext(
      loadConfig({ GLACIER_DATA_DIR: ${JSON.stringify(dataDir)}, GLACIER_WEB_DIR: ${JSON.stringify(webDir)} }),
    );
    const app = await buildApp(ctx);
    await app.ready();
    process.stdout.write(app.printRoutes({ commonPrefix: false }));
    await app.close();
    await ctx.close();
  `;
  try {
    const tree = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: dataDir,
      encoding: 'utf8',
      env: { ...process.env, GLACIER_LOG_LEVEL: 'silent' },
      timeout: 60_000,
    });
    return parseRouteTree(tree);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Reads Fastify's `printRoutes({ commonPrefix: false })` tree: each line is a path segment
 * under its parent (4 columns of indent a level) and, when routes end there, their methods.
 *
 *     ├── /api/jobs (GET, HEAD)
 *     │   └── /:id (GET, HEAD)
 *     │       └── /pause (POST)
 */
export function parseRouteTree(tree: string): ApiRoute[] {
  const routes: ApiRoute[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    const fullPath = (stack[depth - 1] ?? '') + match[2]!;
    stack[depth] = fullPath;
    stack.length = depth + 1;
    for (const method of match[3]?.split(', ') ?? []) routes.push({ method, path: fullPath });
  }
  return routes;
}

/** A route's pattern with its parameters filled in: `:id` → `999999`, others → `values`. */
export function fillRoute(pattern: string, values: Record<string, string> = {}): string {
  return pattern.replace(/:(\w+)/g, (_, name: string) =>
    encodeURIComponent(values[name] ?? (name === 'id' ? '999999' : 'no-such-thing')),
  );
}

/** An answer read off the wire: status, headers and body as text. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends one request with the path exactly as written (`/api/files/%2e%2e/thumbnail`,
 * `/%61pi/roots`): Playwright's request context, as any WHATWG URL parser, would resolve the
 * dot segments first and send something else. A fresh connection each time (no keep-alive).
 */
export function rawRequest(
  baseURL: string,
  method: string,
  urlPath: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<RawAnswer> {
  const url = new URL(baseURL);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      agent: false,
      host: url.hostname,
      port: url.port,
      method,
      path: urlPath,
      headers,
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: response.statusCode ?? 101, headers: response.headers, body: '' });
    });
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Asks the server to upgrade `urlPath` to a websocket, as a browser would, with the headers
 * given (Origin, Cookie), and says what it answered: 101 (switched) or the refusal's status
 * and body. Plain node:http, so any header can be sent, a cookie with a foreign Origin too.
 */
export function tryWebSocketUpgrade(
  baseURL: string,
  urlPath: string,
  headers: Record<string, string>,
): Promise<RawAnswer> {
  return rawRequest(baseURL, 'GET', urlPath, {
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
  });
}
