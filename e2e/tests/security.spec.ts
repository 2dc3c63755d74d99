import type { APIRequestContext, APIResponse, Page, PlaywrightWorkerArgs } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PASSWORD } from '../support/api';
import { expect, test } from '../support/fixtures';
import { startForeignSite } from '../support/foreign-site';
import {
  fillRoute,
  listServerRoutes,
  rawRequest,
  tryWebSocketUpgrade,
  type ApiRoute,
  type RawAnswer,
} from '../support/routes';

// The app is reachable from the LAN and through a VPN: what it refuses, and to whom. Its own
// server (a fresh data dir set up in the test), with the login limit set low so the test can
// reach it. HTTP-level checks, the same on every viewport: the desktop project runs them.
const LOGIN_LIMIT = 4;
test.use({
  serverName: 'security',
  serverEnv: { GLACIER_LOGIN_RATE_LIMIT: String(LOGIN_LIMIT) },
});

const SESSION_COOKIE = 'glacier_session';
const FOREIGN = 'http://evil.example';
/** Text of the file outside the root: no answer may ever contain it. */
const SECRET = 'TOP-SECRET-9f2c1e outside every root';
/** The only API paths open without a session, by design. */
const PUBLIC = new Set(['/api/health', '/api/auth/state', '/api/auth/login', '/api/auth/setup']);
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What the worker set up once: the session, the catalog's ids, the places on disk. */
interface World {
  baseURL: string;
  origin: string;
  token: string;
  routes: ApiRoute[];
  apiRoutes: ApiRoute[];
  dir: string;
  rootDir: string;
  outsideDir: string;
  destDir: string;
  ids: { photo: number; swap: number; notes: number };
}
let world!: World;
/** Login attempts made on this worker's server: they count against LOGIN_LIMIT. */
let loginAttempts = 0;

/**
 * The test's request context. Its cookie jar stays empty (logins happen on throw-away
 * contexts), so a request carries a session only when `call` is given one.
 */
let http: APIRequestContext;
test.beforeEach(({ request }) => {
  http = request;
});

interface CallOptions {
  token?: string;
  origin?: string;
  headers?: Record<string, string>;
  data?: unknown;
}

function call(method: string, urlPath: string, options: CallOptions = {}): Promise<APIResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.cookie = `${SESSION_COOKIE}=${options.token}`;
  if (options.origin) headers.origin = options.origin;
  const data = options.data ?? (STATE_CHANGING.has(method) ? {} : undefined);
  return http.fetch(urlPath, {
    method,
    headers,
    ...(data === undefined ? {} : { data }),
    maxRedirects: 0,
  });
}

/** The same, with the path sent exactly as written (see rawRequest). */
function rawCall(method: string, urlPath: string, options: CallOptions = {}): Promise<RawAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.cookie = `${SESSION_COOKIE}=${options.token}`;
  if (options.origin) headers.origin = options.origin;
  let body: string | undefined;
  if (STATE_CHANGING.has(method)) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.data ?? {});
  }
  return rawRequest(world.baseURL, method, urlPath, headers, body);
}

/** Logs in on a throw-away context and returns the answer and the session token it set. */
async function login(
  playwright: PlaywrightWorkerArgs['playwright'],
  password: string,
  headers: Record<string, string> = {},
) {
  const context = await playwright.request.newContext({ baseURL: world.baseURL });
  try {
    loginAttempts += 1;
    const response = await context.post('/api/auth/login', { data: { password }, headers });
    const setCookie = response.headers()['set-cookie'] ?? '';
    const token = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(setCookie)?.[1] ?? null;
    return { status: response.status(), body: await response.text(), setCookie, token };
  } finally {
    await context.dispose();
  }
}

/** A solid-colour JPEG made by ffmpeg (from Debian, as the server's video tools). */
function solidJpeg(file: string, colour: string, size = '320x240') {
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-f',
    'lavfi',
    '-i',
    `color=c=${colour}:s=${size}`,
    '-frames:v',
    '1',
    '-y',
    file,
  ]);
}

/** The main colour of an image, decoded by the browser: 'red', 'green', 'blue' or 'other'. */
async function dominantColour(page: Page, bytes: Buffer): Promise<string> {
  return page.evaluate(async (base64) => {
    const blob = await (await fetch(`data:application/octet-stream;base64,${base64}`)).blob();
    const bitmap = await createImageBitmap(blob);
    const canvas = new OffscreenCanvas(1, 1);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0, 1, 1);
    const [r, g, b] = context.getImageData(0, 0, 1, 1).data;
    if (r! > 180 && g! < 80 && b! < 80) return 'red';
    if (g! > 100 && r! < 80 && b! < 80) return 'green';
    if (b! > 180 && r! < 80 && g! < 80) return 'blue';
    return `other rgb(${r}, ${g}, ${b})`;
  }, bytes.toString('base64'));
}

async function expectRefused(
  response: APIResponse | (RawAnswer & { url: string }),
  status: number,
  code: string,
  message?: RegExp,
) {
  const [url, got, text] =
    'url' in response && typeof response.url === 'string'
      ? [response.url, (response as RawAnswer).status, (response as RawAnswer).body]
      : [
          (response as APIResponse).url(),
          (response as APIResponse).status(),
          await (response as APIResponse).text(),
        ];
  expect(got, `${url} → ${text}`).toBe(status);
  const body = JSON.parse(text) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(code);
  if (message) expect(body.error.message).toMatch(message);
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain('root:x:0:0');
}

/** The server's websocket address. */
const wsBase = () => world.baseURL.replace(/^http/, 'ws');

/**
 * Opens, in `page`, a page of another origin: another port of the server's host, served by a
 * real server (support/foreign-site.ts). Returns the websocket handshake errors the page sees.
 */
async function openForeignPage(page: Page): Promise<string[]> {
  const site = await startForeignSite();
  foreignSites.push(site);
  await page.goto(`${site.origin}/`);
  const errors: string[] = [];
  page.on('websocket', (ws) => ws.on('socketerror', (error) => errors.push(error)));
  return errors;
}
const foreignSites: { close(): Promise<void> }[] = [];
test.afterEach(async () => {
  for (const site of foreignSites.splice(0)) await site.close();
});

/** Puts the worker's session cookie into the page's browser context, as a login would. */
async function giveBrowserTheSession(page: Page) {
  await page.context().addCookies([
    {
      name: SESSION_COOKIE,
      value: world.token,
      url: world.baseURL,
      httpOnly: true,
      sameSite: 'Strict',
    },
  ]);
}

/** Opens a websocket from the page: 'open', or how it closed before opening. */
function socketOutcome(page: Page, url: string): Promise<string> {
  return page.evaluate(
    (u) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(u);
        ws.onopen = () => {
          resolve('open');
          ws.close();
        };
        ws.onclose = (event) => resolve(`closed ${event.code}`);
      }),
    url,
  );
}

test.skip(({ isMobile }) => isMobile, 'HTTP-level checks: the desktop project runs them once');

// Set up once per worker, by the first test that runs (a hook that is not a beforeAll, so that
// a project that skips every test never starts the server).
test.beforeEach(async ({ server, playwright }) => {
  if (!world) world = await setUp(server.baseURL, playwright);
});

async function setUp(
  baseURL: string,
  playwright: PlaywrightWorkerArgs['playwright'],
): Promise<World> {
  const routes = listServerRoutes();

  // A media root: a photo, a text file, a second photo that the test will swap for a link,
  // and, beside them, symbolic links leading out of the root to a folder that holds a secret.
  const dir = await mkdtemp(path.join(tmpdir(), 'glacier-e2e-security-'));
  const rootDir = path.join(dir, 'media');
  const outsideDir = path.join(dir, 'outside');
  const destDir = path.join(dir, 'usb');
  await mkdir(path.join(rootDir, 'Trip'), { recursive: true });
  await mkdir(outsideDir);
  await mkdir(destDir);
  solidJpeg(path.join(rootDir, 'Trip', 'photo.jpg'), 'blue');
  solidJpeg(path.join(rootDir, 'Trip', 'swap.jpg'), 'green', '300x200');
  await writeFile(path.join(rootDir, 'Trip', 'notes.txt'), 'Day 1: Rome.\n');
  solidJpeg(path.join(outsideDir, 'secret.jpg'), 'red');
  await writeFile(path.join(outsideDir, 'secret.txt'), `${SECRET}\n`);
  await symlink(outsideDir, path.join(rootDir, 'escape'));
  await symlink(path.join(outsideDir, 'secret.jpg'), path.join(rootDir, 'Trip', 'link.jpg'));
  await writeFile(path.join(destDir, 'hello.txt'), 'a file in the folder destination\n');

  // Its own context: the setup's cookie must not land in a test's jar.
  const context = await playwright.request.newContext({ baseURL });
  try {
    // The admin password, set the way a first start does; its answer holds the first session.
    const setup = await context.post('/api/auth/setup', { data: { password: PASSWORD } });
    expect(setup.status()).toBe(204);
    const token = new RegExp(`${SESSION_COOKIE}=([^;]*)`).exec(
      setup.headers()['set-cookie'] ?? '',
    )?.[1];
    expect(token).toBeTruthy();
    const origin = new URL(baseURL).origin;
    const headers = { origin };
    const post = (url: string, data: unknown) => context.post(url, { data, headers });

    expect((await post('/api/roots', { path: rootDir, label: 'media' })).status()).toBe(201);
    expect((await post('/api/destinations', { name: 'usb', url: destDir })).status()).toBe(201);
    expect((await post('/api/scans', { root: 'media' })).status()).toBe(202);
    await expect
      .poll(async () => {
        const jobs = (await (await context.get('/api/jobs')).json()) as {
          jobs: { kind: string; state: string }[];
        };
        return jobs.jobs.find((j) => j.kind === 'scan')?.state;
      })
      .toBe('done');
    const listing = (await (await context.get('/api/roots/media/browse?path=Trip')).json()) as {
      files: { id: number; path: string }[];
    };
    // The scan does not follow links: neither link is in the catalog.
    expect(listing.files.map((f) => f.path).sort()).toEqual([
      'Trip/notes.txt',
      'Trip/photo.jpg',
      'Trip/swap.jpg',
    ]);
    const id = (name: string) => listing.files.find((f) => f.path === `Trip/${name}`)!.id;
    return {
      baseURL,
      origin,
      token: token!,
      routes,
      apiRoutes: routes.filter((r) => r.path.startsWith('/api/')),
      dir,
      rootDir,
      outsideDir,
      destDir,
      ids: { photo: id('photo.jpg'), swap: id('swap.jpg'), notes: id('notes.txt') },
    };
  } finally {
    await context.dispose();
  }
}

test.afterAll(async () => {
  if (world?.dir) await rm(world.dir, { recursive: true, force: true });
});

test('the routes checked are read from the server build itself', async () => {
  // A failure here means the enumeration broke, not the server: without it, the checks below
  // would check nothing.
  const names = world.apiRoutes.map((r) => `${r.method} ${r.path}`);
  expect(world.apiRoutes.length).toBeGreaterThan(30);
  for (const known of [
    'GET /api/roots',
    'POST /api/roots',
    'GET /api/files/:id/thumbnail',
    'GET /api/sheets/:id/image',
    'GET /api/files/:id/download',
    'GET /api/files/:id/copies/check',
    'GET /api/destinations/:name/objects/download',
    'POST /api/jobs/:id/cancel',
    'PATCH /api/settings',
    'GET /api/events',
  ]) {
    expect(names).toContain(known);
  }
});

test('without a session every API route is refused, the public few excepted', async () => {
  const guarded = world.apiRoutes.filter((r) => !PUBLIC.has(r.path));
  const wrong: string[] = [];
  for (const route of guarded) {
    const url = fillRoute(route.path);
    for (const token of [undefined, 'forged-session-token', '']) {
      const response = await call(route.method, url, token === undefined ? {} : { token });
      const text = await response.text();
      const expected =
        route.method === 'HEAD'
          ? ''
          : JSON.stringify({ error: { code: 'auth_required', message: 'Log in first' } });
      if (response.status() !== 401 || text !== expected) {
        wrong.push(
          `${route.method} ${url} (session ${token ?? 'none'}) → ${response.status()} ${text}`,
        );
      }
    }
  }
  expect(wrong).toEqual([]);

  // The same requests with the session get past the check (else the 401s prove nothing).
  const passed: string[] = [];
  for (const route of guarded) {
    if (route.path === '/api/auth/logout') continue; // it would end the session
    const response = await call(route.method, fillRoute(route.path), {
      token: world.token,
      origin: world.origin,
    });
    if (response.status() === 401) passed.push(`${route.method} ${route.path}`);
  }
  expect(passed).toEqual([]);

  // Paths that are no route are refused the same way: nothing tells which routes exist.
  await expectRefused(await call('GET', '/api/no-such-route'), 401, 'auth_required');
  await expectRefused(await call('GET', '/api/roots/'), 401, 'auth_required');

  // The public few: the health check, the login state, and a set-up server refuses a second
  // setup (it would hand the account to whoever asks).
  expect((await call('GET', '/api/health')).status()).toBe(200);
  expect(await (await call('GET', '/api/auth/state')).json()).toEqual({
    setupRequired: false,
    authenticated: false,
  });
  await expectRefused(
    await call('POST', '/api/auth/setup', { data: { password: 'a takeover attempt' } }),
    403,
    'forbidden',
    /already set/,
  );
});

test('the websocket is refused without a session and opens with one', async ({ page }) => {
  const wsUrl = `${wsBase()}/api/events`;
  const handshakeErrors: string[] = [];
  page.on('websocket', (ws) => ws.on('socketerror', (error) => handshakeErrors.push(error)));

  await page.goto('/login/');
  expect(await socketOutcome(page, wsUrl)).toBe('closed 1006');
  // (Chromium's words for a 401 answer to the handshake.)
  expect(handshakeErrors.join('\n')).toContain('HTTP Authentication failed');
  expect((await tryWebSocketUpgrade(world.baseURL, '/api/events', {})).status).toBe(401);
  expect(
    (
      await tryWebSocketUpgrade(world.baseURL, '/api/events', {
        cookie: `${SESSION_COOKIE}=forged`,
      })
    ).status,
  ).toBe(401);

  // With the session in the browser, the same page opens it and receives job events.
  await giveBrowserTheSession(page);
  const firstEvent = page.evaluate(
    (u) =>
      new Promise<string>((resolve, reject) => {
        const ws = new WebSocket(u);
        ws.onmessage = (message) => {
          resolve(String(message.data));
          ws.close();
        };
        ws.onopen = () => ((window as unknown as { __wsOpen: boolean }).__wsOpen = true);
        ws.onclose = (event) => reject(new Error(`closed ${event.code}`));
      }),
    wsUrl,
  );
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __wsOpen?: boolean }).__wsOpen))
    .toBe(true);
  const scan = await call('POST', '/api/scans', {
    token: world.token,
    origin: world.origin,
    data: { root: 'media', path: 'Trip' },
  });
  expect(scan.status()).toBe(202);
  const { id } = (await scan.json()) as { id: number };
  expect(JSON.parse(await firstEvent)).toMatchObject({ type: 'job.queued', jobId: id });
  // Let that scan end before the tests that change the folder under it.
  await expect
    .poll(async () => {
      const job = await call('GET', `/api/jobs/${id}`, { token: world.token });
      return ((await job.json()) as { state: string }).state;
    })
    .toBe('done');
});

test('a foreign Origin is refused on state-changing calls, even with a session', async () => {
  const changing = world.apiRoutes.filter((r) => STATE_CHANGING.has(r.method));
  expect(changing.length).toBeGreaterThan(10);
  const wrong: string[] = [];
  for (const route of changing) {
    const url = fillRoute(route.path, { label: 'media', name: 'usb' });
    const response = await call(route.method, url, { token: world.token, origin: FOREIGN });
    const text = await response.text();
    if (response.status() !== 403 || !text.includes(`the request comes from ${FOREIGN}`)) {
      wrong.push(`${route.method} ${url} → ${response.status()} ${text}`);
    }
  }
  expect(wrong).toEqual([]);

  // A real change, refused: the root is not added.
  const evil = { path: world.outsideDir, label: 'evil' };
  const asForeign = { token: world.token, data: evil };
  await expectRefused(
    await call('POST', '/api/roots', { ...asForeign, origin: FOREIGN }),
    403,
    'forbidden',
    /comes from http:\/\/evil\.example, not from this app/,
  );
  // Other spellings of "not us": another port of the same host, an opaque origin, a browser's
  // own cross-site marker without an Origin.
  const port = Number(new URL(world.baseURL).port);
  await expectRefused(
    await call('POST', '/api/roots', { ...asForeign, origin: `http://127.0.0.1:${port + 1}` }),
    403,
    'forbidden',
  );
  await expectRefused(
    await call('POST', '/api/roots', { ...asForeign, origin: 'null' }),
    403,
    'forbidden',
  );
  await expectRefused(
    await call('POST', '/api/roots', { ...asForeign, headers: { 'sec-fetch-site': 'cross-site' } }),
    403,
    'forbidden',
    /Cross-site requests are refused/,
  );
  const roots = (await (await call('GET', '/api/roots', { token: world.token })).json()) as {
    roots: { label: string }[];
  };
  expect(roots.roots.map((r) => r.label)).toEqual(['media']);

  // Our own Origin passes the check (the body is then judged on its merits).
  const own = await call('POST', '/api/roots', {
    token: world.token,
    origin: world.origin,
    data: {},
  });
  expect(own.status()).toBe(400);
});

test('the websocket upgrade is refused from a foreign Origin, even with a session', async ({
  page,
}) => {
  const session = { cookie: `${SESSION_COOKIE}=${world.token}` };
  expect(
    (await tryWebSocketUpgrade(world.baseURL, '/api/events', { ...session, origin: world.origin }))
      .status,
  ).toBe(101);
  const foreign = await tryWebSocketUpgrade(world.baseURL, '/api/events', {
    ...session,
    origin: FOREIGN,
  });
  expect(foreign.status).toBe(403);
  expect(foreign.body).toContain(`the request comes from ${FOREIGN}`);
  expect(
    (
      await tryWebSocketUpgrade(world.baseURL, '/api/events', {
        ...session,
        'sec-fetch-site': 'cross-site',
      })
    ).status,
  ).toBe(403);

  // A page of another app that opens the feed (cross-site websocket hijacking) gets nothing.
  // It is served from another port of the same host: same site, so the browser sends the
  // SameSite=Strict session along, and only the Origin check stands in the way.
  await giveBrowserTheSession(page);
  const errors = await openForeignPage(page);
  expect(await socketOutcome(page, `${wsBase()}/api/events`)).toBe('closed 1006');
  expect(errors.join('\n')).toContain('Unexpected response code: 403');
});

test('file, thumbnail, sheet and download endpoints serve only catalog files inside the roots', async ({
  page,
}) => {
  const as = { token: world.token, origin: world.origin };
  // Sent as written: `%2e%2e` and `..` in the path reach the server as they are.
  const get = async (url: string) => ({ ...(await rawCall('GET', url, as)), url });

  // What works, for contrast: the real photo's thumbnail is that photo.
  const thumb = await call('GET', `/api/files/${world.ids.photo}/thumbnail`, as);
  expect(thumb.status()).toBe(200);
  expect(thumb.headers()['content-type']).toBe('image/webp');
  expect(await dominantColour(page, await thumb.body())).toBe('blue');
  const hello = await get('/api/destinations/usb/objects/download?key=hello.txt');
  expect(hello.body).toBe('a file in the folder destination\n');

  const outsideAbs = path.join(world.outsideDir, 'secret.txt');
  // Paths in the query: `..` plain and percent-encoded, absolute paths, links out of the root.
  for (const [url, status, code] of [
    ['/api/roots/media/file?path=../outside/secret.txt', 400, 'path_outside_root'],
    ['/api/roots/media/file?path=%2e%2e%2foutside%2fsecret.txt', 400, 'path_outside_root'],
    ['/api/roots/media/file?path=Trip/../../outside/secret.txt', 400, 'path_outside_root'],
    ['/api/roots/media/file?path=..%2F..%2F..%2F..%2Fetc%2Fpasswd', 400, 'path_outside_root'],
    ['/api/roots/media/file?path=/etc/passwd', 400, 'path_outside_root'],
    [`/api/roots/media/file?path=${encodeURIComponent(outsideAbs)}`, 400, 'path_outside_root'],
    ['/api/roots/media/file?path=escape/secret.txt', 404, 'not_found'],
    ['/api/roots/media/file?path=Trip/link.jpg', 404, 'not_found'],
    ['/api/roots/media/browse?path=..', 400, 'path_outside_root'],
    ['/api/roots/media/browse?path=%2e%2e', 400, 'path_outside_root'],
    ['/api/roots/media/browse?path=/etc', 400, 'path_outside_root'],
    ['/api/roots/media/browse?path=escape', 404, 'not_found'],
    ['/api/roots/media/files?path=..', 400, 'path_outside_root'],
    ['/api/roots/media/folders?path=../outside', 400, 'path_outside_root'],
    ['/api/roots/media/sheets?path=..', 400, 'path_outside_root'],
    ['/api/roots/..%2Foutside/browse', 404, 'not_found'],
    // Ids: anything but a catalog id is refused before a file is looked for.
    ['/api/files/..%2F..%2Fetc%2Fpasswd/thumbnail', 400, 'invalid_input'],
    ['/api/files/%2e%2e/thumbnail', 400, 'invalid_input'],
    ['/api/files/999999/thumbnail', 404, 'not_found'],
    [`/api/files/${world.ids.notes}/thumbnail`, 404, 'not_found'],
    ['/api/files/999999', 404, 'not_found'],
    ['/api/sheets/999999/image', 404, 'not_found'],
    ['/api/sheets/999999/index', 404, 'not_found'],
    ['/api/sheets/..%2F..%2Fcatalog.sqlite/image', 400, 'invalid_input'],
    ['/api/files/999999/download?from=usb', 404, 'not_found'],
    [`/api/files/${world.ids.photo}/download?from=usb`, 404, 'not_found'],
    // Object keys of a destination: no climbing out of it either.
    ['/api/destinations/usb/objects/download?key=../outside/secret.txt', 400, 'invalid_key'],
    [
      '/api/destinations/usb/objects/download?key=%2e%2e%2foutside%2fsecret.txt',
      400,
      'invalid_key',
    ],
    ['/api/destinations/usb/objects/download?key=a/../../outside/secret.txt', 400, 'invalid_key'],
    [
      `/api/destinations/usb/objects/download?key=${encodeURIComponent(outsideAbs)}`,
      400,
      'invalid_key',
    ],
  ] as const) {
    await expectRefused(await get(url), status, code);
  }

  // Paths in the bodies of the calls that start work.
  for (const [url, data, message] of [
    ['/api/scans', { root: 'media', path: '../outside' }, /climbs out of the root/],
    ['/api/scans', { root: 'media', path: world.outsideDir }, /is an absolute path/],
    [
      '/api/scans',
      { root: 'media', path: 'escape' },
      /leads outside the root through a symbolic link/,
    ],
    ['/api/summaries', { root: 'media', path: '../outside' }, /climbs out of the root/],
    ['/api/archives/plan', { destination: 'usb', root: 'media', path: '..' }, /climbs out/],
    ['/api/archives', { destination: 'usb', root: 'media', path: '/etc' }, /absolute path/],
  ] as const) {
    await expectRefused(
      await call('POST', url, { ...as, data }),
      400,
      'path_outside_root',
      message,
    );
  }
});

// A photo replaced on disk by a link to a picture outside the root, after its scan and before its
// thumbnail was asked: the outside picture must never be served (nor cached under its hash).
test('a photo swapped for a link out of the root does not serve the outside picture', async ({
  page,
}) => {
  const swap = path.join(world.rootDir, 'Trip', 'swap.jpg');
  await rename(swap, path.join(world.dir, 'swap-original.jpg'));
  await symlink(path.join(world.outsideDir, 'secret.jpg'), swap);
  const response = await call('GET', `/api/files/${world.ids.swap}/thumbnail`, {
    token: world.token,
  });
  if (response.status() === 200) {
    expect(await dominantColour(page, await response.body()), 'the colour served').not.toBe('red');
  }
  expect([403, 404, 409]).toContain(response.status());
});

// GET /api/destinations/:name/objects walks the folder the prefix names: `../` must not lead
// beside or above the destination (names, sizes and dates of the NAS's files).
test('the listing of a folder destination does not climb out of it', async () => {
  const response = await call('GET', '/api/destinations/usb/objects?prefix=../outside/', {
    token: world.token,
  });
  const text = await response.text();
  expect(text, 'names of files outside the destination').not.toContain('secret.txt');
  expect(response.status()).toBe(400);
});

// A link inside a folder destination must not serve a file outside it; the listing (which does
// not follow links) shows no such object either.
test('a link in a folder destination does not serve a file outside it', async () => {
  await symlink(world.outsideDir, path.join(world.destDir, 'link'));
  const listing = await call('GET', '/api/destinations/usb/objects?prefix=link', {
    token: world.token,
  });
  expect(((await listing.json()) as { objects: unknown[] }).objects).toEqual([]);
  const response = await call('GET', '/api/destinations/usb/objects/download?key=link/secret.txt', {
    token: world.token,
  });
  expect(await response.text()).not.toContain(SECRET);
  expect(response.status()).toBe(404);
});

// The router decodes percent-escapes: `/%61pi/roots` is `/api/roots` and must be checked like it
// (the check once looked at the raw URL and let every route through without a session).
test('a percent-encoded API path is checked like the plain one', async ({ page }) => {
  const open: string[] = [];
  for (const route of world.apiRoutes) {
    if (PUBLIC.has(route.path)) continue;
    const url = fillRoute(route.path).replace(/^\/api\//, '/%61pi/');
    // No session, a foreign Origin: nothing may pass.
    const response = await call(route.method, url, { origin: FOREIGN });
    if (![401, 403, 404].includes(response.status())) {
      open.push(
        `${route.method} ${url} → ${response.status()} ${(await response.text()).slice(0, 80)}`,
      );
    }
  }
  const upgrade = await tryWebSocketUpgrade(world.baseURL, '/%61pi/events', { origin: FOREIGN });
  if (upgrade.status === 101) open.push('websocket /%61pi/events from a foreign Origin → 101');

  // From a page of another app, as a hijacking page would do it.
  await openForeignPage(page);
  const outcome = await socketOutcome(page, `${wsBase()}/%61pi/events`);
  if (outcome === 'open') open.push('websocket /%61pi/events from a page of another origin → open');
  expect(open).toEqual([]);
});

test('the session cookie is HttpOnly and SameSite=Strict, out of reach of scripts', async ({
  page,
  playwright,
}) => {
  const answer = await login(playwright, PASSWORD);
  expect(answer.status).toBe(204);
  expect(answer.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
  const attributes = answer.setCookie.split(';').map((part) => part.trim().toLowerCase());
  expect(attributes).toContain('httponly');
  expect(attributes).toContain('samesite=strict');
  expect(attributes).toContain('path=/');
  // Plain HTTP here: not Secure (a Secure cookie would never come back over http).
  expect(attributes).not.toContain('secure');

  // As the browser keeps it, after logging in through the login page.
  await page.goto('/login/');
  loginAttempts += 1;
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).not.toHaveURL(/\/login\/$/);
  const cookie = (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false, path: '/' });
  expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
});

test('logging out ends the session on the server, not only in the browser', async ({
  playwright,
}) => {
  const session = await login(playwright, PASSWORD);
  expect(session.status).toBe(204);
  const token = session.token!;
  expect((await call('GET', '/api/roots', { token })).status()).toBe(200);

  const logout = await call('POST', '/api/auth/logout', { token, origin: world.origin });
  expect(logout.status()).toBe(204);
  expect(logout.headers()['set-cookie']).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));

  // The old token, sent again as a stolen copy would be: refused everywhere.
  await expectRefused(await call('GET', '/api/roots', { token }), 401, 'auth_required');
  await expectRefused(
    await call('POST', '/api/scans', { token, origin: world.origin, data: { root: 'media' } }),
    401,
    'auth_required',
  );
  expect(
    (
      await tryWebSocketUpgrade(world.baseURL, '/api/events', {
        cookie: `${SESSION_COOKIE}=${token}`,
      })
    ).status,
  ).toBe(401);
  expect(await (await call('GET', '/api/auth/state', { token })).json()).toEqual({
    setupRequired: false,
    authenticated: false,
  });
  // Other sessions (another device) live on.
  expect((await call('GET', '/api/roots', { token: world.token })).status()).toBe(200);
});

// Last: it spends the login attempts this server allows from this address.
test('login is rate-limited, with a clear answer', async ({ playwright }) => {
  const left = LOGIN_LIMIT - loginAttempts;
  expect(left, 'attempts left for this test').toBeGreaterThan(0);
  for (let i = 0; i < left; i += 1) {
    const wrong = await login(playwright, `not the password ${i}`);
    expect(wrong.status).toBe(403);
    expect(JSON.parse(wrong.body)).toEqual({
      error: { code: 'forbidden', message: 'Wrong password' },
    });
  }
  const limited = await login(playwright, 'not the password again');
  expect(limited.status).toBe(429);
  expect(JSON.parse(limited.body)).toEqual({
    error: { code: 'too_many_requests', message: 'Rate limit exceeded, retry in 15 minutes' },
  });
  expect(limited.token).toBeNull();

  // Now even the right password waits; a forged X-Forwarded-For (no trusted proxy is set)
  // does not make a new address.
  const right = await login(playwright, PASSWORD);
  expect(right.status).toBe(429);
  expect(right.token).toBeNull();
  const spoofed = await login(playwright, PASSWORD, { 'x-forwarded-for': '203.0.113.9' });
  expect(spoofed.status).toBe(429);

  // Sessions already open go on working.
  expect((await call('GET', '/api/roots', { token: world.token })).status()).toBe(200);
});
