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
  let anySoft = false;
  for (let y = Math.ceil((cr0 * coarse.factor) / step) * step, yEnd = Math.min(height, cr1 * coarse.factor); y < yEnd; y += step) {
    const cRow = Math.floor(y / coarse.factor) * coarse.width;
    for (let x = 0; x < width; x += step) {
      const i = y * width + x, p = i * 3;
      const c = cRow + coarse.colCell[x]!;
      const a8 = alpha[i]!;
      const a = a8 * k;
      if (a8 !== 0 && a8 !== 255) anySoft = true;
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
  // The coarse local colours, interleaved per cell (F r g b, B r g b), for the cell rows [cr0, cr1).
  const K = interleave(localColours(coarse, cs, coarseCounts, options.coarseRadius, cr0, cr1), coarse.width, cr0, cr1);
  const coarseRow = new RowReader(coarse, K, 6, cr0);

  // One pass over the fine rows: the output keeps the photo's colour wherever alpha > 0 (in the
  // rows it writes) until solved; the fine sums take alpha, F*alpha of opaque pixels, and the
  // coarse pass's F1*alpha of soft ones (no list of soft pixels is kept).
  const fs = fine.planes(4);
  const [fA, fFr, fFg, fFb] = fs as [Float32Array, Float32Array, Float32Array, Float32Array];
  const C = new Float64Array(6);
  rows(fr0 * fine.factor, fr1 * fine.factor, (x0, x1, y) => {
    const fRow = Math.floor(y / fine.factor) * fine.width;
    const writes = y >= y0 && y < y1;
    let rowReady = false;
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
        continue;
      }
      anySoft = true;
      if (!rowReady) {
        coarseRow.row(y, x0, x1);
        rowReady = true;
      }
      coarseRow.at(x, C);
      fFr[f] += solveForeground(data[p]! * k, a, C[0]!, C[3]!) * a;
      fFg[f] += solveForeground(data[p + 1]! * k, a, C[1]!, C[4]!) * a;
      fFb[f] += solveForeground(data[p + 2]! * k, a, C[2]!, C[5]!) * a;
    }
  });
  if (!anySoft) return out;

  // Fine pass: the final estimate at the soft pixels of the rows written. Its background is the
  // coarse one: the paper re-blurs it by the fine radius, which barely moves a field already
  // averaged over ~180 px.
  const L = interleave(localColours(fine, fs, fine.counts(), options.fineRadius, fr0, fr1), fine.width, fr0, fr1);
  const fineRow = new RowReader(fine, L, 3, fr0);
  const Fm = new Float64Array(3);
  rows(y0, y1, (x0, x1, y) => {
    let rowReady = false;
    for (let x = x0, i = y * width + x0, p = i * 3; x < x1; x++, i++, p += 3) {
      const a8 = alpha[i]!;
      if (a8 === 0 || a8 === 255) continue;
      const a = a8 * k;
      if (a < SOLVE_FROM) continue;
      if (!rowReady) {
        coarseRow.row(y, x0, x1);
        fineRow.row(y, x0, x1);
        rowReady = true;
      }
      coarseRow.at(x, C);
      fineRow.at(x, Fm);
      out[p] = Math.round(solveForeground(data[p]! * k, a, Fm[0]!, C[3]!) * 255);
      out[p + 1] = Math.round(solveForeground(data[p + 1]! * k, a, Fm[1]!, C[4]!) * 255);
      out[p + 2] = Math.round(solveForeground(data[p + 2]! * k, a, Fm[2]!, C[5]!) * 255);
    }
  });
  return out;
}

/** Planes of a grid's cell rows [row0, row1) as one array with `planes.length` values per cell (row0 first). */
function interleave(planes: Float32Array[], width: number, row0: number, row1: number): Float32Array {
  const n = planes.length;
  const out = new Float32Array((row1 - row0) * width * n);
  for (let i = row0 * width, o = 0; i < row1 * width; i++) for (let c = 0; c < n; c++, o++) out[o] = planes[c]![i]!;
  return out;
}

/**
 * Bilinear reads of an interleaved grid (cell rows from `row0`): once per pixel row between its
 * two cell rows, for the cells a span reads; then per pixel between two cells.
 */
class RowReader {
  readonly #values: Float64Array;
  readonly #left: Int32Array;
  readonly #right: Int32Array;
  readonly #wx: Float64Array;
  constructor(
    readonly grid: Grid,
    readonly cells: Float32Array,
    readonly n: number,
    readonly row0: number,
  ) {
    const { imageWidth, width, factor } = grid;
    this.#values = new Float64Array(width * n);
    this.#left = new Int32Array(imageWidth);
    this.#right = new Int32Array(imageWidth);
    this.#wx = new Float64Array(imageWidth);
    for (let x = 0; x < imageWidth; x++) {
      const fx = Math.min(Math.max((x + 0.5) / factor - 0.5, 0), width - 1);
      this.#left[x] = Math.floor(fx);
      this.#right[x] = Math.min(this.#left[x]! + 1, width - 1);
      this.#wx[x] = fx - this.#left[x]!;
    }
  }
  /** Prepares pixel row y for the pixels [x0, x1). */
  row(y: number, x0: number, x1: number): void {
    const { grid, cells, n, row0 } = this;
    const fy = Math.min(Math.max((y + 0.5) / grid.factor - 0.5, 0), grid.height - 1);
    const top = Math.floor(fy), bottom = Math.min(top + 1, grid.height - 1), wy = fy - top;
    const t0 = (top - row0) * grid.width * n, b0 = (bottom - row0) * grid.width * n;
    for (let c = this.#left[x0]!, end = this.#right[x1 - 1]!; c <= end; c++) {
      for (let p = 0; p < n; p++) {
        const t = cells[t0 + c * n + p]!;
        this.#values[c * n + p] = t + (cells[b0 + c * n + p]! - t) * wy;
      }
    }
  }
  /** The values at pixel x of the prepared row. */
  at(x: number, out: Float64Array): void {
    const { n } = this;
    const l = this.#left[x]! * n, r = this.#right[x]! * n, w = this.#wx[x]!;
    for (let p = 0; p < n; p++) out[p] = this.#values[l + p]! + (this.#values[r + p]! - this.#values[l + p]!) * w;
  }
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
