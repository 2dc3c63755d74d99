import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endExiftool } from '../../src/media/exif.js';
import { makeThumbnail } from '../../src/media/thumbnail.js';
import { buildLibrary, type BuiltLibrary } from '../fixtures/library.js';
import { sample } from '../fixtures/samples.js';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('./thumbnail-child.ts', import.meta.url));

interface ChildReport {
  ok: boolean;
  width?: number;
  height?: number;
  reason?: string;
  startRssMiB: number;
  peakRssMiB: number;
}

/** One thumbnail in a fresh Node process, with that process's peak memory. */
async function thumbnailInChild(absPath: string): Promise<ChildReport> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, absPath, 'photo'], {
    cwd: path.resolve(path.dirname(CHILD), '../..'),
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ChildReport;
}

afterAll(endExiftool);

describe('100-megapixel stills', () => {
  let dir: string;
  let lib: BuiltLibrary;
  let jpeg: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'glacier-100mp-'));
    // Solid colour: quick to make, as large to decode as any 12000×8400 picture.
    lib = await buildLibrary(dir, [
      { path: 'pano.png', photo: { width: 12000, height: 8400, fill: 'solid', color: '#336699' } },
    ]);
    // The JPEG comes from ffmpeg, whose encoder holds the frame in its own process.
    jpeg = path.join(dir, 'GFX100.jpg');
    const source = 'color=c=0x336699:s=12000x8400';
    await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', source, '-frames:v', '1', jpeg]);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  // Decoded whole, 100 MP of RGB would take 300 MiB; shrink-on-load (JPEG) and streaming
  // (PNG) keep the growth to tens of MiB.
  it.each([
    ['JPEG', () => jpeg],
    ['PNG', () => lib.file('pano.png').absPath],
  ])('makes a %s thumbnail with bounded memory', async (_format, file) => {
    const report = await thumbnailInChild(file());
    expect(report).toMatchObject({ ok: true, width: 320, height: 224 });
    expect(report.peakRssMiB - report.startRssMiB).toBeLessThan(150);
  });

  it('refuses it under a lower limit, from the header alone', async () => {
    const made = await makeThumbnail(
      { absPath: jpeg, kind: 'photo', mime: 'image/jpeg', size: 320 },
      { maxMegapixels: 50 },
    );
    expect(made).toEqual({ ok: false, reason: 'image too large (101 megapixels)' });
  });

  it('calls the GIF decompression bomb too large', async () => {
    const bomb = sample('broken/pil_decompression_bomb.gif');
    const made = await makeThumbnail({
      absPath: bomb,
      kind: 'photo',
      mime: 'image/gif',
      size: 320,
    });
    expect(made).toEqual({ ok: false, reason: 'image too large (4365 megapixels)' });
  });
});
