import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileByPath } from '../src/catalog/browse.js';
import { getJob, listJobs } from '../src/jobs/store.js';
import { getRoot } from '../src/roots/roots.js';
import { jsonLines, runCli, startCli } from './helpers/cli.js';
import { createTestEnv, writeTree } from './helpers/context.js';

const dir = mkdtempSync(path.join(tmpdir(), 'glacier-restart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a scan killed mid-way', () => {
  it('leaves a consistent catalog and resumes at the next start', async () => {
    const dataDir = path.join(dir, 'data');
    const media = path.join(dir, 'media');
    const tree: Record<string, string> = {};
    for (let d = 0; d < 40; d++)
      for (let f = 0; f < 25; f++) tree[`d${d}/f${f}.txt`] = `file ${d}/${f}`;
    writeTree(media, tree);
    // Large sparse files make the reading phase last long enough to be killed in the middle.
    for (let i = 0; i < 6; i++) {
      const fd = openSync(path.join(media, `d${i}`, `big${i}.mov`), 'w');
      ftruncateSync(fd, 400 * 1024 * 1024 + i);
      closeSync(fd);
    }
    expect(runCli(dataDir, ['roots', 'add', media, '--label', 'media']).code).toBe(0);

    const child = startCli(dataDir, ['scan', 'media', '--json']);
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const reading = jsonLines(out.slice(0, out.lastIndexOf('\n') + 1)).some(
          (e) => e.type === 'job.progress' && e.phase === 'reading' && (e.filesDone as number) > 0,
        );
        if (reading) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () =>
        reject(new Error(`the scan ended before it could be killed:\n${out}`)),
      );
    });
    await new Promise((r) => child.once('exit', r));

    const env = createTestEnv({}, { dir });
    try {
      const sqlite = env.ctx.catalog.sqlite;
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const [job] = listJobs(env.ctx.catalog).jobs;
      expect(job).toMatchObject({ kind: 'scan', state: 'running' });
      const hashedBefore = sqlite
        .prepare('select count(*) as n from files where sha256 is not null')
        .get() as { n: number };
      expect(hashedBefore.n).toBeLessThan(1006);

      env.ctx.runner.start();
      let state = '';
      for (let i = 0; i < 600 && state !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        state = getJob(env.ctx.catalog, job!.id).state;
      }
      expect(state).toBe('done');
      const counts = sqlite
        .prepare(
          "select count(*) as n, count(sha256) as hashed, count(distinct rel_path) as paths from files where state = 'present'",
        )
        .get() as { n: number; hashed: number; paths: number };
      expect(counts).toEqual({ n: 1006, hashed: 1006, paths: 1006 });
      const root = getRoot(env.ctx.catalog, 'media');
      expect(fileByPath(env.ctx.catalog, root, 'd3/f7.txt').size).toBe('file 3/7'.length);
    } finally {
      await env.ctx.close();
    }
  });
});
