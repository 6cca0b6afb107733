/**
 * Resampling of float planes: bilinear (pixel centres aligned, as in OpenCV and sharp) and
 * block averaging by an integer factor.
 */

/** Bilinear resize of a single-channel plane from (sw, sh) to (dw, dh). */
export function resizeBilinear(src: Float32Array, sw: number, sh: number, dw: number, dh: number, out = new Float32Array(dw * dh)): Float32Array {
  const sx = sw / dw;
  const sy = sh / dh;
  const x0s = new Int32Array(dw);
  const x1s = new Int32Array(dw);
  const fxs = new Float32Array(dw);
  for (let x = 0; x < dw; x++) {
    const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
    const x0 = Math.floor(fx);
    x0s[x] = x0;
    x1s[x] = Math.min(x0 + 1, sw - 1);
    fxs[x] = fx - x0;
  }
  for (let y = 0; y < dh; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const wy = fy - y0;
    const r0 = y0 * sw;
    const r1 = y1 * sw;
    const row = y * dw;
    for (let x = 0; x < dw; x++) {
      const a = x0s[x]!;
      const b = x1s[x]!;
      const wx = fxs[x]!;
      const top = src[r0 + a]! + (src[r0 + b]! - src[r0 + a]!) * wx;
      const bottom = src[r1 + a]! + (src[r1 + b]! - src[r1 + a]!) * wx;
      out[row + x] = top + (bottom - top) * wy;
    }
  }
  return out;
}

/**
 * Averages factor x factor blocks of an interleaved 8-bit image into float planes in 0..1, one
 * per channel. The last row and column of blocks may be partial.
 */
export function blockAveragePlanes(src: Uint8Array, width: number, height: number, channels: number, factor: number): { planes: Float32Array[]; width: number; height: number } {
  const w = Math.ceil(width / factor);
  const h = Math.ceil(height / factor);
  const planes = Array.from({ length: channels }, () => new Float32Array(w * h));
  const colBlock = new Int32Array(width);
  for (let x = 0; x < width; x++) colBlock[x] = Math.floor(x / factor);
  for (let y = 0; y < height; y++) {
    const by = Math.floor(y / factor) * w;
    const i = y * width * channels;
    for (let c = 0; c < channels; c++) {
      const plane = planes[c]!;
      for (let x = 0, j = i + c; x < width; x++, j += channels) plane[by + colBlock[x]!]! += src[j]!;
    }
  }
  // Cells in the last row and column may be partial.
  for (let by = 0; by < h; by++) {
    const rows = Math.min(factor, height - by * factor);
    for (let bx = 0; bx < w; bx++) {
      const k = 1 / (255 * rows * Math.min(factor, width - bx * factor));
      const b = by * w + bx;
      for (let c = 0; c < channels; c++) planes[c]![b]! *= k;
    }
  }
  return { planes, width: w, height: h };
}
