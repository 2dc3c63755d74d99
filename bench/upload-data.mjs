// The upload benchmark's data, generated once in bench/.work/upload (kept between runs):
//   data/video/clip-N.mp4          a few large files of random bytes (nothing compresses)
//   data/photos/YYYY/MM-DD/IMG_N.JPG  many 100–500 kB "JPEG-like" files (JPEG markers around
//                                     random bytes), 50 to a folder, as a camera card leaves them
//   huge/clip-5g.mp4               one very large file, for the memory bound of a single upload
// A marker per set (in .work/upload/markers, outside the uploaded trees) records its parameters;
// a set is made again only if they change.
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const MiB = 1024 * 1024;

function markerFor(dir) {
  const markers = path.join(
    path.dirname(new URL(import.meta.url).pathname),
    '.work',
    'upload',
    'markers',
  );
  mkdirSync(markers, { recursive: true });
  return path.join(markers, `${dir.replace(/[^A-Za-z0-9]+/g, '_')}.json`);
}

function made(marker, params) {
  return existsSync(marker) && readFileSync(marker, 'utf8') === JSON.stringify(params);
}

/** `count` files of `mib` MiB of /dev/urandom each, in `dir`. Returns their paths. */
export function makeBigFiles(dir, count, mib, name = (i) => `clip-${i}.mp4`) {
  const params = { count, mib };
  const marker = markerFor(dir);
  const files = Array.from({ length: count }, (_, i) => path.join(dir, name(i)));
  if (made(marker, params)) return files;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of files) {
    // dd rather than head: same bytes, 16 MiB at a time, no per-call buffer in node.
    execFileSync('dd', [
      'if=/dev/urandom',
      `of=${file}`,
      'bs=16M',
      `count=${Math.ceil(mib / 16)}`,
      'iflag=fullblock',
      'status=none',
    ]);
    execFileSync('truncate', ['-s', String(mib * MiB), file]);
  }
  writeFileSync(marker, JSON.stringify(params));
  return files;
}

/** `count` JPEG-like files of 100–500 kB in year/month-day folders, 50 to a folder. */
export function makeSmallFiles(dir, count) {
  const params = { count, version: 1 };
  const marker = markerFor(dir);
  if (made(marker, params)) return;
  rmSync(dir, { recursive: true, force: true });
  // A fixed sequence of sizes (a linear congruential generator), so every run has the same total.
  let seed = 12345;
  const nextSize = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return 100_000 + (seed % 400_001);
  };
  const perFolder = 50;
  for (let i = 0; i < count; i++) {
    const folder = Math.floor(i / perFolder);
    const folderPath = path.join(
      dir,
      String(2023 + (folder % 2)),
      `${String(1 + (folder % 12)).padStart(2, '0')}-${String(1 + (folder % 28)).padStart(2, '0')}-${folder}`,
    );
    if (i % perFolder === 0) mkdirSync(folderPath, { recursive: true });
    const size = nextSize();
    const body = randomBytes(size);
    // SOI + APP0 "JFIF" at the start and EOI at the end: looks like a JPEG to `file`, still
    // incompressible. (Scanned as an unreadable photo's metadata; hashed like any file.)
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]).copy(body, 0);
    body[size - 2] = 0xff;
    body[size - 1] = 0xd9;
    writeFileSync(path.join(folderPath, `IMG_${String(i).padStart(5, '0')}.JPG`), body);
  }
  writeFileSync(marker, JSON.stringify(params));
}

// Run directly: generate everything with the defaults (the benchmark calls the functions).
if (import.meta.url === `file://${process.argv[1]}`) {
  const work = path.join(path.dirname(new URL(import.meta.url).pathname), '.work', 'upload');
  const [big = '2', bigMiB = '1024', small = '2000', hugeMiB = '5120'] = process.argv.slice(2);
  makeBigFiles(path.join(work, 'data', 'video'), Number(big), Number(bigMiB));
  makeSmallFiles(path.join(work, 'data', 'photos'), Number(small));
  if (Number(hugeMiB) > 0)
    makeBigFiles(path.join(work, 'huge'), 1, Number(hugeMiB), () => 'clip-5g.mp4');
  console.log('data ready in', work);
}
