/**
 * No false holes. On a glossy subject (a varnished bead, a glazed mug, chrome) the highlights
 * reflect the studio, so they look like the pale backdrop, and the network lets its alpha dip
 * there; the edge sharpening then reads the highlight's colour as background and carves the dip
 * into a transparent hole. A true see-through hole (a mug's handle, a bangle, the gaps of a
 * chair) shows the background the subject stands on.
 *
 * Working on the network's matte at its working size: a dip is a region the matte leaves lower
 * than everything around it (found by filling the matte from the frame inwards, as water fills
 * basins: the filled value of a pixel is the lowest "rim" over which it could drain to the frame).
 * Each dip is judged by the evidence:
 * - how sure the network was that it sees background there (the dip's lowest alpha: a highlight
 *   dips to 0.3-0.6, a hole the network sees through reaches 0);
 * - the dip's size next to its rim's (a highlight is a small spot on a part; a hole is as wide as
 *   the part around it);
 * - whether the photo's colours in the dip agree with the background around the subject (the
 *   colour of the matte's confident background near the dip) better than with the subject's rim.
 * A dip judged a false hole is lifted to its rim; everything else is left as the network said.
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
  /** Mean photo colour in the dip (0..255), when a photo was given. */
  colour?: [number, number, number];
  /** Distance (RGB, 0..441) from the dip's colour to the nearest confident-background colour around, and to the rim's subject colour. */
  toBackground?: number;
  toSubject?: number;
  /** Of the subject's pixels (alpha >= 0.05) in the window of the dip's span around it, outside the dip, the share the matte holds confidently (alpha >= 0.9): a spot inside a solid part is near 1, a gap in fur or fronds far less. */
  solid: number;
  /**
   * Whether the photo shows a path from the dip to confident background through pixels of the
   * background's colour (within PATH_TOLERANCE of the nearest background colour): a gap between
   * strands or spindles opens onto the background; a highlight is ringed by the subject's body.
   */
  path?: boolean;
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

/** Dips deeper than `depth` (filled - alpha), with their evidence; `rgb` is the photo at the matte's size (interleaved). */
export function findDips(matte: Plane, rgb?: Uint8Array, depth = HOLE_DEPTH): { dips: Dip[]; labels: Int32Array; filled: Float32Array } {
  const { data, width: w, height: h } = matte;
  const filled = fillFromFrame(matte);
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < mask.length; i++) mask[i] = filled[i]! - data[i]! > depth ? 1 : 0;
  const { labels, count } = labelRegions(mask, w, h);
  const dips: Dip[] = Array.from({ length: count }, () => ({ area: 0, min: 1, mean: 0, rim: 0, x0: w, y0: h, x1: -1, y1: -1, solid: 0 }));
  const sums = new Float64Array(count * 3);
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
    if (rgb) for (let c = 0; c < 3; c++) sums[(l - 1) * 3 + c]! += rgb[i * 3 + c]!;
  }
  for (let k = 0; k < count; k++) {
    const d = dips[k]!;
    d.mean /= d.area;
    d.solid = solidity(matte, d, labels, k + 1);
    if (rgb) {
      d.colour = [sums[k * 3]! / d.area, sums[k * 3 + 1]! / d.area, sums[k * 3 + 2]! / d.area];
      const evidence = colourEvidence(matte, rgb, d, labels, k + 1);
      Object.assign(d, { toBackground: evidence.toBackground, toSubject: evidence.toSubject, path: colourPath(matte, rgb, d, labels, k + 1, evidence.background) });
    }
  }
  return { dips, labels, filled };
}

/**
 * How the dip's colour compares with the confident background near it (alpha < 0.05, within a
 * window of three times the dip's size around it, outside the dip) and with the subject's rim
 * (alpha > 0.9 in the same window): distances from the dip's mean colour to the nearest of a few
 * background colours (cells of the window's background) and to the rim's mean colour.
 */
function colourEvidence(matte: Plane, rgb: Uint8Array, d: Dip, labels: Int32Array, label: number): { toBackground: number; toSubject: number; background: number[][] } {
  const { data, width: w, height: h } = matte;
  const span = Math.max(d.x1 - d.x0, d.y1 - d.y0) + 1;
  const m = Math.max(4, span * 2);
  const x0 = Math.max(0, d.x0 - m), x1 = Math.min(w - 1, d.x1 + m), y0 = Math.max(0, d.y0 - m), y1 = Math.min(h - 1, d.y1 + m);
  // Background colours in cells of about the dip's size: the nearest one counts (a backdrop has a gradient).
  const cell = Math.max(2, span);
  const cols = Math.ceil((x1 - x0 + 1) / cell), rows = Math.ceil((y1 - y0 + 1) / cell);
  const bg = new Float64Array(cols * rows * 4);
  const sub = [0, 0, 0, 0];
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const i = y * w + x;
      if (labels[i] === label) continue;
      const a = data[i]!;
      if (a < 0.05) {
        const c = (Math.floor((y - y0) / cell) * cols + Math.floor((x - x0) / cell)) * 4;
        bg[c]! += 1;
        for (let k = 0; k < 3; k++) bg[c + 1 + k]! += rgb[i * 3 + k]!;
      } else if (a > 0.9) {
        sub[0]! += 1;
        for (let k = 0; k < 3; k++) sub[1 + k]! += rgb[i * 3 + k]!;
      }
    }
  }
  const [r, g, b] = d.colour!;
  let toBackground = Infinity;
  const background: number[][] = [];
  for (let c = 0; c < cols * rows; c++) {
    const n = bg[c * 4]!;
    if (n < 2) continue;
    background.push([bg[c * 4 + 1]! / n, bg[c * 4 + 2]! / n, bg[c * 4 + 3]! / n]);
    toBackground = Math.min(toBackground, Math.hypot(bg[c * 4 + 1]! / n - r, bg[c * 4 + 2]! / n - g, bg[c * 4 + 3]! / n - b));
  }
  const toSubject = sub[0]! ? Math.hypot(sub[1]! / sub[0]! - r, sub[2]! / sub[0]! - g, sub[3]! / sub[0]! - b) : Infinity;
  return { toBackground, toSubject, background };
}

/** A path runs only through pixels the network gave less than this (a highlight's halo on the subject's body does not count). */
export const PATH_ALPHA = 0.5;

/** RGB distance (0..441) within which a pixel looks like the background. */
export const PATH_TOLERANCE = 40;

/**
 * A flood from the dip through pixels that look like one of the background colours around it,
 * within the window of three spans around the dip: true when it reaches confident background
 * (alpha < 0.05) outside the dip.
 */
function colourPath(matte: Plane, rgb: Uint8Array, d: Dip, labels: Int32Array, label: number, background: number[][]): boolean {
  if (!background.length) return false;
  const { data, width: w, height: h } = matte;
  const m = 3 * (Math.max(d.x1 - d.x0, d.y1 - d.y0) + 1);
  const x0 = Math.max(0, d.x0 - m), x1 = Math.min(w - 1, d.x1 + m), y0 = Math.max(0, d.y0 - m), y1 = Math.min(h - 1, d.y1 + m);
  const ww = x1 - x0 + 1;
  const seen = new Uint8Array(ww * (y1 - y0 + 1));
  const stack: number[] = [];
  const t2 = PATH_TOLERANCE * PATH_TOLERANCE;
  const looksBackground = (i: number) => {
    const r = rgb[i * 3]!, g = rgb[i * 3 + 1]!, b = rgb[i * 3 + 2]!;
    for (const c of background) if ((c[0]! - r) ** 2 + (c[1]! - g) ** 2 + (c[2]! - b) ** 2 < t2) return true;
    return false;
  };
  for (let y = d.y0; y <= d.y1; y++) for (let x = d.x0; x <= d.x1; x++) if (labels[y * w + x] === label) { seen[(y - y0) * ww + x - x0] = 1; stack.push(y * w + x); }
  while (stack.length) {
    const i = stack.pop()!;
    const x = i % w, y = (i - x) / w;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx < x0 || xx > x1 || yy < y0 || yy > y1) continue;
      const k = (yy - y0) * ww + xx - x0;
      if (seen[k]) continue;
      seen[k] = 1;
      const j = yy * w + xx;
      if (data[j]! < 0.05) return true;
      // Through pixels that look like the background and that the network did not call subject.
      if (data[j]! < PATH_ALPHA && looksBackground(j)) stack.push(j);
    }
  }
  return false;
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
 * The matte with its false holes lifted to their rim: dips that are small (at most maxShare of the
 * frame), where the network never reached background (minAlpha), inside a confident solid part
 * (minRim, minSolid), and with no path through background-coloured pixels to the background
 * around the subject. `rgb`: the photo at the matte's size (the network's input). A new plane and
 * the number of dips lifted.
 */
export function fillFalseHoles(matte: Plane, rgb: Uint8Array, options: HoleOptions = {}): { data: Float32Array; filled: number } {
  const maxArea = (options.maxShare ?? HOLE_MAX_SHARE) * matte.width * matte.height;
  const { dips, labels, filled } = findDips(matte, rgb);
  const lift = new Uint8Array(dips.length + 1);
  let count = 0;
  dips.forEach((d, k) => {
    if (d.area > maxArea || d.min < (options.minAlpha ?? HOLE_MIN_ALPHA) || d.rim < (options.minRim ?? HOLE_MIN_RIM) || d.solid < (options.minSolid ?? HOLE_MIN_SOLID) || d.path) return;
    lift[k + 1] = 1;
    count++;
  });
  const out = Float32Array.from(matte.data);
  const one = (options.liftTo ?? 'one') === 'one';
  if (count) for (let i = 0; i < out.length; i++) if (lift[labels[i]!]) out[i] = one ? 1 : filled[i]!;
  return { data: out, filled: count };
}
