// Generated media for the contact-sheet benchmark (bench/sheets.mjs), made once and cached in
// bench/.work/sheets: 12 MP JPEGs with EXIF, H.264 videos of camera-like bitrate, and HEICs
// made with heif-enc. A marker file per set records that the set is complete; delete the
// folder (or pass --regenerate) to make it again.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** sharp as the server uses it (the bench package has no dependencies of its own). */
function loadSharp() {
  const require = createRequire(new URL('../apps/server/package.json', import.meta.url));
  return require('sharp');
}

const pad = (n, width = 4) => String(n).padStart(width, '0');

// ---------------------------------------------------------------------------------------------
// Photos

const PHOTO_W = 4000;
const PHOTO_H = 3000;

/**
 * `count` JPEGs of 4000×3000 (quality 90, 3–4 MB each, like a phone's or a compact's) with
 * Make, Model and DateTimeOriginal. The pixels are colour blobs at three scales plus fine
 * noise (a flat colour would compress to nothing and decode unrealistically fast), cut at a
 * different place from one large texture for each photo, tinted, and numbered in big type.
 */
export async function makePhotos(dir, count, log) {
  const marker = path.join(dir, `.complete-${count}`);
  if (completeAtLeast(dir, count)) return listFiles(dir, '.jpg').slice(0, count);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`generating ${count} JPEGs of ${PHOTO_W}x${PHOTO_H} in ${dir} …`);
  const sharp = loadSharp();
  const W = PHOTO_W + 1000;
  const H = PHOTO_H + 800;
  const blobs = async (w, h, sigma) =>
    sharp({
      create: { width: w, height: h, channels: 3, noise: { type: 'gaussian', mean: 128, sigma } },
    })
      .resize(W, H, { kernel: 'cubic' })
      .png({ compressionLevel: 0 })
      .toBuffer();
  const large = await blobs(24, 18, 70);
  const medium = await blobs(400, 300, 50);
  const fine = await sharp({
    create: { width: W, height: H, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 18 } },
  })
    .png({ compressionLevel: 0 })
    .toBuffer();
  // Darker towards the bottom, like a landscape under a sky.
  const sky = Buffer.from(
    `<svg width="${W}" height="${H}"><defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1">` +
      `<stop offset="0" stop-color="#e8f0ff"/><stop offset="1" stop-color="#303020"/></linearGradient></defs>` +
      `<rect width="${W}" height="${H}" fill="url(#g)"/></svg>`,
  );
  const texture = await sharp(large)
    .composite([
      { input: medium, blend: 'overlay' },
      { input: fine, blend: 'soft-light' },
      { input: sky, blend: 'multiply' },
    ])
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const start = Date.UTC(2024, 4, 1, 9, 0, 0);
  const one = async (i) => {
    const label = Buffer.from(
      `<svg width="${PHOTO_W}" height="${PHOTO_H}"><text x="200" y="700" font-size="520" ` +
        `font-family="sans-serif" font-weight="bold" fill="white" stroke="black" stroke-width="8">` +
        `IMG ${pad(i)}</text></svg>`,
    );
    // A shot every 37 s; every 10th file was renamed by hand, so name order ≠ capture order.
    const taken = new Date(start + (i % 10 === 9 ? i - 5 : i) * 37_000);
    const exifDate = taken.toISOString().slice(0, 19).replace('T', ' ').replace(/-/g, ':');
    await sharp(texture.data, { raw: texture.info })
      .extract({ left: (i * 137) % 1000, top: (i * 91) % 800, width: PHOTO_W, height: PHOTO_H })
      .modulate({ hue: (i * 37) % 360, brightness: 0.9 + (i % 5) * 0.05 })
      .composite([{ input: label }])
      .withExif({
        IFD0: {
          Make: 'GlacierBench',
          Model: 'Synthetic 12MP',
          DateTime: exifDate,
          Orientation: '1',
          Software: 'bench/sheets-data.mjs',
        },
        IFD2: {
          DateTimeOriginal: exifDate,
          ExposureTime: '1/250',
          FNumber: '4',
          ISOSpeedRatings: '200',
        },
      })
      .jpeg({ quality: 90 })
      .toFile(path.join(dir, `IMG_${pad(i)}.jpg`));
  };
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      await one(i);
      if ((i + 1) % 50 === 0) log(`  ${i + 1} / ${count}`);
    }
  };
  await Promise.all([lane(), lane()]);
  writeFileSync(marker, '');
  return listFiles(dir, '.jpg');
}

// ---------------------------------------------------------------------------------------------
// Videos

/**
 * Twenty H.264 clips like a camera's: 1080p at 20–50 Mbit/s and 4K at 50–100 Mbit/s, a
 * keyframe every 1 or 2 s, 4 to 30 s long, MP4 and MOV. testsrc2 gives moving shapes and
 * text; temporal noise (like a sensor's) keeps the encoder at its bitrate cap instead of
 * coding a static pattern in a few kbit. x264 -preset ultrafast keeps generation to minutes.
 */
export function videoPlan(count) {
  const durations = [4, 12, 30, 8, 20, 6, 16, 26, 10, 24];
  return Array.from({ length: count }, (_, i) => {
    const uhd = i % 2 === 1;
    const mbit = uhd ? [50, 70, 85, 100][(i >> 1) % 4] : [20, 30, 40, 50][(i >> 1) % 4];
    const fps = i % 5 === 4 ? 25 : 30;
    const gopS = i % 3 === 0 ? 1 : 2;
    const seconds = durations[i % durations.length];
    const ext = i % 4 === 3 ? 'mov' : 'mp4';
    const name = `CLIP_${pad(i, 3)}_${uhd ? '2160p' : '1080p'}_${mbit}M_${seconds}s.${ext}`;
    return { name, uhd, mbit, fps, gopS, seconds };
  });
}

export function makeVideos(dir, count, log) {
  const marker = path.join(dir, `.complete-${count}`);
  const plan = videoPlan(count);
  if (existsSync(marker)) return plan.map((v) => path.join(dir, v.name));
  mkdirSync(dir, { recursive: true });
  log(`generating ${count} videos in ${dir} (4K ones take a minute each) …`);
  for (const [i, v] of plan.entries()) {
    const file = path.join(dir, v.name);
    if (existsSync(file)) continue;
    const size = v.uhd ? '3840x2160' : '1920x1080';
    const keyint = v.fps * v.gopS;
    const temp = `${file}.tmp.${v.name.split('.').pop()}`;
    execFileSync(
      'ffmpeg',
      [
        ...['-nostdin', '-hide_banner', '-v', 'error', '-y'],
        ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${v.fps}:duration=${v.seconds}`],
        ...['-vf', `hue=h=${i * 29}:s=1.2,noise=alls=14:allf=t`],
        ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
        ...['-b:v', `${v.mbit}M`, '-maxrate', `${v.mbit}M`, '-bufsize', `${v.mbit * 2}M`],
        ...['-x264-params', `keyint=${keyint}:min-keyint=${keyint}:scenecut=0`],
        temp,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    execFileSync('mv', [temp, file]);
    log(`  ${i + 1} / ${count}: ${v.name}`);
  }
  writeFileSync(marker, '');
  return plan.map((v) => path.join(dir, v.name));
}

// ---------------------------------------------------------------------------------------------
// HEIC

/**
 * `count` HEICs of 12 MP encoded by heif-enc (libheif + x265) from the generated JPEGs, two
 * at a time. x265's veryfast preset: the default (medium) takes ~20 s a file here and gives
 * files that decode at the same speed. heif-enc stores no thumbnail unless asked (-t), so
 * every HEIC makes the decoders read the full 12 MP picture: the slow path, on purpose.
 */
export async function makeHeics(dir, sources, count, log) {
  const marker = path.join(dir, `.complete-${count}`);
  const targets = sources
    .slice(0, count)
    .map((src) => [src, path.join(dir, path.basename(src).replace(/\.jpg$/, '.heic'))]);
  if (existsSync(marker)) return targets.map(([, out]) => out);
  mkdirSync(dir, { recursive: true });
  log(`generating ${count} HEICs with heif-enc in ${dir} (~7 s each, two at a time) …`);
  let next = 0;
  let done = 0;
  const lane = async () => {
    while (next < targets.length) {
      const [src, out] = targets[next++];
      if (existsSync(out)) continue;
      await run('heif-enc', ['-q', '50', '-p', 'preset=veryfast', src, '-o', `${out}.tmp`]);
      execFileSync('mv', [`${out}.tmp`, out]);
      done += 1;
      if (done % 10 === 0) log(`  ${done} made`);
    }
  };
  await Promise.all([lane(), lane()]);
  writeFileSync(marker, '');
  return targets.map(([, out]) => out);
}

function run(command, argv) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${argv.join(' ')}: ${stderr}`)),
    );
  });
}

/** A set made for at least `count` files serves a smaller run too. */
function completeAtLeast(dir, count) {
  if (!existsSync(dir)) return false;
  return readdirSync(dir).some((n) => /^\.complete-\d+$/.test(n) && Number(n.slice(10)) >= count);
}

function listFiles(dir, ext) {
  return readdirSync(dir)
    .filter((n) => n.endsWith(ext))
    .sort()
    .map((n) => path.join(dir, n));
}
