/**
 * Distances on the pixel grid: a two-pass chamfer transform (steps 1 and sqrt 2, within 8% of
 * the Euclidean distance), for the hole's thickness (how many pyramid levels it needs), the blend
 * band around it and the onion-peel order.
 */

const DIAGONAL = Math.SQRT2;

/**
 * For every pixel, the chamfer distance to the nearest pixel where `source` is nonzero (0 on
 * those pixels); Infinity when there is none.
 */
export function distanceTo(source: Uint8Array, width: number, height: number): Float32Array {
  const d = new Float32Array(width * height);
  for (let i = 0; i < d.length; i++) d[i] = source[i] ? 0 : Infinity;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x > 0) v = Math.min(v, d[i - 1]! + 1);
      if (y > 0) {
        v = Math.min(v, d[i - width]! + 1);
        if (x > 0) v = Math.min(v, d[i - width - 1]! + DIAGONAL);
        if (x < width - 1) v = Math.min(v, d[i - width + 1]! + DIAGONAL);
      }
      d[i] = v;
    }
  }
  for (let y = height - 1; y >= 0; y--) {
    for (let x = width - 1; x >= 0; x--) {
      const i = y * width + x;
      let v = d[i]!;
      if (v === 0) continue;
      if (x < width - 1) v = Math.min(v, d[i + 1]! + 1);
      if (y < height - 1) {
        v = Math.min(v, d[i + width]! + 1);
        if (x < width - 1) v = Math.min(v, d[i + width + 1]! + DIAGONAL);
        if (x > 0) v = Math.min(v, d[i + width - 1]! + DIAGONAL);
      }
      d[i] = v;
    }
  }
  return d;
}

/** The largest distance from a hole pixel to the nearest known pixel (0 for no hole). */
export function holeThickness(hole: Uint8Array, width: number, height: number): number {
  const known = new Uint8Array(hole.length);
  let any = false;
  for (let i = 0; i < hole.length; i++) {
    known[i] = hole[i] ? 0 : 1;
    if (hole[i]) any = true;
  }
  if (!any) return 0;
  const d = distanceTo(known, width, height);
  let max = 0;
  for (let i = 0; i < d.length; i++) if (hole[i] && d[i]! > max && d[i]! !== Infinity) max = d[i]!;
  // A hole that fills the whole region has no known pixel: its thickness is the region's size.
  return max === 0 ? Math.max(width, height) : max;
}

/** `mask` grown by `radius` pixels (square neighbourhood), as a new mask. */
export function dilate(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  if (radius <= 0) return Uint8Array.from(mask);
  // Separable: a running count along rows, then along columns.
  const rows = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let count = 0;
    for (let x = 0; x < Math.min(radius, width); x++) if (mask[o + x]) count++;
    for (let x = 0; x < width; x++) {
      const add = x + radius, drop = x - radius - 1;
      if (add < width && mask[o + add]) count++;
      if (drop >= 0 && mask[o + drop]) count--;
      rows[o + x] = count > 0 ? 1 : 0;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++) {
    let count = 0;
    for (let y = 0; y < Math.min(radius, height); y++) if (rows[y * width + x]) count++;
    for (let y = 0; y < height; y++) {
      const add = y + radius, drop = y - radius - 1;
      if (add < height && rows[add * width + x]) count++;
      if (drop >= 0 && rows[drop * width + x]) count--;
      out[y * width + x] = count > 0 ? 1 : 0;
    }
  }
  return out;
}
