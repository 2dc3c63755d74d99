import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Catalog } from '../src/catalog/catalog.js';
import { openCatalog } from '../src/catalog/db.js';
import { loadConfig } from '../src/config.js';
import { SchemaTooNewError, UserInputError } from '../src/errors.js';
import { createTestEnv, makeRoot, scan, type TestEnv } from './helpers/context.js';

let env: TestEnv | undefined;
afterEach(async () => {
  await env?.cleanup();
  env = undefined;
});

describe('catalog', () => {
  it('refuses a catalog written by a newer release and leaves it untouched', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'glacier-schema-'));
    try {
      const first = openCatalog(dataDir);
      first.sqlite.pragma('user_version = 999');
      first.close();
      const file = path.join(dataDir, 'catalog.sqlite');
      const before = statSync(file).mtimeMs;
      expect(() => openCatalog(dataDir)).toThrow(SchemaTooNewError);
      expect(() => openCatalog(dataDir)).toThrow(/newer Glacier Archiver \(schema 999/);
      expect(statSync(file).mtimeMs).toBe(before);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('opens in WAL mode so the CLI and the server share it', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'glacier-wal-'));
    try {
      const catalog = new Catalog(openCatalog(dataDir));
      expect(catalog.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      catalog.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('never writes into a media root', async () => {
    env = createTestEnv();
    const root = makeRoot(env, 'photos', { 'a/b/c.jpg': 'c', 'd.mov': '', 'e.xmp': '<x/>' });
    const snapshot = () =>
      listTree(root.path).map((p) => {
        const s = statSync(p);
        return `${p} ${s.size} ${s.mtimeMs} ${s.ctimeMs}`;
      });
    const before = snapshot();
    await scan(env, root);
    await scan(env, root);
    expect(snapshot()).toEqual(before);
  });
});

describe('config', () => {
  it('reads the config file, with the environment winning', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'glacier-config-'));
    try {
      writeFileSync(
        path.join(dataDir, 'config.json'),
        JSON.stringify({
          port: 9000,
          ignore: ['*.tmp'],
          roots: [{ path: '/media/photos', label: 'photos' }],
        }),
      );
      const config = loadConfig({ GLACIER_DATA_DIR: dataDir, GLACIER_PORT: '9100' });
      expect(config).toMatchObject({
        port: 9100,
        ignore: ['*.tmp'],
        roots: [{ label: 'photos' }],
        trustedProxy: false,
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('explains what is wrong with a bad config file or variable', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'glacier-config-'));
    try {
      writeFileSync(path.join(dataDir, 'config.json'), '{ "port": 80, ');
      expect(() => loadConfig({ GLACIER_DATA_DIR: dataDir })).toThrow(/is not valid JSON/);
      writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify({ prot: 80 }));
      expect(() => loadConfig({ GLACIER_DATA_DIR: dataDir })).toThrow(/is not valid: .*prot/);
      writeFileSync(path.join(dataDir, 'config.json'), '{}');
      expect(() => loadConfig({ GLACIER_DATA_DIR: dataDir, GLACIER_PORT: 'eighty' })).toThrow(
        UserInputError,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

function listTree(dir: string): string[] {
  return [
    dir,
    ...readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const p = path.join(dir, e.name);
      return e.isDirectory() ? listTree(p) : [p];
    }),
  ];
}
