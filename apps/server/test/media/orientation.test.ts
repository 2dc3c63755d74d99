import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { applyOrientation } from '../../src/media/orientation.js';

/** A 3×2 image whose six pixels are all different, so every turn and mirror shows. */
async function asymmetric(): Promise<Buffer> {
  const raw = Buffer.alloc(3 * 2 * 3);
  for (let i = 0; i < 6; i++) raw[i * 3] = 40 * i;
  return sharp(raw, { raw: { width: 3, height: 2, channels: 3 } })
    .png()
    .toBuffer();
}

async function signature(image: Sharp): Promise<string> {
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  const reds = Array.from({ length: info.width * info.height }, (_, i) => data[i * info.channels]);
  return `${info.width}x${info.height}: ${reds.join(',')}`;
}

describe('applyOrientation', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])(
    'turns orientation %i as sharp does when it reads the tag itself',
    async (orientation) => {
      const base = await asymmetric();
      const tagged = await sharp(base).withMetadata({ orientation }).png().toBuffer();
      expect(await signature(applyOrientation(sharp(base), orientation))).toBe(
        await signature(sharp(tagged).autoOrient()),
      );
    },
  );

  it('leaves pixels as stored for an unknown orientation', async () => {
    const base = await asymmetric();
    for (const orientation of [null, 0, 9]) {
      expect(await signature(applyOrientation(sharp(base), orientation))).toBe(
        await signature(sharp(base)),
      );
    }
  });
});
