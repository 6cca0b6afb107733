/**
 * No specks: faint fragments of alpha detached from the subject go to background. Over foliage,
 * gravel and other fine texture the network leaves low-alpha blotches around the subject, and the
 * edge sharpening (which moves alpha only where it is already above 1%) then turns them into
 * visible specks. A fragment is a connected region of the matte above SUPPORT (8-connected); it is
 * a speck when nowhere in it did the network reach CONFIDENT (it never said "subject") and it is
 * small next to the largest fragment (its alpha summed, under KEEP_SHARE of that one's). The
 * subject, its soft fringes and the faint parts that touch it belong to a fragment that holds
 * confident pixels or is the largest, and stay as they are; a subject the network saw only faintly
 * as a whole (a close-up cut by the frame) is the largest fragment and stays too.
 *
 * Runs on the network's matte at its working size, before upsampling: a speck zeroed there is 0
 * after bilinear upsampling, and the sharpening leaves 0 alone.
 */
import type { Plane } from './types.ts';

export const SPECK_SUPPORT = 0.04;
export const SPECK_CONFIDENT = 0.5;
export const SPECK_KEEP_SHARE = 0.05;
/** Matte pixels around a speck whose faint rim goes with it. */
const RIM = 2;

export interface SpeckOptions {
  /** Alpha above this joins a fragment. */
  support?: number;
  /** A fragment that reaches this alpha anywhere is kept. */
  confident?: number;
  /** A faint fragment whose alpha sum is at least this share of the largest fragment's is kept. */
  keepShare?: number;
}

export interface SpeckResult {
  /** The matte with the specks zeroed (a new plane). */
  data: Float32Array;
  /** How many fragments and matte pixels were zeroed. */
  fragments: number;
  pixels: number;
}

/** Labels the 8-connected regions of `mask`; returns per-pixel labels (0: outside) and the count. */
export function labelRegions(mask: Uint8Array, w: number, h: number): { labels: Int32Array; count: number } {
  const labels = new Int32Array(w * h);
  const stack = new Int32Array(w * h);
  let count = 0;
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const label = ++count;
    let top = 0;
    stack[top++] = start;
    labels[start] = label;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % w, y = (i - x) / w;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const j = yy * w + xx;
          if (mask[j] && !labels[j]) {
            labels[j] = label;
            stack[top++] = j;
          }
        }
      }
    }
  }
  return { labels, count };
}

export function removeSpecks(matte: Plane, options: SpeckOptions = {}): SpeckResult {
  const support = options.support ?? SPECK_SUPPORT;
  const confident = options.confident ?? SPECK_CONFIDENT;
  const keepShare = options.keepShare ?? SPECK_KEEP_SHARE;
  const { data, width: w, height: h } = matte;
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i]! > support ? 1 : 0;
  const { labels, count } = labelRegions(mask, w, h);
  const out = Float32Array.from(data);
  if (count <= 1) return { data: out, fragments: 0, pixels: 0 };
  const mass = new Float64Array(count + 1);
  const peak = new Float32Array(count + 1);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!l) continue;
    mass[l]! += data[i]!;
    if (data[i]! > peak[l]!) peak[l] = data[i]!;
  }
  let largest = 0;
  for (let l = 1; l <= count; l++) largest = Math.max(largest, mass[l]!);
  const speck = new Uint8Array(count + 1);
  let fragments = 0;
  for (let l = 1; l <= count; l++) {
    if (peak[l]! < confident && mass[l]! < keepShare * largest) {
      speck[l] = 1;
      fragments++;
    }
  }
  let pixels = 0;
  for (let i = 0; i < labels.length; i++) {
    if (!speck[labels[i]!]) continue;
    out[i] = 0;
    pixels++;
    // The speck's faint rim (alpha at or under the support threshold, within RIM pixels) goes too:
    // left there, the sharpening could lift it back into a ring.
    const x = i % w, y = (i - x) / w;
    for (let yy = Math.max(0, y - RIM); yy <= Math.min(h - 1, y + RIM); yy++) {
      for (let xx = Math.max(0, x - RIM); xx <= Math.min(w - 1, x + RIM); xx++) {
        const j = yy * w + xx;
        if (!labels[j]) out[j] = 0;
      }
    }
  }
  return { data: out, fragments, pixels };
}
