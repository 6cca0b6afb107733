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
import { forEachSpan, maskRuns, TILE_ZERO, type TileMap } from './tiles.ts';
import type { RgbImage } from './types.ts';

/**
 * Sharpening only part of the frame: the work tiles of `tiles` (the alpha plane need hold values
 * only there) and, of those, the rows [y0, y1), written to `out` at index i - y0 * width. Every
 * window the result reads lies within sharpenReach(options) of a mixed tile.
 */
export interface SharpenRegion {
  tiles: TileMap;
  y0: number;
  y1: number;
  out: Float32Array;
}

/** Grid cell size for a window radius: about a third of the window, never single pixels. */
function cellSize(radius: number): number {
  return Math.max(2, Math.round(radius / 3));
}

/** How far (pixels) the local colours of a band pixel are read from: work tiles must reach this far around mixed ones. */
export function sharpenReach(options: Pick<SharpenOptions, 'radius'>): number {
  const f = cellSize(options.radius);
  return (Math.ceil(options.radius / f) + 3) * f;
}

/** Rows above and below [y0, y1) whose pixels feed the result: the reach gate's distance and the windows. */
function sharpenMargin(options: SharpenOptions): number {
  const f = cellSize(options.radius);
  return 2 * (options.reach ?? 0) + sharpenReach(options) + 2 * f;
}

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
  /**
   * How far the colour evidence may pull alpha away from the steepened ramp: base + lift x (how much
   * the upsampled matte changes across 2 x spread pixels at the pixel: |da/dx| + |da/dy| over that
   * span). Where the network's matte is flat (a faint wash over wood grain or foliage, the inside
   * of a soft area) the evidence can only nudge it, so texture does not print into the matte as
   * streaks and specks; near an edge the matte changes fast and the evidence moves it freely.
   * Absent: no limit (as before issue 16).
   */
  evidenceLimit?: { spread: number; base: number; lift: number; direction?: 'both' | 'up' | 'down' };
  /**
   * Read the colour evidence along the contour, not at one pixel: the two-colour alpha is the
   * median of the pixel's and of its neighbours' `step` and 2 x `step` pixels away each way along
   * the contour (the tangent of the upsampled matte), with the pixel's own F and B. A smooth edge
   * is the same along its tangent, so it keeps its place and sharpness; a blade of grass or a
   * grain line that touches it is narrow along the tangent and drops out, so the contour follows
   * the photo's edge without spikes. Absent: the pixel alone (as before issue 16).
   */
  alongContour?: { step: number };
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
export function sharpenOptionsFor(factor: number): ResolvedSharpenOptions {
  return {
    radius: Math.max(2, Math.round(3 * Math.max(1, factor))),
    strength: 1,
    band: 0.01,
    fallbackGain: 1 + 2 * Math.min(2, Math.max(0, factor - 1)),
    texturePenalty: 1,
    reach: REACH_IN_RADII * Math.max(2, Math.round(3 * Math.max(1, factor))),
    ...(factor >= ALONG_CONTOUR_FROM ? { alongContour: { step: Math.max(1, factor / 2) } } : {}),
  };
}

/**
 * From this upsampling factor the colour evidence is read along the contour (taps half a matte
 * pixel apart): issue 16, measured in the matte lab (bench/README.md). It made contours 10-15%
 * smoother (bench/contour.ts roughness) on 3-13 MP photos, cost 12-19 MP wire objects 1% of
 * boundary MAE and 1.5-4 MP glossy ones 0.4%, and visibly removed blades of grass stuck to wires
 * at 1x; below 1.5x (small photos, soft subjects) it cost fur and fronds 2-3.5% and stays off.
 */
export const ALONG_CONTOUR_FROM = 1.5;

/** Every option set (the evidence limit stays optional: absent means none). */
export type ResolvedSharpenOptions = Required<Omit<SharpenOptions, 'evidenceLimit' | 'alongContour'>> & Pick<SharpenOptions, 'evidenceLimit' | 'alongContour'>;

/** sharpenOptionsFor's reach, in window radii (bench/matte-candidates.ts reach-*). */
export const REACH_IN_RADII = 6;

/** A coarse grid of local means, read back by bilinear interpolation. */
class MeanGrid {
  readonly gw: number;
  readonly gh: number;
  /** Cell column of each pixel column. */
  readonly colCell: Int32Array;
  constructor(
    readonly width: number,
    readonly height: number,
    readonly factor: number,
  ) {
    this.gw = Math.ceil(width / factor);
    this.gh = Math.ceil(height / factor);
    this.colCell = new Int32Array(width);
    for (let x = 0; x < width; x++) this.colCell[x] = Math.floor(x / factor);
  }
  /** Pixels in cell (cx, cy) (edge cells may be partial). */
  count(cx: number, cy: number): number {
    const f = this.factor;
    return Math.min(f, this.height - cy * f) * Math.min(f, this.width - cx * f);
  }
  cellOf(x: number, y: number): number {
    return Math.floor(y / this.factor) * this.gw + this.colCell[x]!;
  }
  /**
   * Per-cell sums to window means (a box of `radius` pixels, clipped at the frame), in place, for
   * values [from, to) of `cells` (STRIDE values per cell, cell rows [cy0, cy1) only, the first at
   * index 0), at the cells `near` marks in those rows. Cells not marked hold sums of 0. Work in
   * proportion to the marked cells, not to the grid.
   */
  smooth(cells: Float32Array, cy0: number, cy1: number, from: number, to: number, radius: number, tall: Uint8Array, tallRuns: Int32Array[], nearRuns: Int32Array[], scratch: Float32Array): void {
    const { gw } = this;
    const r = Math.max(1, Math.round(radius / this.factor));
    const n = to - from;
    const sum = new Float64Array(n);
    // Horizontal window means (of each cell's sum over its pixel count) at the cells within r rows
    // of a marked one (`tall`: the marked cells grown up and down by r)...
    const horizontal = scratch;
    for (let y = cy0; y < cy1; y++) {
      const runs = tallRuns[y]!;
      const local = (y - cy0) * gw;
      for (let j = 0; j < runs.length; j += 2) {
        const x = runs[j]!, end = runs[j + 1]! - 1;
        const at = (k: number) => (local + k) * STRIDE + from;
        sum.fill(0);
        for (let k = Math.max(0, x - r), hi = Math.min(gw - 1, x + r); k <= hi; k++) {
          const inv = 1 / this.count(k, y);
          for (let p = 0; p < n; p++) sum[p] += cells[at(k) + p]! * inv;
        }
        for (let c = x; c <= end; c++) {
          if (c > x) {
            const enter = c + r, leave = c - r - 1;
            if (enter < gw) {
              const inv = 1 / this.count(enter, y);
              for (let p = 0; p < n; p++) sum[p] += cells[at(enter) + p]! * inv;
            }
            if (leave >= 0) {
              const inv = 1 / this.count(leave, y);
              for (let p = 0; p < n; p++) sum[p] -= cells[at(leave) + p]! * inv;
            }
          }
          const k = 1 / (Math.min(gw - 1, c + r) - Math.max(0, c - r) + 1);
          for (let p = 0; p < n; p++) horizontal[(local + c) * n + p] = sum[p]! * k;
        }
      }
    }
    // ...then vertical ones, by running sums down the columns (rows added and removed only where
    // they hold horizontal means), read out at the marked cells.
    const column = new Float64Array(gw * n);
    const addRow = (y: number, sign: number) => {
      const runs = tallRuns[y]!;
      const base = (y - cy0) * gw * n;
      for (let j = 0; j < runs.length; j += 2) for (let q = runs[j]! * n, end = runs[j + 1]! * n; q < end; q++) column[q] += sign * horizontal[base + q]!;
    };
    for (let y = cy0; y < Math.min(cy0 + r, cy1); y++) addRow(y, 1);
    for (let y = cy0; y < cy1; y++) {
      if (y + r < cy1) addRow(y + r, 1);
      if (y - r - 1 >= cy0) addRow(y - r - 1, -1);
      const runs = nearRuns[y]!;
      if (!runs.length) continue;
      const k = 1 / (Math.min(cy1 - 1, y + r, this.gh - 1) - Math.max(cy0, y - r) + 1);
      const local = (y - cy0) * gw;
      for (let j = 0; j < runs.length; j += 2) {
        for (let c = runs[j]!; c < runs[j + 1]!; c++) for (let p = 0; p < n; p++) cells[(local + c) * STRIDE + from + p] = column[c * n + p]! * k;
      }
    }
    void tall;
  }
  /** Per pixel column, the two cell columns it is read between and the weight of the right one. */
  columnWeights(): { left: Int32Array; right: Int32Array; wx: Float64Array } {
    const { width, gw, factor } = this;
    const left = new Int32Array(width), right = new Int32Array(width), wx = new Float64Array(width);
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) / factor - 0.5, 0), gw - 1);
      left[x] = Math.floor(fx);
      right[x] = Math.min(left[x]! + 1, gw - 1);
      wx[x] = fx - left[x]!;
    }
    return { left, right, wx };
  }
}

/**
 * Values per cell of the grid, interleaved so that one pixel's reads touch four cache lines:
 * the background sums or means (weight, r, g, b, sum of squares), the same for the foreground,
 * and the reach gate.
 */
const STRIDE = 11;
const B = 0, F = 5, GATE = 10;

/** A cell mask grown by `r` cells up and down. */
function dilateColumns(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < w; x++) {
    let done = -1;
    for (let y = 0; y < h; y++) {
      if (!mask[y * w + x]) continue;
      const end = Math.min(h - 1, y + r);
      for (let k = Math.max(y - r, 0, done + 1); k <= end; k++) out[k * w + x] = 1;
      done = end;
    }
  }
  return out;
}

/**
 * A cell mask grown by `r` cells each way (a square window). (Until 2026-12 the running end of
 * each row's last window was off by one, leaving one-cell gaps at the rim of the grown ring, in
 * places that depended on cells far away.)
 */
export function dilate(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  return dilateColumns(dilateRows(mask, w, h, r), w, h, r);
}

/** A cell mask grown by `r` cells left and right. */
function dilateRows(mask: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < h; y++) {
    let done = -1; // cells up to here are already set in this row
    for (let x = 0; x < w; x++) {
      if (!mask[y * w + x]) continue;
      const end = Math.min(w - 1, x + r);
      for (let k = Math.max(x - r, 0, done + 1); k <= end; k++) out[y * w + k] = 1;
      done = end;
    }
  }
  return out;
}

/**
 * Per cell, how freely alpha may move: 1 within `reach` cells of a cell holding confident
 * background, fading to 0 at twice that (chamfer distance on the grid, two passes).
 */
function reachGate(background: Uint8Array, w: number, h: number, reach: number, y0 = 0, y1 = h): Float32Array {
  const d = new Float32Array(w * h);
  for (let i = y0 * w; i < y1 * w; i++) d[i] = background[i] ? 0 : 1e9;
  const D = Math.SQRT2;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      let v = d[i]!;
      if (x > 0) v = Math.min(v, d[i - 1]! + 1);
      if (y > y0) {
        v = Math.min(v, d[i - w]! + 1);
        if (x > 0) v = Math.min(v, d[i - w - 1]! + D);
        if (x < w - 1) v = Math.min(v, d[i - w + 1]! + D);
      }
      d[i] = v;
    }
  }
  for (let y = y1 - 1; y >= y0; y--) {
    for (let x = w - 1; x >= 0; x--) {
      const i = y * w + x;
      let v = d[i]!;
      if (x < w - 1) v = Math.min(v, d[i + 1]! + 1);
      if (y < y1 - 1) {
        v = Math.min(v, d[i + w]! + 1);
        if (x < w - 1) v = Math.min(v, d[i + w + 1]! + D);
        if (x > 0) v = Math.min(v, d[i + w - 1]! + D);
      }
      d[i] = v;
    }
  }
  const r = Math.max(1, reach);
  for (let i = y0 * w; i < y1 * w; i++) d[i] = Math.min(1, Math.max(0, (2 * r - d[i]!) / r));
  return d;
}

/**
 * `alpha` moved toward the colour evidence inside the uncertain band: a new plane, or with a
 * region, the region's rows written to its `out` (returned).
 */
export function sharpenEdges(image: RgbImage, alpha: Float32Array, options: SharpenOptions, region?: SharpenRegion): Float32Array {
  const { width, height, data } = image;
  const y0 = region ? region.y0 : 0, y1 = region ? region.y1 : height;
  const out = region ? region.out : Float32Array.from(alpha);
  const offset = y0 * width;
  /** Calls visit(x0, x1, y) for the computed pixels of rows [ya, yb). */
  const rows = (ya: number, yb: number, visit: (x0: number, x1: number, y: number) => void) => {
    ya = Math.max(0, ya);
    yb = Math.min(height, yb);
    if (region) forEachSpan(region.tiles, width, ya, yb, visit);
    else for (let y = ya; y < yb; y++) visit(0, width, y);
  };
  // With a region, the pixels it computes start as they are.
  if (region) rows(y0, y1, (x0, x1, y) => out.set(alpha.subarray(y * width + x0, y * width + x1), y * width + x0 - offset));
  const band = options.band ?? 0.01;
  if (options.strength <= 0) return out;
  // Cells of about a third of the window, never single pixels: box-filtering ten full-resolution
  // planes cost 300 ms at 1.5 MP.
  const grid = new MeanGrid(width, height, cellSize(options.radius));
  const { gw, gh, factor: f, colCell } = grid;
  const k255 = 1 / 255;
  // The cell rows whose flags can matter to rows [y0, y1).
  const margin = region ? sharpenMargin(options) : 0;
  const cy0 = Math.max(0, Math.floor((y0 - margin) / f)), cy1 = Math.min(gh, Math.ceil((y1 + margin) / f));

  // Only cells within the window of a band pixel need local colours: a ring along the outline.
  const inBand = new Uint8Array(gw * gh);
  const background = new Uint8Array(gw * gh);
  let anyBand = false;
  rows(cy0 * f, cy1 * f, (x0, x1, y) => {
    const row = Math.floor(y / f) * gw;
    for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
      const a = alpha[i]!;
      if (a > band && a < 1 - band) {
        inBand[row + colCell[x]!] = 1;
        anyBand = true;
      }
      if (a < 0.05) background[row + colCell[x]!] = 1;
    }
  });
  if (!anyBand) return out;
  if (region) markBackgroundTiles(region.tiles, background, grid, width, height, cy0, cy1);
  const reach = options.reach ?? 0;
  // The grid's values, for the cell rows [cy0, cy1) only (local row 0 is cy0).
  const cells = new Float32Array((cy1 - cy0) * gw * STRIDE);
  const gate = reach > 0 ? reachGate(background, gw, gh, reach / f, cy0, cy1) : undefined;
  const near = dilate(inBand, gw, gh, Math.ceil(options.radius / f) + 1);
  const nearRuns = maskRuns(near, gw, gh);
  const r = Math.max(1, Math.round(options.radius / f));
  const tall = dilateColumns(near, gw, gh, r);
  const tallRuns = maskRuns(tall, gw, gh);
  for (let cy = cy0; cy < cy1; cy++) {
    const runs = nearRuns[cy]!;
    for (let j = 0; j < runs.length; j += 2) for (let c = runs[j]!; c < runs[j + 1]!; c++) cells[((cy - cy0) * gw + c) * STRIDE + GATE] = gate ? gate[cy * gw + c]! : 1;
  }
  const scratch = new Float32Array((cy1 - cy0) * gw * 5);
  /** Calls visit(x0, x1, y) for each run of pixels of row y inside near cells. */
  const spans = (visit: (x0: number, x1: number, y: number) => void) => {
    for (let y = cy0 * f, yEnd = Math.min(height, cy1 * f); y < yEnd; y++) {
      const runs = nearRuns[Math.floor(y / f)]!;
      for (let k = 0; k < runs.length; k += 2) visit(runs[k]! * f, Math.min(width, runs[k + 1]! * f), y);
    }
  };

  // Pass 1: the background colour, weighted by (1 - alpha)^2, and its spread.
  spans((x0, x1, y) => {
    const row = (Math.floor(y / f) - cy0) * gw;
    for (let x = x0, i = y * width + x0, p = i * 3; x < x1; x++, i++, p += 3) {
      const o = 1 - alpha[i]!;
      const k = o * o;
      const r = data[p]! * k255, g = data[p + 1]! * k255, b = data[p + 2]! * k255;
      const c = (row + colCell[x]!) * STRIDE + B;
      cells[c] += k;
      cells[c + 1] += k * r;
      cells[c + 2] += k * g;
      cells[c + 3] += k * b;
      cells[c + 4] += k * (r * r + g * g + b * b);
    }
  });
  grid.smooth(cells, cy0, cy1, B, B + 5, options.radius, tall, tallRuns, nearRuns, scratch);

  // Pass 2: the foreground colour, weighted by alpha x distance from the local background.
  // The background colour of each pixel's own cell (interpolating it changed nothing measurable
  // and cost a third of the time).
  spans((x0, x1, y) => {
    const row = (Math.floor(y / f) - cy0) * gw;
    for (let x = x0, i = y * width + x0, p = i * 3; x < x1; x++, i++, p += 3) {
      const a = alpha[i]!;
      if (a < 0.002) continue;
      const c = (row + colCell[x]!) * STRIDE;
      const sw = cells[c + B]!;
      if (sw < 1e-6) continue;
      const r = data[p]! * k255, g = data[p + 1]! * k255, b = data[p + 2]! * k255;
      const dr = r - cells[c + B + 1]! / sw, dg = g - cells[c + B + 2]! / sw, db = b - cells[c + B + 3]! / sw;
      const w = a * (dr * dr + dg * dg + db * db);
      cells[c + F] += w;
      cells[c + F + 1] += w * r;
      cells[c + F + 2] += w * g;
      cells[c + F + 3] += w * b;
      cells[c + F + 4] += w * (r * r + g * g + b * b);
    }
  });
  grid.smooth(cells, cy0, cy1, F, F + 5, options.radius, tall, tallRuns, nearRuns, scratch);

  // Per pixel of the band: the two-colour alpha, trusted as far as F and B are told apart. The
  // grid is read bilinearly: once per row between its two cell rows (for the span's cells), then
  // per pixel between two cells.
  const gain = options.fallbackGain ?? 1;
  const penalty = options.texturePenalty ?? 4;
  const strength = options.strength;
  const along = !!options.alongContour;
  const alongStep = Math.max(1, options.alongContour?.step ?? 1);
  const taps = new Float64Array(5);
  const limited = !!options.evidenceLimit;
  const spread = Math.max(1, Math.round(options.evidenceLimit?.spread ?? 1)), spreadRows = spread * width;
  const limitBase = options.evidenceLimit?.base ?? 1, limitLift = options.evidenceLimit?.lift ?? 0;
  const limitBoth = (options.evidenceLimit?.direction ?? 'both') === 'both', limitUp = options.evidenceLimit?.direction === 'up';
  const { left, right, wx } = grid.columnWeights();
  const rowValues = new Float64Array(gw * STRIDE);
  rows(y0, y1, (x0, x1, y) => {
    let rowReady = false;
    for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
      const a = alpha[i]!;
      if (!(a > band && a < 1 - band)) continue;
      if (!rowReady) {
        // the values interpolated down to this row, at the cells the span reads (once, at its first band pixel)
        const fy = Math.min(Math.max((y + 0.5) / f - 0.5, 0), gh - 1);
        const top = Math.floor(fy), bottom = Math.min(top + 1, gh - 1), wy = fy - top;
        for (let c = left[x]!, cEnd = right[x1 - 1]!; c <= cEnd; c++) {
          const t = ((top - cy0) * gw + c) * STRIDE, b = ((bottom - cy0) * gw + c) * STRIDE, o = c * STRIDE;
          for (let p = 0; p < STRIDE; p++) rowValues[o + p] = cells[t + p]! + (cells[b + p]! - cells[t + p]!) * wy;
        }
        rowReady = true;
      }
      const l = left[x]! * STRIDE, r = right[x]! * STRIDE, w = wx[x]!;
      // How freely alpha may move here: the reach gate.
      const freedom = rowValues[l + GATE]! + (rowValues[r + GATE]! - rowValues[l + GATE]!) * w;
      const sB = rowValues[l + B]! + (rowValues[r + B]! - rowValues[l + B]!) * w;
      const sF = rowValues[l + F]! + (rowValues[r + F]! - rowValues[l + F]!) * w;
      if (sB < 1e-6 || sF < 1e-9) {
        // one side never seen nearby: no colour evidence
        if (gain !== 1) out[i - offset] = a + freedom * strength * (Math.min(1, Math.max(0, (a - 0.5) * gain + 0.5)) - a);
        continue;
      }
      const iB = 1 / sB, iF = 1 / sF;
      const Br = (rowValues[l + B + 1]! + (rowValues[r + B + 1]! - rowValues[l + B + 1]!) * w) * iB;
      const Bg = (rowValues[l + B + 2]! + (rowValues[r + B + 2]! - rowValues[l + B + 2]!) * w) * iB;
      const Bb = (rowValues[l + B + 3]! + (rowValues[r + B + 3]! - rowValues[l + B + 3]!) * w) * iB;
      const Bq = (rowValues[l + B + 4]! + (rowValues[r + B + 4]! - rowValues[l + B + 4]!) * w) * iB;
      const Fr = (rowValues[l + F + 1]! + (rowValues[r + F + 1]! - rowValues[l + F + 1]!) * w) * iF;
      const Fg = (rowValues[l + F + 2]! + (rowValues[r + F + 2]! - rowValues[l + F + 2]!) * w) * iF;
      const Fb = (rowValues[l + F + 3]! + (rowValues[r + F + 3]! - rowValues[l + F + 3]!) * w) * iF;
      const Fq = (rowValues[l + F + 4]! + (rowValues[r + F + 4]! - rowValues[l + F + 4]!) * w) * iF;
      const varB = Math.max(0, Bq - (Br * Br + Bg * Bg + Bb * Bb));
      const varF = Math.max(0, Fq - (Fr * Fr + Fg * Fg + Fb * Fb));
      const dr = Fr - Br, dg = Fg - Bg, db = Fb - Bb;
      const d2 = dr * dr + dg * dg + db * db;
      const ir = data[i * 3]! * k255 - Br, ig = data[i * 3 + 1]! * k255 - Bg, ib = data[i * 3 + 2]! * k255 - Bb;
      const inv = 1 / (d2 + 1e-6);
      let ac = (ir * dr + ig * dg + ib * db) * inv;
      if (along) {
        // The tangent of the upsampled matte here; where it is flat there is no contour to follow.
        const gx = alpha[x + 1 < width ? i + 1 : i]! - alpha[x > 0 ? i - 1 : i]!;
        const gy = alpha[y + 1 < height ? i + width : i]! - alpha[y > 0 ? i - width : i]!;
        const gl = Math.sqrt(gx * gx + gy * gy);
        if (gl > 1e-4) {
          const tx = -gy / gl, ty = gx / gl;
          let n = 0;
          taps[n++] = ac;
          for (let k = -2; k <= 2; k++) {
            if (k === 0) continue;
            const sx = Math.round(x + tx * alongStep * k), sy = Math.round(y + ty * alongStep * k);
            if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
            const j = (sy * width + sx) * 3;
            taps[n++] = ((data[j]! * k255 - Br) * dr + (data[j + 1]! * k255 - Bg) * dg + (data[j + 2]! * k255 - Bb) * db) * inv;
          }
          ac = medianOf(taps, n);
        }
      }
      ac = ac < 0 ? 0 : ac > 1 ? 1 : ac;
      // F and B must differ by more than their own spread, and visibly.
      const conf = d2 / (d2 + penalty * (varF + varB) + 0.0025);
      const prior = gain === 1 ? a : Math.min(1, Math.max(0, (a - 0.5) * gain + 0.5));
      let dev = conf * (ac - prior);
      if (limited && (limitBoth || (limitUp ? a < 0.5 && dev > 0 : a >= 0.5 && dev < 0))) {
        // How much the network's (upsampled) matte changes around this pixel.
        const xl = x >= spread ? i - spread : i - x, xr = x + spread < width ? i + spread : i + width - 1 - x;
        const yu = y >= spread ? i - spreadRows : i - y * width, yd = y + spread < height ? i + spreadRows : i + (height - 1 - y) * width;
        const lim = limitBase + limitLift * (Math.abs(alpha[xr]! - alpha[xl]!) + Math.abs(alpha[yd]! - alpha[yu]!));
        dev = dev > lim ? lim : dev < -lim ? -lim : dev;
      }
      let move = strength * (prior + dev - a) * freedom;
      // Toward the nearer of 0 and 1 the evidence moves alpha freely; away from it, as far as the
      // network was unsure (8a(1-a): a pixel it gave 0.98 moves at most 0.16), so an interior whose
      // colours happen to match the background nearby is not carved out.
      if ((a >= 0.5 && move < 0) || (a < 0.5 && move > 0)) {
        const limit = 8 * a * (1 - a);
        if (move > limit) move = limit;
        else if (move < -limit) move = -limit;
      }
      out[i - offset] = a + move;
    }
  });
  return out;
}

/** The median of the first n (1..5) values of `v` (sorted in place). */
function medianOf(v: Float64Array, n: number): number {
  for (let a = 1; a < n; a++) {
    const t = v[a]!;
    let b = a - 1;
    while (b >= 0 && v[b]! > t) {
      v[b + 1] = v[b]!;
      b--;
    }
    v[b + 1] = t;
  }
  return n % 2 ? v[(n - 1) >> 1]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
}

/** Cells overlapping a transparent tile hold confident background (the scan reads only work tiles). */
function markBackgroundTiles(tiles: TileMap, background: Uint8Array, grid: MeanGrid, width: number, height: number, cy0: number, cy1: number): void {
  const { size, cols, rows, kind, work } = tiles;
  const f = grid.factor;
  for (let r = Math.floor((cy0 * f) / size); r < rows && r * size < cy1 * f; r++) {
    for (let c = 0; c < cols; c++) {
      const t = r * cols + c;
      if (work[t] || kind[t] !== TILE_ZERO) continue;
      const gx0 = Math.floor((c * size) / f), gx1 = Math.floor((Math.min(width, (c + 1) * size) - 1) / f);
      const gy0 = Math.max(cy0, Math.floor((r * size) / f)), gy1 = Math.min(cy1 - 1, Math.floor((Math.min(height, (r + 1) * size) - 1) / f));
      for (let gy = gy0; gy <= gy1; gy++) background.fill(1, gy * grid.gw + gx0, gy * grid.gw + gx1 + 1);
    }
  }
}
