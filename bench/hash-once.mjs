// Hashes the given files with the scanner's worker pool (both cores) and prints the wall time.
import { performance } from 'node:perf_hooks';

const [threads, ...files] = process.argv.slice(2);
const dist = new URL('../apps/server/dist/', import.meta.url);
const { Hasher } = await import(new URL('scan/hasher.js', dist).href);
const hasher = new Hasher(Number(threads));
const started = performance.now();
let next = 0;
const lane = async () => {
  while (next < files.length) {
    const result = await hasher.hash(files[next++]);
    if (!result.ok) throw new Error(result.message);
  }
};
await Promise.all(Array.from({ length: Number(threads) }, lane));
const seconds = (performance.now() - started) / 1000;
await hasher.close();
console.log(JSON.stringify({ seconds }));
