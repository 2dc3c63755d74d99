import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDestination } from '../src/archive/destinations.js';
import { ARCHIVE_JOB } from '../src/archive/archive-job.js';
import { archiveParams } from '../src/archive/start.js';
import { fileByPath } from '../src/catalog/browse.js';
import type { RootRow } from '../src/roots/roots.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';
import { signedInApp, type SignedInApp } from './helpers/http.js';

/**
 * What a phone on a slow link is sent: the web UI's scripts as the build's Brotli copies, the
 * API's JSON compressed, and a user's file exactly as stored, never re-encoded.
 */

const precompress = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../web/scripts/precompress.mjs',
);
/** Repetitive enough to compress well, long enough to be worth it. */
const SCRIPT = `console.log(${JSON.stringify('the explorer '.repeat(400))});\n`;
const NOTES = 'a note kept beside the photos, compressible text. '.repeat(200);

let env: TestEnv;
let web: SignedInApp;
let root: RootRow;

beforeAll(async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'glacier-test-'));
  const webDir = path.join(dir, 'web-out');
  mkdirSync(path.join(webDir, '_next/static/chunks'), { recursive: true });
  writeFileSync(
    path.join(webDir, 'index.html'),
    `<!doctype html><title>x</title>${'<p>hi'.repeat(300)}`,
  );
  writeFileSync(path.join(webDir, '_next/static/chunks/app.js'), SCRIPT);
  execFileSync('node', [precompress, webDir]);
  env = createTestEnv({ GLACIER_WEB_DIR: webDir }, { dir });
  const tree: Record<string, string> = { 'Trip/notes.txt': NOTES };
  for (let i = 0; i < 60; i++) tree[`Trip/IMG_${String(i).padStart(4, '0')}.txt`] = `photo ${i}`;
  root = makeRoot(env, 'photos', tree);
  await scan(env, root);
  mkdirSync(path.join(dir, 'usb'));
  const usb = addDestination(env.ctx.catalog, { name: 'usb', url: path.join(dir, 'usb') });
  const archived = await env.ctx.runner.runNow(ARCHIVE_JOB, archiveParams(usb, root, ''));
  expect(archived.state).toBe('done');
  web = await signedInApp(env);
});
afterAll(async () => {
  await web.app.close();
  await env.cleanup();
});

function getWith(url: string, acceptEncoding: string | undefined) {
  return web.app.inject({
    url,
    headers: {
      host: 'nas.local:8377',
      cookie: web.cookie,
      ...(acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}),
    },
  });
}

describe('compression', () => {
  it('sends the build’s Brotli copy of a script to a browser that takes it, the plain one otherwise', async () => {
    const url = '/_next/static/chunks/app.js';
    const br = await getWith(url, 'gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.rawPayload.length).toBeLessThan(SCRIPT.length / 10);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);

    const gzip = await getWith(url, 'gzip');
    expect(gzip.headers['content-encoding']).toBe('gzip');

    const plain = await getWith(url, undefined);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(SCRIPT);

    const page = await getWith('/', 'br');
    expect(page.headers['content-encoding']).toBe('br');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('compresses a folder’s page of JSON', async () => {
    const url = '/api/roots/photos/files?path=Trip&limit=100';
    const plain = await getWith(url, undefined);
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const br = await getWith(url, 'br');
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 3);
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString())).toEqual(plain.json());
  });

  it('hands a download over byte for byte, with its length, even when it is text', async () => {
    const notes = fileByPath(env.ctx.catalog, root, 'Trip/notes.txt');
    const answer = await getWith(`/api/files/${notes.id}/download?from=usb`, 'gzip, br');
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.headers['content-encoding']).toBeUndefined();
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(NOTES)));
    expect(answer.body).toBe(NOTES);
  });
});
