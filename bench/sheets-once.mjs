// Our side of bench/sheets.mjs, in a fresh process each time, on the built server
// (apps/server/dist). Prints one line of JSON with the work's own wall time.
//   node sheets-once.mjs summarise DATA_DIR ROOT_PATH   the summarise job on the whole root
//   node sheets-once.mjs thumbs LANES OUT_DIR FILE…     makeThumbnail (320 px) on each file,
//                                                       LANES at a time, as the job does
//                       thumbs LANES OUT_DIR --probed TIMES_JSON FILE…
//                                                       videos with the scan's probe passed in
//                                                       (durations from `times`), as the job
//                                                       passes what the catalog recorded
//   node sheets-once.mjs times FILE…                    the times our video strip grabs at
//   node sheets-once.mjs heic-wasm OUT_DIR FILE…        HEIC through the WebAssembly fallback
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

const [mode, ...rest] = process.argv.slice(2);
const dist = new URL('../apps/server/dist/', import.meta.url);
const load = (file) => import(new URL(file, dist).href);
const VIDEO = /\.(mp4|mov|m4v|mts|m2ts|mkv|avi|3gp|webm)$/i;

if (mode === 'summarise') {
  const [dataDir, rootPath] = rest;
  process.env.GLACIER_DATA_DIR = dataDir;
  const { createAppContext } = await load('app-context.js');
  const { loadConfig } = await load('config.js');
  const { addRoot, getRoot } = await load('roots/roots.js');
  const ctx = createAppContext(loadConfig());
  let root;
  try {
    root = getRoot(ctx.catalog, 'bench');
  } catch {
    root = addRoot(ctx.catalog, { path: rootPath, label: 'bench' });
  }
  const started = performance.now();
  const job = await ctx.runner.runNow('summarise', {
    rootId: root.id,
    root: root.label,
    path: '',
    recursive: true,
  });
  const seconds = (performance.now() - started) / 1000;
  await ctx.close();
  console.log(JSON.stringify({ seconds, state: job.state, summary: job.summary }));
} else if (mode === 'thumbs') {
  const [lanes, outDir, ...fileArgs] = rest;
  let files = fileArgs;
  const probed = new Map();
  if (files[0] === '--probed') {
    for (const clip of JSON.parse(readFileSync(files[1], 'utf8'))) {
      if (clip.durationS !== null) probed.set(clip.file, { durationS: clip.durationS });
    }
    files = files.slice(2);
  }
  const { makeThumbnail, shutdownThumbnailers } = await load('media/thumbnail.js');
  const { endExiftool } = await load('media/exif.js');
  mkdirSync(outDir, { recursive: true });
  const failed = [];
  let frames = 0;
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < files.length) {
      const file = files[next++];
      const made = await makeThumbnail({
        absPath: file,
        kind: VIDEO.test(file) ? 'video' : 'photo',
        mime: null,
        size: 320,
        ...(probed.has(file) ? { probed: probed.get(file) } : {}),
      });
      if (!made.ok) {
        failed.push(`${path.basename(file)}: ${made.reason}`);
        continue;
      }
      frames += made.frames ?? 1;
      writeFileSync(path.join(outDir, `${path.basename(file)}.webp`), made.image);
    }
  };
  await Promise.all(Array.from({ length: Number(lanes) }, lane));
  const seconds = (performance.now() - started) / 1000;
  await shutdownThumbnailers();
  await endExiftool();
  console.log(JSON.stringify({ seconds, files: files.length, frames, failed }));
} else if (mode === 'times') {
  const { probeVideo } = await load('media/ffmpeg.js');
  const { frameTimes } = await load('media/video-strip.js');
  const out = [];
  for (const file of rest) {
    const probe = await probeVideo(file);
    if (!probe.ok) throw new Error(`${file}: ${probe.reason}`);
    out.push({ file, durationS: probe.durationS, times: frameTimes(probe.durationS) });
  }
  console.log(JSON.stringify(out));
} else if (mode === 'heic-wasm') {
  // The WebAssembly fallback alone, as makeThumbnail uses it where heif-convert is missing.
  const [outDir, ...files] = rest;
  const { heicThumbnail } = await load('media/heic.js');
  const { Deadline } = await load('media/deadline.js');
  const { shutdownThumbnailers } = await load('media/thumbnail.js');
  const { endExiftool } = await load('media/exif.js');
  mkdirSync(outDir, { recursive: true });
  const failed = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < files.length) {
      const file = files[next++];
      const made = await heicThumbnail(file, {
        size: 320,
        maxPixels: 120_000_000,
        deadline: new Deadline(120_000),
        decoders: ['wasm'],
      });
      if (!made.ok) failed.push(`${path.basename(file)}: ${made.reason}`);
      else writeFileSync(path.join(outDir, `${path.basename(file)}.webp`), made.image);
    }
  };
  await Promise.all([lane(), lane()]);
  const seconds = (performance.now() - started) / 1000;
  await shutdownThumbnailers();
  await endExiftool();
  console.log(JSON.stringify({ seconds, files: files.length, failed }));
} else {
  throw new Error('usage: sheets-once.mjs summarise|thumbs|times …');
}
