import type { Sharp } from 'sharp';

/**
 * Turns an image upright from an EXIF orientation known from elsewhere: a RAW's own tag for
 * its embedded preview, a HEIC's EXIF for pixels a decoder handed over without metadata.
 * sharp applies flips after the rotation whatever the call order, so 5 and 7 are a quarter
 * turn then a horizontal mirror (checked against sharp's own autoOrient in the tests).
 */
export function applyOrientation(image: Sharp, orientation: number | null): Sharp {
  switch (orientation) {
    case 2:
      return image.flop();
    case 3:
      return image.rotate(180);
    case 4:
      return image.flip();
    case 5:
      return image.rotate(270).flop();
    case 6:
      return image.rotate(90);
    case 7:
      return image.rotate(90).flop();
    case 8:
      return image.rotate(270);
    default:
      // 1, unknown or out of range (a truncated JPEG reads 0): leave the pixels as stored.
      return image;
  }
}
