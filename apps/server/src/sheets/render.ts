import sharp, { type OverlayOptions } from 'sharp';
import { badgeSvg, labelSvg, placeholderSvg } from './labels.js';
import { cellSize, pageSize, tileRect, type Rect, type SheetLayout } from './layout.js';

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
/** The page's pixels: opaque RGB. */
const CHANNELS = 3;

/**
 * Draws one page: every thumbnail fitted and centred in its box, its label under it.
 *
 * Each cell is drawn on its own (a small libvips pipeline, cells side by side on the thread
 * pool) and its pixels copied into the page's buffer; the page is then encoded once. One
 * compositor over the whole page with ~150 overlays held about 100 MiB per page being drawn;
 * this holds the page (14 MiB for 48 tiles) and the cells under way.
 */
export async function renderSheet(
  layout: SheetLayout,
  tiles: TileToDraw[],
): Promise<RenderedSheet> {
  const { width, height } = pageSize(layout, tiles.length);
  const page = Buffer.alloc(width * height * CHANNELS);
  page.fill(backgroundPixel());
  const imageRects = new Map<number, Rect>();
  await Promise.all(
    tiles.map(async (tile) => {
      const cell = tileRect(layout, tile.position);
      const { pixels, picture } = await drawCell(layout, tile);
      imageRects.set(tile.position, {
        x: cell.x + picture.x,
        y: cell.y + picture.y,
        w: picture.w,
        h: picture.h,
      });
      blit(page, width, pixels, cell);
    }),
  );
  const image = await sharp(page, { raw: { width, height, channels: CHANNELS } })
    .webp({ quality: 72, effort: 2 })
    .toBuffer();
  return { image, width, height, imageRects };
}

/** One cell's pixels (RGB, the cell's size) and where its picture sits in it. */
async function drawCell(
  layout: SheetLayout,
  tile: TileToDraw,
): Promise<{ pixels: Buffer; picture: Rect }> {
  const { w, h } = cellSize(layout);
  const fitted = await fitPicture(layout, tile);
  const picture = {
    x: layout.padding + Math.floor((layout.imageWidth - fitted.width) / 2),
    y: layout.padding + Math.floor((layout.imageHeight - fitted.height) / 2),
    w: fitted.width,
    h: fitted.height,
  };
  const overlays: OverlayOptions[] = [{ ...fitted.overlay, left: picture.x, top: picture.y }];
  if (tile.badge) {
    const badgeWidth = 12 + tile.badge.length * 8;
    overlays.push({
      input: badgeSvg(tile.badge),
      left: picture.x + picture.w - badgeWidth - 4,
      top: picture.y + picture.h - 26,
    });
  }
  overlays.push({
    input: labelSvg(w, layout.labelHeight, tile.name, tile.caption),
    left: 0,
    top: layout.padding + layout.imageHeight,
  });
  const pixels = await sharp({
    create: { width: w, height: h, channels: CHANNELS, background: BACKGROUND },
  })
    .composite(overlays)
    // Compositing adds an alpha channel the opaque page does not have.
    .removeAlpha()
    .raw()
    .toBuffer();
  return { pixels, picture };
}

/** Copies a cell's rows into the page at the cell's place. */
function blit(page: Buffer, pageWidth: number, pixels: Buffer, cell: Rect): void {
  const rowBytes = cell.w * CHANNELS;
  for (let row = 0; row < cell.h; row++) {
    pixels.copy(
      page,
      ((cell.y + row) * pageWidth + cell.x) * CHANNELS,
      row * rowBytes,
      (row + 1) * rowBytes,
    );
  }
}

function backgroundPixel(): Buffer {
  const hex = BACKGROUND.slice(1);
  return Buffer.from([0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)));
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
