// Web explorer benchmark (issue 6): a catalog of 100,000 files in one folder, then
//   - the API's page latency (p50/p95/max) over the folder's first page, a keyset walk through
//     every page, offset jumps deep into it, other sort orders and the folder tree;
//   - on a phone-sized Chromium (Debian's /usr/bin/chromium) with a throttled network (the
//     DevTools protocol's Network.emulateNetworkConditions: 150 ms RTT, 1.6 Mbit/s down,
//     750 kbit/s up, the "Fast 3G"-like profile), the time to the first rendered rows of the
//     explorer, cold (empty cache) and warm (scripts cached), the JavaScript shipped on the way
//     (bytes as sent, and gzip -9 / brotli of the same scripts), a jump to the middle of the
//     folder and how many rows the page holds while it scrolls;
//   - straight from the app (it sends the build's precompressed Brotli scripts and pages and
//     compresses its JSON, as a phone on the VPN gets them), and, for comparison, the same app
//     with compression refused (a proxy that drops Accept-Encoding: what it sent before).
// There is no peer tool for this one: the issue's goals are printed as the reference.
//
// The catalog comes from the real thing: 100,000 small text files generated in one folder,
// added as a root and scanned by the CLI (`glacier roots add`, `glacier scan`: listing, hashing,
// inserting), kept in bench/.work/explorer between runs. Needs `pnpm build` first.
//   node bench/explorer.mjs [--files 100000] [--runs 5] [--fresh]
/* global window, document, requestAnimationFrame, MutationObserver -- page.evaluate runs in the browser */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((arg, i, all) =>
      arg.startsWith('--')
        ? [arg.slice(2), all[i + 1]?.startsWith('--') === false ? all[i + 1] : 'true']
        : null,
    )
    .filter(Boolean),
);
const FILES = Number(args.files ?? 100_000);
const RUNS = Number(args.runs ?? 5);
const LABEL = 'big';
const FOLDER = 'big';
const PASSWORD = 'explorer benchmark password';
const PAGE = 100;
const THROTTLE = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6e6 / 8) | 0,
  uploadThroughput: (750e3 / 8) | 0,
};
const GOALS = { firstRowsMs: 1500, apiPageMs: 50, initialJsKB: 300 };

const work = path.join(here, '.work', 'explorer');
const media = path.join(work, 'media');
const dataDir = path.join(work, 'data');
const serverMain = path.join(repo, 'apps/server/dist/main.js');
const cliMain = path.join(repo, 'apps/server/dist/cli/main.js');
const webDir = path.join(repo, 'apps/web/out');
for (const [what, file] of [
  ['the server', serverMain],
  ['the web UI', path.join(webDir, 'index.html')],
]) {
  if (!existsSync(file)) throw new Error(`${what} is not built (${file}): run \`pnpm build\``);
}
const { chromium, devices } = createRequire(path.join(repo, 'e2e/package.json'))(
  '@playwright/test',
);

const ms = (n) => `${n.toFixed(n < 10 ? 1 : 0)}`;
const kb = (n) => (n / 1000).toFixed(0);
function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), max: sorted.at(-1) };
}
const median = (samples) => stats(samples).p50;

console.log(
  `machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}; load average at start ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

// ---------------------------------------------------------------- the catalog
const marker = path.join(work, `catalog-complete-${FILES}`);
if (args.fresh || !existsSync(marker)) {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(path.join(media, FOLDER), { recursive: true });
  let started = performance.now();
  for (let i = 0; i < FILES; i++) {
    // Camera-like names; a few bytes each, all different (each gets its own hash).
    writeFileSync(
      path.join(media, FOLDER, `IMG_${String(i).padStart(6, '0')}.txt`),
      `frame ${i}\n`,
    );
  }
  console.log(`generated ${FILES} files in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const cli = (...argv) =>
    execFileSync('node', [cliMain, ...argv], {
      env: { ...process.env, GLACIER_DATA_DIR: dataDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  cli('roots', 'add', media, '--label', LABEL);
  started = performance.now();
  cli('scan', LABEL);
  console.log(
    `catalogued by the real scan (glacier scan: list, hash, insert) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  writeFileSync(marker, '');
}

// ---------------------------------------------------------------- the server (and a proxy)
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const server = spawn('node', [serverMain], {
  env: {
    ...process.env,
    GLACIER_DATA_DIR: dataDir,
    GLACIER_PORT: String(port),
    GLACIER_HOST: '127.0.0.1',
    GLACIER_WEB_DIR: webDir,
    GLACIER_BACKUP_INTERVAL_HOURS: '0',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const stopServer = () => server.kill('SIGTERM');
process.on('exit', stopServer);
const direct = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    if ((await fetch(`${direct}/api/health`)).ok) break;
  } catch {
    // not up yet
  }
  if (i > 300) throw new Error('the server did not start');
  await new Promise((r) => setTimeout(r, 100));
}

const auth = await (await fetch(`${direct}/api/auth/state`)).json();
const login = await fetch(`${direct}/api/auth/${auth.setupRequired ? 'setup' : 'login'}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ password: PASSWORD }),
});
if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
const session = /glacier_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')[1];
const cookie = `glacier_session=${session}`;

/** A reverse proxy that asks the app for everything uncompressed (drops Accept-Encoding). */
async function startIdentityProxy(upstreamPort) {
  const proxy = http.createServer((req, res) => {
    const headers = { ...req.headers };
    delete headers['accept-encoding'];
    const upstream = http.request(
      { host: '127.0.0.1', port: upstreamPort, path: req.url, method: req.method, headers },
      (answer) => {
        res.writeHead(answer.statusCode, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  // The live feed's websocket passes through as is.
  proxy.on('upgrade', (req, socket, head) => {
    const up = net.connect(upstreamPort, '127.0.0.1', () => {
      up.write(
        `${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headers)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\r\n')}\r\n\r\n`,
      );
      up.write(head);
      socket.pipe(up).pipe(socket);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  const proxyPort = await freePort();
  await new Promise((resolve) => proxy.listen(proxyPort, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${proxyPort}`, close: () => proxy.close() };
}
const identityProxy = await startIdentityProxy(port);

// ---------------------------------------------------------------- API latency
async function timedGet(url) {
  const started = performance.now();
  const response = await fetch(`${direct}${url}`, { headers: { cookie } });
  const body = await response.json();
  const elapsed = performance.now() - started;
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return { elapsed, body };
}
const base = `/api/roots/${LABEL}`;
const query = (params) => new URLSearchParams({ path: FOLDER, ...params }).toString();
const latency = [];
async function measure(name, urls) {
  const samples = [];
  for (const url of urls) samples.push((await timedGet(url)).elapsed);
  latency.push({ name, ...stats(samples) });
}

// Warm-up (the first requests pay for JIT and the page cache).
for (let i = 0; i < 5; i++) await timedGet(`${base}/browse?${query({ pageSize: PAGE })}`);

const head = (await timedGet(`${base}/browse?${query({ pageSize: PAGE })}`)).body;
if (head.total !== FILES) throw new Error(`the folder lists ${head.total} files, not ${FILES}`);
await measure(
  'first page of the folder (rows, count, subfolders)',
  Array.from({ length: 30 }, () => `${base}/browse?${query({ pageSize: PAGE })}`),
);

async function walk(name, sort, order, pages) {
  const samples = [];
  let cursor = (await timedGet(`${base}/browse?${query({ pageSize: PAGE, sort, order })}`)).body
    .nextCursor;
  let rows = PAGE;
  for (let p = 1; p < pages && cursor; p++) {
    const { elapsed, body } = await timedGet(
      `${base}/files?${query({ limit: PAGE, sort, order, cursor })}`,
    );
    samples.push(elapsed);
    rows += body.files.length;
    cursor = body.nextCursor;
  }
  latency.push({ name: `${name} (${rows.toLocaleString('en-US')} rows)`, ...stats(samples) });
  return rows;
}
const walked = await walk('every page in order, by cursor, name ↑', 'name', 'asc', FILES / PAGE);
if (walked !== FILES) throw new Error(`the cursor walk saw ${walked} rows, not ${FILES}`);

let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const jumps = (sort, order, n) =>
  Array.from(
    { length: n },
    () =>
      `${base}/files?${query({ limit: PAGE, sort, order, offset: Math.floor(random() * (FILES - PAGE)) })}`,
  );
await measure('jumps to random offsets, name ↑', jumps('name', 'asc', 100));
await walk('200 pages by cursor, size ↓', 'size', 'desc', 200);
await measure('jumps to random offsets, size ↓', jumps('size', 'desc', 30));
await walk('200 pages by cursor, capture date ↑', 'captured', 'asc', 200);
await measure('jumps to random offsets, capture date ↑', jumps('captured', 'asc', 30));
await measure(
  'filtered first page (name search)',
  Array.from(
    { length: 20 },
    (_, i) => `${base}/browse?${query({ pageSize: PAGE, search: `IMG_0${i}` })}`,
  ),
);
await measure(
  'folder tree: the root’s folders',
  Array.from({ length: 30 }, () => `${base}/folders?path=`),
);
const pageJson = JSON.stringify(head);

// ---------------------------------------------------------------- the browser
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
});
const phone = {
  ...devices['Pixel 7'],
  viewport: { width: 390, height: 844 },
  locale: 'en-US',
  timezoneId: 'UTC',
};

/** Marks, in the page, when the first file row is painted (ms since navigation start). */
const markFirstRow = () => {
  const seen = () => {
    if (window.__firstRow !== undefined || !document.querySelector('[data-file]')) return;
    window.__firstRow = null;
    requestAnimationFrame(() => {
      window.__firstRow = performance.now();
    });
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
};

async function newPhonePage(origin) {
  const context = await browser.newContext({ ...phone, baseURL: origin });
  await context.addCookies([{ name: 'glacier_session', value: session, url: origin }]);
  await context.addInitScript(markFirstRow);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', THROTTLE);
  const scripts = new Map();
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Script') scripts.set(e.requestId, { url: e.response.url, sent: 0 });
  });
  cdp.on('Network.loadingFinished', (e) => {
    const script = scripts.get(e.requestId);
    if (script) script.sent = e.encodedDataLength;
  });
  return { context, page, cdp, scripts };
}

const url = `/browse/?root=${LABEL}&path=${FOLDER}`;
async function firstRows(page) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForFunction(() => typeof window.__firstRow === 'number', null, {
    timeout: 60_000,
    polling: 50,
  });
  return page.evaluate(() => window.__firstRow);
}

async function loadRuns(name, origin) {
  const cold = [];
  const warm = [];
  let shipped = null;
  for (let run = 0; run < RUNS; run++) {
    const { context, page, cdp, scripts } = await newPhonePage(origin);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    cold.push(await firstRows(page));
    if (run === 0) {
      await page.waitForLoadState('load');
      const list = [...scripts.values()];
      const bodies = await Promise.all(
        list.map(async (s) => Buffer.from(await (await fetch(s.url)).arrayBuffer())),
      );
      shipped = {
        count: list.length,
        sent: list.reduce((n, s) => n + s.sent, 0),
        raw: bodies.reduce((n, b) => n + b.length, 0),
        gzip: bodies.reduce((n, b) => n + zlib.gzipSync(b, { level: 9 }).length, 0),
        brotli: bodies.reduce((n, b) => n + zlib.brotliCompressSync(b).length, 0),
      };
    }
    // Warm: the same phone again, its cache kept (Next's chunks are immutable).
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    await page.goto('about:blank');
    await firstRows(page); // fills the cache
    await page.goto('about:blank');
    warm.push(await firstRows(page));
    await context.close();
  }
  return { name, cold, warm, shipped };
}

const loads = [
  await loadRuns('straight from the app (Brotli)', direct),
  await loadRuns('the app with compression refused (before)', identityProxy.url),
];

// Scrolling: a jump to the middle of the 100,000 rows, then twenty screens down, throttled.
const scroll = await (async () => {
  const { context, page } = await newPhonePage(direct);
  await firstRows(page);
  const rowsAtStart = await page.locator('[data-row-index]').count();
  const jumpStarted = Date.now();
  const target = await page.evaluate(() => {
    window.scrollTo(0, document.documentElement.scrollHeight / 2);
    const first = document.querySelector('[data-row-index]');
    return Number(first?.getAttribute('data-row-index') ?? 0);
  });
  // Rows of the new place (a page asked by offset) replace the placeholders.
  await page.waitForFunction(
    () => {
      const rows = [...document.querySelectorAll('[data-row-index]')];
      const middle = rows.filter((r) => {
        const box = r.getBoundingClientRect();
        return box.bottom > 0 && box.top < window.innerHeight;
      });
      return middle.length > 0 && middle.every((r) => r.hasAttribute('data-file'));
    },
    null,
    { timeout: 60_000, polling: 50 },
  );
  const jumpMs = Date.now() - jumpStarted;
  const landed = await page.evaluate(() =>
    Number(document.querySelector('[data-file]')?.getAttribute('data-row-index') ?? -1),
  );
  // Twenty screens down, a screen per frame: frame times and rows in the page.
  const frames = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const times = [];
        let last = performance.now();
        let n = 0;
        let most = 0;
        const step = () => {
          const now = performance.now();
          times.push(now - last);
          last = now;
          most = Math.max(most, document.querySelectorAll('[data-row-index]').length);
          if (n++ >= 20) return resolve({ times: times.slice(1), most });
          window.scrollBy(0, window.innerHeight);
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      }),
  );
  await context.close();
  return { rowsAtStart, target, landed, jumpMs, frames };
})();

await browser.close();
identityProxy.close();
stopServer();

// ---------------------------------------------------------------- report
const load = loadavg();
console.log(`\nload average at the end: ${load.map((l) => l.toFixed(2)).join(' ')}`);
console.log(
  `\n#### API pages of ${PAGE} rows, ${FILES.toLocaleString('en-US')} files in one folder (loopback, ms)`,
);
console.log(`\n| request | n | p50 | p95 | max | goal |`);
console.log('|---|---|---|---|---|---|');
for (const row of latency) {
  console.log(
    `| ${row.name} | ${row.n} | ${ms(row.p50)} | ${ms(row.p95)} | ${ms(row.max)} | < ${GOALS.apiPageMs} ${row.p95 < GOALS.apiPageMs ? '✓' : '✗'} |`,
  );
}
console.log(
  `\nfirst page: ${kb(Buffer.byteLength(pageJson))} kB of JSON, ${kb(zlib.gzipSync(pageJson).length)} kB gzipped`,
);
console.log(
  `\n#### Phone (390×844, Pixel 7), throttled to ${THROTTLE.latency} ms RTT, ${(THROTTLE.downloadThroughput * 8) / 1e6} Mbit/s down: first rows of the explorer (ms, ${RUNS} runs)`,
);
console.log(`\n| served | cold p50 | cold max | warm p50 | warm max | goal |`);
console.log('|---|---|---|---|---|---|');
for (const l of loads) {
  const c = stats(l.cold);
  const w = stats(l.warm);
  console.log(
    `| ${l.name} | ${ms(c.p50)} | ${ms(c.max)} | ${ms(w.p50)} | ${ms(w.max)} | < ${GOALS.firstRowsMs} cold ${c.p50 < GOALS.firstRowsMs ? '✓' : '✗'} |`,
  );
}
const s = loads[0].shipped;
const g = loads[1].shipped;
console.log(`\n#### JavaScript of the explorer's first load (${s.count} scripts)`);
console.log(`\n| measure | kB | goal |`);
console.log('|---|---|---|');
console.log(
  `| as sent by the app (precompressed Brotli) | ${kb(s.sent)} | < ${GOALS.initialJsKB} ${s.sent / 1000 < GOALS.initialJsKB ? '✓' : '✗'} |`,
);
console.log(`| as sent uncompressed (before) | ${kb(g.sent)} | |`);
console.log(
  `| gzip -9 of the same scripts | ${kb(s.gzip)} | < ${GOALS.initialJsKB} ${s.gzip / 1000 < GOALS.initialJsKB ? '✓' : '✗'} |`,
);
console.log(`| brotli of the same scripts | ${kb(s.brotli)} | |`);
console.log(`| raw | ${kb(s.raw)} | |`);
const f = stats(scroll.frames.times);
console.log(
  `\n#### Scrolling (phone, throttled, straight from the app)\n\n` +
    `- rows in the page after the first load: ${scroll.rowsAtStart}; at most ${scroll.frames.most} while scrolling 20 screens, one a frame\n` +
    `- a jump to the middle (row ${scroll.landed.toLocaleString('en-US')}): its rows shown after ${scroll.jumpMs} ms (one page asked by offset over the throttled link)\n` +
    `- frame times while scrolling: p50 ${ms(f.p50)} ms, p95 ${ms(f.p95)} ms, max ${ms(f.max)} ms`,
);
console.log(
  `\ncold first rows (ms): ${loads.map((l) => `${l.name}: ${l.cold.map((v) => v.toFixed(0)).join(', ')}`).join('; ')}`,
);
console.log(
  `median warm first rows: ${loads.map((l) => median(l.warm).toFixed(0)).join(' / ')} ms`,
);
process.exit(0);
