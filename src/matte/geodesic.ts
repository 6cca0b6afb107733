/**
 * Geodesic distance on an image: the cheapest path from a set of seeds, where each step costs
 * its length plus the colour change it crosses, so distances stay small inside a region of one
 * colour and jump at the photo's edges (Criminisi, Sharp and Blake, "GeoS", ECCV 2008; Bai and
 * Sapiro, "Geodesic matting", IJCV 2009). Computed by raster scans over 8 neighbours (Toivanen
 * 1996): a forward and a backward pass, repeated, which is exact for paths that turn a few times.
 * Hot loops take only numbers and typed arrays.
 */

export interface GeodesicCosts {
  /** Cost per pixel of distance travelled. */
  spatial: number;
  /** Cost per unit of RGB distance (0..1 per channel) crossed. */
  colour: number;
  /** RGB change per pixel that is free: sensor noise and gentle shading are not edges. */
  tolerance: number;
  /** Cost per unit of change crossed in a likelihood plane (0..1), when one is given. */
  likelihoodEdge?: number;
  /** Cost per pixel travelled through pixels unlike the seeds (likelihood 0); half at 0.5. */
  unlikely?: number;
  /** Cost per pixel travelled through pixels the matte is sure of (`sure` plane 1), on top of `spatial`. */
  sure?: number;
}

export interface CostPlanes {
  /** The photo's colour, 0..1. */
  r: Float32Array;
  g: Float32Array;
  b: Float32Array;
  /** How much each pixel looks like the seeds, 0..1 (colour-model.ts). */
  likelihood?: Float32Array;
  /** How sure the matte is of what the seeds would change, 0..1. */
  sure?: Float32Array;
}

const SQRT2 = Math.SQRT2;

/**
 * Step costs of every pixel to its right, down-left, down and down-right neighbours (4 planes
 * of w*h, in that order); steps leaving the box cost Infinity. Symmetric, so both scan passes use them.
 */
export function stepCosts(planes: CostPlanes, w: number, h: number, c: GeodesicCosts): Float32Array {
  const { r, g, b, likelihood: lk, sure: sp } = planes;
  const lkEdge = c.likelihoodEdge ?? 0, unlikely = c.unlikely ?? 0, sure = c.sure ?? 0;
  const n = w * h;
  const out = new Float32Array(4 * n).fill(Infinity);
  const offsets = [1, w - 1, w, w + 1];
  const lengths = [1, SQRT2, 1, SQRT2];
  for (let k = 0; k < 4; k++) {
    const base0 = k * n;
    const off = offsets[k]!;
    const len = lengths[k]!;
    const base = c.spatial * len;
    const free = c.tolerance * len;
    const colour = c.colour;
    const xMin = k === 1 ? 1 : 0; // down-left needs x >= 1
    const xMax = k === 0 || k === 3 ? w - 1 : w; // right and down-right need x < w - 1
    const yMax = k === 0 ? h : h - 1;
    for (let y = 0; y < yMax; y++) {
      const row = y * w;
      for (let x = xMin; x < xMax; x++) {
        const p = row + x, q = p + off;
        const dr = r[p]! - r[q]!, dg = g[p]! - g[q]!, db = b[p]! - b[q]!;
        const d = Math.sqrt(dr * dr + dg * dg + db * db) - free;
        let cost = base + (d > 0 ? colour * d : 0);
        if (lk) {
          const lp = lk[p]!, lq = lk[q]!;
          cost += lkEdge * (lp > lq ? lp - lq : lq - lp) + unlikely * len * (1 - 0.5 * (lp + lq));
        }
        if (sp) cost += sure * len * 0.5 * (sp[p]! + sp[q]!);
        out[base0 + p] = cost;
      }
    }
  }
  return out;
}

/** Step costs of plain travel: length times `spatial`, whatever the pixels. */
export function travelCosts(w: number, h: number, spatial: number): Float32Array {
  const n = w * h;
  const out = new Float32Array(4 * n);
  out.fill(spatial, 0, n).fill(spatial * SQRT2, n, 2 * n).fill(spatial, 2 * n, 3 * n).fill(spatial * SQRT2, 3 * n);
  // Steps that would leave the box.
  for (let y = 0; y < h; y++) {
    out[y * w + w - 1] = Infinity; // right
    out[n + y * w] = Infinity; // down-left
    out[3 * n + y * w + w - 1] = Infinity; // down-right
  }
  for (let x = 0; x < w; x++) {
    const last = (h - 1) * w + x;
    out[n + last] = Infinity;
    out[2 * n + last] = Infinity;
    out[3 * n + last] = Infinity;
  }
  return out;
}

export interface GeodesicOptions {
  /** Pixels that can be entered (1) or not (0); all when absent. Seeds are entered anyway. */
  passable?: Uint8Array;
  /** Distances beyond this are not propagated (they stay as found, at most Infinity). */
  limit?: number;
  /** Forward+backward pass pairs; 2 follows paths that wind around an obstacle once. */
  passes?: number;
  /**
   * Downhill only: a step from q to p is allowed when alpha[p] <= alpha[q] + slack (the soft
   * fringe of a region falls away from it).
   */
  downhill?: { alpha: Float32Array; slack: number };
  /**
   * A climb costs: a step from q to p adds weight * max(0, alpha[p] - alpha[q]) (or the fall,
   * when `falling`). An erase pays to climb into the sure subject; a keep pays to fall into the
   * sure background; neither pays to cross the soft ramp it is undoing.
   */
  climb?: { alpha: Float32Array; weight: number; falling?: boolean };
}

// Neighbour offsets (dx, dy) and the cost plane (0 right, 1 down-left, 2 down, 3 down-right) of
// the step between them, read at the upper-left end of the step: forward neighbours first.
const FORWARD = [[-1, 0, 0], [-1, -1, 3], [0, -1, 2], [1, -1, 1]] as const;
const BACKWARD = [[1, 0, 0], [1, 1, 3], [0, 1, 2], [-1, 1, 1]] as const;

/**
 * Geodesic distance in place: `dist` holds 0 at seeds and Infinity elsewhere on entry, the
 * distance from the nearest seed on return.
 */
export function geodesicDistance(dist: Float32Array, costs: Float32Array, w: number, h: number, options: GeodesicOptions = {}): Float32Array {
  const n = w * h;
  const passable = options.passable ?? null;
  const limit = options.limit ?? Infinity;
  const hill = options.downhill?.alpha ?? null;
  const slack = options.downhill?.slack ?? 0;
  const ca = options.climb?.alpha ?? null;
  const cw = options.climb?.weight ?? 0;
  const sign = options.climb?.falling ? -1 : 1;
  const passes = options.passes ?? 2;
  for (let pass = 0; pass < passes; pass++) {
    let changed = 0;
    for (let dir = 0; dir < 2; dir++) {
      const nb = dir === 0 ? FORWARD : BACKWARD;
      const yStart = dir === 0 ? 0 : h - 1, yEnd = dir === 0 ? h : -1, step = dir === 0 ? 1 : -1;
      for (let y = yStart; y !== yEnd; y += step) {
        for (let x = dir === 0 ? 0 : w - 1; x !== (dir === 0 ? w : -1); x += step) {
          const p = y * w + x;
          const here = dist[p]!;
          if (here === 0) continue;
          if (passable !== null && passable[p] !== 1) continue;
          let best = here;
          for (let k = 0; k < 4; k++) {
            const e = nb[k]!;
            const nx = x + e[0], ny = y + e[1];
            if (nx < 0 || nx >= w || ny < 0 || ny >= h) continue;
            const q = ny * w + nx;
            const dq = dist[q]!;
            if (!(dq < limit) || dq >= best) continue;
            if (hill !== null && hill[p]! > hill[q]! + slack) continue;
            // The step's cost sits at its upper-left end (the lower row, or the left pixel of a row step).
            const at = e[1] === 0 ? (e[0] < 0 ? q : p) : e[1] < 0 ? q : p;
            let v = dq + costs[e[2] * n + at]!;
            if (ca !== null) {
              const rise = sign * (ca[p]! - ca[q]!);
              if (rise > 0) v += cw * rise;
            }
            if (v < best) best = v;
          }
          if (best < here) {
            dist[p] = best;
            changed++;
          }
        }
      }
    }
    if (changed === 0) break;
  }
  return dist;
}
