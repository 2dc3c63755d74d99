import sharp, { type OverlayOptions } from 'sharp';
import { badgeSvg, labelSvg, placeholderSvg } from './labels.js';
import { pageSize, tileRect, type Rect, type SheetLayout } from './layout.js';

export interface TileToDraw {
  position: number;
  name: string;
  /** Second label line: capture date (and duration for videos). */
  caption: string;
  /** The cached thumbnail (WebP), or null for a placeholder. */
  image: Buffer | null;
  /** Shown on a placeholder tile. */
  reason: string | null;
  /** Duration badge for a video tile. */
  badge: string | null;
}

export interface RenderedSheet {
  image: Buffer;
  width: number;
  height: number;
  /** Where each tile's picture landed, by position (the index links these to files). */
  imageRects: Map<number, Rect>;
}

interface FittedPicture {
  overlay: Pick<OverlayOptions, 'input' | 'raw'>;
  width: number;
  height: number;
}

const BACKGROUND = '#1b1b1b';

/** Draws one page: every thumbnail fitted and centred in its box, its label under it. */
export async function renderSheet(
  layout: SheetLayout,
  tiles: TileToDraw[],
): Promise<RenderedSheet> {
  const { width, height } = pageSize(layout, tiles.length);
  // Tiles are fitted side by side: each is its own libvips pipeline on the thread pool.
  const pictures = await Promise.all(tiles.map((tile) => fitPicture(layout, tile)));
  const overlays: OverlayOptions[] = [];
  const imageRects = new Map<number, Rect>();
  tiles.forEach((tile, i) => {
    const picture = pictures[i]!;
    const cell = tileRect(layout, tile.position);
    const box = { x: cell.x + layout.padding, y: cell.y + layout.padding };
    const rect = {
      x: box.x + Math.floor((layout.imageWidth - picture.width) / 2),
      y: box.y + Math.floor((layout.imageHeight - picture.height) / 2),
      w: picture.width,
      h: picture.height,
    };
    imageRects.set(tile.position, rect);
    overlays.push({ ...picture.overlay, left: rect.x, top: rect.y });
    if (tile.badge) {
      const badgeWidth = 12 + tile.badge.length * 8;
      overlays.push({
        input: badgeSvg(tile.badge),
        left: rect.x + rect.w - badgeWidth - 4,
        top: rect.y + rect.h - 26,
      });
    }
    overlays.push({
      input: labelSvg(cell.w, layout.labelHeight, tile.name, tile.caption),
      left: cell.x,
      top: box.y + layout.imageHeight,
    });
  });
  const image = await sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
    .composite(overlays)
    // Compositing adds an alpha channel the opaque page does not need; encoding it costs time.
    .removeAlpha()
    .webp({ quality: 72, effort: 2 })
    .toBuffer();
  return { image, width, height, imageRects };
}

/**
 * A thumbnail that already fits its box goes to the compositor as it is (decoded once, there);
 * a larger one is shrunk to raw pixels, so it is never encoded again.
 */
async function fitPicture(layout: SheetLayout, tile: TileToDraw): Promise<FittedPicture> {
  if (!tile.image) {
    return {
      overlay: {
        input: placeholderSvg(
          layout.imageWidth,
          layout.imageHeight,
          tile.name,
          tile.reason ?? 'cannot be shown',
        ),
      },
      width: layout.imageWidth,
      height: layout.imageHeight,
    };
  }
  const { width = 0, height = 0 } = await sharp(tile.image).metadata();
  if (width > 0 && height > 0 && width <= layout.imageWidth && height <= layout.imageHeight) {
    return { overlay: { input: tile.image }, width, height };
  }
  const { data, info } = await sharp(tile.image)
    .resize(layout.imageWidth, layout.imageHeight, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    overlay: {
      input: data,
      raw: { width: info.width, height: info.height, channels: info.channels },
    },
    width: info.width,
    height: info.height,
  };
}
