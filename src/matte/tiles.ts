/**
 * Where a cutout's pixels need work. A full-resolution matte is 0 or 1 almost everywhere: only
 * along the outline (and over soft subjects) is it in between. The frame is cut into square tiles;
 * a tile is known transparent, known opaque, or mixed, and every per-pixel stage (upsampling,
 * edge sharpening, decontamination) computes only the mixed tiles and the tiles its windows reach
 * from them ("work" tiles). Everything else is filled: 0, or the photo's own colour at alpha 1.
 */
import type { Plane } from './types.ts';

/** Tile side in pixels. */
export const TILE = 16;

export const TILE_ZERO = 0;
export const TILE_ONE = 1;
export const TILE_MIXED = 2;

export interface TileMap {
  /** Tile side in pixels. */
  size: number;
  cols: number;
  rows: number;
  /** Per tile: TILE_ZERO (alpha 0 throughout), TILE_ONE (alpha 1 throughout) or TILE_MIXED. */
  kind: Uint8Array;
  /** Per tile: 1 when its pixels are computed (mixed, or within reach of a mixed tile). */
  work: Uint8Array;
}

/**
 * The faintest alpha a cutout keeps (of 255): fainter is 0. At 2/255 or less a pixel is invisible
 * on any background, but the network leaves such a haze over much of a photo's background
 * (a third of a 12 MP frame's tiles held some), which would carry the removed background's colours
 * into the file, make it larger, and make every tile it touches cost work.
 */
export const FAINTEST_ALPHA = 3;
/**
 * Likewise the most opaque alpha short of 255 a cutout keeps: from here up it is 255. The
 * network leaves the inside of many subjects at 0.99 (coffee in a cup, a shiny body), which no
 * eye tells from opaque but which would make the whole inside a soft region to decontaminate.
 */
export const OPAQUE_ALPHA = 253;

/** Upsampled values below ROUNDS_TO_ZERO become alpha 0, from ROUNDS_TO_ONE up 255. */
const ROUNDS_TO_ZERO = (FAINTEST_ALPHA - 0.5) / 255;
const ROUNDS_TO_ONE = (OPAQUE_ALPHA - 0.5) / 255;

/** An 8-bit alpha with the faint haze cleared and the near-opaque made opaque. */
export function snapAlpha(a: number): number {
  return a < FAINTEST_ALPHA ? 0 : a >= OPAQUE_ALPHA ? 255 : a;
}

/**
 * The tiles of a width x height frame whose matte is `matte` upsampled bilinearly (pixel centres
 * aligned, as resizeBilinear): a tile is ZERO or ONE when every matte sample its pixels
 * interpolate from rounds to 0 or to 255. `reach` (pixels): how far the filters read around a
 * mixed pixel; those tiles are work tiles too.
 */
export function tilesFromMatte(matte: Plane, width: number, height: number, reach: number, size = TILE): TileMap {
  const cols = Math.ceil(width / size), rows = Math.ceil(height / size);
  const kind = new Uint8Array(cols * rows);
  const { data, width: mw, height: mh } = matte;
  const sx = mw / width, sy = mh / height;
  // The matte columns (rows) a pixel range [p0, p1) interpolates from.
  const span = (p0: number, p1: number, s: number, n: number): [number, number] => {
    const f0 = Math.min(Math.max((p0 + 0.5) * s - 0.5, 0), n - 1);
    const f1 = Math.min(Math.max((p1 - 0.5) * s - 0.5, 0), n - 1);
    return [Math.floor(f0), Math.min(Math.floor(f1) + 1, n - 1)];
  };
  const colSpans = Array.from({ length: cols }, (_, c) => span(c * size, Math.min(width, (c + 1) * size), sx, mw));
  for (let r = 0; r < rows; r++) {
    const [my0, my1] = span(r * size, Math.min(height, (r + 1) * size), sy, mh);
    for (let c = 0; c < cols; c++) {
      const [mx0, mx1] = colSpans[c]!;
      let lo = Infinity, hi = -Infinity;
      for (let y = my0; y <= my1; y++) {
        for (let x = mx0, i = y * mw + mx0; x <= mx1; x++, i++) {
          const v = data[i]!;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
      kind[r * cols + c] = hi < ROUNDS_TO_ZERO ? TILE_ZERO : lo >= ROUNDS_TO_ONE ? TILE_ONE : TILE_MIXED;
    }
  }
  return withWork({ size, cols, rows, kind, work: new Uint8Array(0) }, reach);
}

/** The tiles of an 8-bit matte at the frame's size (a touched-up or reused one). */
export function tilesFromAlpha(alpha: Uint8Array, width: number, height: number, reach: number, size = TILE): TileMap {
  const cols = Math.ceil(width / size), rows = Math.ceil(height / size);
  const kind = new Uint8Array(cols * rows);
  // 0: none seen yet; bit 1: a 0 seen; bit 2: a 255 seen; bit 4: anything else.
  const seen = new Uint8Array(cols);
  for (let r = 0; r < rows; r++) {
    seen.fill(0);
    for (let y = r * size, yEnd = Math.min(height, y + size); y < yEnd; y++) {
      const row = y * width;
      for (let c = 0; c < cols; c++) {
        if (seen[c]! & 4) continue;
        let s = seen[c]!;
        for (let x = c * size, xEnd = Math.min(width, x + size); x < xEnd; x++) {
          const a = alpha[row + x]!;
          s |= a === 0 ? 1 : a === 255 ? 2 : 4;
          if (s === 3 || s & 4) {
            s |= 4;
            break;
          }
        }
        seen[c] = s;
      }
    }
    for (let c = 0; c < cols; c++) kind[r * cols + c] = seen[c]! & 4 ? TILE_MIXED : seen[c] === 2 ? TILE_ONE : TILE_ZERO;
  }
  return withWork({ size, cols, rows, kind, work: new Uint8Array(0) }, reach);
}

/** The map with its work tiles: mixed ones, grown by `reach` pixels (whole tiles). */
export function withWork(map: TileMap, reach: number): TileMap {
  const { cols, rows, kind } = map;
  const grow = Math.ceil(Math.max(0, reach) / map.size);
  const across = new Uint8Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (kind[r * cols + c] !== TILE_MIXED) continue;
      for (let k = Math.max(0, c - grow); k <= Math.min(cols - 1, c + grow); k++) across[r * cols + k] = 1;
    }
  }
  const work = new Uint8Array(cols * rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (!across[r * cols + c]) continue;
      for (let k = Math.max(0, r - grow); k <= Math.min(rows - 1, r + grow); k++) work[k * cols + c] = 1;
    }
  }
  return { ...map, work };
}

/**
 * Calls visit(x0, x1, y) for each run of pixels of rows [y0, y1) inside tiles `of` the map
 * selects (its work tiles by default), left to right, top to bottom.
 */
export function forEachSpan(map: TileMap, width: number, y0: number, y1: number, visit: (x0: number, x1: number, y: number) => void, of: Uint8Array = map.work): void {
  const { size } = map;
  const runs = runsOf(map, width, of);
  for (let y = Math.max(0, y0); y < y1; y++) {
    const row = runs[Math.floor(y / size)]!;
    for (let k = 0; k < row.length; k += 2) visit(row[k]!, row[k + 1]!, y);
  }
}

const RUNS = new WeakMap<Uint8Array, Int32Array[]>();

/** Per tile row, the pixel runs [x0, x1, x0, x1, ...] of the tiles `of` selects (cached). */
function runsOf(map: TileMap, width: number, of: Uint8Array): Int32Array[] {
  const cached = RUNS.get(of);
  if (cached) return cached;
  const { size, cols, rows } = map;
  const out: Int32Array[] = [];
  for (let r = 0; r < rows; r++) {
    const row: number[] = [];
    for (let c = 0; c < cols; c++) {
      if (!of[r * cols + c]) continue;
      let end = c;
      while (end + 1 < cols && of[r * cols + end + 1]) end++;
      row.push(c * size, Math.min(width, (end + 1) * size));
      c = end;
    }
    out.push(Int32Array.from(row));
  }
  RUNS.set(of, out);
  return out;
}

/** Per tile, 1 where the map's kind is `k` (for forEachSpan). */
export function tilesOfKind(map: TileMap, k: number): Uint8Array {
  return Uint8Array.from(map.kind, (v) => (v === k ? 1 : 0));
}

/** The share of the frame's tiles that are work tiles. */
export function workShare(map: TileMap): number {
  let n = 0;
  for (const v of map.work) n += v;
  return n / Math.max(1, map.work.length);
}

/**
 * Row ranges splitting [0, height) into `parts` with about the same number of work tiles each
 * (whole tile rows), so the parts cost about the same.
 */
export function splitRows(map: TileMap, height: number, parts: number): Array<[number, number]> {
  const perRow = new Float64Array(map.rows);
  let total = 0;
  for (let r = 0; r < map.rows; r++) {
    let n = 0.05; // the fill of a tile row costs a little even without work
    for (let c = 0; c < map.cols; c++) n += map.work[r * map.cols + c]!;
    perRow[r] = n;
    total += n;
  }
  const out: Array<[number, number]> = [];
  let start = 0, acc = 0, r = 0;
  for (let p = 1; p <= parts; p++) {
    const target = (total * p) / parts;
    while (r < map.rows && (p === parts || acc + perRow[r]! / 2 <= target)) acc += perRow[r++]!;
    const end = p === parts ? height : Math.min(height, r * map.size);
    if (end > start) out.push([start, end]);
    start = end;
  }
  return out;
}
