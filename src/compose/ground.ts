/**
 * The ground line under a subject: where it rests. A product photographed at an angle touches
 * the ground at several points (two wheels and a stand, four chair legs, the near and far edge
 * of a saucer); the line through them is the lower convex hull of its silhouette. Under each
 * column it gives the ground's row, so shadows start where the subject really meets the floor,
 * and a part in the air (an exhaust between two wheels) casts from the ground beneath it.
 */

export interface GroundLine {
  /** Ground row under each column (NaN outside the subject's span). */
  y: Float32Array;
  /** The lowest opaque row of each column (-1 where the column is empty). */
  bottom: Int32Array;
  /** The lowest ground row (the subject's base). */
  base: number;
  /** First and last columns of the subject. */
  x0: number;
  x1: number;
}

/**
 * `alpha` is row-major `width` x `height` (0..1 or 0..255, `threshold` on the same scale); with
 * `stride` 4 and `offset` 3 it reads the alpha of interleaved RGBA.
 */
export function groundLine(alpha: ArrayLike<number>, width: number, height: number, threshold: number, stride = 1, offset = 0): GroundLine | null {
  const bottom = new Int32Array(width).fill(-1);
  for (let x = 0; x < width; x++) {
    for (let y = height - 1; y >= 0; y--) {
      if (alpha[(y * width + x) * stride + offset]! > threshold) {
        bottom[x] = y;
        break;
      }
    }
  }
  // Lower hull (largest y) of the points (x, bottom[x]), by the monotone chain.
  const hull: number[] = [];
  for (let x = 0; x < width; x++) {
    if (bottom[x]! < 0) continue;
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!, b = hull[hull.length - 1]!;
      // Keep the chain turning so that every point lies on or above it (y grows down).
      const cross = (b - a) * (bottom[x]! - bottom[a]!) - (bottom[b]! - bottom[a]!) * (x - a);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(x);
  }
  if (hull.length === 0) return null;
  const y = new Float32Array(width).fill(Number.NaN);
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!, b = hull[i + 1] ?? a;
    for (let x = a; x <= b; x++) y[x] = b === a ? bottom[a]! : bottom[a]! + ((bottom[b]! - bottom[a]!) * (x - a)) / (b - a);
  }
  let base = 0;
  for (const x of hull) base = Math.max(base, bottom[x]!);
  return { y, bottom, base, x0: hull[0]!, x1: hull[hull.length - 1]! };
}
