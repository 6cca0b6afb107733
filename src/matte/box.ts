/**
 * Box (mean) filtering of single-channel float planes with running sums: O(pixels) whatever
 * the radius. Windows are clipped at the borders and normalised by the pixels they hold.
 */

/** Mean over the (2r+1)x(2r+1) window around each pixel, into `out` (which may not alias `src`). */
export function boxMean(src: Float32Array, width: number, height: number, radius: number, out = new Float32Array(src.length), scratch = new Float32Array(src.length)): Float32Array {
  const r = Math.max(0, Math.floor(radius));
  // Horizontal sums into scratch.
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    const first = Math.min(r, width - 1);
    for (let x = 0; x <= first; x++) sum += src[row + x]!;
    for (let x = 0; x < width; x++) {
      const lo = x - r - 1;
      const hi = x + r;
      if (x > 0) {
        if (hi < width) sum += src[row + hi]!;
        if (lo >= 0) sum -= src[row + lo]!;
      }
      const count = Math.min(hi, width - 1) - Math.max(x - r, 0) + 1;
      scratch[row + x] = sum / count;
    }
  }
  // Vertical sums of the horizontal means: column-wise running sums kept for a whole row at once.
  const colSum = new Float64Array(width);
  const firstRows = Math.min(r, height - 1);
  for (let y = 0; y <= firstRows; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) colSum[x]! += scratch[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const hi = y + r;
    const lo = y - r - 1;
    if (y > 0) {
      if (hi < height) {
        const row = hi * width;
        for (let x = 0; x < width; x++) colSum[x]! += scratch[row + x]!;
      }
      if (lo >= 0) {
        const row = lo * width;
        for (let x = 0; x < width; x++) colSum[x]! -= scratch[row + x]!;
      }
    }
    const count = Math.min(hi, height - 1) - Math.max(y - r, 0) + 1;
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = colSum[x]! / count;
  }
  return out;
}
