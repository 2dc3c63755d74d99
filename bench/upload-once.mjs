// Our side of the upload benchmark, on the built server (apps/server/dist), in a fresh process.
//   node bench/upload-once.mjs prepare DATA_DIR ROOT_PATH LABEL ENDPOINT BUCKET PREFIX
//     adds the folder as a root, scans it (hashes every file: the archive job needs the hashes)
//     and adds an S3 destination "moto" in DEEP_ARCHIVE at ENDPOINT; prints the scan's seconds.
//   node bench/upload-once.mjs archive DATA_DIR LABEL
//     runs the archive job of the whole root to "moto", alone; prints its seconds and summary.
// Credentials come from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), as on a NAS.
import { performance } from 'node:perf_hooks';

const [mode, dataDir, ...rest] = process.argv.slice(2);
process.env.GLACIER_DATA_DIR = dataDir;
// GLACIER_BENCH_DIST: another copy of the built server (see serverDist() in upload.mjs).
const dist = process.env.GLACIER_BENCH_DIST
  ? new URL(`file://${process.env.GLACIER_BENCH_DIST.replace(/\/?$/, '/')}`)
  : new URL('../apps/server/dist/', import.meta.url);
const { createAppContext } = await import(new URL('app-context.js', dist).href);
const { loadConfig } = await import(new URL('config.js', dist).href);
const { addRoot, getRoot } = await import(new URL('roots/roots.js', dist).href);
const { addDestination, getDestination } = await import(
  new URL('archive/destinations.js', dist).href
);
const { archiveParams } = await import(new URL('archive/start.js', dist).href);
const { listFailures } = await import(new URL('jobs/store.js', dist).href);

const ctx = createAppContext(loadConfig());
let out;
try {
  if (mode === 'prepare') {
    const [rootPath, label, endpoint, bucket, prefix] = rest;
    const root = addRoot(ctx.catalog, { path: rootPath, label });
    addDestination(ctx.catalog, {
      name: 'moto',
      url: `s3://${bucket}/${prefix}`,
      storageClass: 'DEEP_ARCHIVE',
      region: 'us-east-1',
      endpoint,
    });
    const started = performance.now();
    const job = await ctx.runner.runNow('scan', { rootId: root.id, path: '', contentless: false });
    out = { seconds: (performance.now() - started) / 1000, state: job.state, summary: job.summary };
  } else if (mode === 'archive') {
    const [label] = rest;
    const params = archiveParams(
      getDestination(ctx.catalog, 'moto'),
      getRoot(ctx.catalog, label),
      '',
    );
    const started = performance.now();
    const job = await ctx.runner.runNow('archive', params);
    out = {
      seconds: (performance.now() - started) / 1000,
      state: job.state,
      summary: job.summary,
      error: job.error ?? null,
      failures: listFailures(ctx.catalog, job.id, 5),
    };
  } else {
    throw new Error(`unknown mode "${mode}": prepare or archive`);
  }
} finally {
  await ctx.close();
}
console.log(JSON.stringify(out));
