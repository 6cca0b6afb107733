/**
 * Synthetic photos with known truth for the touch-up tests: a red product on a grey textured
 * background, a blue box the network wrongly kept (with a soft fringe), or an arm it missed.
 */
import { seeded } from './images.ts';

type Shape = (x: number, y: number) => boolean;
const disc = (cx: number, cy: number, r: number): Shape => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const rect = (x0: number, y0: number, x1: number, y1: number): Shape => (x, y) => x >= x0 && x < x1 && y >= y0 && y < y1;
const union = (...s: Shape[]): Shape => (x, y) => s.some((f) => f(x, y));

/** Anti-aliased coverage (4x4 samples per pixel), 0..1. */
function coverage(w: number, h: number, shape: Shape): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let n = 0;
      for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (shape(x + (sx + 0.5) / 4, y + (sy + 0.5) / 4)) n++;
      out[y * w + x] = n / 16;
    }
  }
  return out;
}

export interface Scene {
  w: number;
  h: number;
  rgb: Uint8Array;
  /** The true subject matte, 0..255. */
  truth: Uint8Array;
}

/** Grey textured background, layers painted over it in order (colour, coverage). */
function paint(w: number, h: number, layers: Array<[readonly [number, number, number], Float32Array]>, seed = 1): Uint8Array {
  const rnd = seeded(seed);
  const rgb = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const noise = () => (rnd() - 0.5) * 12;
    let c = [128 + noise(), 124 + noise(), 118 + noise()];
    for (const [col, cov] of layers) {
      const a = cov[i]!;
      if (a > 0) c = c.map((v, k) => a * (col[k]! + noise()) + (1 - a) * v);
    }
    for (let k = 0; k < 3; k++) rgb[i * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]!)));
  }
  return rgb;
}

const RED = [200, 40, 40] as const;
const BLUE = [40, 60, 200] as const;
const toBytes = (a: Float32Array) => Uint8Array.from(a, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));

/** Pixels within `d` (Chebyshev) of a pixel where `m` > 0.5... a ring mask to exclude edges from exact checks. */
export function near(m: Float32Array, w: number, h: number, d: number, where: (v: number) => boolean): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    if (!where(m[y * w + x]!)) continue;
    for (let dy = -d; dy <= d; dy++) for (let dx = -d; dx <= d; dx++) {
      const xx = x + dx, yy = y + dy;
      if (xx >= 0 && yy >= 0 && xx < w && yy < h) out[yy * w + xx] = 1;
    }
  }
  return out;
}

/** A red product (disc) and, to its right, a blue box the network kept at 80% with a 4 px soft fringe. */
export function clutterScene(gap: number): Scene & { alpha0: Uint8Array; box: Float32Array; subject: Float32Array } {
  const w = 220, h = 160;
  const subject = coverage(w, h, disc(70, 80, 45));
  const boxShape = rect(115 + gap, 50, 175 + gap, 105);
  const box = coverage(w, h, boxShape);
  const rgb = paint(w, h, [[BLUE, box], [RED, subject]]);
  // The kept clutter and its fringe: 0.8 inside, falling to 0 over 4 px outside.
  const fringe = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const dx = Math.max(115 + gap - (x + 0.5), 0, x + 0.5 - (175 + gap)), dy = Math.max(50 - (y + 0.5), 0, y + 0.5 - 105);
    const d = Math.hypot(dx, dy);
    fringe[y * w + x] = 0.8 * Math.max(0, 1 - d / 4);
  }
  const alpha0 = new Float32Array(w * h);
  for (let i = 0; i < alpha0.length; i++) alpha0[i] = Math.max(subject[i]!, fringe[i]!);
  return { w, h, rgb, truth: toBytes(subject), alpha0: toBytes(alpha0), box: fringe, subject };
}

/** A red product: a disc with an arm; the network missed the arm (a soft cut where it joins). */
export function missedScene(): Scene & { alpha0: Uint8Array; arm: Float32Array } {
  const w = 240, h = 160;
  const body = disc(80, 80, 45);
  const armShape = rect(120, 68, 200, 92);
  const truthCov = coverage(w, h, union(body, armShape));
  const rgb = paint(w, h, [[RED, truthCov]], 3);
  const arm = coverage(w, h, (x, y) => armShape(x, y) && !body(x, y));
  const alpha0 = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * w + x;
    const cut = Math.min(1, Math.max(0, (x - 118) / 6)); // the network faded out over 6 px past x=118
    alpha0[i] = truthCov[i]! * (1 - cut);
  }
  return { w, h, rgb, truth: toBytes(truthCov), alpha0: toBytes(alpha0), arm };
}

