/**
 * The refine stage (refine.ts) in proportion to the edge, and in parts that run side by side.
 * The same result as refineMatte (within a level or two of rounding, test/medium/band-refine):
 * the network's matte upsampled, sharpened where the photo shows the edge, the input's own
 * transparency kept, quantised, and the foreground colours decontaminated; but only the tiles
 * where alpha is neither 0 nor 1, and those the filters' windows reach, are computed (tiles.ts).
 * The rest is filled: alpha 0 and black, or alpha 255 and the photo's own colour.
 *
 * Three phases, each split into row ranges (parts) that may run on different threads, with the
 * whole frame's planes on shared memory between them:
 *   1. upsampleRows: the matte bilinearly upsampled over the work tiles of its rows;
 *   2. alphaRows: sharpened (reading the upsampled plane around its rows), the input's alpha
 *      applied, quantised to 8 bits, the subject's box found;
 *   3. colourRows: the foreground colours (reading the 8-bit matte around its rows).
 * Pure: typed arrays in, typed arrays out.
 */
import type { Box } from '../image/encode.ts';
import { unionBoxes } from './bbox.ts';
import { decontaminate, decontaminateRadiiFor, decontaminateReach, type DecontaminateOptions } from './decontaminate.ts';
import { sharpenEdges, sharpenOptionsFor, sharpenReach, type ResolvedSharpenOptions } from './edge-sharpen.ts';
import { upsamplingFactor, type RefineOptions } from './refine.ts';
import { forEachSpan, snapAlpha, splitRows, tilesFromAlpha, tilesFromMatte, TILE_MIXED, TILE_ONE, TILE_ZERO, withWork, type TileMap } from './tiles.ts';
import type { Plane, RgbImage } from './types.ts';

/** What the phases share: where the work is, how it is split, and the filters' settings. */
export interface BandPlan {
  width: number;
  height: number;
  tiles: TileMap;
  /** Row ranges [y0, y1), one per part. */
  parts: Array<[number, number]>;
  /** Edge sharpening's settings (absent: plain bilinear). */
  sharpen?: ResolvedSharpenOptions;
  /** Decontamination's radii (absent: the photo's own colours). */
  colours?: DecontaminateOptions;
}

/** The plan for refining `matte` over a width x height photo in `parts` parts. */
export function planBand(matte: Plane, width: number, height: number, options: RefineOptions, parts: number, sourceAlpha?: Uint8Array): BandPlan {
  const sharpen = options.refine ? sharpenOptionsFor(upsamplingFactor({ width, height }, matte)) : undefined;
  const colours = options.decontaminate ? decontaminateRadiiFor(width, height) : undefined;
  const reach = Math.max(sharpen ? sharpenReach(sharpen) : 0, colours ? decontaminateReach(colours) : 0);
  let tiles = tilesFromMatte(matte, width, height, reach);
  // Where the input had its own transparency, an opaque matte is not opaque.
  if (sourceAlpha) tiles = withSourceAlpha(tiles, sourceAlpha, width, height, reach);
  return { width, height, tiles, parts: splitRows(tiles, height, parts), ...(sharpen ? { sharpen } : {}), ...(colours ? { colours } : {}) };
}

/** The plan for working out the colours of an 8-bit matte (reused or touched up) in `parts` parts. */
export function planColours(alpha: Uint8Array, width: number, height: number, decontaminated: boolean, parts: number): BandPlan {
  const colours = decontaminated ? decontaminateRadiiFor(width, height) : undefined;
  const tiles = tilesFromAlpha(alpha, width, height, colours ? decontaminateReach(colours) : 0);
  return { width, height, tiles, parts: splitRows(tiles, height, parts), ...(colours ? { colours } : {}) };
}

function withSourceAlpha(tiles: TileMap, sourceAlpha: Uint8Array, width: number, height: number, reach: number): TileMap {
  const own = tilesFromAlpha(sourceAlpha, width, height, 0, tiles.size);
  const kind = Uint8Array.from(tiles.kind, (k, t) => (k === TILE_ONE && own.kind[t] !== TILE_ONE ? (own.kind[t] === TILE_ZERO ? TILE_ZERO : TILE_MIXED) : k));
  // Work grows from the new mixed tiles too.
  return withWork({ ...tiles, kind }, reach);
}

/** Phase 1: rows [y0, y1) of the work tiles of `up` (the frame's plane) set to the matte upsampled bilinearly, as resizeBilinear does. */
export function upsampleRows(matte: Plane, plan: BandPlan, y0: number, y1: number, up: Float32Array): void {
  const { width, height, tiles } = plan;
  const { data: src, width: sw, height: sh } = matte;
  const sx = sw / width, sy = sh / height;
  forEachSpan(tiles, width, y0, y1, (x0, x1, y) => {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), sh - 1);
    const ya = Math.floor(fy);
    const r0 = ya * sw, r1 = Math.min(ya + 1, sh - 1) * sw;
    const wy = fy - ya;
    for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), sw - 1);
      const a = Math.floor(fx), b = Math.min(a + 1, sw - 1);
      const wx = fx - a;
      const top = src[r0 + a]! + (src[r0 + b]! - src[r0 + a]!) * wx;
      const bottom = src[r1 + a]! + (src[r1 + b]! - src[r1 + a]!) * wx;
      up[i] = top + (bottom - top) * wy;
    }
  });
}

/**
 * Phase 2: rows [y0, y1) of the 8-bit matte: the upsampled plane sharpened (its windows read
 * rows around these: phase 1 must be done for the whole frame), times the input's own alpha,
 * quantised; tiles outside the work filled with 0 or 255. Returns the subject's box in these rows
 * (alpha above 12, as subjectBox).
 */
export function alphaRows(image: RgbImage, up: Float32Array, plan: BandPlan, y0: number, y1: number, alpha: Uint8Array, sourceAlpha?: Uint8Array): Box | null {
  const { width, tiles } = plan;
  const sharpened = plan.sharpen ? sharpenEdges(image, up, plan.sharpen, { tiles, y0, y1, out: new Float32Array((y1 - y0) * width) }) : undefined;
  const offset = y0 * width;
  forEachSpan(tiles, width, y0, y1, (x0, x1, y) => {
    for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
      let v = sharpened ? sharpened[i - offset]! : up[i]!;
      if (sourceAlpha) v *= sourceAlpha[i]! / 255;
      const a = Math.round(v * 255);
      alpha[i] = snapAlpha(a);
    }
  });
  // Opaque tiles outside the work: 255 (or the input's own alpha); transparent ones stay 0.
  forEachSpan(
    tiles,
    width,
    y0,
    y1,
    (x0, x1, y) => (sourceAlpha ? alpha.set(sourceAlpha.subarray(y * width + x0, y * width + x1), y * width + x0) : alpha.fill(255, y * width + x0, y * width + x1)),
    idleOfKind(tiles, TILE_ONE),
  );
  return rowsBox(alpha, plan, y0, y1, sourceAlpha !== undefined);
}

/**
 * Phase 3: rows [y0, y1) of the foreground colours (the frame's RGB, `out`) for the 8-bit matte
 * (complete for the whole frame): decontaminated, or the photo's own where alpha is not 0.
 */
export function colourRows(image: RgbImage, alpha: Uint8Array, plan: BandPlan, y0: number, y1: number, out: Uint8Array): void {
  const { width, tiles } = plan;
  if (plan.colours) {
    decontaminate(image, alpha, plan.colours, { tiles, y0, y1, out });
    return;
  }
  const rgb = image.data;
  forEachSpan(tiles, width, y0, y1, (x0, x1, y) => {
    for (let i = y * width + x0, end = y * width + x1; i < end; i++) {
      if (alpha[i] === 0) continue;
      out[i * 3] = rgb[i * 3]!;
      out[i * 3 + 1] = rgb[i * 3 + 1]!;
      out[i * 3 + 2] = rgb[i * 3 + 2]!;
    }
  });
  forEachSpan(tiles, width, y0, y1, (x0, x1, y) => out.set(rgb.subarray((y * width + x0) * 3, (y * width + x1) * 3), (y * width + x0) * 3), idleOfKind(tiles, TILE_ONE));
}

/** Per tile, 1 for tiles of kind `k` that are not work tiles. */
function idleOfKind(tiles: TileMap, k: number): Uint8Array {
  return Uint8Array.from(tiles.kind, (v, t) => (v === k && !tiles.work[t] ? 1 : 0));
}

/** The box of alpha above 12 in rows [y0, y1): per pixel in work tiles, whole spans in opaque idle tiles. */
function rowsBox(alpha: Uint8Array, plan: BandPlan, y0: number, y1: number, thinned: boolean): Box | null {
  const { width, tiles } = plan;
  let minX = width, minY = Infinity, maxX = -1, maxY = -1;
  const seen = (x0: number, x1: number, y: number) => {
    if (x0 < minX) minX = x0;
    if (x1 - 1 > maxX) maxX = x1 - 1;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  };
  /** The pixels of the span above the threshold, as seen. */
  const scan = (x0: number, x1: number, y: number) => {
    let first = -1, last = -1;
    for (let x = x0, i = y * width + x0; x < x1; x++, i++) {
      if (alpha[i]! > 12) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) seen(first, last + 1, y);
  };
  forEachSpan(tiles, width, y0, y1, scan);
  // Opaque tiles count whole, unless the input's own alpha may have thinned them.
  forEachSpan(tiles, width, y0, y1, thinned ? scan : seen, idleOfKind(tiles, TILE_ONE));
  return maxX < 0 ? null : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/** The share of a plan's tiles that are computed pixel by pixel (the rest are filled). */
export function workShareOf(plan: BandPlan): number {
  let n = 0;
  for (const v of plan.tiles.work) n += v;
  return n / Math.max(1, plan.tiles.work.length);
}


/** Phase 1 for an input with its own transparency: rows [y0, y1) of the work tiles of `out` set to the photo laid on white (what the network saw). */
export function onWhiteRows(rgb: Uint8Array, sourceAlpha: Uint8Array, plan: BandPlan, y0: number, y1: number, out: Uint8Array): void {
  forEachSpan(plan.tiles, plan.width, y0, y1, (x0, x1, y) => {
    for (let i = y * plan.width + x0, end = y * plan.width + x1; i < end; i++) {
      const a = sourceAlpha[i]! / 255;
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(rgb[i * 3 + c]! * a + 255 * (1 - a));
    }
  });
}

export interface BandCutout {
  alpha: Uint8Array;
  rgb: Uint8Array;
  subject: Box | null;
}

/**
 * The three phases, one part after the other, in this thread: what the pool runs side by side
 * (src/pipeline/refine-stage.ts), for tests and for callers without a pool.
 */
export function refineBandHere(image: RgbImage, matte: Plane, sourceAlpha: Uint8Array | undefined, options: RefineOptions, parts = 1): BandCutout {
  const { width, height } = image;
  const plan = planBand(matte, width, height, options, parts, sourceAlpha);
  const up = new Float32Array(width * height);
  const seen = sourceAlpha && plan.sharpen ? new Uint8Array(width * height * 3) : undefined;
  for (const [y0, y1] of plan.parts) {
    upsampleRows(matte, plan, y0, y1, up);
    if (seen) onWhiteRows(image.data, sourceAlpha!, plan, y0, y1, seen);
  }
  const alpha = new Uint8Array(width * height);
  const seenImage = seen ? { data: seen, width, height } : image;
  const boxes = plan.parts.map(([y0, y1]) => alphaRows(seenImage, up, plan, y0, y1, alpha, sourceAlpha));
  const rgb = new Uint8Array(width * height * 3);
  for (const [y0, y1] of plan.parts) colourRows(image, alpha, plan, y0, y1, rgb);
  return { alpha, rgb, subject: unionBoxes(boxes) };
}

/** The colours of an 8-bit matte (reused or touched up), in this thread. */
export function coloursHere(image: RgbImage, alpha: Uint8Array, decontaminated: boolean, parts = 1): Uint8Array {
  const plan = planColours(alpha, image.width, image.height, decontaminated, parts);
  const rgb = new Uint8Array(image.width * image.height * 3);
  for (const [y0, y1] of plan.parts) colourRows(image, alpha, plan, y0, y1, rgb);
  return rgb;
}
