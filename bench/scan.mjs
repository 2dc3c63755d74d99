// Scan and hashing benchmark: our scanner against `find` and `openssl dgst -sha256` on the
// same generated tree, in one run. Needs `pnpm build` first and GNU time (apt-get install time).
//   node bench/scan.mjs [--files 200000] [--hash-files 16] [--hash-mib 128]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const work = path.join(here, '.work');
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .reduce(
      (pairs, arg, i, all) =>
        arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs,
      [],
    ),
);
const fileCount = Number(args.files ?? 200_000);
const hashFiles = Number(args['hash-files'] ?? 16);
const hashMiB = Number(args['hash-mib'] ?? 128);
const runs = Number(args.runs ?? 3);

if (!existsSync('/usr/bin/time')) throw new Error('GNU time is needed: apt-get install time');

/** Runs a command under GNU time; returns wall seconds, CPU seconds and peak memory (MiB). */
function timed(command, argv, options = {}) {
  const result = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', command, ...argv], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    ...options,
  });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  const [wall, user, sys, rssKiB] = result.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: user + sys, rssMiB: rssKiB / 1024, stdout: result.stdout };
}

function best(samples) {
  return samples.reduce((a, b) => (b.wall < a.wall ? b : a));
}

function makeTree(root, count) {
  const marker = path.join(work, `tree-complete-${count}`);
  if (existsSync(marker)) return;
  rmSync(root, { recursive: true, force: true });
  // Like a photo library: year/month-day/ folders of about 100 files, names like a camera's.
  const perFolder = 100;
  for (let i = 0; i < count; i++) {
    const folder = Math.floor(i / perFolder);
    const dir = path.join(
      root,
      `${2000 + (folder % 25)}`,
      `${String(folder).padStart(5, '0')}-shoot`,
    );
    if (i % perFolder === 0) mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, `IMG_${String(i).padStart(6, '0')}.JPG`),
      `photo ${i}\n`.repeat(1 + (i % 7)),
    );
  }
  writeFileSync(marker, '');
}

function makeHashFiles(dir, count, mib) {
  mkdirSync(dir, { recursive: true });
  const files = [];
  for (let i = 0; i < count; i++) {
    const file = path.join(dir, `clip-${i}.mp4`);
    files.push(file);
    if (existsSync(file)) continue;
    execFileSync('bash', ['-c', `head -c ${mib * 1024 * 1024} /dev/urandom > '${file}'`]);
  }
  return files;
}

const tree = path.join(work, 'tree');
console.log(
  `machine: ${cpus().length} × ${cpus()[0].model}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; node ${process.version}`,
);
console.log(`generating ${fileCount} files …`);
makeTree(tree, fileCount);
// find does not follow a symbolic link given as its start: both sides get the real folder.
const treeReal = realpathSync(tree);

// Warm the page cache and dentry cache for both sides alike.
timed('find', [treeReal, '-type', 'f', '-printf', '%s %T@ %p\\n'], {
  stdio: ['ignore', 'ignore', 'pipe'],
});

const find = best(
  Array.from({ length: runs }, () =>
    timed('bash', ['-c', `find '${treeReal}' -type f -printf '%s %T@ %p\\n' > /dev/null`]),
  ),
);

const scanOnce = (dataDir, mode) => {
  const t = timed('node', [path.join(here, 'scan-once.mjs'), dataDir, treeReal, mode]);
  return { ...t, inner: JSON.parse(t.stdout.trim().split('\n').pop()) };
};
const firstScans = Array.from({ length: runs }, (_, i) => {
  const dataDir = path.join(work, `data-first-${i}`);
  rmSync(dataDir, { recursive: true, force: true });
  return scanOnce(dataDir, 'contentless');
});
const first = best(firstScans);
if (first.inner.summary.files !== fileCount)
  throw new Error(`scan saw ${first.inner.summary.files} files, expected ${fileCount}`);
const rescanData = path.join(work, 'data-first-0');
const rescan = best(Array.from({ length: runs }, () => scanOnce(rescanData, 'contentless')));
if (rescan.inner.summary.added !== 0)
  throw new Error('the rescan found changes in an unchanged tree');

console.log(`generating ${hashFiles} files of ${hashMiB} MiB for hashing …`);
const hashDir = path.join(work, 'hash');
const files = makeHashFiles(hashDir, hashFiles, hashMiB);
execFileSync('bash', ['-c', `cat '${hashDir}'/*.mp4 > /dev/null`]);
const totalMiB = hashFiles * hashMiB;
const threads = cpus().length;
const opensslOne = best(
  Array.from({ length: runs }, () => timed('openssl', ['dgst', '-sha256', ...files])),
);
const opensslAll = best(
  Array.from({ length: runs }, () =>
    timed('bash', [
      '-c',
      `printf '%s\\0' '${hashDir}'/*.mp4 | xargs -0 -n 1 -P ${threads} openssl dgst -sha256 > /dev/null`,
    ]),
  ),
);
const ours = best(
  Array.from({ length: runs }, () => {
    const t = timed('node', [path.join(here, 'hash-once.mjs'), String(threads), ...files]);
    return { ...t, inner: JSON.parse(t.stdout.trim()) };
  }),
);

const ratio = (a, b) => (a / b).toFixed(2);
const rows = [
  ['first scan, no hashing (process)', first, find, ratio(first.wall, find.wall)],
  ['rescan, unchanged tree (process)', rescan, find, ratio(rescan.wall, find.wall)],
];
console.log(
  '\n| what | ours: wall s | ours: CPU s | ours: peak MiB | find: wall s | find: peak MiB | ours / find |',
);
console.log('|---|---|---|---|---|---|---|');
for (const [name, o, f, r] of rows) {
  console.log(
    `| ${name} | ${o.wall.toFixed(2)} | ${o.cpu.toFixed(2)} | ${o.rssMiB.toFixed(0)} | ${f.wall.toFixed(2)} | ${f.rssMiB.toFixed(0)} | ${r}x |`,
  );
}
console.log(
  `\nscan alone (without node start-up): first ${first.inner.seconds.toFixed(2)} s, rescan ${rescan.inner.seconds.toFixed(2)} s`,
);
const mbps = (seconds) => (totalMiB / seconds).toFixed(0);
console.log('\n| hashing ' + `${hashFiles} × ${hashMiB} MiB` + ' | wall s | MiB/s | peak MiB |');
console.log('|---|---|---|---|');
console.log(
  `| openssl dgst -sha256, 1 process | ${opensslOne.wall.toFixed(2)} | ${mbps(opensslOne.wall)} | ${opensslOne.rssMiB.toFixed(0)} |`,
);
console.log(
  `| openssl dgst -sha256, ${threads} processes | ${opensslAll.wall.toFixed(2)} | ${mbps(opensslAll.wall)} | ${opensslAll.rssMiB.toFixed(0)} |`,
);
console.log(
  `| ours, ${threads} worker threads | ${ours.wall.toFixed(2)} | ${mbps(ours.wall)} | ${ours.rssMiB.toFixed(0)} |`,
);
console.log(
  `\nhashing per core, ours / openssl (one core): ${ratio(totalMiB / ours.inner.seconds / threads, totalMiB / opensslOne.wall)}x`,
);
console.log(
  `hashing, ours / openssl with ${threads} processes: ${ratio(opensslAll.wall, ours.wall)}x of its throughput`,
);
