/**
 * No false holes. On a glossy subject (a varnished bead, a glazed mug, chrome) the highlights
 * reflect the studio, so they look like the pale backdrop, and the network lets its alpha dip
 * there; the edge sharpening then reads the highlight's colour as background and carves the dip
 * into a transparent hole. A true see-through hole (a mug's handle, a bangle, the gaps of a chair)
 * shows the background the subject stands on. Colour cannot tell them apart when the highlight
 * reflects that very background (the glossy proxy set is made so); the network's matte can:
 *
 * A dip is a region the matte holds lower than everything around it, found by filling the matte
 * from the frame inwards as water fills basins: a pixel's filled level is the lowest rim over which
 * it drains to the frame, so a dip's rim says whether there is a path from it to the background
 * that the network did not call subject. A dip is a false hole, and is lifted to opaque, when
 * - its rim is at least 0.8: no path out except across the subject's confident body;
 * - the network never reached background in it (its lowest alpha is at least 0.03): a hole the
 *   network sees through reaches 0, a highlight dips to 0.1-0.6;
 * - it is small (at most 1e-4 of the frame: about 100 matte pixels at 1024): a highlight is a spot,
 *   a see-through hole as wide as the part around it;
 * - the part around it is solid: of the subject's pixels in a window of the dip's size around it,
 *   at least 70% are confident (a gap among fur, fronds or wires is ringed by soft alpha).
 * Everything else stays as the network said; the sharpening still opens true holes the network
 * missed where the colours show them.
 */
import { labelRegions } from './specks.ts';
import type { Plane } from './types.ts';

/** A region of the matte lower than everything around it. */
export interface Dip {
  /** Matte pixels in it. */
  area: number;
  /** Its lowest alpha, its mean alpha and the rim level it fills to. */
  min: number;
  mean: number;
  rim: number;
  /** Bounding box (matte pixels). */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Of the subject's pixels (alpha >= 0.05) in the window of the dip's span around it, outside the dip, the share the matte holds confidently (alpha >= 0.9): a spot inside a solid part is near 1, a gap in fur or fronds far less. */
  solid: number;
}

/**
 * The matte filled from the frame inwards: each pixel raised to the lowest level over which it
 * connects to the frame's edge (grayscale reconstruction by erosion; a bucket queue over 256
 * levels, so linear in pixels).
 */
export function fillFromFrame(matte: Plane): Float32Array {
  const { data, width: w, height: h } = matte;
  const n = w * h;
  const level = (v: number) => Math.min(255, Math.max(0, Math.round(v * 255)));
  const filled = new Float32Array(n).fill(Infinity);
  const done = new Uint8Array(n);
  // Bucket queue: 256 singly linked lists of pixel indices.
  const head = new Int32Array(256).fill(-1);
  const next = new Int32Array(n);
  const push = (i: number, l: number) => {
    next[i] = head[l]!;
    head[l] = i;
  };
  for (let x = 0; x < w; x++) for (const y of [0, h - 1]) {
    const i = y * w + x;
    if (filled[i] !== Infinity) continue;
    filled[i] = data[i]!;
    push(i, level(data[i]!));
  }
  for (let y = 1; y < h - 1; y++) for (const x of [0, w - 1]) {
    const i = y * w + x;
    filled[i] = data[i]!;
    push(i, level(data[i]!));
  }
  for (let l = 0; l < 256; l++) {
    while (head[l]! >= 0) {
      const i = head[l]!;
      head[l] = next[i]!;
      if (done[i]) continue;
      done[i] = 1;
      const x = i % w, y = (i - x) / w;
      const f = filled[i]!;
      for (let k = 0; k < 4; k++) {
        const xx = k === 0 ? x - 1 : k === 1 ? x + 1 : x;
        const yy = k === 2 ? y - 1 : k === 3 ? y + 1 : y;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
        const j = yy * w + xx;
        if (done[j] || filled[j] !== Infinity) continue;
        const v = Math.max(data[j]!, f);
        filled[j] = v;
        push(j, Math.max(l, level(v)));
      }
    }
  }
  return filled;
}

/** Dips deeper than `depth` (filled - alpha), with their evidence. */
export function findDips(matte: Plane, depth = HOLE_DEPTH): { dips: Dip[]; labels: Int32Array; filled: Float32Array } {
  const { data, width: w, height: h } = matte;
  const filled = fillFromFrame(matte);
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < mask.length; i++) mask[i] = filled[i]! - data[i]! > depth ? 1 : 0;
  const { labels, count } = labelRegions(mask, w, h);
  const dips: Dip[] = Array.from({ length: count }, () => ({ area: 0, min: 1, mean: 0, rim: 0, x0: w, y0: h, x1: -1, y1: -1, solid: 0 }));
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!l) continue;
    const d = dips[l - 1]!;
    const x = i % w, y = (i - x) / w;
    d.area++;
    d.min = Math.min(d.min, data[i]!);
    d.mean += data[i]!;
    d.rim = Math.max(d.rim, filled[i]!);
    if (x < d.x0) d.x0 = x;
    if (x > d.x1) d.x1 = x;
    if (y < d.y0) d.y0 = y;
    if (y > d.y1) d.y1 = y;
  }
  for (let k = 0; k < count; k++) {
    const d = dips[k]!;
    d.mean /= d.area;
    d.solid = solidity(matte, d, labels, k + 1);

  }
  return { dips, labels, filled };
}

/** Of the pixels with alpha >= 0.05 in the window of the dip's span around it, outside the dip, the share with alpha >= 0.9. */
function solidity(matte: Plane, d: Dip, labels: Int32Array, label: number): number {
  const { data, width: w, height: h } = matte;
  const m = Math.max(d.x1 - d.x0, d.y1 - d.y0) + 1;
  let n = 0, sure = 0;
  for (let y = Math.max(0, d.y0 - m); y <= Math.min(h - 1, d.y1 + m); y++) {
    for (let x = Math.max(0, d.x0 - m); x <= Math.min(w - 1, d.x1 + m); x++) {
      const i = y * w + x;
      if (labels[i] === label) continue;
      if (data[i]! < 0.05) continue;
      n++;
      if (data[i]! >= 0.9) sure++;
    }
  }
  return n ? sure / n : 0;
}

/** Dips shallower than this (filled - alpha) are not dips. */
export const HOLE_DEPTH = 0.15;

export interface HoleOptions {
  /** Dips larger than this share of the frame are left open (a see-through hole the network saw as such). */
  maxShare?: number;
  /** Dips where the network went below this anywhere are left open (it saw background there). */
  minAlpha?: number;
  /** The dip must be ringed at or above this level (inside the subject's confident body). */
  minRim?: number;
  /** Of the subject pixels around the dip, at least this share must be confident (a solid part, not fur or fronds). */
  minSolid?: number;
  /** Lift a false hole to its rim (as the matte around it) or to 1 (opaque, so the sharpening leaves it alone). */
  liftTo?: 'rim' | 'one';
}

export const HOLE_MAX_SHARE = 1e-4;
export const HOLE_MIN_ALPHA = 0.03;
export const HOLE_MIN_RIM = 0.8;
export const HOLE_MIN_SOLID = 0.7;

/**
 * The matte with its false holes lifted (to 1, or to their rim): dips that are small (at most
 * maxShare of the frame), where the network never reached background (minAlpha), ringed by the
 * subject's confident body (minRim) inside a solid part (minSolid). A new plane and the number of
 * dips lifted.
 */
export function fillFalseHoles(matte: Plane, options: HoleOptions = {}): { data: Float32Array; filled: number } {
  const maxArea = (options.maxShare ?? HOLE_MAX_SHARE) * matte.width * matte.height;
  const { dips, labels, filled } = findDips(matte);
  const lift = new Uint8Array(dips.length + 1);
  let count = 0;
  dips.forEach((d, k) => {
    if (d.area > maxArea || d.min < (options.minAlpha ?? HOLE_MIN_ALPHA) || d.rim < (options.minRim ?? HOLE_MIN_RIM) || d.solid < (options.minSolid ?? HOLE_MIN_SOLID)) return;
    lift[k + 1] = 1;
    count++;
  });
  const out = Float32Array.from(matte.data);
  const one = (options.liftTo ?? 'one') === 'one';
  if (count) for (let i = 0; i < out.length; i++) if (lift[labels[i]!]) out[i] = one ? 1 : filled[i]!;
  return { data: out, filled: count };
}
