// Upload benchmark (issue 4): our archive job against `aws s3 cp --recursive` (Debian awscli 2)
// and `rclone copy` (Debian rclone) on the same generated data, in one run, against one local
// S3 server (moto, started here on a free loopback port with S3's normal 5 MiB part minimum).
// Each tool starts from an empty bucket (moto reset + new bucket) and a run counts only if the
// bucket then holds every file with its size, in DEEP_ARCHIVE. Best of N runs by wall time.
// Then the memory bound: our archive of one 5 GiB file alone.
//
// Needs `pnpm --filter @glacier/server build`, `bash scripts/moto.sh` (moto's venv) and
// `apt-get install -y time awscli rclone`. Installs nothing itself.
//   node bench/upload.mjs [--runs 2] [--big 2] [--big-mib 1024] [--small 2000]
//        [--huge-mib 5120 | --huge-mib 0] [--concurrency 4,8] [--small-concurrency 4,16]
//        [--tree data|data/photos|data/video] [--huge-peers] [--work DIR] [--profile] [--max-load 1]
// --concurrency adds runs of ours with GLACIER_ARCHIVE_CONCURRENCY (large files at once) set to
// each value, --small-concurrency with GLACIER_ARCHIVE_SMALL_CONCURRENCY (files sent in one PUT
// at once); the headline row is the default configuration; --tree benchmarks one part only;
// --profile writes a V8 CPU profile of each of our runs to .work/upload/profiles (read it with
// `node bench/cpuprofile-top.mjs FILE`; profiling slows the run, so its timings do not count).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeBigFiles, makeSmallFiles } from './upload-data.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (pairs, arg, i, all) =>
        arg.startsWith('--')
          ? [...pairs, [arg.slice(2), all[i + 1]?.startsWith('--') ? 'yes' : (all[i + 1] ?? 'yes')]]
          : pairs,
      [],
    ),
);
// --work: another folder for the data and the scratch (a small trial run beside the real data).
const work = path.resolve(args.work ?? path.join(here, '.work', 'upload'));
const runs = Number(args.runs ?? 2);
const bigCount = Number(args.big ?? 2);
const bigMiB = Number(args['big-mib'] ?? 1024);
const smallCount = Number(args.small ?? 2000);
const hugeMiB = Number(args['huge-mib'] ?? 5120);
const numbers = (value) => (value ? String(value).split(',').map(Number) : []);
/** Extra runs of ours, each with one setting changed. */
const variants = [
  ...numbers(args.concurrency).map((c) => ({
    key: `ours-c${c}`,
    label: `ours, GLACIER_ARCHIVE_CONCURRENCY=${c}`,
    env: { GLACIER_ARCHIVE_CONCURRENCY: String(c) },
  })),
  ...numbers(args['small-concurrency']).map((c) => ({
    key: `ours-s${c}`,
    label: `ours, GLACIER_ARCHIVE_SMALL_CONCURRENCY=${c}`,
    env: { GLACIER_ARCHIVE_SMALL_CONCURRENCY: String(c) },
  })),
];
const treeArg = args.tree ?? 'data';
const hugePeers = args['huge-peers'] === 'yes';
// --max-load: wait (up to 30 min) for the 1-minute load average to fall below it before measuring
// (other people's tests share the machine); the load at each run is printed either way.
const maxLoad = args['max-load'] === undefined ? null : Number(args['max-load']);
const BUCKET = 'bench';
const MiB = 1024 * 1024;

// ---------------------------------------------------------------- prerequisites (checked only)
const AWS = '/usr/bin/aws'; // Debian's awscli 2 (a pip-installed aws 1.x may come first on PATH)
const RCLONE = '/usr/bin/rclone';
const missing = [
  ['/usr/bin/time', 'time'],
  [AWS, 'awscli'],
  [RCLONE, 'rclone'],
].filter(([file]) => !existsSync(file));
if (missing.length > 0) {
  console.error(
    `missing Debian packages: apt-get install -y ${missing.map((m) => m[1]).join(' ')}`,
  );
  process.exit(2);
}
const motoVenv = process.env.MOTO_VENV ?? path.join(repo, '.venv-moto');
const motoServer = path.join(motoVenv, 'bin', 'moto_server');
if (!existsSync(motoServer)) {
  console.error(`moto is not installed in ${motoVenv}: run \`bash scripts/moto.sh\` first`);
  process.exit(2);
}
if (!existsSync(path.join(repo, 'apps/server/dist/app-context.js'))) {
  console.error('the server is not built: run `pnpm --filter @glacier/server build` first');
  process.exit(2);
}
/**
 * The built server to run: a snapshot of apps/server/dist taken at the start, in .work/server,
 * so that a rebuild by someone else halfway through cannot change the code between runs.
 * `tsc` does not copy src/cost/prices.json into dist (the archive code loads it at import): the
 * snapshot gets it from src when the build lacks it, and the benchmark says so.
 */
function serverDist() {
  const dist = path.join(repo, 'apps/server/dist');
  const copy = path.join(work, 'server');
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(copy, { recursive: true });
  cpSync(dist, path.join(copy, 'dist'), { recursive: true });
  cpSync(path.join(repo, 'apps/server/package.json'), path.join(copy, 'package.json'));
  symlinkSync(path.join(repo, 'apps/server/node_modules'), path.join(copy, 'node_modules'));
  symlinkSync(path.join(repo, 'apps/server/drizzle'), path.join(copy, 'drizzle'));
  if (!existsSync(path.join(dist, 'cost/prices.json'))) {
    cpSync(
      path.join(repo, 'apps/server/src/cost/prices.json'),
      path.join(copy, 'dist/cost/prices.json'),
    );
    console.log(
      'note: apps/server/dist lacks cost/prices.json (the build does not copy it): added to the snapshot from src',
    );
  }
  return path.join(copy, 'dist');
}

// The SDK the server ships with, only to make the bucket and list it for the checks.
const sdk = createRequire(path.join(repo, 'apps/server/package.json'))('@aws-sdk/client-s3');

// ---------------------------------------------------------------- measuring
const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

/** Runs a command under GNU time: wall seconds, CPU seconds (user+sys, children included), peak MiB. */
function timed(command, argv, options = {}) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', command, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...options,
  });
  const last = (result.stderr ?? '').trim().split('\n').pop() ?? '';
  if (result.status !== 0) {
    throw new Error(`${command} failed (${result.status}): ${(result.stderr ?? '').slice(-3000)}`);
  }
  const [wall, user, sys, rssKiB] = last.split(' ').map(Number);
  return { wall, cpu: user + sys, user, sys, rssMiB: rssKiB / 1024, stdout: result.stdout };
}

function best(samples) {
  return samples.reduce((a, b) => (b.wall < a.wall ? b : a));
}

/** CPU seconds a process (all its threads) has used so far, from /proc/PID/stat. */
function processCpu(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** Resets a process's peak RSS (VmHWM) so the next reading covers one run only. */
function resetPeak(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not permitted: the peak then covers the server's whole life
  }
}

function peakMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

// ---------------------------------------------------------------- moto
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

async function startMoto() {
  const port = await freePort();
  const env = { ...process.env };
  // S3's normal 5 MiB part minimum and moto's default in-memory buffer (the tests lower both).
  delete env.S3_UPLOAD_PART_MIN_SIZE;
  delete env.MOTO_S3_DEFAULT_KEY_BUFFER_SIZE;
  const child = spawn(motoServer, ['-H', '127.0.0.1', '-p', String(port)], {
    env,
    stdio: ['ignore', 'ignore', 'ignore'], // werkzeug logs every request
  });
  process.once('exit', () => child.kill('SIGKILL'));
  // A benchmark stopped with Ctrl-C or kill ends its moto too (the tool under /usr/bin/time
  // gets the same signal from the terminal, or ends when moto goes).
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130));
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode})`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      if (i > 600) throw new Error('moto_server did not answer in 30 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const client = new sdk.S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  return {
    endpoint,
    pid: child.pid,
    /** Empties moto (every bucket and object) and makes the bucket again. */
    async emptyBucket() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`moto reset answered ${response.status}`);
      await client.send(new sdk.CreateBucketCommand({ Bucket: BUCKET }));
    },
    /** key → { size, storageClass } of every object under `prefix`. */
    async list(prefix) {
      const objects = new Map();
      const pages = sdk.paginateListObjectsV2({ client }, { Bucket: BUCKET, Prefix: prefix });
      for await (const page of pages) {
        for (const o of page.Contents ?? []) {
          objects.set(o.Key, { size: o.Size, storageClass: o.StorageClass });
        }
      }
      return objects;
    },
    async stop() {
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------- the data
/** Relative path → size of every file under `dir`. */
function inventory(dir, base = dir, out = new Map()) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) inventory(full, base, out);
    else if (entry.isFile()) out.set(path.relative(base, full), statSync(full).size);
  }
  return out;
}

/**
 * Every expected file is in the bucket under `prefix` with its size, in DEEP_ARCHIVE. Our own
 * objects under `.glacier-archiver/` (the catalog's copy sent after an archive) are not files
 * of the tree: they are left out of the count (the peers write none).
 */
async function verify(moto, prefix, expected) {
  const listed = await moto.list(`${prefix}/`);
  const objects = new Map(
    [...listed].filter(([key]) => !key.startsWith(`${prefix}/.glacier-archiver/`)),
  );
  const problems = [];
  for (const [rel, size] of expected) {
    const object = objects.get(`${prefix}/${rel}`);
    if (!object) problems.push(`${rel} missing`);
    else if (object.size !== size) problems.push(`${rel}: ${object.size} bytes, not ${size}`);
    else if (object.storageClass !== 'DEEP_ARCHIVE')
      problems.push(`${rel}: class ${object.storageClass}`);
  }
  if (objects.size !== expected.size)
    problems.push(`${objects.size} objects for ${expected.size} files`);
  if (problems.length > 0) {
    throw new Error(
      `${prefix}: the bucket does not hold the files (${problems.length} problems): ${problems.slice(0, 5).join('; ')}`,
    );
  }
  return objects.size;
}

// ---------------------------------------------------------------- the three tools
const toolEnv = { ...process.env };
for (const name of Object.keys(toolEnv)) {
  if (/^(AWS_|GLACIER_|RCLONE_|S3_UPLOAD)/.test(name)) delete toolEnv[name];
}
Object.assign(toolEnv, {
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_REGION: 'us-east-1',
  // No ~/.aws: the CLI runs with its defaults (10 concurrent requests, 8 MiB parts).
  AWS_CONFIG_FILE: path.join(work, 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-aws-credentials'),
  AWS_PAGER: '',
  RCLONE_CONFIG: path.join(work, 'rclone.conf'),
});

function awsCopy(moto, dir, prefix) {
  return timed(
    AWS,
    [
      's3',
      'cp',
      '--recursive',
      '--storage-class',
      'DEEP_ARCHIVE',
      '--endpoint-url',
      moto.endpoint,
      '--only-show-errors',
      dir,
      `s3://${BUCKET}/${prefix}/`,
    ],
    { env: toolEnv },
  );
}

function rcloneCopy(moto, dir, prefix) {
  return timed(
    RCLONE,
    [
      'copy',
      dir,
      `:s3:${BUCKET}/${prefix}`,
      '--s3-provider',
      'Other',
      '--s3-endpoint',
      moto.endpoint,
      '--s3-region',
      'us-east-1',
      '--s3-access-key-id',
      'test',
      '--s3-secret-access-key',
      'test',
      '--s3-storage-class',
      'DEEP_ARCHIVE',
    ],
    { env: toolEnv },
  );
}

/** Our data dir with the root scanned and the destination added, copied for each run. */
function prepareOurs(moto, dir, label, prefix) {
  const template = path.join(work, `ours-template-${label}`);
  rmSync(template, { recursive: true, force: true });
  const t = timed(
    'node',
    [
      path.join(here, 'upload-once.mjs'),
      'prepare',
      template,
      dir,
      label,
      moto.endpoint,
      BUCKET,
      prefix,
    ],
    { env: toolEnv },
  );
  const inner = JSON.parse(t.stdout.trim().split('\n').pop());
  if (inner.state !== 'done') throw new Error(`the scan ended ${inner.state}`);
  return { template, scan: { ...t, inner } };
}

function oursArchive(template, label, variant) {
  const dataDir = path.join(work, `ours-run-${label}`);
  rmSync(dataDir, { recursive: true, force: true });
  cpSync(template, dataDir, { recursive: true });
  const env = { ...toolEnv, ...variant?.env };
  try {
    const profile = args.profile
      ? [
          '--cpu-prof',
          '--cpu-prof-dir',
          path.join(work, 'profiles', `${label}-${variant?.key ?? 'ours'}`),
        ]
      : [];
    const t = timed(
      'node',
      [...profile, path.join(here, 'upload-once.mjs'), 'archive', dataDir, label],
      { env },
    );
    const inner = JSON.parse(t.stdout.trim().split('\n').pop());
    if (inner.state !== 'done' || inner.summary.failedFiles > 0) {
      throw new Error(`our archive ended ${inner.state}: ${JSON.stringify(inner)}`);
    }
    return { ...t, inner };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** One measured run of a tool on an empty bucket: its figures, moto's CPU, and the check. */
async function measure(moto, name, run, prefix, expected) {
  await moto.emptyBucket();
  resetPeak(moto.pid);
  const load = loadavg()[0];
  const motoBefore = processCpu(moto.pid);
  const result = run();
  const motoCpu = processCpu(moto.pid) - motoBefore;
  const motoPeak = peakMiB(moto.pid);
  const objects = await verify(moto, prefix, expected);
  const sample = { ...result, motoCpu, motoPeak, load, objects };
  console.log(
    `  ${name}: ${sample.wall.toFixed(1)} s wall, ${sample.cpu.toFixed(1)} s CPU, ${sample.rssMiB.toFixed(0)} MiB peak; moto ${motoCpu.toFixed(1)} s CPU; load ${load.toFixed(2)}; ${objects} objects verified`,
  );
  return sample;
}

// ---------------------------------------------------------------- main
console.log(
  `machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`,
);
console.log(
  `peers: ${execFileSync(AWS, ['--version'], { encoding: 'utf8', env: toolEnv }).trim()}; ${execFileSync(RCLONE, ['version'], { encoding: 'utf8' }).split('\n')[0]}`,
);
mkdirSync(work, { recursive: true });
writeFileSync(path.join(work, 'rclone.conf'), '');
console.log(
  `data: ${bigCount} × ${bigMiB} MiB random + ${smallCount} × 100–500 kB JPEG-like (generated once) …`,
);
makeBigFiles(path.join(work, 'data', 'video'), bigCount, bigMiB);
makeSmallFiles(path.join(work, 'data', 'photos'), smallCount);
const tree = path.join(work, treeArg);
const expected = inventory(tree);
const totalBytes = [...expected.values()].reduce((a, b) => a + b, 0);
console.log(`tree ${treeArg}: ${expected.size} files, ${(totalBytes / MiB).toFixed(0)} MiB`);
// Every tool reads from the page cache alike.
execFileSync('bash', ['-c', `find '${tree}' -type f -exec cat {} + > /dev/null`]);

if (maxLoad !== null) {
  const deadline = Date.now() + 30 * 60_000;
  while (loadavg()[0] >= maxLoad && Date.now() < deadline) {
    console.log(`load ${loadavg()[0].toFixed(2)} ≥ ${maxLoad}: waiting …`);
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
}
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
toolEnv.GLACIER_BENCH_DIST = serverDist();
const moto = await startMoto();
console.log(`moto_server at ${moto.endpoint} (pid ${moto.pid}), part minimum 5 MiB (unchanged)`);
try {
  const prepared = prepareOurs(moto, tree, 'bench', 'prefix-ours');
  console.log(
    `ours: root added and scanned (hashing included) in ${prepared.scan.inner.seconds.toFixed(1)} s (not in the timings below)`,
  );
  const oursExpected = new Map([...expected].map(([rel, size]) => [`bench/${rel}`, size]));

  const label = {
    ours: 'ours (archive job, defaults: 2 large files × 3 parts of 16 MiB + 8 small files)',
    aws: '`aws s3 cp --recursive` (defaults: 10 requests, 8 MiB parts)',
    rclone: '`rclone copy` (defaults: 4 transfers × 4 parts of 5 MiB)',
  };
  const samples = { ours: [], aws: [], rclone: [] };
  const tools = {
    ours: () =>
      measure(
        moto,
        'ours',
        () => oursArchive(prepared.template, 'bench'),
        'prefix-ours',
        oursExpected,
      ),
    aws: () =>
      measure(moto, 'aws', () => awsCopy(moto, tree, 'prefix-aws'), 'prefix-aws', expected),
    rclone: () =>
      measure(
        moto,
        'rclone',
        () => rcloneCopy(moto, tree, 'prefix-rclone'),
        'prefix-rclone',
        expected,
      ),
  };
  for (const variant of variants) {
    label[variant.key] = variant.label;
    samples[variant.key] = [];
    tools[variant.key] = () =>
      measure(
        moto,
        variant.label,
        () => oursArchive(prepared.template, 'bench', variant),
        'prefix-ours',
        oursExpected,
      );
  }
  const order = Object.keys(tools);
  for (let round = 0; round < runs; round++) {
    console.log(`round ${round + 1} of ${runs}`);
    // Alternate the order so no tool always runs first (or after the same neighbour).
    const roundOrder = round % 2 === 0 ? order : [...order].reverse();
    for (const name of roundOrder) samples[name].push(await tools[name]());
  }

  const results = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, best(v)]));
  const faster = results.aws.wall <= results.rclone.wall ? 'aws' : 'rclone';
  const mibps = (s) => (totalBytes / MiB / s.wall).toFixed(0);
  console.log(
    `\n${expected.size} files, ${(totalBytes / MiB).toFixed(0)} MiB; best of ${runs} by wall time\n`,
  );
  console.log(
    '| tool | wall s | MiB/s | CPU s (user+sys) | peak MiB | moto CPU s | load 1 min | / faster peer |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, r] of Object.entries(results)) {
    console.log(
      `| ${label[name]} | ${r.wall.toFixed(1)} | ${mibps(r)} | ${r.cpu.toFixed(1)} (${r.user.toFixed(1)}+${r.sys.toFixed(1)}) | ${r.rssMiB.toFixed(0)} | ${r.motoCpu.toFixed(1)} | ${r.load.toFixed(2)} | ${(r.wall / results[faster].wall).toFixed(2)}x |`,
    );
  }
  console.log(
    `\nours / ${faster} (the faster peer): wall ${(results.ours.wall / results[faster].wall).toFixed(2)}x, CPU ${(results.ours.cpu / results[faster].cpu).toFixed(2)}x, peak memory ${(results.ours.rssMiB / results[faster].rssMiB).toFixed(2)}x`,
  );
  console.log(
    `ours: the archive job alone took ${results.ours.inner.seconds.toFixed(1)} s of its ${results.ours.wall.toFixed(1)} s (the rest: node start-up, catalog open and close)`,
  );
  for (const [name, r] of Object.entries(results)) {
    if (['ours', 'aws', 'rclone'].includes(name)) continue;
    console.log(`${label[name]} / ${faster}: ${(r.wall / results[faster].wall).toFixed(2)}x`);
  }

  if (hugeMiB > 0) {
    console.log(`\none file of ${hugeMiB} MiB of random bytes (generated once) …`);
    const hugeDir = path.join(work, 'huge');
    makeBigFiles(hugeDir, 1, hugeMiB, () => 'clip-5g.mp4');
    const hugeExpected = inventory(hugeDir);
    execFileSync('bash', ['-c', `cat '${hugeDir}'/* > /dev/null`]);
    const preparedHuge = prepareOurs(moto, hugeDir, 'huge', 'prefix-ours');
    const ours = await measure(
      moto,
      'ours (one file)',
      () => oursArchive(preparedHuge.template, 'huge'),
      'prefix-ours',
      new Map([...hugeExpected].map(([rel, size]) => [`huge/${rel}`, size])),
    );
    const rows = [['ours (archive job, defaults)', ours]];
    if (hugePeers) {
      rows.push([
        '`aws s3 cp`',
        await measure(
          moto,
          'aws (one file)',
          () => awsCopy(moto, hugeDir, 'prefix-aws'),
          'prefix-aws',
          hugeExpected,
        ),
      ]);
      rows.push([
        '`rclone copy`',
        await measure(
          moto,
          'rclone (one file)',
          () => rcloneCopy(moto, hugeDir, 'prefix-rclone'),
          'prefix-rclone',
          hugeExpected,
        ),
      ]);
    }
    console.log(
      `\n| one ${hugeMiB} MiB file | wall s | MiB/s | CPU s | peak MiB | moto CPU s | moto peak MiB |`,
    );
    console.log('|---|---|---|---|---|---|---|');
    for (const [name, r] of rows) {
      console.log(
        `| ${name} | ${r.wall.toFixed(1)} | ${(hugeMiB / r.wall).toFixed(0)} | ${r.cpu.toFixed(1)} | ${r.rssMiB.toFixed(0)} | ${r.motoCpu.toFixed(1)} | ${r.motoPeak.toFixed(0)} |`,
      );
    }
    console.log(
      `\nour peak memory for one ${hugeMiB} MiB file: ${ours.rssMiB.toFixed(0)} MiB (${((ours.rssMiB * MiB) / 1e6).toFixed(0)} MB; goal < 300 MB)`,
    );
    rmSync(preparedHuge.template, { recursive: true, force: true });
  }
  rmSync(prepared.template, { recursive: true, force: true });
  await moto.emptyBucket();
  console.log(
    `\nload average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await moto.stop();
}
