import { closeSync, ftruncateSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRunner } from '../src/jobs/runner.js';
import { finishJob, getJob, insertJob } from '../src/jobs/store.js';
import { startScan } from '../src/scan/start.js';
import { ConflictError } from '../src/errors.js';
import { createTestEnv, makeRoot, type TestEnv } from './helpers/context.js';
import { signedInApp } from './helpers/http.js';

let env: TestEnv;
beforeEach(() => {
  env = createTestEnv();
});
afterEach(async () => {
  await env.cleanup();
});

/** A root whose reading phase takes a few seconds: large sparse files hash slowly enough. */
function slowRoot() {
  const root = makeRoot(env, 'slow', { 'a.txt': 'a' });
  mkdirSync(path.join(root.path, 'clips'), { recursive: true });
  for (let i = 0; i < 8; i++) {
    const fd = openSync(path.join(root.path, 'clips', `clip${i}.bin`), 'w');
    ftruncateSync(fd, 256 * 1024 * 1024);
    closeSync(fd);
  }
  return root;
}

async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (predicate()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('jobs', () => {
  it('pauses a running scan between files, resumes it to the end, and refuses a second scan', async () => {
    const root = slowRoot();
    env.ctx.runner.start();
    const job = startScan(env.ctx, root);
    expect(() => startScan(env.ctx, root)).toThrow(ConflictError);
    await waitFor(
      () =>
        env.events.some(
          (e) => e.type === 'job.progress' && e.phase === 'reading' && e.filesDone > 0,
        ),
      'the reading phase',
    );
    env.ctx.runner.pause(job.id);
    await waitFor(() => getJob(env.ctx.catalog, job.id).state === 'paused', 'the pause');
    const paused = getJob(env.ctx.catalog, job.id);
    expect((paused.progress as { filesDone: number }).filesDone).toBeLessThan(9);
    expect(env.events.find((e) => e.type === 'job.finished')).toMatchObject({ state: 'paused' });

    env.ctx.runner.resume(job.id);
    await waitFor(() => getJob(env.ctx.catalog, job.id).state === 'done', 'the end of the scan');
    expect(getJob(env.ctx.catalog, job.id).summary).toMatchObject({ files: 9, failures: 0 });
  });

  it('cancels a queued job at once and a running one between files', async () => {
    const root = slowRoot();
    const queued = startScan(env.ctx, root);
    env.ctx.runner.cancel(queued.id);
    expect(getJob(env.ctx.catalog, queued.id).state).toBe('cancelled');

    env.ctx.runner.start();
    const running = startScan(env.ctx, root);
    await waitFor(() => getJob(env.ctx.catalog, running.id).state === 'running', 'the start');
    env.ctx.runner.cancel(running.id);
    await waitFor(() => getJob(env.ctx.catalog, running.id).state === 'cancelled', 'the cancel');
    expect(() => env.ctx.runner.resume(running.id)).toThrow(
      /only a paused or failed job can resume/,
    );
  });

  it('stops running jobs on shutdown and resumes them at the next start', async () => {
    const root = slowRoot();
    env.ctx.runner.start();
    const job = startScan(env.ctx, root);
    await waitFor(
      () => env.events.some((e) => e.type === 'job.progress' && e.phase === 'reading'),
      'reading',
    );
    await env.ctx.runner.stop();
    expect(getJob(env.ctx.catalog, job.id).state).toBe('queued');
    await env.ctx.close();

    env = createTestEnv({}, { dir: env.dir });
    env.ctx.runner.start();
    await waitFor(() => getJob(env.ctx.catalog, job.id).state === 'done', 'the resumed scan');
    expect(getJob(env.ctx.catalog, job.id).summary).toMatchObject({ files: 9 });
  });

  it('lets a waiting job give its slot up, and take it back once the job that took it ends', async () => {
    const steps: string[] = [];
    const gate = () => {
      let open!: () => void;
      const opened = new Promise<void>((resolve) => (open = resolve));
      return { opened, open };
    };
    const firstWaitOver = gate();
    const secondMayEnd = gate();
    const runner = new JobRunner(
      env.ctx.catalog,
      env.ctx.bus,
      {
        poll: async (ctx) => {
          const name = String(ctx.job.params.name);
          steps.push(`${name} works`);
          if (name === 'first') await ctx.waitOutsideSlot(() => firstWaitOver.opened);
          else await secondMayEnd.opened;
          steps.push(`${name} ends`);
          return {};
        },
      },
      { tickMs: 20, staleAfterMs: 2000 },
    );
    runner.start();
    try {
      const first = runner.enqueue('poll', { name: 'first' });
      const second = runner.enqueue('poll', { name: 'second' });
      await waitFor(() => steps.includes('second works'), 'the second job, while the first waits');
      expect(getJob(env.ctx.catalog, first.id)).toMatchObject({
        state: 'running',
        owner: runner.owner,
      });
      // The first's wait is over while the second holds the slot: it queues for it.
      firstWaitOver.open();
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(steps).toEqual(['first works', 'second works']);
      secondMayEnd.open();
      await waitFor(() => getJob(env.ctx.catalog, first.id).state === 'done', 'the first job');
      expect(steps).toEqual(['first works', 'second works', 'second ends', 'first ends']);
      expect(getJob(env.ctx.catalog, second.id).state).toBe('done');
    } finally {
      await runner.stop();
    }
  });
});

describe('GET /api/jobs', () => {
  it('lists every unfinished job however old, then pages the finished ones newest first', async () => {
    const http = await signedInApp(env);
    try {
      // The oldest job still runs; a queued one waits; five later ones have ended.
      const longArchive = insertJob(env.ctx.catalog, 'archive', { path: 'big' }, { owner: 'x' });
      const ended = [1, 2, 3, 4, 5].map((n) => {
        const job = insertJob(env.ctx.catalog, 'scan', { path: `f${n}` });
        return finishJob(env.ctx.catalog, job.id, n === 3 ? 'failed' : 'done', {}).id;
      });
      const waiting = insertJob(env.ctx.catalog, 'summarise', { path: 'later' });
      type Page = { jobs: { id: number; state: string }[]; older: number | null };
      const page = async (query: string) => {
        const res = await http.get(`/api/jobs${query}`);
        expect(res.statusCode).toBe(200);
        return res.json() as Page;
      };
      const ids = (p: Page) => p.jobs.map((j) => j.id);

      const first = await page('?limit=2');
      expect(ids(first)).toEqual([waiting.id, ended[4], ended[3], longArchive.id]);
      expect(first.older).toBe(ended[3]);
      const second = await page(`?limit=2&before=${first.older}`);
      expect(ids(second)).toEqual([ended[2], ended[1]]);
      const third = await page(`?limit=2&before=${second.older}`);
      expect(ids(third)).toEqual([ended[0]]);
      expect(third.older).toBeNull();
      // The default page holds them all, with nothing older.
      expect(await page('')).toMatchObject({ older: null });
      expect(ids(await page(''))).toHaveLength(7);

      const bad = await http.get('/api/jobs?limit=0');
      expect(bad.statusCode).toBe(400);
    } finally {
      await http.app.close();
    }
  });
});
