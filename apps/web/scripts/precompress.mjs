// Writes a Brotli (.br) and a gzip (.gz) copy beside every text file of the static export, once
// at build time at the highest levels, so the server sends a phone the smallest bytes without
// compressing on each request (@fastify/static's `preCompressed` picks them by Accept-Encoding).
//   node scripts/precompress.mjs [dir]   (default: out/, after `next build`)
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

const TEXT = new Set(['.html', '.js', '.css', '.json', '.txt', '.svg', '.map', '.webmanifest']);
/** Below this a compressed copy saves less than a packet's worth. */
const MIN_BYTES = 1024;

const here = path.dirname(fileURLToPath(import.meta.url));
const outDir = path.resolve(process.argv[2] ?? path.join(here, '..', 'out'));

async function* textFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* textFiles(file);
    else if (entry.isFile() && TEXT.has(path.extname(entry.name))) yield file;
  }
}

async function compress(file) {
  const body = await readFile(file);
  if (body.length < MIN_BYTES) return { before: 0, after: 0 };
  const [br, gz] = await Promise.all([
    brotli(body, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
    gzip(body, { level: zlib.constants.Z_BEST_COMPRESSION }),
  ]);
  // A copy no smaller than the file would only cost a lookup.
  if (br.length < body.length) await writeFile(`${file}.br`, br);
  if (gz.length < body.length) await writeFile(`${file}.gz`, gz);
  return { before: body.length, after: Math.min(br.length, body.length) };
}

try {
  await stat(path.join(outDir, 'index.html'));
} catch {
  console.error(`precompress: ${outDir} holds no static export (run \`next build\` first)`);
  process.exit(1);
}
let files = 0;
let before = 0;
let after = 0;
for await (const file of textFiles(outDir)) {
  const sizes = await compress(file);
  if (sizes.before === 0) continue;
  files += 1;
  before += sizes.before;
  after += sizes.after;
}
console.log(
  `precompress: ${files} files, ${(before / 1e3).toFixed(0)} kB → ${(after / 1e3).toFixed(0)} kB brotli (+ gzip copies)`,
);
