/**
 * Placing the cutout in the output frame: the subject's region of the full-resolution cutout,
 * resampled to its laid-out size and clipped to the frame. Separable triangle filtering on
 * alpha-premultiplied colour (no dark fringes): bilinear when enlarging, an area-like average
 * when shrinking (the filter widens with the reduction, so nothing aliases). Pure typed-array
 * math: 30-40 ms for a 1.8 MP layer here, against 110 ms for sharp's resize of the same.
 */
import type { Box } from '../image/encode.ts';

export interface Layer {
  /** The layer's position and size in the output frame (inside it). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** width*height*4 interleaved RGBA, colour not premultiplied. */
  rgba: Uint8Array;
}

export interface PlaceRequest {
  source: { width: number; height: number; rgb: Uint8Array; alpha: Uint8Array };
  /** The region of the source to carry (the subject's box, grown a little for its soft edge). */
  region: Box;
  scale: number;
  originX: number;
  originY: number;
  frame: { width: number; height: number };
}

export function placeSubject(req: PlaceRequest): Layer | null {
  const { source, scale, frame } = req;
  const r = clip(req.region, source.width, source.height);
  if (!r) return null;
  // Destination rectangle of the region, snapped to whole pixels.
  const dx0 = Math.round(req.originX + r.x * scale), dy0 = Math.round(req.originY + r.y * scale);
  const dw = Math.max(1, Math.round(req.originX + (r.x + r.width) * scale) - dx0);
  const dh = Math.max(1, Math.round(req.originY + (r.y + r.height) * scale) - dy0);
  const v = clip({ x: dx0, y: dy0, width: dw, height: dh }, frame.width, frame.height);
  if (!v) return null;

  const pre = premultiply(source.rgb, source.alpha, source.width, r.x, r.y, r.width, r.height);
  const cols = taps(v.x - dx0, v.width, dw / r.width, r.width);
  const rows = taps(v.y - dy0, v.height, dh / r.height, r.height);
  const across = resampleAcross(pre, r.width, r.height, cols.index, cols.w, cols.n, v.width, rows.index);
  const rgba = resampleDown(across, v.width, v.height, rows.index, rows.w, rows.n);
  return { ...v, rgba };
}

// The loops below take only numbers and typed arrays, so V8 keeps them optimised whatever
// objects the caller passes around.

/** The region's colour premultiplied by its alpha, as RGBA floats. */
function premultiply(rgb: Uint8Array, alpha: Uint8Array, stride: number, rx: number, ry: number, rw: number, rh: number): Float32Array {
  const pre = new Float32Array(rw * rh * 4);
  for (let y = 0; y < rh; y++) {
    let s = (ry + y) * stride + rx;
    let d = y * rw * 4;
    for (let x = 0; x < rw; x++, s++, d += 4) {
      const a = alpha[s]!;
      if (a === 0) continue;
      const k = a / 255;
      pre[d] = rgb[s * 3]! * k;
      pre[d + 1] = rgb[s * 3 + 1]! * k;
      pre[d + 2] = rgb[s * 3 + 2]! * k;
      pre[d + 3] = a;
    }
  }
  return pre;
}

/** Horizontal pass: every source row some output row reads, resampled to the output width. */
function resampleAcross(pre: Float32Array, rw: number, rh: number, index: Int32Array, w: Float32Array, n: number, outW: number, rowsUsed: Int32Array): Float32Array {
  // Rows no output row reads are never read, so the buffer need not be zeroed.
  const bytes = Buffer.allocUnsafeSlow(outW * rh * 16);
  const across = new Float32Array(bytes.buffer, bytes.byteOffset, outW * rh * 4);
  let first = rh, last = -1;
  for (let i = 0; i < rowsUsed.length; i++) {
    const r = rowsUsed[i]!;
    if (r < first) first = r;
    if (r > last) last = r;
  }
  for (let y = first; y <= last; y++) {
    const src = y * rw * 4, dst = y * outW * 4;
    for (let x = 0; x < outW; x++) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let t = x * n, end = t + n; t < end; t++) {
        const k = w[t]!;
        const i = src + index[t]! * 4;
        c0 += pre[i]! * k;
        c1 += pre[i + 1]! * k;
        c2 += pre[i + 2]! * k;
        c3 += pre[i + 3]! * k;
      }
      const o = dst + x * 4;
      across[o] = c0;
      across[o + 1] = c1;
      across[o + 2] = c2;
      across[o + 3] = c3;
    }
  }
  return across;
}

/** Vertical pass, then back to straight colour (a clamped array rounds and clamps on store; every byte is written). */
function resampleDown(across: Float32Array, outW: number, outH: number, index: Int32Array, w: Float32Array, n: number): Uint8Array {
  const bytes = Buffer.allocUnsafeSlow(outW * outH * 4);
  const rgba = new Uint8ClampedArray(bytes.buffer, bytes.byteOffset, outW * outH * 4);
  const rowLen = outW * 4;
  for (let y = 0; y < outH; y++) {
    const out = y * rowLen;
    if (n === 2) {
      // Enlarging: two rows, two weights (the common case, kept tight).
      const a = index[y * 2]! * rowLen, b = index[y * 2 + 1]! * rowLen;
      const wa = w[y * 2]!, wb = w[y * 2 + 1]!;
      for (let x = 0; x < rowLen; x += 4) {
        const c3 = across[a + x + 3]! * wa + across[b + x + 3]! * wb;
        if (c3 < 0.5) {
          rgba[out + x] = rgba[out + x + 1] = rgba[out + x + 2] = rgba[out + x + 3] = 0;
          continue;
        }
        const k = 255 / c3;
        rgba[out + x] = (across[a + x]! * wa + across[b + x]! * wb) * k;
        rgba[out + x + 1] = (across[a + x + 1]! * wa + across[b + x + 1]! * wb) * k;
        rgba[out + x + 2] = (across[a + x + 2]! * wa + across[b + x + 2]! * wb) * k;
        rgba[out + x + 3] = c3;
      }
      continue;
    }
    const base = y * n;
    for (let x = 0; x < rowLen; x += 4) {
      let c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (let t = 0; t < n; t++) {
        const k = w[base + t]!;
        const i = index[base + t]! * rowLen + x;
        c0 += across[i]! * k;
        c1 += across[i + 1]! * k;
        c2 += across[i + 2]! * k;
        c3 += across[i + 3]! * k;
      }
      if (c3 < 0.5) {
        rgba[out + x] = rgba[out + x + 1] = rgba[out + x + 2] = rgba[out + x + 3] = 0;
        continue;
      }
      const k = 255 / c3;
      rgba[out + x] = c0 * k;
      rgba[out + x + 1] = c1 * k;
      rgba[out + x + 2] = c2 * k;
      rgba[out + x + 3] = c3;
    }
  }
  return new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
}

/**
 * Filter taps for `count` output pixels starting at output offset `from`, for a resize by `scale`
 * of a source `length` long: a triangle whose radius is one source pixel when enlarging (plain
 * bilinear, 2 taps) and 1/scale source pixels when shrinking. Weights are normalised, indices
 * clamped to the source; `n` taps per output pixel.
 */
function taps(from: number, count: number, scale: number, length: number): { index: Int32Array; w: Float32Array; n: number } {
  const radius = Math.max(1, 1 / scale);
  const n = radius === 1 ? 2 : Math.ceil(2 * radius) + 1;
  const index = new Int32Array(count * n);
  const w = new Float32Array(count * n);
  for (let j = 0; j < count; j++) {
    const u = (from + j + 0.5) / scale - 0.5;
    const s = radius === 1 ? Math.floor(u) : Math.ceil(u - radius);
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const i = s + t;
      const weight = i < 0 || i >= length ? 0 : Math.max(0, 1 - Math.abs(i - u) / radius);
      index[j * n + t] = Math.min(length - 1, Math.max(0, i));
      w[j * n + t] = weight;
      sum += weight;
    }
    if (sum > 0) for (let t = 0; t < n; t++) w[j * n + t]! /= sum;
  }
  return { index, w, n };
}

function clip(b: Box, width: number, height: number): Box | null {
  const x0 = Math.max(0, b.x), y0 = Math.max(0, b.y);
  const x1 = Math.min(width, b.x + b.width), y1 = Math.min(height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}
