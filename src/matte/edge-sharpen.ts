/**
 * Edges as sharp as the photo shows them. A matte upsampled from the network's working size
 * spreads a 1-2 px edge of a large photo over 4-7 px, and turns a wire thinner than one matte
 * pixel into a faint grey band. Where the photo itself separates the subject from its
 * background, its colours say where the edge really is: each pixel of the uncertain band is
 * explained as a mix of the local foreground colour F and background colour B (the two-colour
 * model I = aF + (1-a)B of alpha matting), a_c = (I - B).(F - B) / |F - B|^2.
 *
 * - B is the local mean colour weighted by (1 - alpha)^2: mostly background pixels.
 * - F is the local mean weighted by alpha x |I - B|^2: pixels the network gives some alpha that
 *   also look unlike the background. Weighting by alpha alone fails on a wire thinner than a matte
 *   pixel: its upsampled alpha is a faint band (0.3) as wide on the background as on the wire.
 * - How far a_c replaces the upsampled alpha depends on the evidence: how distinct F and B are
 *   against their own spread (a low-contrast or busy neighbourhood keeps the network's answer),
 *   and how much the upsampling blurred (a matte at the photo's own size has nothing to recover).
 *   True soft edges (fur, fronds, glass) stay soft: their pixels are mixtures, so a_c is fractional.
 *
 * Local means are computed on a grid and interpolated (as in decontaminate.ts); per-pixel work
 * beyond the two accumulation passes touches only the uncertain band.
 */
import { boxMean } from './box.ts';
import type { RgbImage } from './types.ts';

export interface SharpenOptions {
  /** Window radius in pixels for the local F and B colours: about the width of the blurred edge. */
  radius: number;
  /** 0..1: how far the colour evidence may move alpha (0 leaves the matte as it is). */
  strength: number;
  /** Alpha outside (band, 1 - band) is left alone. */
  band?: number;
  /**
   * Where the colours give little evidence, steepen the transition by this gain around 0.5
   * instead of keeping the upsampled ramp (1: keep it).
   */
  fallbackGain?: number;
  /** Weight of F's and B's own spread against their distance (default 4). */
  texturePenalty?: number;
}

/**
 * Options for a photo upsampled by `factor` (photo side / matte side), as measured on the proxy
 * sets (bench/matte-candidates.ts, issue 10): the window about three matte pixels wide; the
 * colour evidence trusted at every size (at or below the working size too: it helped small and
 * soft photos, 0.94x and 0.88x of bilinear); where it is weak, the transition steepened by a gain
 * that grows with the upsampling blur (1 at or below the working size, 5 from 3x up: steepening
 * helps large binary edges and hurts soft alpha, whose photos are small); F's and B's spread
 * weighted 1 against their distance (1 scored a little better than 2 and 4 on every set).
 */
export function sharpenOptionsFor(factor: number): Required<SharpenOptions> {
  return {
    radius: Math.max(2, Math.round(3 * Math.max(1, factor))),
    strength: 1,
    band: 0.01,
    fallbackGain: 1 + 2 * Math.min(2, Math.max(0, factor - 1)),
    texturePenalty: 1,
  };
}

/** A coarse grid of local means, read back by bilinear interpolation. */
class MeanGrid {
  readonly gw: number;
  readonly gh: number;
  readonly counts: Float32Array;
  constructor(
    readonly width: number,
    readonly height: number,
    readonly factor: number,
  ) {
    this.gw = Math.ceil(width / factor);
    this.gh = Math.ceil(height / factor);
    this.counts = new Float32Array(this.gw * this.gh);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) this.counts[this.cellOf(x, y)]! += 1;
  }
  cellOf(x: number, y: number): number {
    return Math.floor(y / this.factor) * this.gw + Math.floor(x / this.factor);
  }
  planes(n: number): Float32Array[] {
    return Array.from({ length: n }, () => new Float32Array(this.gw * this.gh));
  }
  /** Per-cell sums to window means (box of `radius` pixels), in place of the sums. */
  smooth(planes: Float32Array[], radius: number): Float32Array[] {
    const r = Math.max(1, Math.round(radius / this.factor));
    return planes.map((p) => {
      for (let i = 0; i < p.length; i++) p[i]! /= this.counts[i]!;
      return boxMean(p, this.gw, this.gh, r);
    });
  }
  /** Writes into `out` the planes' values at pixel (x, y). */
  sample(planes: Float32Array[], x: number, y: number, out: Float64Array): void {
    const fx = Math.min(Math.max((x + 0.5) / this.factor - 0.5, 0), this.gw - 1);
    const fy = Math.min(Math.max((y + 0.5) / this.factor - 0.5, 0), this.gh - 1);
    const x0 = Math.floor(fx), y0 = Math.floor(fy);
    const x1 = Math.min(x0 + 1, this.gw - 1), y1 = Math.min(y0 + 1, this.gh - 1);
    const wx = fx - x0, wy = fy - y0;
    const c00 = y0 * this.gw + x0, c01 = y0 * this.gw + x1, c10 = y1 * this.gw + x0, c11 = y1 * this.gw + x1;
    const w00 = (1 - wx) * (1 - wy), w01 = wx * (1 - wy), w10 = (1 - wx) * wy, w11 = wx * wy;
    for (let p = 0; p < planes.length; p++) {
      const m = planes[p]!;
      out[p] = m[c00]! * w00 + m[c01]! * w01 + m[c10]! * w10 + m[c11]! * w11;
    }
  }
}

/** Returns a new plane: `alpha` moved toward the colour evidence inside the uncertain band. */
export function sharpenEdges(image: RgbImage, alpha: Float32Array, options: SharpenOptions): Float32Array {
  const out = Float32Array.from(alpha);
  const band = options.band ?? 0.01;
  if (options.strength <= 0 || !alpha.some((a) => a > band && a < 1 - band)) return out;
  const { width, height, data } = image;
  const grid = new MeanGrid(width, height, Math.max(1, Math.round(options.radius / 3)));

  // Pass 1: the background colour, weighted by (1 - alpha)^2, and its spread.
  const bSums = grid.planes(5);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const k = (1 - alpha[i]!) ** 2;
      const r = data[i * 3]! / 255, g = data[i * 3 + 1]! / 255, b = data[i * 3 + 2]! / 255;
      const c = grid.cellOf(x, y);
      bSums[0]![c]! += k;
      bSums[1]![c]! += k * r;
      bSums[2]![c]! += k * g;
      bSums[3]![c]! += k * b;
      bSums[4]![c]! += k * (r * r + g * g + b * b);
    }
  }
  const bMeans = grid.smooth(bSums, options.radius);

  // Pass 2: the foreground colour, weighted by alpha x distance from the local background.
  const fSums = grid.planes(5);
  const s = new Float64Array(5);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const a = alpha[i]!;
      if (a <= 0) continue;
      grid.sample(bMeans, x, y, s);
      if (s[0]! < 1e-6) continue;
      const r = data[i * 3]! / 255, g = data[i * 3 + 1]! / 255, b = data[i * 3 + 2]! / 255;
      const dr = r - s[1]! / s[0]!, dg = g - s[2]! / s[0]!, db = b - s[3]! / s[0]!;
      const w = a * (dr * dr + dg * dg + db * db);
      const c = grid.cellOf(x, y);
      fSums[0]![c]! += w;
      fSums[1]![c]! += w * r;
      fSums[2]![c]! += w * g;
      fSums[3]![c]! += w * b;
      fSums[4]![c]! += w * (r * r + g * g + b * b);
    }
  }
  const fMeans = grid.smooth(fSums, options.radius);

  // Per pixel of the band: the two-colour alpha, trusted as far as F and B are told apart.
  const bs = new Float64Array(5);
  const fs = new Float64Array(5);
  const gain = options.fallbackGain ?? 1;
  const penalty = options.texturePenalty ?? 4;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const a = alpha[i]!;
      if (!(a > band && a < 1 - band)) continue;
      grid.sample(bMeans, x, y, bs);
      grid.sample(fMeans, x, y, fs);
      if (bs[0]! < 1e-6 || fs[0]! < 1e-9) {
        // one side never seen nearby: no colour evidence
        if (gain !== 1) out[i] = a + options.strength * (Math.min(1, Math.max(0, (a - 0.5) * gain + 0.5)) - a);
        continue;
      }
      const Br = bs[1]! / bs[0]!, Bg = bs[2]! / bs[0]!, Bb = bs[3]! / bs[0]!;
      const Fr = fs[1]! / fs[0]!, Fg = fs[2]! / fs[0]!, Fb = fs[3]! / fs[0]!;
      const varB = Math.max(0, bs[4]! / bs[0]! - (Br * Br + Bg * Bg + Bb * Bb));
      const varF = Math.max(0, fs[4]! / fs[0]! - (Fr * Fr + Fg * Fg + Fb * Fb));
      const dr = Fr - Br, dg = Fg - Bg, db = Fb - Bb;
      const d2 = dr * dr + dg * dg + db * db;
      const ir = data[i * 3]! / 255 - Br, ig = data[i * 3 + 1]! / 255 - Bg, ib = data[i * 3 + 2]! / 255 - Bb;
      let ac = (ir * dr + ig * dg + ib * db) / (d2 + 1e-6);
      ac = ac < 0 ? 0 : ac > 1 ? 1 : ac;
      // F and B must differ by more than their own spread, and visibly.
      const conf = d2 / (d2 + penalty * (varF + varB) + 0.0025);
      const prior = gain === 1 ? a : Math.min(1, Math.max(0, (a - 0.5) * gain + 0.5));
      let move = options.strength * (conf * ac + (1 - conf) * prior - a);
      // Toward the nearer of 0 and 1 the evidence moves alpha freely; away from it, as far as the
      // network was unsure (8a(1-a): a pixel it gave 0.98 moves at most 0.16), so an interior whose
      // colours happen to match the background nearby is not carved out.
      if ((a >= 0.5 && move < 0) || (a < 0.5 && move > 0)) {
        const limit = 8 * a * (1 - a);
        if (move > limit) move = limit;
        else if (move < -limit) move = -limit;
      }
      out[i] = a + move;
    }
  }
  return out;
}
