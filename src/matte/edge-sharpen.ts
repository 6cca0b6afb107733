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
  /**
   * Pixels move freely only within this many pixels of confident background (alpha < 0.05), and
   * not at all beyond twice as far (0: everywhere). A wide grey region inside the subject, where
   * the network was unsure of a whole area rather than of an edge, is not an edge to sharpen: the
   * colour evidence there reads the subject's own texture as a mix and carves it into blotches.
   */
  reach?: number;
}

/**
 * Options for a photo upsampled by `factor` (photo side / matte side), as measured on the proxy
 * sets (bench/matte-candidates.ts, issue 10): the window about three matte pixels wide; the
 * colour evidence trusted at every size (at or below the working size too: it helped small and
 * soft photos, 0.94x and 0.88x of bilinear); where it is weak, the transition steepened by a gain
 * that grows with the upsampling blur (1 at or below the working size, 5 from 3x up: steepening
 * helps large binary edges and hurts soft alpha, whose photos are small); F's and B's spread
 * weighted 1 against their distance (1 scored a little better than 2 and 4 on every set); alpha
 * free to move within six window radii of confident background, fading out at twelve. Moving it
 * everywhere scored best on the proxies (0.82x / 0.83x / 0.90x of bilinear against 0.84x / 0.86x /
 * 0.92x at six radii, 0.85x / 0.89x / 0.94x at three), but on real photos where the network was
 * unsure of a whole area (a saucer in shadow) it carved the subject's texture into grey blotches.
 */
export function sharpenOptionsFor(factor: number): Required<SharpenOptions> {
  return {
    radius: Math.max(2, Math.round(3 * Math.max(1, factor))),
    strength: 1,
    band: 0.01,
    fallbackGain: 1 + 2 * Math.min(2, Math.max(0, factor - 1)),
    texturePenalty: 1,
    reach: REACH_IN_RADII * Math.max(2, Math.round(3 * Math.max(1, factor))),
  };
}

/** sharpenOptionsFor's reach, in window radii (bench/matte-candidates.ts reach-*). */
export const REACH_IN_RADII = 6;

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
    for (let cy = 0; cy < this.gh; cy++) {
      const h = Math.min(factor, height - cy * factor);
      for (let cx = 0; cx < this.gw; cx++) this.counts[cy * this.gw + cx] = h * Math.min(factor, width - cx * factor);
    }
  }
  cellOf(x: number, y: number): number {
    return Math.floor(y / this.factor) * this.gw + Math.floor(x / this.factor);
  }
  planes(n: number): Float32Array[] {
    return Array.from({ length: n }, () => new Float32Array(this.gw * this.gh));
  }
  /**
   * Per-cell sums to window means (box of `radius` pixels), in place of the sums, over the cells
   * of `box` (grown by the window; cells outside keep their sums, which nobody reads).
   */
  smooth(planes: Float32Array[], radius: number, box: { x0: number; y0: number; x1: number; y1: number }): Float32Array[] {
    const r = Math.max(1, Math.round(radius / this.factor));
    const x0 = Math.max(0, box.x0 - r), y0 = Math.max(0, box.y0 - r);
    const x1 = Math.min(this.gw, box.x1 + r), y1 = Math.min(this.gh, box.y1 + r);
    const w = x1 - x0, h = y1 - y0;
    return planes.map((p) => {
      const sub = new Float32Array(w * h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) sub[y * w + x] = p[(y0 + y) * this.gw + x0 + x]! / this.counts[(y0 + y) * this.gw + x0 + x]!;
      const mean = boxMean(sub, w, h, r);
      for (let y = 0; y < h; y++) p.set(mean.subarray(y * w, (y + 1) * w), (y0 + y) * this.gw + x0);
      return p;
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

/** A cell mask grown by `r` cells each way (a square window). */
function dilate(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const across = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    let last = -Infinity;
    for (let x = 0; x < w; x++) if (mask[y * w + x]) for (let k = Math.max(x - r, 0, last + 1); k <= Math.min(w - 1, x + r); k++, last = k) across[y * w + k] = 1;
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < w; x++) {
    let last = -Infinity;
    for (let y = 0; y < h; y++) if (across[y * w + x]) for (let k = Math.max(y - r, 0, last + 1); k <= Math.min(h - 1, y + r); k++, last = k) out[k * w + x] = 1;
  }
  return out;
}

/**
 * Per cell, how freely alpha may move: 1 within `reach` cells of a cell holding confident
 * background, fading to 0 at twice that (chamfer distance on the grid, two passes).
 */
function reachGate(background: Uint8Array, w: number, h: number, reach: number): Float32Array {
  const d = new Float32Array(w * h);
  for (let i = 0; i < d.length; i++) d[i] = background[i] ? 0 : 1e9;
  const D = Math.SQRT2;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v = d[i]!;
      if (x > 0) v = Math.min(v, d[i - 1]! + 1);
      if (y > 0) {
        v = Math.min(v, d[i - w]! + 1);
        if (x > 0) v = Math.min(v, d[i - w - 1]! + D);
        if (x < w - 1) v = Math.min(v, d[i - w + 1]! + D);
      }
      d[i] = v;
    }
  }
  for (let y = h - 1; y >= 0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      let v = d[i]!;
      if (x < w - 1) v = Math.min(v, d[i + 1]! + 1);
      if (y < h - 1) {
        v = Math.min(v, d[i + w]! + 1);
        if (x < w - 1) v = Math.min(v, d[i + w + 1]! + D);
        if (x > 0) v = Math.min(v, d[i + w - 1]! + D);
      }
      d[i] = v;
    }
  }
  const r = Math.max(1, reach);
  for (let i = 0; i < d.length; i++) d[i] = Math.min(1, Math.max(0, (2 * r - d[i]!) / r));
  return d;
}

/** Returns a new plane: `alpha` moved toward the colour evidence inside the uncertain band. */
export function sharpenEdges(image: RgbImage, alpha: Float32Array, options: SharpenOptions): Float32Array {
  const out = Float32Array.from(alpha);
  const band = options.band ?? 0.01;
  if (options.strength <= 0) return out;
  const { width, height, data } = image;
  // Cells of about a third of the window, never single pixels: box-filtering ten full-resolution
  // planes cost 300 ms at 1.5 MP.
  const grid = new MeanGrid(width, height, Math.max(2, Math.round(options.radius / 3)));
  const { gw, gh, factor: f } = grid;

  // Only cells within the window of a band pixel need local colours: a ring along the outline.
  const inBand = new Uint8Array(gw * gh);
  const background = new Uint8Array(gw * gh);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y / f) * gw;
    for (let x = 0; x < width; x++) {
      const a = alpha[y * width + x]!;
      if (a > band && a < 1 - band) inBand[row + Math.floor(x / f)] = 1;
      if (a < 0.05) background[row + Math.floor(x / f)] = 1;
    }
  }
  if (!inBand.includes(1)) return out;
  const reach = options.reach ?? 0;
  const gate = reach > 0 ? [reachGate(background, gw, gh, reach / f)] : undefined;
  const gateAt = new Float64Array(1);
  /** How freely alpha may move at (x, y): the reach gate, interpolated. */
  const freedom = (x: number, y: number): number => {
    if (!gate) return 1;
    grid.sample(gate, x, y, gateAt);
    return gateAt[0]!;
  };
  const near = dilate(inBand, gw, gh, Math.ceil(options.radius / f) + 1);
  const box = { x0: gw, y0: gh, x1: 0, y1: 0 };
  for (let cy = 0; cy < gh; cy++) {
    for (let cx = 0; cx < gw; cx++) {
      if (!near[cy * gw + cx]) continue;
      box.x0 = Math.min(box.x0, cx);
      box.y0 = Math.min(box.y0, cy);
      box.x1 = Math.max(box.x1, cx + 1);
      box.y1 = Math.max(box.y1, cy + 1);
    }
  }
  /** Calls visit(x0, x1, y) for each run of pixels of row y inside near cells. */
  const spans = (visit: (x0: number, x1: number, y: number) => void) => {
    for (let y = 0; y < height; y++) {
      const row = Math.floor(y / f) * gw;
      for (let cx = 0; cx < gw; cx++) {
        if (!near[row + cx]) continue;
        let end = cx;
        while (end + 1 < gw && near[row + end + 1]) end++;
        visit(cx * f, Math.min(width, (end + 1) * f), y);
        cx = end;
      }
    }
  };

  // Pass 1: the background colour, weighted by (1 - alpha)^2, and its spread.
  const bSums = grid.planes(5);
  const [bw, br, bg, bb, bq] = bSums as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  spans((x0, x1, y) => {
    const row = Math.floor(y / f) * gw;
    for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
      const k = (1 - alpha[i]!) * (1 - alpha[i]!);
      const r = data[i * 3]! / 255, g = data[i * 3 + 1]! / 255, b = data[i * 3 + 2]! / 255;
      const c = row + Math.floor(x / f);
      bw[c]! += k;
      br[c]! += k * r;
      bg[c]! += k * g;
      bb[c]! += k * b;
      bq[c]! += k * (r * r + g * g + b * b);
    }
  });
  const bMeans = grid.smooth(bSums, options.radius, box);

  // Pass 2: the foreground colour, weighted by alpha x distance from the local background.
  const fSums = grid.planes(5);
  const [fw, fr, fg, fb, fq] = fSums as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  // The background colour of each pixel's own cell (interpolating it changed nothing measurable
  // and cost a third of the time).
  const [mbw, mbr, mbg, mbb] = bMeans as [Float32Array, Float32Array, Float32Array, Float32Array];
  spans((x0, x1, y) => {
    const row = Math.floor(y / f) * gw;
    for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
      const a = alpha[i]!;
      if (a < 0.002) continue;
      const cell = row + Math.floor(x / f);
      const sw = mbw[cell]!;
      if (sw < 1e-6) continue;
      const r = data[i * 3]! / 255, g = data[i * 3 + 1]! / 255, b = data[i * 3 + 2]! / 255;
      const dr = r - mbr[cell]! / sw, dg = g - mbg[cell]! / sw, db = b - mbb[cell]! / sw;
      const w = a * (dr * dr + dg * dg + db * db);
      fw[cell]! += w;
      fr[cell]! += w * r;
      fg[cell]! += w * g;
      fb[cell]! += w * b;
      fq[cell]! += w * (r * r + g * g + b * b);
    }
  });
  const fMeans = grid.smooth(fSums, options.radius, box);

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
        if (gain !== 1) out[i] = a + freedom(x, y) * options.strength * (Math.min(1, Math.max(0, (a - 0.5) * gain + 0.5)) - a);
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
      move *= freedom(x, y);
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
