/**
 * Texture features (Newson, Almansa, Fradet, Gousseau and Pérez 2014): each pixel carries the
 * local mean of its horizontal and vertical gradient magnitudes (luminance) as two more channels.
 * Patch distances then see texture as well as colour, and voting fills the features with the
 * colours, so a textured region is not explained by a smooth patch of the right mean colour:
 * what otherwise makes patch-based fills smoother than the photo.
 *
 * Computed from known pixels only (a gradient that touches the hole is unknown, and a mean over a
 * window counts the known ones), so the removed object leaves no trace in them.
 */
import { CHANNELS } from './level.ts';

/** Writes channels 3 and 4 of `img` (CHANNELS per pixel, RGB already there) for the known pixels; 0 in the hole. */
export function textureFeatures(img: Float32Array, hole: Uint8Array, width: number, height: number, radius: number, weight: number): void {
  const n = width * height;
  const lum = new Float32Array(n);
  for (let i = 0; i < n; i++) lum[i] = 0.299 * img[i * CHANNELS]! + 0.587 * img[i * CHANNELS + 1]! + 0.114 * img[i * CHANNELS + 2]!;
  // Integral images (one row and column of padding) of |gx|, |gy| and of how many were known.
  const w1 = width + 1;
  const sx = new Float64Array(w1 * (height + 1)), sy = new Float64Array(w1 * (height + 1)), sn = new Float64Array(w1 * (height + 1));
  for (let y = 0; y < height; y++) {
    let rx = 0, ry = 0, rn = 0;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const l = x > 0 ? i - 1 : i, rgt = x < width - 1 ? i + 1 : i, u = y > 0 ? i - width : i, d = y < height - 1 ? i + width : i;
      if (!hole[i] && !hole[l] && !hole[rgt] && !hole[u] && !hole[d]) {
        rx += Math.abs(lum[rgt]! - lum[l]!) / Math.max(1, rgt - l);
        ry += Math.abs(lum[d]! - lum[u]!) / Math.max(1, (d - u) / width);
        rn += 1;
      }
      const o = (y + 1) * w1 + x + 1;
      sx[o] = sx[o - w1]! + rx;
      sy[o] = sy[o - w1]! + ry;
      sn[o] = sn[o - w1]! + rn;
    }
  }
  for (let y = 0; y < height; y++) {
    const ya = Math.max(0, y - radius), yb = Math.min(height, y + radius + 1);
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (hole[i]) {
        img[i * CHANNELS + 3] = 0;
        img[i * CHANNELS + 4] = 0;
        continue;
      }
      const xa = Math.max(0, x - radius), xb = Math.min(width, x + radius + 1);
      const a = yb * w1 + xb, b = ya * w1 + xb, c = yb * w1 + xa, d = ya * w1 + xa;
      const count = sn[a]! - sn[b]! - sn[c]! + sn[d]!;
      img[i * CHANNELS + 3] = count > 0 ? (weight * (sx[a]! - sx[b]! - sx[c]! + sx[d]!)) / count : 0;
      img[i * CHANNELS + 4] = count > 0 ? (weight * (sy[a]! - sy[b]! - sy[c]! + sy[d]!)) / count : 0;
    }
  }
}
