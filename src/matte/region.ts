/**
 * A region of the photo and matte, unpacked into float planes for the touch-up solvers, and
 * written back. Only the region's pixels are ever touched, so a stroke costs in proportion to the
 * area it can reach, not to the photo.
 */
import type { Box } from './hints.ts';

export interface Photo {
  /** Interleaved 8-bit RGB. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface RegionPlanes {
  box: Box;
  w: number;
  h: number;
  /** The photo's colour over the region, 0..1. */
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
  /** The matte over the region, 0..1. */
  a: Float32Array;
}

const INV255 = 1 / 255;

export function readRegion(photo: Photo, alpha: Uint8Array, box: Box): RegionPlanes {
  const { x: bx, y: by, width: w, height: h } = box;
  const n = w * h;
  const r = new Float32Array(n), g = new Float32Array(n), b = new Float32Array(n), a = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    const src = (by + y) * photo.width + bx;
    for (let x = 0, i = y * w, s = src; x < w; x++, i++, s++) {
      r[i] = photo.rgb[s * 3]! * INV255;
      g[i] = photo.rgb[s * 3 + 1]! * INV255;
      b[i] = photo.rgb[s * 3 + 2]! * INV255;
      a[i] = alpha[s]! * INV255;
    }
  }
  return { box, w, h, r, g, b, a };
}

/** Mean over 3x3 windows (clipped at the border): a little denoising for edge costs. */
export function blur3(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const l = x > 0 ? src[row + x - 1]! : src[row + x]!;
      const r = x < w - 1 ? src[row + x + 1]! : src[row + x]!;
      tmp[row + x] = (l + src[row + x]! + r) / 3;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const up = (y > 0 ? y - 1 : y) * w, row = y * w, down = (y < h - 1 ? y + 1 : y) * w;
    for (let x = 0; x < w; x++) out[row + x] = (tmp[up + x]! + tmp[row + x]! + tmp[down + x]!) / 3;
  }
  return out;
}

/**
 * Writes a region's new matte (0..1) into the full matte, and returns the box of the pixels
 * whose 8-bit value changed (null when none did).
 */
export function writeRegion(alpha: Uint8Array, width: number, box: Box, values: Float32Array): Box | null {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let y = 0; y < box.height; y++) {
    const dst = (box.y + y) * width + box.x;
    for (let x = 0, i = y * box.width; x < box.width; x++, i++) {
      const v = Math.round(values[i]! * 255);
      const q = v < 0 ? 0 : v > 255 ? 255 : v;
      if (alpha[dst + x] === q) continue;
      alpha[dst + x] = q;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x: box.x + x0, y: box.y + y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** The region's planes averaged over factor x factor blocks (the last row and column may be partial). */
export function downsampleRegion(pl: RegionPlanes, factor: number): RegionPlanes {
  const gw = Math.ceil(pl.w / factor), gh = Math.ceil(pl.h / factor);
  const avg = (src: Float32Array) => blockMean(src, pl.w, pl.h, factor, gw, gh);
  return { box: pl.box, w: gw, h: gh, r: avg(pl.r), g: avg(pl.g), b: avg(pl.b), a: avg(pl.a) };
}

function blockMean(src: Float32Array, w: number, h: number, f: number, gw: number, gh: number): Float32Array {
  const out = new Float32Array(gw * gh);
  const count = new Float32Array(gw * gh);
  for (let y = 0; y < h; y++) {
    const gy = ((y / f) | 0) * gw;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const c = gy + ((x / f) | 0);
      out[c]! += src[i]!;
      count[c]!++;
    }
  }
  for (let c = 0; c < out.length; c++) out[c]! /= count[c]!;
  return out;
}

/** Labels over factor x factor blocks: the label most of a block's labelled pixels carry (0 when none). */
export function downsampleLabels(labels: Uint8Array, w: number, h: number, factor: number): Uint8Array {
  const gw = Math.ceil(w / factor), gh = Math.ceil(h / factor);
  const ones = new Int32Array(gw * gh), twos = new Int32Array(gw * gh);
  for (let y = 0; y < h; y++) {
    const gy = ((y / factor) | 0) * gw;
    for (let x = 0, i = y * w; x < w; x++, i++) {
      const l = labels[i];
      if (l === 1) ones[gy + ((x / factor) | 0)]!++;
      else if (l === 2) twos[gy + ((x / factor) | 0)]!++;
    }
  }
  const out = new Uint8Array(gw * gh);
  for (let c = 0; c < out.length; c++) out[c] = ones[c]! === 0 && twos[c]! === 0 ? 0 : ones[c]! >= twos[c]! ? 1 : 2;
  return out;
}

/** Bilinear sampling positions of a block grid at full resolution: cell index and weight per column or row. */
export function gridTaps(length: number, cells: number, factor: number): { i0: Int32Array; i1: Int32Array; t: Float32Array } {
  const i0 = new Int32Array(length), i1 = new Int32Array(length), t = new Float32Array(length);
  for (let x = 0; x < length; x++) {
    const fx = Math.min(Math.max((x + 0.5) / factor - 0.5, 0), cells - 1);
    const a = Math.floor(fx);
    i0[x] = a;
    i1[x] = Math.min(a + 1, cells - 1);
    t[x] = fx - a;
  }
  return { i0, i1, t };
}
