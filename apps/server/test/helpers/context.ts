import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAppContext, type AppContext } from '../../src/app-context.js';
import { loadConfig } from '../../src/config.js';
import type { JobEvent } from '../../src/events.js';
import type { JobRow } from '../../src/jobs/store.js';
import { addRoot, type RootRow } from '../../src/roots/roots.js';
import { SCAN_JOB, planScan } from '../../src/scan/scan.js';

export interface TestEnv {
  dir: string;
  dataDir: string;
  ctx: AppContext;
  events: JobEvent[];
  cleanup(): Promise<void>;
}

/** A fresh data dir and app context on real SQLite; the job loop is not started. */
export function createTestEnv(
  env: Record<string, string> = {},
  existing?: { dir: string },
): TestEnv {
  const dir = existing?.dir ?? mkdtempSync(path.join(tmpdir(), 'glacier-test-'));
  const dataDir = path.join(dir, 'data');
  const ctx = createAppContext(
    loadConfig({ GLACIER_DATA_DIR: dataDir, GLACIER_SCAN_CONCURRENCY: '2', ...env }),
    { tickMs: 50, staleAfterMs: 2000 },
  );
  const events: JobEvent[] = [];
  ctx.bus.subscribe((e) => events.push(e));
  return {
    dir,
    dataDir,
    ctx,
    events,
    async cleanup() {
      await ctx.close();
      // rm copes with trees deeper than PATH_MAX, which Node's rmSync cannot unlink.
      execFileSync('rm', ['-rf', dir]);
    },
  };
}

/** Writes files given as { 'a/b.txt': 'content' } under `base`. */
export function writeTree(base: string, tree: Record<string, string | Buffer>): void {
  for (const [rel, content] of Object.entries(tree)) {
    const abs = path.join(base, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
}

export function makeRoot(
  env: TestEnv,
  label = 'photos',
  tree: Record<string, string | Buffer> = {},
): RootRow {
  const rootPath = path.join(env.dir, label);
  mkdirSync(rootPath, { recursive: true });
  writeTree(rootPath, tree);
  return addRoot(env.ctx.catalog, { path: rootPath, label });
}

/** Runs a scan to its end in this process, as `glacier scan` does. */
export async function scan(env: TestEnv, root: RootRow, folder = ''): Promise<JobRow> {
  return env.ctx.runner.runNow(SCAN_JOB, planScan(env.ctx.catalog, root, folder));
}

export function failuresOf(env: TestEnv, jobId: number): Map<string, string> {
  const map = new Map<string, string>();
  for (const e of env.events)
    if (e.type === 'item.failed' && e.jobId === jobId) map.set(e.item, e.reason);
  return map;
}
