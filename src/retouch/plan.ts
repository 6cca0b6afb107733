/**
 * What a retouch will work on: the mask's box, the region around it that sources are taken from,
 * how many pyramid levels the hole needs, and which levels get full rounds. The cost follows the
 * mask, not the photo: a 3% mask on a 12 MP photo reads a region around it, never every pixel.
 */
import { holeThickness } from './distance.ts';
import type { Box, RetouchTuning } from './types.ts';

export interface RetouchPlan {
  /** The mask's bounding box in the photo. */
  holeBox: Box;
  /** Pixels to fill. */
  holePixels: number;
  /** The largest distance from a hole pixel to the nearest kept pixel, in photo pixels. */
  thickness: number;
  /** The work region: the hole's box and a margin of sources around it, within the photo. */
  region: Box;
  /** Pyramid levels below the photo's resolution (0: the region is worked on at full size only). */
  coarsest: number;
}

/** The mask's box and pixel count; null for an empty mask. */
export function maskBox(mask: Uint8Array, width: number, height: number): { box: Box; pixels: number } | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1, pixels = 0;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let any = false;
    for (let x = 0; x < width; x++) {
      if (!mask[row + x]) continue;
      pixels++;
      any = true;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
    }
    if (any) {
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return pixels === 0 ? null : { box: { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 }, pixels };
}

/**
 * The plan for a mask. The margin of sources grows with the hole's thickness (a wide hole needs
 * texture from further away) and a little with its length; levels are added until the hole is a
 * few patches thick, as long as the region keeps room for whole patches around it.
 */
export function planRetouch(mask: Uint8Array, width: number, height: number, tuning: RetouchTuning): RetouchPlan | null {
  const found = maskBox(mask, width, height);
  if (!found) return null;
  const { box, pixels } = found;
  const r = tuning.patchRadius;
  // The thickness is measured on the hole's box only (grown by one pixel, so the edge counts as known).
  const bx = Math.max(0, box.x - 1), by = Math.max(0, box.y - 1);
  const bw = Math.min(width, box.x + box.width + 1) - bx, bh = Math.min(height, box.y + box.height + 1) - by;
  const sub = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) sub[y * bw + x] = mask[(by + y) * width + bx + x] ? 1 : 0;
  const thickness = holeThickness(sub, bw, bh);
  const margin = Math.ceil(Math.max(6 * (2 * r + 1), tuning.marginThickness * thickness + tuning.marginLength * Math.max(box.width, box.height)));
  const x0 = Math.max(0, box.x - margin), y0 = Math.max(0, box.y - margin);
  const x1 = Math.min(width, box.x + box.width + margin), y1 = Math.min(height, box.y + box.height + margin);
  const region = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  // Coarser until the hole is about a patch thick, while the region stays six patches across.
  let coarsest = 0;
  const minSide = 6 * (2 * r + 1);
  while (thickness / 2 ** coarsest > r + 1 && Math.min(region.width, region.height) / 2 ** (coarsest + 1) >= minSide) coarsest++;
  return { holeBox: box, holePixels: pixels, thickness, region, coarsest };
}
