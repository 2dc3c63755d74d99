import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { Deadline } from '../../src/media/deadline.js';
import { composeStrip, frameTimes, grabFrames, stripLayout } from '../../src/media/video-strip.js';
import { sample } from '../fixtures/samples.js';

describe('frameTimes', () => {
  it('spreads five frames at 10, 30, 50, 70 and 90 % of a long clip', () => {
    expect(frameTimes(100)).toEqual([10, 30, 50, 70, 90]);
  });

  it('takes one frame per two seconds of a short clip, never at the start or past the end', () => {
    expect(frameTimes(0.544)).toEqual([0.272]);
    expect(frameTimes(4)).toEqual([1, 3]);
    for (const duration of [0.1, 1.0632, 2.937, 4.933, 9.467, 30.543, 1132]) {
      for (const t of frameTimes(duration)) {
        expect(t).toBeGreaterThan(0);
        expect(t).toBeLessThan(duration);
      }
    }
  });

  it('asks for the first keyframe only when the duration is unknown', () => {
    expect(frameTimes(null)).toEqual([null]);
    expect(frameTimes(0)).toEqual([null]);
  });
});

describe('grabFrames', () => {
  const box = stripLayout(320);

  it('gives portrait frames for the phone clip held upright (rotation 90)', async () => {
    const file = sample('video/ne_phone_rot90_gps.mp4');
    const { frames } = await grabFrames(file, frameTimes(1.0632), box, new Deadline(30_000));
    expect(frames).toHaveLength(1);
    const meta = await sharp(frames[0]).metadata();
    // 1080×1920 shown, fitted in 320×180: 101×180.
    expect([meta.width, meta.height]).toEqual([101, 180]);
  });

  it('finds a frame in the 0.544 s MTS clip although every seek lands past its keyframe', async () => {
    const file = sample('video/mei_Sony_ILCE-7M3.mts');
    const { frames } = await grabFrames(file, frameTimes(0.544), box, new Deadline(30_000));
    expect(frames).toHaveLength(1);
    expect((await sharp(frames[0]).metadata()).width).toBe(320);
  });

  it('shows a frame that several times land on only once', async () => {
    // The 3GP clip has keyframes at 0 and 3 s only.
    const file = sample('video/mei_sample.3gp');
    const { frames } = await grabFrames(file, [0.5, 1.5, 2.5], box, new Deadline(30_000));
    expect(frames).toHaveLength(1);
  });
});

describe('composeStrip', () => {
  const solid = (r: number, g: number, b: number) =>
    sharp({ create: { width: 320, height: 180, channels: 3, background: { r, g, b } } })
      .jpeg()
      .toBuffer();

  async function pixel(image: Buffer, x: number, y: number): Promise<number[]> {
    const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
    const at = (y * info.width + x) * info.channels;
    return [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0];
  }

  it('puts the frames side by side in equal cells, in order, with thin black gaps', async () => {
    const frames = await Promise.all([solid(255, 0, 0), solid(0, 255, 0), solid(0, 0, 255)]);
    const strip = await composeStrip(frames, stripLayout(320));
    if (!strip) throw new Error('no strip');
    const meta = await sharp(strip).metadata();
    expect([meta.width, meta.height]).toEqual([320, 180]);
    // Cells of 106/105/105 px with 2 px gaps: 0–105, 108–212, 215–319.
    const near = (actual: number[], expected: number[]) =>
      actual.every((v, i) => Math.abs(v - (expected[i] ?? 0)) < 40);
    expect(near(await pixel(strip, 50, 90), [255, 0, 0])).toBe(true);
    expect(near(await pixel(strip, 160, 90), [0, 255, 0])).toBe(true);
    expect(near(await pixel(strip, 270, 90), [0, 0, 255])).toBe(true);
    // The gaps, blurred a little by WebP's half-resolution colour.
    for (const x of [106, 107, 213, 214]) {
      const [r = 0, g = 0, b = 0] = await pixel(strip, x, 90);
      expect(r + g + b).toBeLessThan(80);
    }
  });

  it('shows a single frame whole, letterboxed', async () => {
    const portrait = await sharp({
      create: { width: 90, height: 160, channels: 3, background: { r: 255, g: 255, b: 255 } },
    })
      .jpeg()
      .toBuffer();
    const strip = await composeStrip([portrait], stripLayout(320));
    if (!strip) throw new Error('no strip');
    expect((await pixel(strip, 160, 90))[0]).toBeGreaterThan(200);
    expect((await pixel(strip, 20, 90))[0]).toBeLessThan(20);
  });

  it('gives null when no frame can be read', async () => {
    expect(await composeStrip([Buffer.from('not a jpeg')], stripLayout(320))).toBeNull();
  });
});
