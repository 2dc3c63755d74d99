// Contact-sheet and thumbnail benchmark (issue 3): our summarise job and makeThumbnail against
// vipsthumbnail, ImageMagick's montage, the ffmpeg command line and heif-convert, on the same
// generated media, in one run. Needs `pnpm --filter @glacier/server build` first; installs
// nothing: a missing peer stops it with the Debian package to install.
//   node bench/sheets.mjs [--only photos,montage,video,heic] [--runs 2] [--photos 300]
//                         [--videos 20] [--heics 50] [--max-load 1 [--max-wait 30]]
//                         [--generate-only]
//                         [--montage-runs 1] [--montage-all] [--montage-serial] [--heic-wasm]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeHeics, makePhotos, makeVideos, videoPlan } from './sheets-data.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(here, '.work', 'sheets');
const out = path.join(work, 'out');
const argv = process.argv.slice(2);
const args = Object.fromEntries(
  argv.flatMap((arg, i) =>
    arg.startsWith('--')
      ? [[arg.slice(2), argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[i + 1] : 'true']]
      : [],
  ),
);
const only = new Set((args.only ?? 'photos,montage,video,heic').split(','));
const runs = Number(args.runs ?? 2);
/** Default montage takes minutes and is far from its goal's edge: one run unless asked. */
const montageRuns = Number(args['montage-runs'] ?? 1);
const photoCount = Number(args.photos ?? 300);
const videoCount = Number(args.videos ?? 20);
const heicCount = Number(args.heics ?? 50);
const maxLoad = args['max-load'] === undefined ? null : Number(args['max-load']);
const threads = cpus().length;
const log = (message) => console.log(message);

// ---------------------------------------------------------------------------------------------
// Peers: found or named

const PEERS = {
  '/usr/bin/time': 'time',
  vipsthumbnail: 'libvips-tools',
  montage: 'imagemagick',
  ffmpeg: 'ffmpeg',
  ffprobe: 'ffmpeg',
  'heif-enc': 'libheif-examples',
  'heif-convert': 'libheif-examples',
};
const NEEDS = {
  all: ['/usr/bin/time'],
  photos: ['vipsthumbnail'],
  montage: ['montage'],
  video: ['ffmpeg', 'ffprobe'],
  heic: ['heif-enc', 'heif-convert'],
};

function which(binary) {
  if (binary.startsWith('/')) return existsSync(binary) ? binary : null;
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : null;
}

function checkPeers() {
  const wanted = new Set([...NEEDS.all, ...[...only].flatMap((part) => NEEDS[part] ?? [])]);
  const missing = [...wanted].filter((binary) => !which(binary));
  if (missing.length > 0) {
    const packages = [...new Set(missing.map((binary) => PEERS[binary]))];
    console.error(
      `Missing: ${missing.join(', ')}. This benchmark installs nothing; install the Debian ` +
        `package${packages.length > 1 ? 's' : ''} first:\n  apt-get install -y ${packages.join(' ')}`,
    );
    process.exit(2);
  }
  if (!existsSync(path.join(here, '../apps/server/dist/app-context.js'))) {
    console.error('The server is not built: run `pnpm --filter @glacier/server build` first.');
    process.exit(2);
  }
}

// ---------------------------------------------------------------------------------------------
// Measuring

/**
 * Runs a command under GNU time while sampling the proportional set size (PSS) of its whole
 * process tree every 100 ms. GNU time's peak is that of the largest single process (xargs
 * runs two peers at once; our node spawns ffmpeg, heif-convert and exiftool): `treeMiB` is
 * what the machine had to hold at once.
 */
function timed(command, commandArgs, { allowFail = false, env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', command, ...commandArgs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ? { ...process.env, ...env } : process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let treeKiB = 0;
    const sample = () => {
      treeKiB = Math.max(treeKiB, treePssKiB(child.pid));
    };
    const sampler = setInterval(sample, 100);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      const lines = stderr.trim().split('\n');
      const [wall, user, sys, rssKiB] = lines.pop().split(' ').map(Number);
      const failed = code !== 0;
      if (failed && !allowFail) {
        reject(new Error(`${command} ${commandArgs.join(' ')} failed (${code}): ${stderr}`));
        return;
      }
      resolve({
        wall,
        cpu: user + sys,
        rssMiB: rssKiB / 1024,
        treeMiB: treeKiB / 1024,
        stdout,
        stderr: lines.join('\n'),
        failed,
      });
    });
  });
}

function treePssKiB(rootPid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'latin1');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(name));
  }
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop();
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1');
      total += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
    } catch {
      // Gone already.
    }
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

async function bestOf(n, make, { before } = {}) {
  let best = null;
  for (let i = 0; i < n; i++) {
    if (before) before(i);
    const sample = await make(i);
    if (!best || sample.wall < best.wall) best = sample;
  }
  return best;
}

const sh = (script, options) => timed('bash', ['-c', script], options);
const quote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;
const nul = (items) => `printf '%s\\0' ${items.map(quote).join(' ')}`;
const fresh = (dir) => {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
};
/** Reads files once so that every side starts with them in the page cache. */
const warm = (files) =>
  execFileSync('bash', ['-c', `cat ${files.map(quote).join(' ')} > /dev/null`]);
const once = (...a) =>
  timed('node', [path.join(here, 'sheets-once.mjs'), ...a.map(String)]).then((t) => ({
    ...t,
    inner: JSON.parse(t.stdout.trim().split('\n').pop()),
  }));

async function waitForLowLoad() {
  if (maxLoad === null) return;
  const deadline = Date.now() + Number(args['max-wait'] ?? 30) * 60_000;
  while (loadavg()[0] >= maxLoad && Date.now() < deadline) {
    log(`load ${loadavg()[0].toFixed(2)} ≥ ${maxLoad}: waiting …`);
    await new Promise((r) => setTimeout(r, 30_000));
  }
  if (loadavg()[0] >= maxLoad) log(`still loaded after --max-wait: measuring anyway`);
}

// ---------------------------------------------------------------------------------------------
// Reporting

const results = [];
const f2 = (x) => x.toFixed(2);
const f0 = (x) => x.toFixed(0);

function table(title, rows) {
  log(`\n### ${title}\n`);
  log('| what | wall s | CPU s | peak MiB, largest process | peak MiB, all processes | note |');
  log('|---|---|---|---|---|---|');
  for (const [name, t, note = ''] of rows) {
    if (!t) continue;
    log(
      `| ${name} | ${f2(t.wall)} | ${f2(t.cpu)} | ${f0(t.rssMiB)} | ${f0(t.treeMiB)} | ${note} |`,
    );
  }
}

function goal(title, ours, peer, limit, sense = 'at most') {
  const ratio = ours.wall / peer.wall;
  const met = sense === 'at most' ? ratio <= limit : 1 / ratio >= limit;
  const shown =
    sense === 'at most'
      ? `ours / peer = ${f2(ratio)}x (goal ≤ ${limit}x)`
      : `peer / ours = ${f2(1 / ratio)}x faster (goal ≥ ${limit}x)`;
  const line = `${title}: ${shown}: ${met ? 'MET' : 'MISSED'}`;
  results.push(line);
  log(`\n**${line}**`);
}

// ---------------------------------------------------------------------------------------------
// 1 and 2: photos, sheets; vipsthumbnail and montage

async function benchPhotos(photos) {
  const root = path.dirname(photos[0]);
  const template = path.join(work, `data-template-${photos.length}`);
  if (!existsSync(path.join(template, '.scanned'))) {
    log('scanning the photos once into a template data dir (hashes, EXIF) …');
    rmSync(template, { recursive: true, force: true });
    execFileSync('node', [path.join(here, 'scan-once.mjs'), template, root, 'content'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    execFileSync('touch', [path.join(template, '.scanned')]);
  }
  const dataDir = path.join(work, 'data-run');
  const summarise = () => once('summarise', dataDir, root);
  const freshData = () => {
    rmSync(dataDir, { recursive: true, force: true });
    execFileSync('cp', ['-a', template, dataDir]);
  };
  warm(photos);

  log(`\nphotos: our summarise job (thumbnails + sheets), fresh data dir, best of ${runs} …`);
  const ours = await bestOf(runs, summarise, { before: freshData });
  const summary = ours.inner.summary;
  if (summary.tiles !== photos.length || summary.placeholders !== 0) {
    throw new Error(`summarise gave ${JSON.stringify(summary)}`);
  }
  const sheetDir = path.join(dataDir, 'sheets');
  const sheetFiles = execFileSync('find', [sheetDir, '-name', '*.webp'], { encoding: 'utf8' })
    .trim()
    .split('\n');
  const sheetBytes = sheetFiles.map((f) => statSync(f).size);
  log(
    `  ${summary.sheetsWritten} sheets, ${f0(Math.min(...sheetBytes) / 1024)}–${f0(Math.max(...sheetBytes) / 1024)} KiB each`,
  );

  log('photos: sheets only (thumbnail cache kept, sheets deleted) …');
  const sheetsOnly = await bestOf(runs, summarise, {
    before: () => rmSync(sheetDir, { recursive: true, force: true }),
  });
  if (sheetsOnly.inner.summary.sheetsWritten !== summary.sheetsWritten) {
    throw new Error('the second summarise did not rewrite every sheet');
  }
  warm(photos);
  log('photos: makeThumbnail alone, 2 at a time, no catalog …');
  const thumbsOnly = await bestOf(runs, () =>
    once('thumbs', threads, fresh(path.join(out, 'ours-thumbs')), ...photos),
  );

  const vipsOut = path.join(out, 'vipsthumbnail');
  const vipsCmd = `vipsthumbnail -s 320 -o ${quote(`${vipsOut}/%s.webp[Q=75]`)}`;
  warm(photos);
  log(`photos: vipsthumbnail, ${threads} processes of 1 thread …`);
  const vipsP = await bestOf(
    runs,
    () =>
      sh(`${nul(photos)} | xargs -0 -n 10 -P ${threads} ${vipsCmd}`, {
        env: { VIPS_CONCURRENCY: '1' },
      }),
    { before: () => fresh(vipsOut) },
  );
  log(`photos: vipsthumbnail, 1 process, libvips' own threads …`);
  const vips1 = await bestOf(runs, () => sh(`${nul(photos)} | xargs -0 ${vipsCmd}`), {
    before: () => fresh(vipsOut),
  });
  const vips = vipsP.wall <= vips1.wall ? vipsP : vips1;
  if (readdirSync(vipsOut).length !== photos.length) throw new Error('vipsthumbnail missed files');

  table(`Photos: ${photos.length} JPEGs of 12 MP to 320 px thumbnails (and sheets)`, [
    [
      'ours: summarise job, fresh data dir (thumbnails + sheets)',
      ours,
      `job alone ${f2(ours.inner.seconds)} s`,
    ],
    [
      'ours: summarise again, thumbnails cached (sheets only)',
      sheetsOnly,
      `job alone ${f2(sheetsOnly.inner.seconds)} s`,
    ],
    [
      'ours: makeThumbnail alone, 2 lanes',
      thumbsOnly,
      `thumbnails alone ${f2(thumbsOnly.inner.seconds)} s`,
    ],
    [`vipsthumbnail, xargs -P ${threads}, VIPS_CONCURRENCY=1`, vipsP],
    ['vipsthumbnail, one process, default threads', vips1],
  ]);
  goal('Photos vs vipsthumbnail (best of its two ways)', ours, vips, 1.3);
  return { ours };
}

async function benchMontage(photos, ours) {
  const dir = fresh(path.join(out, 'montage'));
  warm(photos);
  // Debian installs no Helvetica (ImageMagick's default label font) without ghostscript's
  // fonts: DejaVu comes with every desktop. Name and capture time, like our tiles.
  const common = `-font DejaVu-Sans -label '%f\\n%[EXIF:DateTimeOriginal]' -geometry 320x240+8+8`;
  const refused = (t) => (t.stderr.match(/cache resources exhausted/g) ?? []).length;
  const sheetsIn = (prefix) => readdirSync(dir).filter((n) => n.startsWith(prefix)).length;
  const oneCommand = (extra, files, name) =>
    sh(
      `cd ${quote(dir)} && montage ${extra} ${common} -tile 6x8 ${files.map(quote).join(' ')} ${name}`,
      { allowFail: true },
    );
  /**
   * One montage per page, `threads` at a time: what a user does once one command fails. One
   * small script per page (Debian's policy forbids montage's @file lists), run by xargs.
   */
  const byPages = (extra, perPage, tile, prefix) => {
    const scripts = fresh(path.join(work, `montage-${prefix}`));
    for (let i = 0, page = 0; i < photos.length; i += perPage, page++) {
      const files = photos
        .slice(i, i + perPage)
        .map(quote)
        .join(' ');
      writeFileSync(
        path.join(scripts, `${String(page).padStart(3, '0')}.sh`),
        `exec montage ${extra} ${common} -tile ${tile} ${files} ${prefix}-${page}.jpg\n`,
      );
    }
    const pages = Math.ceil(photos.length / perPage);
    return async (parallel) => {
      const t = await sh(
        `cd ${quote(dir)} && ls ${quote(scripts)}/*.sh | xargs -n 1 -P ${parallel} sh`,
      );
      if (sheetsIn(`${prefix}-`) !== pages) throw new Error(`montage missed pages of ${prefix}`);
      return { ...t, pages };
    };
  };

  let all = null;
  if (args['montage-all']) {
    log(`\nmontage: default settings, all ${photos.length} files in one command …`);
    all = await oneCommand('', photos, 'all.jpg');
  }
  log('\nmontage: default settings, one 6x8 sheet of the first 48 files …');
  const page48 = await oneCommand('', photos.slice(0, 48), 'first48.jpg');
  log(`  ${page48.failed ? 'FAILED' : 'ok'}, ${refused(page48)} files refused`);

  // What the default pixel cache holds (13 files of 12 MP): sheets of 12 (6x2).
  const perPage = 12;
  const defaultPages = byPages('', perPage, '6x2', 'page');
  log(`montage: default settings, sheets of ${perPage} files, ${threads} at a time …`);
  const pagesPar = await bestOf(montageRuns, () => defaultPages(threads));
  let pagesSeq = null;
  if (args['montage-serial']) {
    log(`montage: default settings, sheets of ${perPage} files, 1 at a time …`);
    pagesSeq = await bestOf(montageRuns, () => defaultPages(1));
  }
  const pagesBest = pagesSeq && pagesSeq.wall < pagesPar.wall ? pagesSeq : pagesPar;

  const jpegSize = '-define jpeg:size=640x480';
  log(`montage ${jpegSize}: all files in one command …`);
  const sizedAll = await oneCommand(jpegSize, photos, 'sizedall.jpg');
  log(`  ${sizedAll.failed ? 'FAILED' : 'ok'}, ${refused(sizedAll)} files refused`);
  const sizedPages = byPages(jpegSize, 48, '6x8', 'sized');
  log(`montage ${jpegSize}: 6x8 sheets of 48, ${threads} at a time …`);
  const sized = await bestOf(runs, () => sizedPages(threads));

  const failedNote = (t) => (t.failed ? `FAILED: ${refused(t)} files refused` : 'ok');
  table(
    `Sheets: ${photos.length} JPEGs of 12 MP, ours vs ImageMagick montage`,
    [
      ['ours: summarise job, fresh data dir (thumbnails + 6x8 sheets)', ours],
      all && [`montage, default, all ${photos.length} files in one command`, all, failedNote(all)],
      ['montage, default, one 6x8 sheet of the first 48 files', page48, failedNote(page48)],
      [
        `montage, default, ${pagesPar.pages} sheets of ${perPage} (6x2), ${threads} at a time`,
        pagesPar,
      ],
      pagesSeq && [
        `montage, default, ${pagesSeq.pages} sheets of ${perPage}, 1 at a time`,
        pagesSeq,
      ],
      [`montage ${jpegSize}, all files in one command`, sizedAll, failedNote(sizedAll)],
      [`montage ${jpegSize}, ${sized.pages} sheets of 48 (6x8), ${threads} at a time`, sized],
    ].filter(Boolean),
  );
  goal('Sheets vs default montage (sheets of 12)', ours, pagesBest, 5, 'at least');
  const line = `Sheets vs montage ${jpegSize} (sheets of 48): peer / ours = ${f2(sized.wall / ours.wall)}x (no goal)`;
  results.push(line);
  log(`\n**${line}**`);
}

// ---------------------------------------------------------------------------------------------
// 3: video strips vs the ffmpeg command line

async function benchVideo(videos) {
  const timesFile = path.join(work, `video-times-${videos.length}.json`);
  if (!existsSync(timesFile)) {
    const t = await once('times', ...videos);
    execFileSync('bash', ['-c', `cat > ${quote(timesFile)}`], { input: t.stdout.trim() });
  }
  const times = JSON.parse(readFileSync(timesFile, 'utf8'));
  const grabs = times.flatMap(({ file, times: ts }) =>
    ts.map((t, i) => [file, t === null ? '0' : t.toFixed(3), `${path.basename(file)}-${i}.jpg`]),
  );
  const plan = videoPlan(videos.length);
  const mib = videos.reduce((n, f) => n + statSync(f).size, 0) / 2 ** 20;
  log(
    `\nvideo: ${videos.length} clips (${plan.filter((v) => !v.uhd).length} × 1080p, ` +
      `${plan.filter((v) => v.uhd).length} × 2160p, H.264, ${Math.min(...plan.map((v) => v.mbit))}–` +
      `${Math.max(...plan.map((v) => v.mbit))} Mbit/s, ${Math.min(...plan.map((v) => v.seconds))}–` +
      `${Math.max(...plan.map((v) => v.seconds))} s, ${f0(mib)} MiB), ${grabs.length} frames (the times our strips use)`,
  );
  const peerOut = path.join(out, 'ffmpeg');
  const ffmpegCmd = (vf) =>
    `cd ${quote(peerOut)} && ${nul(grabs.flat())} | xargs -0 -n 3 -P ${threads} sh -c ` +
    quote(
      `exec ffmpeg -nostdin -v error -y -skip_frame nokey -ss "$1" -i "$0" -frames:v 1 ${vf} "$2"`,
    );

  warm(videos);
  // The summarise job passes the scan's probe (duration, a video stream) from the catalog;
  // the times file holds the same facts, probed once before any timing, as for the peer.
  log('video: ours, makeThumbnail per clip, 2 clips at a time (as the summarise job) …');
  const ours2 = await bestOf(runs, () =>
    once('thumbs', 2, fresh(path.join(out, 'ours-video')), '--probed', timesFile, ...videos),
  );
  log('video: ours, makeThumbnail per clip, 1 clip at a time (2 grabs at a time inside) …');
  const ours1 = await bestOf(runs, () =>
    once('thumbs', 1, fresh(path.join(out, 'ours-video')), '--probed', timesFile, ...videos),
  );
  log("video: ours without the scan's probe (ffprobe again per clip), 2 clips at a time …");
  const oursProbe = await bestOf(runs, () =>
    once('thumbs', 2, fresh(path.join(out, 'ours-video')), ...videos),
  );
  warm(videos);
  log(`video: ffmpeg -skip_frame nokey -ss T -i FILE -frames:v 1 out.jpg, xargs -P ${threads} …`);
  const peer = await bestOf(runs, () => sh(ffmpegCmd('')), { before: () => fresh(peerOut) });
  const peerFrames = readdirSync(peerOut).length;
  log('video: the same, scaled to 320 px wide in ffmpeg (-vf scale=320:-2) …');
  const peerScaled = await bestOf(runs, () => sh(ffmpegCmd('-vf scale=320:-2')), {
    before: () => fresh(peerOut),
  });
  table(`Video: ${videos.length} clips, strips of ${grabs.length} frames`, [
    [
      'ours: makeThumbnail, 2 clips at a time',
      ours2,
      `${ours2.inner.frames} frames in strips; ${ours2.inner.failed.length} failed`,
    ],
    ['ours: makeThumbnail, 1 clip at a time', ours1, `${ours1.inner.frames} frames`],
    [
      'ours: 2 clips at a time, probing each clip again',
      oursProbe,
      'info: a thumbnail made outside a summarise job',
    ],
    [
      `ffmpeg CLI, full-size JPEG per frame, xargs -P ${threads}`,
      peer,
      `${peerFrames} frames written`,
    ],
    [
      `ffmpeg CLI, -vf scale=320:-2, xargs -P ${threads}`,
      peerScaled,
      "info: less work than the issue's command",
    ],
  ]);
  const best = ours2.wall <= ours1.wall ? ours2 : ours1;
  goal('Video strips vs ffmpeg CLI', ours2, peer, 1.0);
  if (best !== ours2) log(`(1 clip at a time: ${f2(ours1.wall / peer.wall)}x)`);
}

// ---------------------------------------------------------------------------------------------
// 4: HEIC vs heif-convert

async function benchHeic(heics) {
  const peerOut = path.join(out, 'heif-convert');
  const pairs = heics.flatMap((f) => [
    f,
    path.join(peerOut, path.basename(f).replace(/\.heic$/, '.jpg')),
  ]);
  warm(heics);
  log(`\nheic: ours, makeThumbnail, 2 at a time …`);
  const ours = await bestOf(runs, () =>
    once('thumbs', 2, fresh(path.join(out, 'ours-heic')), ...heics),
  );
  if (ours.inner.failed.length) throw new Error(`HEIC failures: ${ours.inner.failed.join('; ')}`);
  warm(heics);
  log(`heic: heif-convert FILE out.jpg, xargs -P ${threads} …`);
  const peer = await bestOf(
    runs,
    () => sh(`${nul(pairs)} | xargs -0 -n 2 -P ${threads} heif-convert > /dev/null`),
    { before: () => fresh(peerOut) },
  );
  let wasm = null;
  if (args['heic-wasm']) {
    log('heic: ours, the WebAssembly decoder (the fallback), once …');
    wasm = await once('heic-wasm', fresh(path.join(out, 'ours-heic-wasm')), ...heics);
  }
  table(
    `HEIC: ${heics.length} HEICs of 12 MP (heif-enc) to 320 px thumbnails`,
    [
      [
        'ours: makeThumbnail (native libheif tools + sharp), 2 at a time',
        ours,
        `${f2(ours.wall / heics.length)} s a file`,
      ],
      [
        `heif-convert to JPEG, xargs -P ${threads}`,
        peer,
        `${f2(peer.wall / heics.length)} s a file`,
      ],
      wasm && ['ours: WebAssembly fallback (heic-decode), 1 worker', wasm, 'info'],
    ].filter(Boolean),
  );
  goal('HEIC vs heif-convert', ours, peer, 1.5);
}

// ---------------------------------------------------------------------------------------------

/**
 * The summarise job takes a whole folder: a run on fewer photos than were generated gets a
 * folder of hard links to the first ones.
 */
function photoRoot(files) {
  const dir = path.dirname(files[0]);
  if (readdirSync(dir).filter((n) => n.endsWith('.jpg')).length === files.length) return files;
  const subset = path.join(work, `photos-${files.length}`);
  if (!existsSync(subset)) {
    mkdirSync(`${subset}.tmp`, { recursive: true });
    for (const file of files) linkSync(file, path.join(`${subset}.tmp`, path.basename(file)));
    renameSync(`${subset}.tmp`, subset);
  }
  return files.map((file) => path.join(subset, path.basename(file)));
}

checkPeers();
const tool = (cmd) => spawnSync('bash', ['-c', cmd], { encoding: 'utf8' }).stdout.trim();
log(
  `machine: ${threads} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`,
);
log(
  `peers: ${tool('vipsthumbnail --vips-version 2>/dev/null || vips --version')}; ${tool('montage -version | head -1')}; ` +
    `${tool('ffmpeg -version | head -1')}; libheif ${tool("dpkg-query -W -f '${Version}' libheif-examples")}`,
);
const photos = photoRoot(await makePhotos(path.join(work, 'photos'), photoCount, log));
const videos =
  only.has('video') || args['generate-only']
    ? makeVideos(path.join(work, 'videos'), videoCount, log)
    : [];
const heics =
  only.has('heic') || args['generate-only']
    ? await makeHeics(path.join(work, 'heic'), photos, heicCount, log)
    : [];
if (args['generate-only']) process.exit(0);

/** Each part waits for a quiet machine (with --max-load) and records the load it started at. */
async function part(name, run) {
  await waitForLowLoad();
  log(`\n[${name}] load average at start: ${loadavg().map(f2).join(' ')}`);
  const started = Date.now();
  const result = await run();
  const minutes = (Date.now() - started) / 60_000;
  measuredMinutes += minutes;
  log(
    `[${name}] load average at end: ${loadavg().map(f2).join(' ')}; took ${minutes.toFixed(1)} min`,
  );
  return result;
}
let measuredMinutes = 0;
let ours = null;
if (only.has('photos') || only.has('montage'))
  ({ ours } = await part('photos', () => benchPhotos(photos)));
if (only.has('montage')) await part('montage', () => benchMontage(photos, ours));
if (only.has('video')) await part('video', () => benchVideo(videos));
if (only.has('heic')) await part('heic', () => benchHeic(heics));
log(
  `\nload average at end: ${loadavg().map(f2).join(' ')}; measuring took ${measuredMinutes.toFixed(1)} min`,
);
log('\n' + results.map((r) => `- ${r}`).join('\n'));
