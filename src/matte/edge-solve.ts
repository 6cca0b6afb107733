/**
 * One touch-up step: keep and erase seeds (painted strokes) change the matte, and the change
 * spreads along the photo's own edges. Strokes are hard constraints: their pixels become exactly
 * 1 (keep) or 0 (erase). Around them, the solver decides which pixels belong with the stroke:
 *
 * - `geodesic`: the stroke floods outwards by geodesic distance (colour change and travel both
 *   cost; strong edges stop it), over the pixels it can change (an erase only where something is
 *   kept, a keep only where something is missing). An erase also takes the soft fringe that falls
 *   away from what it removed (a downhill flood on the matte, contested by the subject's fringe).
 *   The new edge is then fitted to the photo with a guided filter in a thin band.
 * - `guided`: the painted strokes, with their edges snapped to the photo by a guided filter of a
 *   radius a little larger than the brush (no flood beyond it).
 * - `matting`: a local closed-form matting solve (Levin, Lischinski and Weiss, TPAMI 2008) of the
 *   region around the strokes, the strokes as constraints and a weak pull towards the old matte.
 *
 * An erase step never raises the matte and a keep step never lowers it; pixels outside the
 * step's region are never touched. Measured in bench/touchup.ts; `geodesic` is the default.
 */
import { colourLikelihood } from './colour-model.ts';
import { geodesicDistance, stepCosts, travelCosts, type GeodesicCosts } from './geodesic.ts';
import { dilateMask, guidedCoefficientsAt, guidedFilterAt } from './guided-band.ts';
import { growBox, LABEL_ERASE, LABEL_KEEP, type Box, type LabelMap } from './hints.ts';
import { solveMattingBand, solveMattingRegion } from './matting-solve.ts';
import { blur3, downsampleLabels, downsampleRegion, gridTaps, readRegion, writeRegion, type Photo, type RegionPlanes } from './region.ts';

export const HINT_SOLVERS = ['geodesic', 'guided', 'matting'] as const;
export type HintSolver = (typeof HINT_SOLVERS)[number];

export interface HintStep {
  /** Keep and erase seeds. */
  seeds: LabelMap;
  /** The brush radius (pixels): how far a stroke's influence can reach scales with it. */
  radius: number;
  /** Seeds of earlier steps of the other kind: a flood does not cross them. */
  walls?: LabelMap;
}

export interface SolveTuning {
  /** A stroke's flood reaches this many brush radii past the stroke in a region of one colour. */
  reachPerRadius: number;
  /** The least reach, pixels. */
  minReach: number;
  /** Colour cost per unit of RGB distance (relative to the reach's cost of 1). */
  colour: number;
  /** Free colour change per pixel. */
  tolerance: number;
  /** Cost per unit of matte climbed towards what the step would undo (sure subject for an erase, sure background for a keep). */
  alpha: number;
  /** Cost per unit of change in how much pixels look like the stroke (colour-model.ts). */
  likelihoodEdge: number;
  /** Cost per pixel through pixels that look unlike the stroke, in reaches per pixel. */
  unlikely: number;
  /** How much a colour neither the stroke nor the other side shows looks like the stroke (0..1). */
  unseen: number;
  /**
   * Through what the network was sure of (matte near 1), an erase reaches only this fraction of
   * its reach: it floods semi-transparent clutter, but takes a sure part only near the brush.
   */
  sureReach: number;
  /** Fraction of the reach within which the flood takes a pixel fully; it fades out beyond. */
  core: number;
  /** Guided filter radius of the band, pixels. */
  bandRadius: number;
  /** The band reaches this many pixels either side of a step in the new matte. */
  bandWidth: number;
  /** How the band is fitted: a guided filter, or a matting solve of the band alone. */
  bandSolver: 'guided' | 'matting';
  bandLambda: number;
  bandIterations: number;
  bandEps: number;
  /** Fringe: how far (in reaches) it may extend, and the rise in matte a downhill step tolerates. */
  fringeReach: number;
  fringeSlack: number;
  /** Denoise the colours for the edge costs. */
  smooth: boolean;

  /** Regions larger than this many pixels are solved on a grid of blocks (edges still fitted at full resolution). */
  maxCells: number;
}

export const DEFAULT_TUNING: SolveTuning = {
  reachPerRadius: 4,
  minReach: 8,
  colour: 2,
  tolerance: 0.06,
  alpha: 1,
  likelihoodEdge: 1,
  unlikely: 0.01,
  unseen: 0.75,
  sureReach: 0.25,
  core: 0.7,
  bandRadius: 1,
  bandWidth: 1,
  bandSolver: 'matting',
  bandLambda: 0.001,
  bandIterations: 30,
  bandEps: 1e-4,
  fringeReach: 1,
  fringeSlack: 0.01,
  smooth: true,
  maxCells: 160_000,
};

/** Below this the matte has nothing to erase; above 1 minus this, nothing to restore. */
const LOW = 0.02;
/** The subject's sure pixels, which contest an erased region's fringe. */
const SURE = 0.95;
/** Where an erase starts to count the matte as sure (fully at 1). */
const SURE_FROM = 0.85;

export interface StepResult {
  /** The box of pixels whose 8-bit matte changed; null when none did. */
  changed: Box | null;
  /** The region the step read (its cost is proportional to this area). */
  region: Box;
}

/**
 * Applies one step to `alpha` (the matte, 8-bit, photo-sized) in place.
 */
export function applyHintStep(photo: Photo, alpha: Uint8Array, step: HintStep, solver: HintSolver = 'geodesic', tuning: SolveTuning = DEFAULT_TUNING): StepResult {
  const reach = reachOf(step.radius, tuning);
  const region = hintStepRegion(photo, step, solver, tuning);
  const planes = readRegion(photo, alpha, region);
  const seeds = cropLabels(step.seeds, region);
  const walls = step.walls ? cropLabels(step.walls, region) : undefined;
  const next = solver === 'geodesic' ? solveGeodesic(planes, seeds, walls, reach, step.radius, tuning) : solver === 'guided' ? solveGuided(planes, seeds, step.radius, tuning) : solveMattingRegion(planes, seeds, { reach });
  enforce(planes.a, next, seeds, planes.w, planes.h, tuning.bandRadius + Math.ceil(step.radius));
  return { changed: writeRegion(alpha, photo.width, region, next), region };
}

function reachOf(radius: number, tuning: SolveTuning): number {
  return Math.max(tuning.minReach, tuning.reachPerRadius * radius);
}

/** The region a step reads and may change: its seeds' box grown by how far its influence can reach. */
export function hintStepRegion(photo: { width: number; height: number }, step: HintStep, solver: HintSolver = 'geodesic', tuning: SolveTuning = DEFAULT_TUNING): Box {
  const reach = reachOf(step.radius, tuning);
  const margin = solver === 'guided' ? Math.ceil(step.radius + tuning.bandRadius * 2 + 2) : Math.ceil(reach * (1 + tuning.fringeReach) + tuning.bandRadius * 2 + 2);
  return growBox(step.seeds.box, margin, photo.width, photo.height);
}

/** Labels of `map` over `box` (0 where the map does not reach). */
export function cropLabels(map: LabelMap, box: Box): Uint8Array {
  const out = new Uint8Array(box.width * box.height);
  const { box: mb, labels } = map;
  const x0 = Math.max(box.x, mb.x), x1 = Math.min(box.x + box.width, mb.x + mb.width);
  const y0 = Math.max(box.y, mb.y), y1 = Math.min(box.y + box.height, mb.y + mb.height);
  if (x1 <= x0) return out;
  for (let y = y0; y < y1; y++) {
    const src = (y - mb.y) * mb.width + (x0 - mb.x);
    out.set(labels.subarray(src, src + (x1 - x0)), (y - box.y) * box.width + (x0 - box.x));
  }
  return out;
}

/**
 * The rules every solver obeys: seeds are exact; a pixel only moves the way a nearby seed of
 * this step asks (down near erases, up near keeps), so an erase never adds and a keep never removes.
 */
function enforce(before: Float32Array, next: Float32Array, seeds: Uint8Array, w: number, h: number, radius: number): void {
  let keeps = false, erases = false;
  for (const s of seeds) {
    if (s === LABEL_KEEP) keeps = true;
    else if (s === LABEL_ERASE) erases = true;
  }
  for (let i = 0; i < next.length; i++) {
    const s = seeds[i];
    if (s === LABEL_KEEP) next[i] = 1;
    else if (s === LABEL_ERASE) next[i] = 0;
    else if (!keeps) next[i] = Math.min(next[i]!, before[i]!);
    else if (!erases) next[i] = Math.max(next[i]!, before[i]!);
  }
  if (keeps && erases) {
    // Mixed steps (a hints image): each pixel follows the kind of the changes around it.
    const down = new Uint8Array(next.length), up = new Uint8Array(next.length);
    for (let i = 0; i < next.length; i++) {
      if (next[i]! < before[i]! - 0.002) down[i] = 1;
      else if (next[i]! > before[i]! + 0.002) up[i] = 1;
    }
    const nearDown = dilateMask(down, w, h, Math.max(1, Math.round(radius / 4)));
    const nearUp = dilateMask(up, w, h, Math.max(1, Math.round(radius / 4)));
    for (let i = 0; i < next.length; i++) {
      if (seeds[i]) continue;
      if (nearDown[i] && !nearUp[i]) next[i] = Math.min(next[i]!, before[i]!);
      else if (nearUp[i] && !nearDown[i]) next[i] = Math.max(next[i]!, before[i]!);
    }
  }
}

/** Smooth fall-off of a flood: 1 within core x limit, 0 at the limit. */
function falloff(d: number, core: number): number {
  if (d <= core) return 1;
  if (d >= 1) return 0;
  const t = (1 - d) / (1 - core);
  return t * t * (3 - 2 * t);
}

function solveGeodesic(pl: RegionPlanes, seeds: Uint8Array, walls: Uint8Array | undefined, reach: number, radius: number, t: SolveTuning): Float32Array {
  // Large regions are solved on a grid of blocks, and the new edges fitted at full resolution.
  const f = Math.max(1, Math.ceil(Math.sqrt((pl.w * pl.h) / t.maxCells)));
  const gp = f === 1 ? pl : downsampleRegion(pl, f);
  const gs = f === 1 ? seeds : downsampleLabels(seeds, pl.w, pl.h, f);
  const gw_ = walls && (f === 1 ? walls : downsampleLabels(walls, pl.w, pl.h, f));
  const { w, h, a } = gp;
  const n = w * h;
  const smooth = t.smooth ? { r: blur3(gp.r, gp.w, gp.h), g: blur3(gp.g, gp.w, gp.h), b: blur3(gp.b, gp.w, gp.h) } : { r: gp.r, g: gp.g, b: gp.b };
  const { we, wk } = floods(gp, smooth, gs, gw_, reach / f, radius / f, t);

  // The target on the grid, and a thin band around what changed where the guided filter fits the edge.
  const next = new Float32Array(n);
  const changed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = a[i]! + (1 - a[i]!) * wk[i]! - a[i]! * we[i]!;
    next[i] = v;
    if (Math.abs(v - a[i]!) > 0.5 / 255) changed[i] = 1;
  }
  const band = stepBand(next, changed, gs, w, h, t.bandWidth);
  if (t.bandSolver === 'matting') {
    if (f === 1) return solveMattingBand(gp, next, band, { lambda: t.bandLambda, iterations: t.bandIterations });
    // On a grid: the target at full resolution, and the band (as wide as a cell) solved there.
    const full = upsampleTarget(pl, we, wk, w, h, f);
    const fullChanged = new Uint8Array(full.length);
    for (let i = 0; i < full.length; i++) if (Math.abs(full[i]! - pl.a[i]!) > 0.5 / 255) fullChanged[i] = 1;
    return solveMattingBand(pl, full, stepBand(full, fullChanged, seeds, pl.w, pl.h, Math.max(t.bandWidth, Math.ceil(f / 2))), { lambda: t.bandLambda, iterations: t.bandIterations });
  }
  // The band is fitted to the photo's own colours (fitted to the denoised ones, edges came out 2-3x worse).
  const guide = gp;
  if (f === 1) return guidedFilterAt(guide.r, guide.g, guide.b, next, w, h, t.bandRadius, t.bandEps, band);

  // Fast guided filter (He and Sun 2015): coefficients on the grid, applied to the full-resolution colours.
  const [car, cag, cab, cb] = guidedCoefficientsAt(guide.r, guide.g, guide.b, next, w, h, t.bandRadius, t.bandEps, dilateMask(band, w, h, 1));
  const out = new Float32Array(pl.w * pl.h);
  const tx = gridTaps(pl.w, w, f), ty = gridTaps(pl.h, h, f);
  for (let y = 0; y < pl.h; y++) {
    const r0 = ty.i0[y]! * w, r1 = ty.i1[y]! * w, fy = ty.t[y]!;
    const cellRow = ((y / f) | 0) * w;
    for (let x = 0, i = y * pl.w; x < pl.w; x++, i++) {
      const c00 = r0 + tx.i0[x]!, c01 = r0 + tx.i1[x]!, c10 = r1 + tx.i0[x]!, c11 = r1 + tx.i1[x]!;
      const fx = tx.t[x]!;
      const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
      const a0 = pl.a[i]!;
      if (band[cellRow + ((x / f) | 0)]) {
        const q = (car[c00]! * w00 + car[c01]! * w01 + car[c10]! * w10 + car[c11]! * w11) * pl.r[i]!
          + (cag[c00]! * w00 + cag[c01]! * w01 + cag[c10]! * w10 + cag[c11]! * w11) * pl.g[i]!
          + (cab[c00]! * w00 + cab[c01]! * w01 + cab[c10]! * w10 + cab[c11]! * w11) * pl.b[i]!
          + (cb[c00]! * w00 + cb[c01]! * w01 + cb[c10]! * w10 + cb[c11]! * w11);
        out[i] = q < 0 ? 0 : q > 1 ? 1 : q;
        continue;
      }
      const e = we[c00]! * w00 + we[c01]! * w01 + we[c10]! * w10 + we[c11]! * w11;
      const k = wk[c00]! * w00 + wk[c01]! * w01 + wk[c10]! * w10 + wk[c11]! * w11;
      out[i] = a0 + (1 - a0) * k - a0 * e;
    }
  }
  return out;
}

/** The new matte at full resolution: the old one, with the grid's erase and keep shares interpolated. */
function upsampleTarget(pl: RegionPlanes, we: Float32Array, wk: Float32Array, w: number, h: number, f: number): Float32Array {
  const out = new Float32Array(pl.w * pl.h);
  const tx = gridTaps(pl.w, w, f), ty = gridTaps(pl.h, h, f);
  for (let y = 0; y < pl.h; y++) {
    const r0 = ty.i0[y]! * w, r1 = ty.i1[y]! * w, fy = ty.t[y]!;
    for (let x = 0, i = y * pl.w; x < pl.w; x++, i++) {
      const c00 = r0 + tx.i0[x]!, c01 = r0 + tx.i1[x]!, c10 = r1 + tx.i0[x]!, c11 = r1 + tx.i1[x]!;
      const fx = tx.t[x]!;
      const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
      const e = we[c00]! * w00 + we[c01]! * w01 + we[c10]! * w10 + we[c11]! * w11;
      const k = wk[c00]! * w00 + wk[c01]! * w01 + wk[c10]! * w10 + wk[c11]! * w11;
      const a0 = pl.a[i]!;
      out[i] = a0 + (1 - a0) * k - a0 * e;
    }
  }
  return out;
}

/** How much each pixel is taken by this step's erase (we) and keep (wk) floods, fringe included. */
function floods(pl: RegionPlanes, smooth: { r: Float32Array; g: Float32Array; b: Float32Array }, seeds: Uint8Array, walls: Uint8Array | undefined, reach: number, radius: number, t: SolveTuning): { we: Float32Array; wk: Float32Array } {
  const { w, h, a } = pl;
  const n = w * h;
  const costs: GeodesicCosts = { spatial: 1 / reach, colour: t.colour, tolerance: t.tolerance, likelihoodEdge: t.likelihoodEdge, unlikely: t.unlikely };

  // Each kind floods from its seeds, over the pixels it can change, preferring its seeds' colours.
  const flood = (label: number): { dist: Float32Array; likelihood: Float32Array } | null => {
    const keep = label === LABEL_KEEP;
    const other = keep ? LABEL_ERASE : LABEL_KEEP;
    const dist = new Float32Array(n).fill(Infinity);
    const passable = new Uint8Array(n);
    const mine = new Uint8Array(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (seeds[i] === label) {
        dist[i] = 0;
        mine[i] = 1;
        any = true;
      } else if (seeds[i] !== other && (!walls || walls[i] !== other) && (keep ? a[i]! < 1 - LOW : a[i]! > LOW)) passable[i] = 1;
    }
    if (!any) return null;
    // What the stroke is not: the sure subject (erase), or the sure background away from the stroke (keep).
    const near = keep ? dilateMask(mine, w, h, Math.ceil(2 * radius)) : mine;
    const theirs = new Uint8Array(n);
    for (let i = 0; i < n; i++) if (!near[i] && (keep ? a[i]! <= LOW : a[i]! >= 1 - LOW)) theirs[i] = 1;
    const likelihood = colourLikelihood(smooth.r, smooth.g, smooth.b, mine, theirs, t.unseen);
    let sure: Float32Array | undefined;
    if (!keep && t.sureReach < 1) {
      sure = new Float32Array(n);
      for (let i = 0; i < n; i++) sure[i] = Math.min(1, Math.max(0, (a[i]! - SURE_FROM) / (1 - SURE_FROM)));
    }
    const step = stepCosts({ ...smooth, likelihood, ...(sure ? { sure } : {}) }, w, h, { ...costs, sure: (1 / t.sureReach - 1) / reach });
    geodesicDistance(dist, step, w, h, { passable, limit: 1, climb: { alpha: a, weight: t.alpha, falling: keep } });
    return { dist, likelihood };
  };
  const de = flood(LABEL_ERASE);
  const dk = flood(LABEL_KEEP);
  const we = new Float32Array(n), wk = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const e = de ? de.dist[i]! : Infinity, k = dk ? dk.dist[i]! : Infinity;
    if (e < k) we[i] = falloff(e, t.core);
    // A keep takes whole what it reached and looks like its stroke; the reach fades out elsewhere.
    else if (k < e) wk[i] = k < 1 && dk!.likelihood[i]! > 0.5 ? 1 : falloff(k, t.core);
  }
  if (de) eraseFringe(we, a, reach, w, h, t);
  return { we, wk };
}

/**
 * The soft fringe of an erased region: pixels reached from it going only downhill on the matte
 * (or along a level), nearer to it than to any sure pixel of the subject left. Distances here are
 * plain travel: inside a fringe the photo shows whatever was behind, so its edges say nothing.
 */
function eraseFringe(we: Float32Array, a: Float32Array, reach: number, w: number, h: number, t: SolveTuning): void {
  const n = w * h;
  const fromErased = new Float32Array(n).fill(Infinity);
  const fromSubject = new Float32Array(n).fill(Infinity);
  const passable = new Uint8Array(n);
  let any = false;
  for (let i = 0; i < n; i++) {
    if (we[i]! >= 0.5) {
      fromErased[i] = 0;
      any = true;
    } else if (a[i]! >= SURE) fromSubject[i] = 0;
    if (a[i]! > LOW) passable[i] = 1;
  }
  if (!any) return;
  const travel = travelCosts(w, h, 1 / reach);
  const downhill = { alpha: a, slack: t.fringeSlack };
  geodesicDistance(fromErased, travel, w, h, { passable, limit: t.fringeReach, downhill });
  geodesicDistance(fromSubject, travel, w, h, { passable, limit: t.fringeReach, downhill });
  // What the erase owns goes whole (its soft parts too, where the reach was fading out); only
  // sure pixels keep the fade, so a stroke's end in an opaque region stays soft.
  for (let i = 0; i < n; i++) {
    const d = fromErased[i]!;
    if (d < fromSubject[i]! && d < t.fringeReach && a[i]! < SURE) we[i] = 1;
  }
}

/**
 * Where the guided filter fits the new edge: within `width` pixels of a step in the new matte
 * (a 4-neighbour differing by more than 0.02) near what changed, seeds excluded. Flat parts next
 * to an edge keep their exact 0 or 1: fitted, they would pick up the photo's noise.
 */
function stepBand(next: Float32Array, changed: Uint8Array, seeds: Uint8Array, w: number, h: number, width: number): Uint8Array {
  const nearChange = dilateMask(changed, w, h, 1);
  const step = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!nearChange[i]) continue;
      const v = next[i]!;
      if ((x > 0 && Math.abs(next[i - 1]! - v) > 0.02) || (x < w - 1 && Math.abs(next[i + 1]! - v) > 0.02) || (y > 0 && Math.abs(next[i - w]! - v) > 0.02) || (y < h - 1 && Math.abs(next[i + w]! - v) > 0.02)) step[i] = 1;
    }
  }
  const band = dilateMask(step, w, h, width);
  for (let i = 0; i < band.length; i++) if (seeds[i]) band[i] = 0;
  return band;
}

/** The painted strokes, their edges snapped to the photo by a guided filter wider than the brush. */
function solveGuided(pl: RegionPlanes, seeds: Uint8Array, brushRadius: number, t: SolveTuning): Float32Array {
  const { w, h, a } = pl;
  const n = w * h;
  const painted = Float32Array.from(a);
  const changed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (seeds[i] === LABEL_KEEP) painted[i] = 1;
    else if (seeds[i] === LABEL_ERASE) painted[i] = 0;
    if (Math.abs(painted[i]! - a[i]!) > 0.5 / 255) changed[i] = 1;
  }
  const radius = Math.max(t.bandRadius, Math.round(brushRadius / 2));
  const band = dilateMask(changed, w, h, radius);
  return guidedFilterAt(pl.r, pl.g, pl.b, painted, w, h, radius, t.bandEps, band);
}
