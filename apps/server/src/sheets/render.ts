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

const BACKGROUND = '#1b1b1b';

/** Draws one page: every thumbnail fitted and centred in its box, its label under it. */
export async function renderSheet(
  layout: SheetLayout,
  tiles: TileToDraw[],
): Promise<RenderedSheet> {
  const { width, height } = pageSize(layout, tiles.length);
  const overlays: OverlayOptions[] = [];
  const imageRects = new Map<number, Rect>();
  for (const tile of tiles) {
    const cell = tileRect(layout, tile.position);
    const box = { x: cell.x + layout.padding, y: cell.y + layout.padding };
    const picture = await fitPicture(layout, tile);
    const rect = {
      x: box.x + Math.floor((layout.imageWidth - picture.width) / 2),
      y: box.y + Math.floor((layout.imageHeight - picture.height) / 2),
      w: picture.width,
      h: picture.height,
    };
    imageRects.set(tile.position, rect);
    overlays.push({ input: picture.data, left: rect.x, top: rect.y });
    if (tile.badge) {
      const badge = badgeSvg(tile.badge);
      const badgeWidth = 12 + tile.badge.length * 8;
      overlays.push({
        input: badge,
        left: rect.x + rect.w - badgeWidth - 4,
        top: rect.y + rect.h - 26,
      });
    }
    overlays.push({
      input: labelSvg(cell.w, layout.labelHeight, tile.name, tile.caption),
      left: cell.x,
      top: box.y + layout.imageHeight,
    });
  }
  const image = await sharp({ create: { width, height, channels: 3, background: BACKGROUND } })
    .composite(overlays)
    .webp({ quality: 72, effort: 2 })
    .toBuffer();
  return { image, width, height, imageRects };
}

async function fitPicture(
  layout: SheetLayout,
  tile: TileToDraw,
): Promise<{ data: Buffer; width: number; height: number }> {
  if (!tile.image) {
    return {
      data: placeholderSvg(
        layout.imageWidth,
        layout.imageHeight,
        tile.name,
        tile.reason ?? 'cannot be shown',
      ),
      width: layout.imageWidth,
      height: layout.imageHeight,
    };
  }
  const { data, info } = await sharp(tile.image)
    .resize(layout.imageWidth, layout.imageHeight, { fit: 'inside', withoutEnlargement: true })
    .png()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}
