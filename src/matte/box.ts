/**
 * Box (mean) filtering of single-channel float planes with running sums: O(pixels) whatever
 * the radius. Windows are clipped at the borders and normalised by the pixels they hold, so a
 * constant plane stays constant.
 */

/** 1 / (number of window taps inside [0, length)) for each position. */
function inverseCounts(length: number, r: number): Float32Array {
  const inv = new Float32Array(length);
  for (let i = 0; i < length; i++) inv[i] = 1 / (Math.min(i + r, length - 1) - Math.max(i - r, 0) + 1);
  return inv;
}

/** Mean over the (2r+1)x(2r+1) window around each pixel, into `out` (which may not alias `src`). */
export function boxMean(src: Float32Array, width: number, height: number, radius: number, out = new Float32Array(src.length), scratch = new Float32Array(src.length)): Float32Array {
  const r = Math.max(0, Math.floor(radius));
  const invX = inverseCounts(width, r);
  const invY = inverseCounts(height, r);
  // Horizontal running sums: taps enter at x + r and leave at x - r - 1.
  const enterEnd = width - r; // x < enterEnd: the entering tap x + r is inside the row
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = 0, last = Math.min(r, width) - 1; x <= last; x++) sum += src[row + x]!;
    let x = 0;
    for (; x < width && x <= r; x++) {
      if (x < enterEnd) sum += src[row + x + r]!;
      scratch[row + x] = sum * invX[x]!;
    }
    for (; x < enterEnd; x++) {
      sum += src[row + x + r]! - src[row + x - r - 1]!;
      scratch[row + x] = sum * invX[x]!;
    }
    for (; x < width; x++) {
      sum -= src[row + x - r - 1]!;
      scratch[row + x] = sum * invX[x]!;
    }
  }
  // Vertical running sums over whole rows at once (cache friendly).
  const colSum = new Float64Array(width);
  for (let y = 0, last = Math.min(r, height) - 1; y <= last; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) colSum[x]! += scratch[row + x]!;
  }
  for (let y = 0; y < height; y++) {
    const enter = y + r;
    const leave = y - r - 1;
    if (enter < height) {
      const row = enter * width;
      for (let x = 0; x < width; x++) colSum[x]! += scratch[row + x]!;
    }
    if (leave >= 0) {
      const row = leave * width;
      for (let x = 0; x < width; x++) colSum[x]! -= scratch[row + x]!;
    }
    const k = invY[y]!;
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = colSum[x]! * k;
  }
  return out;
}
