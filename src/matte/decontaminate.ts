/**
 * Colour decontamination: estimates the true foreground colour F of each partly transparent
 * pixel, so no fringe of the old background survives on a new one. This is the blur-fusion
 * estimator of Forte and Pitie, "Approximate Fast Foreground Colour Estimation" (ICIP 2021):
 * a coarse pass (large radius) then a fine pass (small radius), each solving
 * I = aF + (1-a)B around locally averaged foreground and background colours.
 *
 * Speed: the local averages are smooth, so both passes average on grids (block-averaged by about
 * radius/8 and radius/3) and are interpolated; per-pixel work touches only the soft-edge pixels
 * (0 < alpha < 1), a few percent of a product photo. One dense pass over the frame fills both grids.
 */
import { boxMean } from './box.ts';
import { forEachSpan, TILE_ONE, type TileMap } from './tiles.ts';
import type { RgbImage } from './types.ts';

export interface DecontaminateOptions {
  /** Radius of the coarse pass, in pixels. */
  coarseRadius: number;
  /** Radius of the fine pass, in pixels. */
  fineRadius: number;
}

/** Radii that scale with the image: 90 and 6 px (the paper's) for a 1.2 MP photo. */
export function decontaminateRadiiFor(width: number, height: number): DecontaminateOptions {
  const scale = Math.sqrt(width * height) / 1100;
  return { coarseRadius: Math.max(8, Math.round(90 * scale)), fineRadius: Math.max(2, Math.round(6 * scale)) };
}

/** A grid over the frame: cell (cx, cy) covers pixels [cx*f, (cx+1)*f) x [cy*f, (cy+1)*f). */
class Grid {
  readonly width: number;
  readonly height: number;
  /** Cell column of each pixel column. */
  readonly colCell: Int32Array;
  constructor(
    readonly imageWidth: number,
    readonly imageHeight: number,
    readonly factor: number,
  ) {
    this.width = Math.ceil(imageWidth / factor);
    this.height = Math.ceil(imageHeight / factor);
    this.colCell = new Int32Array(imageWidth);
    for (let x = 0; x < imageWidth; x++) this.colCell[x] = Math.floor(x / factor);
  }
  planes(count: number): Float32Array[] {
    return Array.from({ length: count }, () => new Float32Array(this.width * this.height));
  }
  /** Pixels in each cell (edge cells may be partial). */
  counts(): Float32Array {
    const counts = new Float32Array(this.width * this.height);
    const f = this.factor;
    for (let cy = 0; cy < this.height; cy++) {
      const h = Math.min(f, this.imageHeight - cy * f);
      for (let cx = 0; cx < this.width; cx++) counts[cy * this.width + cx] = h * Math.min(f, this.imageWidth - cx * f);
    }
    return counts;
  }
  /** The four cells around pixel (x, y) and their bilinear weights. */
  weights(x: number, y: number, at: Int32Array, w: Float32Array): void {
    const f = this.factor;
    const fx = Math.min(Math.max((x + 0.5) / f - 0.5, 0), this.width - 1);
    const fy = Math.min(Math.max((y + 0.5) / f - 0.5, 0), this.height - 1);
    const x0 = Math.floor(fx), y0 = Math.floor(fy);
    const x1 = Math.min(x0 + 1, this.width - 1), y1 = Math.min(y0 + 1, this.height - 1);
    const wx = fx - x0, wy = fy - y0;
    at[0] = y0 * this.width + x0;
    at[1] = y0 * this.width + x1;
    at[2] = y1 * this.width + x0;
    at[3] = y1 * this.width + x1;
    w[0] = (1 - wx) * (1 - wy);
    w[1] = wx * (1 - wy);
    w[2] = (1 - wx) * wy;
    w[3] = wx * wy;
  }
}

/**
 * Box-averages the grid sums ([alpha, F*alpha x3] and optionally [B*(1-alpha) x3]) and returns
 * the local mean colours per cell: [F r, g, b] and, when given, [B r, g, b].
 */
function localColours(grid: Grid, sums: Float32Array[], counts: Float32Array, radius: number, row0 = 0, row1 = grid.height): Float32Array[] {
  const r = Math.max(1, Math.round(radius / grid.factor));
  // Only the cell rows [row0, row1) were summed: filter them alone (the rows read lie r inside).
  const from = row0 * grid.width, to = row1 * grid.width;
  const means = sums.map((plane) => {
    for (let i = from; i < to; i++) plane[i]! /= counts[i]!;
    const mean = new Float32Array(plane.length);
    mean.set(boxMean(plane.subarray(from, to), grid.width, row1 - row0, r), from);
    return mean;
  });
  const a = means[0]!;
  const colours = grid.planes(sums.length - 1);
  for (let i = from; i < to; i++) {
    const fWeight = 1 / (a[i]! + 1e-5);
    const bWeight = 1 / (1 - a[i]! + 1e-5);
    for (let c = 0; c < 3; c++) colours[c]![i] = means[1 + c]![i]! * fWeight;
    for (let c = 3; c < colours.length; c++) colours[c]![i] = means[1 + c]![i]! * bWeight;
  }
  return colours;
}

/**
 * Pixels fainter than this keep the photo's colour: at 2/255 coverage or less a colour error is
 * invisible on any background, and a network's matte leaves tens of thousands of such pixels
 * around a subject (40-70% of the soft pixels of the bench's 1.5 MP photos).
 */
const SOLVE_FROM = 2.5 / 255;

function lerp4(plane: Float32Array, at: Int32Array, w: Float32Array): number {
  return plane[at[0]!]! * w[0]! + plane[at[1]!]! * w[1]! + plane[at[2]!]! * w[2]! + plane[at[3]!]! * w[3]!;
}

/**
 * Blur-fusion's per-pixel step: the foreground colour F = Fm + a (I - a Fm - (1 - a) Bm) that
 * explains the observed colour I given local mean colours Fm, Bm and alpha a, clamped to 0..1.
 */
function solveForeground(observed: number, a: number, meanF: number, meanB: number): number {
  return clamp01(meanF + a * (observed - a * meanF - (1 - a) * meanB));
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/**
 * Decontaminating only part of the frame: rows [y0, y1) of `out` (the whole frame's RGB, which
 * the other parts share) are written; the windows read around them. Pixels of tiles that are
 * not work tiles are filled: the photo's colour where the tile is opaque, left 0 where it is
 * transparent. Soft pixels must lie in mixed tiles, and work tiles reach decontaminateReach()
 * around them.
 */
export interface DecontaminateRegion {
  tiles: TileMap;
  y0: number;
  y1: number;
  out: Uint8Array;
}

function grids(width: number, height: number, options: DecontaminateOptions): { coarse: Grid; fine: Grid } {
  return {
    coarse: new Grid(width, height, Math.max(1, Math.floor(options.coarseRadius / 8))),
    fine: new Grid(width, height, Math.max(1, Math.round(options.fineRadius / 3))),
  };
}

/** How far (pixels) the fine pass reads around a soft pixel: work tiles must reach this far around mixed ones. */
export function decontaminateReach(options: DecontaminateOptions): number {
  const f = Math.max(1, Math.round(options.fineRadius / 3));
  return (Math.max(1, Math.round(options.fineRadius / f)) + 3) * f;
}

/**
 * Returns interleaved 8-bit RGB: the estimated foreground colour where 0 < alpha < 255 (the
 * photo's own below SOLVE_FROM), the photo's own colour where alpha is 255, and black where alpha
 * is 0 (the removed background is not kept in the file). With a region, only its rows of its
 * `out` are written (and returned).
 */
export function decontaminate(image: RgbImage, alpha: Uint8Array, options: DecontaminateOptions, region?: DecontaminateRegion): Uint8Array {
  const { width, height, data } = image;
  const out = region ? region.out : new Uint8Array(width * height * 3);
  const y0 = region ? region.y0 : 0, y1 = region ? region.y1 : height;
  const { coarse, fine } = grids(width, height, options);
  const k = 1 / 255;
  /** Calls visit(x0, x1, y) for the computed pixels of rows [ya, yb). */
  const rows = (ya: number, yb: number, visit: (x0: number, x1: number, y: number) => void) => {
    ya = Math.max(0, ya);
    yb = Math.min(height, yb);
    if (region) forEachSpan(region.tiles, width, ya, yb, visit);
    else for (let y = ya; y < yb; y++) visit(0, width, y);
  };
  if (region) fillOpaqueTiles(region, data, width, height);

  // The coarse and fine cell rows whose sums the rows [y0, y1) read (whole frame without a region).
  const cm = region ? (Math.max(1, Math.round(options.coarseRadius / coarse.factor)) + 2) * coarse.factor : 0;
  const fm = region ? decontaminateReach(options) : 0;
  const cr0 = Math.max(0, Math.floor((y0 - cm) / coarse.factor)), cr1 = Math.min(coarse.height, Math.ceil((y1 + cm) / coarse.factor));
  const fr0 = Math.max(0, Math.floor((y0 - fm) / fine.factor)), fr1 = Math.min(fine.height, Math.ceil((y1 + fm) / fine.factor));

  // Coarse sums (alpha, I*alpha, I*(1-alpha)) from every `step`-th pixel in x and y: the coarse
  // averages span ~180 px, so a sample of them is as good as all of them.
  const cs = coarse.planes(7);
  const step = Math.max(1, Math.floor(coarse.factor / 4));
  const coarseCounts = new Float32Array(coarse.width * coarse.height);
  const [cA, cFr, cFg, cFb, cBr, cBg, cBb] = cs as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  for (let y = Math.ceil((cr0 * coarse.factor) / step) * step, yEnd = Math.min(height, cr1 * coarse.factor); y < yEnd; y += step) {
    const cRow = Math.floor(y / coarse.factor) * coarse.width;
    for (let x = 0; x < width; x += step) {
      const i = y * width + x, p = i * 3;
      const c = cRow + coarse.colCell[x]!;
      const a = alpha[i]! * k;
      const r = data[p]! * k, g = data[p + 1]! * k, b = data[p + 2]! * k;
      coarseCounts[c] += 1;
      cA[c] += a;
      cFr[c] += r * a;
      cFg[c] += g * a;
      cFb[c] += b * a;
      cBr[c] += r - r * a;
      cBg[c] += g - g * a;
      cBb[c] += b - b * a;
    }
  }

  // Fine sums: alpha, and F*alpha for opaque pixels (soft ones are added once estimated); the
  // output keeps the photo's colour wherever alpha > 0 until then (in the rows it writes).
  const fs = fine.planes(4);
  const soft: number[] = [];
  const [fA, fFr, fFg, fFb] = fs as [Float32Array, Float32Array, Float32Array, Float32Array];
  rows(fr0 * fine.factor, fr1 * fine.factor, (x0, x1, y) => {
    const fRow = Math.floor(y / fine.factor) * fine.width;
    const writes = y >= y0 && y < y1;
    for (let x = x0, i = y * width + x0, p = i * 3; x < x1; x++, i++, p += 3) {
      const a8 = alpha[i]!;
      if (a8 === 0) continue;
      if (writes) {
        out[p] = data[p]!;
        out[p + 1] = data[p + 1]!;
        out[p + 2] = data[p + 2]!;
      }
      const a = a8 * k;
      if (a < SOLVE_FROM) continue;
      const f = fRow + fine.colCell[x]!;
      fA[f] += a;
      if (a8 === 255) {
        fFr[f] += data[p]! * k;
        fFg[f] += data[p + 1]! * k;
        fFb[f] += data[p + 2]! * k;
      } else soft.push(i);
    }
  });
  if (soft.length === 0) return out;

  // Coarse pass: F1 from the coarse local colours at the soft pixels, into the fine sums.
  // Bc is kept per soft pixel for the fine pass.
  const [kFr, kFg, kFb, kBr, kBg, kBb] = localColours(coarse, cs, coarseCounts, options.coarseRadius, cr0, cr1) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const softB = new Float32Array(soft.length * 3);
  const at = new Int32Array(4);
  const w = new Float32Array(4);
  for (let s = 0; s < soft.length; s++) {
    const i = soft[s]!;
    const x = i % width, y = (i - x) / width;
    const a = alpha[i]! * k;
    coarse.weights(x, y, at, w);
    const fr = lerp4(kFr, at, w), fg = lerp4(kFg, at, w), fb = lerp4(kFb, at, w);
    const br = lerp4(kBr, at, w), bg = lerp4(kBg, at, w), bb = lerp4(kBb, at, w);
    softB[s * 3] = br;
    softB[s * 3 + 1] = bg;
    softB[s * 3 + 2] = bb;
    const cell = Math.floor(y / fine.factor) * fine.width + fine.colCell[x]!;
    fFr[cell] += solveForeground(data[i * 3]! * k, a, fr, br) * a;
    fFg[cell] += solveForeground(data[i * 3 + 1]! * k, a, fg, bg) * a;
    fFb[cell] += solveForeground(data[i * 3 + 2]! * k, a, fb, bb) * a;
  }
  // Fine pass: the final estimate at the soft pixels. Its background is the coarse one: the paper
  // re-blurs it by the fine radius, which barely moves a field already averaged over ~180 px.
  const [lFr, lFg, lFb] = localColours(fine, fs, fine.counts(), options.fineRadius, fr0, fr1) as [Float32Array, Float32Array, Float32Array];
  for (let s = 0; s < soft.length; s++) {
    const i = soft[s]!;
    const x = i % width, y = (i - x) / width;
    if (y < y0 || y >= y1) continue;
    const a = alpha[i]! * k;
    fine.weights(x, y, at, w);
    const fr = lerp4(lFr, at, w), fg = lerp4(lFg, at, w), fb = lerp4(lFb, at, w);
    out[i * 3] = Math.round(solveForeground(data[i * 3]! * k, a, fr, softB[s * 3]!) * 255);
    out[i * 3 + 1] = Math.round(solveForeground(data[i * 3 + 1]! * k, a, fg, softB[s * 3 + 1]!) * 255);
    out[i * 3 + 2] = Math.round(solveForeground(data[i * 3 + 2]! * k, a, fb, softB[s * 3 + 2]!) * 255);
  }
  return out;
}

/** The region's rows of opaque tiles that are not work tiles: the photo's own colour, row by row. */
function fillOpaqueTiles(region: DecontaminateRegion, rgb: Uint8Array, width: number, height: number): void {
  const { tiles, y0, y1, out } = region;
  forEachSpan(tiles, width, y0, Math.min(height, y1), (x0, x1, y) => out.set(rgb.subarray((y * width + x0) * 3, (y * width + x1) * 3), (y * width + x0) * 3), opaqueIdle(tiles));
}

/** Per tile, 1 for opaque tiles that are not work tiles. */
function opaqueIdle(tiles: TileMap): Uint8Array {
  return Uint8Array.from(tiles.kind, (v, t) => (v === TILE_ONE && !tiles.work[t] ? 1 : 0));
}
