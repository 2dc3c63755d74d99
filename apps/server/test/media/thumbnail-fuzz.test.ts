import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endExiftool } from '../../src/media/exif.js';
import { makeThumbnail, shutdownThumbnailers, type Thumbnail } from '../../src/media/thumbnail.js';
import { buildLibrary } from '../fixtures/library.js';
import { sample } from '../fixtures/samples.js';
import { kindOf, processesMentioning, seededRandom, sniffedMime } from './thumbnail-helpers.js';

/**
 * Property: whatever the bytes, makeThumbnail resolves (a WebP or a reason), never throws,
 * never hangs past its time limit, and leaves no temporary file or child process behind.
 * Mutants of real samples: bytes flipped, runs zeroed, the file cut short; the PRNG is
 * seeded, so a failure replays with the same bytes.
 */

const MUTANTS_PER_SAMPLE = 30;
const PARALLEL = 2;
const TIMEOUT_MS = 20_000;

let work: string;
let tempRoot: string;
let previousTmpdir: string | undefined;
const sources: string[] = [];

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'glacier-fuzz-'));
  // Every temporary folder the thumbnailers make goes here, to be checked empty at the end.
  tempRoot = path.join(work, 'tmp');
  await mkdir(tempRoot);
  previousTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = tempRoot;
  const lib = await buildLibrary(path.join(work, 'lib'), [
    { path: 'photo.png', photo: { width: 320, height: 240 } },
  ]);
  sources.push(
    sample('jpeg/mei_Apple_iPhone_4.jpg'),
    lib.file('photo.png').absPath,
    sample('heic/lh_libheif_example.heic'),
    sample('raw/ex2_Canon_EOS_R6_pruned.CR3'),
    sample('video/ne_phone_rot90_gps.mp4'),
  );
});

afterAll(async () => {
  await shutdownThumbnailers();
  await endExiftool();
  if (previousTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = previousTmpdir;
  await rm(work, { recursive: true, force: true });
});

type Mutation = (bytes: Buffer, random: () => number) => Buffer;

const between = (random: () => number, low: number, high: number) =>
  low + Math.floor(random() * (high - low + 1));

const MUTATIONS: Record<string, Mutation> = {
  /** A few random bytes anywhere: bit rot. */
  flip(bytes, random) {
    const copy = Buffer.from(bytes);
    for (let i = between(random, 1, 16); i > 0; i--) {
      copy[between(random, 0, copy.length - 1)] = between(random, 0, 255);
    }
    return copy;
  },
  /** Bytes in the first 4 KiB, where the headers and sizes are. */
  header(bytes, random) {
    const copy = Buffer.from(bytes);
    const end = Math.min(copy.length, 4096) - 1;
    for (let i = between(random, 1, 8); i > 0; i--) {
      copy[between(random, 0, end)] = between(random, 0, 255);
    }
    return copy;
  },
  /** A run of zeros: a bad sector. */
  zero(bytes, random) {
    const copy = Buffer.from(bytes);
    const start = between(random, 0, copy.length - 1);
    copy.fill(0, start, Math.min(copy.length, start + between(random, 1, 65_536)));
    return copy;
  },
  /** Cut short: an interrupted copy. */
  truncate(bytes, random) {
    return bytes.subarray(0, between(random, 0, bytes.length - 1));
  },
};

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>) {
  const results: R[] = [];
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  return results;
}

describe('makeThumbnail on mutated samples', () => {
  it('always resolves with an image or a reason, and cleans up after itself', async () => {
    const mutants: string[] = [];
    const names = Object.keys(MUTATIONS);
    for (const [s, source] of sources.entries()) {
      const bytes = await readFile(source);
      const random = seededRandom(0x5eed + s);
      const dir = path.join(work, 'mutants', String(s));
      await mkdir(dir, { recursive: true });
      for (let m = 0; m < MUTANTS_PER_SAMPLE; m++) {
        const name = names[m % names.length] ?? 'flip';
        const mutate = MUTATIONS[name] ?? MUTATIONS.flip;
        const file = path.join(dir, `${m}-${name}${path.extname(source)}`);
        await writeFile(file, mutate?.(bytes, random) ?? bytes);
        mutants.push(file);
      }
    }

    const results = await mapLimited(mutants, PARALLEL, async (absPath) => {
      // As the scan would see it: the type sniffed from the mutated content.
      const mime = await sniffedMime(absPath);
      const made: Thumbnail = await makeThumbnail(
        { absPath, kind: kindOf(absPath), mime, size: 320 },
        { timeoutMs: TIMEOUT_MS },
      );
      return { absPath, made };
    });

    for (const { absPath, made } of results) {
      if (made.ok) {
        expect(made.image.subarray(8, 12).toString('latin1'), absPath).toBe('WEBP');
        expect(Math.max(made.width, made.height), absPath).toBeLessThanOrEqual(320);
      } else {
        expect(made.reason.length, absPath).toBeGreaterThan(0);
        expect(made.reason.length, absPath).toBeLessThanOrEqual(160);
        expect(made.reason, absPath).not.toMatch(/^thumbnail failed/);
      }
    }
    // Both outcomes occur: the mutants are neither all harmless nor all fatal.
    expect(results.some((r) => r.made.ok)).toBe(true);
    expect(results.some((r) => !r.made.ok)).toBe(true);

    expect(await processesMentioning(path.join(work, 'mutants'))).toEqual([]);
    expect(await readdir(tempRoot)).toEqual([]);
    await shutdownThumbnailers();
    const mine = { childrenOfThisProcess: true };
    expect(await processesMentioning('heic-decode-child.js', mine)).toEqual([]);
  }, 180_000);
});
