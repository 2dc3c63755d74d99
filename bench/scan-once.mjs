// One scan of one root in a fresh process, on the built server (apps/server/dist), as the
// benchmark's "our side". Prints the scan's own wall time and summary as JSON.
import { performance } from 'node:perf_hooks';

const [dataDir, rootPath, mode] = process.argv.slice(2);
process.env.GLACIER_DATA_DIR = dataDir;
const dist = new URL('../apps/server/dist/', import.meta.url);
const { createAppContext } = await import(new URL('app-context.js', dist).href);
const { loadConfig } = await import(new URL('config.js', dist).href);
const { addRoot, getRoot } = await import(new URL('roots/roots.js', dist).href);

const ctx = createAppContext(loadConfig());
let root;
try {
  root = getRoot(ctx.catalog, 'bench');
} catch {
  root = addRoot(ctx.catalog, { path: rootPath, label: 'bench' });
}
const started = performance.now();
const job = await ctx.runner.runNow('scan', {
  rootId: root.id,
  path: '',
  contentless: mode === 'contentless',
});
const seconds = (performance.now() - started) / 1000;
await ctx.close();
console.log(JSON.stringify({ seconds, state: job.state, summary: job.summary }));
