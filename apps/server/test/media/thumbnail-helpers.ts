import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';
import sharp from 'sharp';
import { expect } from 'vitest';
import type { Thumbnail } from '../../src/media/thumbnail.js';

/** Helpers shared by the thumbnail tests. */

const VIDEO_EXTENSIONS = new Set(['.mp4', '.mov', '.mts', '.avi', '.3gp', '.webm', '.mkv', '.m4a']);

export function kindOf(file: string): 'photo' | 'video' {
  return VIDEO_EXTENSIONS.has(path.extname(file).toLowerCase()) ? 'video' : 'photo';
}

/** The MIME type as the scan records it (file-type on the content), or null. */
export async function sniffedMime(absPath: string): Promise<string | null> {
  return (await fileTypeFromFile(absPath).catch(() => undefined))?.mime ?? null;
}

export type MadeThumbnail = Extract<Thumbnail, { ok: true }>;

/** The thumbnail, checked to be a WebP of the size it claims; fails the test otherwise. */
export async function expectImage(made: Thumbnail): Promise<MadeThumbnail> {
  if (!made.ok) throw new Error(`expected a thumbnail, got: ${made.reason}`);
  const meta = await sharp(made.image).metadata();
  expect(meta.format).toBe('webp');
  expect([meta.width, meta.height]).toEqual([made.width, made.height]);
  return made;
}

export async function rgbPixels(
  image: Buffer | string,
): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * Mean absolute difference per channel (0–255) of two images of the same size, give or take
 * a pixel of rounding (b is then scaled to a's size).
 */
export async function meanDifference(a: Buffer | string, b: Buffer | string): Promise<number> {
  const pa = await rgbPixels(a);
  let pb = await rgbPixels(b);
  expect(Math.abs(pa.width - pb.width) + Math.abs(pa.height - pb.height)).toBeLessThanOrEqual(2);
  if (pa.width !== pb.width || pa.height !== pb.height) {
    pb = await rgbPixels(await sharp(b).resize(pa.width, pa.height, { fit: 'fill' }).toBuffer());
  }
  let sum = 0;
  for (let i = 0; i < pa.data.length; i++) sum += Math.abs((pa.data[i] ?? 0) - (pb.data[i] ?? 0));
  return sum / pa.data.length;
}

/**
 * Live processes whose command line contains `needle` (read from /proc, Linux only); with
 * `childrenOfThisProcess`, only this process's children, not those of test files running
 * beside this one.
 */
export async function processesMentioning(
  needle: string,
  options: { childrenOfThisProcess?: boolean } = {},
): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((name) => /^\d+$/.test(name))) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.includes(needle)) continue;
    // "pid (comm) state ppid …"; comm may hold spaces and parentheses, so from the last ')'.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // A zombie has exited; its parent has just not reaped it yet.
    if (state === undefined || state === 'Z') continue;
    if (options.childrenOfThisProcess && Number(ppid) !== process.pid) continue;
    found.push(`${pid}: ${cmdline.replaceAll('\0', ' ')}`);
  }
  return found;
}

/** mulberry32: a small seeded PRNG, the same on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
