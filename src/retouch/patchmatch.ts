/**
 * PatchMatch (Barnes, Shechtman, Finkelstein and Goldman 2009): the nearest-neighbour field from
 * every target patch (one overlapping the hole) to a source patch (wholly known, on the target's
 * side of the matte), improved by propagation (a neighbour's match, shifted by one) and random
 * search (samples around the current match in halving windows).
 *
 * Work is split in bands of rows fixed by the level's size alone (bands.ts); a band's propagation
 * never reads another band's field, so bands can run on any number of threads, in any order, and
 * give the same field. Random numbers come from a generator seeded by (seed, level, round, band).
 */
import { mulberry32 } from '../scenes/rng.ts';
import { histogramBin, HISTOGRAM_BINS } from './histogram.ts';
import { accepts, CHANNELS, type Level } from './level.ts';

/** A small deterministic generator: the scenes' mulberry32 stream. */
export const random = mulberry32;

/**
 * The distance between the patch centred at target (px, py), clipped to the level, and the one
 * centred at source (qx, qy) (always whole): the mean squared difference per colour channel,
 * plus the squared difference of the centres' texture features (already local means, so the
 * centres stand for the patch). Infinity as soon as it exceeds `limit`.
 */
export function patchDistance(img: Float32Array, width: number, height: number, px: number, py: number, qx: number, qy: number, r: number, limit: number): number {
  const x0 = px - r < 0 ? -px : -r, x1 = px + r >= width ? width - 1 - px : r;
  const y0 = py - r < 0 ? -py : -r, y1 = py + r >= height ? height - 1 - py : r;
  const pixels = (x1 - x0 + 1) * (y1 - y0 + 1);
  const count = pixels * 3;
  const stop = limit * count;
  const pc = (py * width + px) * CHANNELS, qc = (qy * width + qx) * CHANNELS;
  const t3 = img[pc + 3]! - img[qc + 3]!, t4 = img[pc + 4]! - img[qc + 4]!;
  let sum = pixels * (t3 * t3 + t4 * t4);
  if (sum > stop) return Infinity;
  for (let dy = y0; dy <= y1; dy++) {
    let a = ((py + dy) * width + px + x0) * CHANNELS;
    let b = ((qy + dy) * width + qx + x0) * CHANNELS;
    for (let dx = x0; dx <= x1; dx++, a += CHANNELS, b += CHANNELS) {
      const d0 = img[a]! - img[b]!, d1 = img[a + 1]! - img[b + 1]!, d2 = img[a + 2]! - img[b + 2]!;
      sum += d0 * d0 + d1 * d1 + d2 * d2;
    }
    if (sum > stop) return Infinity;
  }
  return sum / count;
}

export interface MatchOptions {
  r: number;
  /** Largest random-search window (half-width, pixels of this level). */
  searchRadius: number;
  /** Random source picks tried for a target that has no match yet (and once per round for every target). */
  randomPicks: number;
  /** Scan backwards (odd rounds), propagating from the right and from below. */
  backward: boolean;
  seed: number;
}

/**
 * One PatchMatch round over the targets in rows [y0, y1): distances refreshed for the current
 * image, then propagation and random search. Returns a histogram of the new distances.
 */
export function matchRows(level: Level, y0: number, y1: number, options: MatchOptions): Uint32Array {
  const { width, height, img, nnf, dist, target, targets, source, want } = level;
  const { r, backward } = options;
  const rand = random(options.seed);
  const hist = new Uint32Array(HISTOGRAM_BINS);
  const first = lowerBound(targets, y0 * width), last = lowerBound(targets, y1 * width);
  const step = backward ? -1 : 1;
  const n = width * height;
  // Candidates per target: random picks, the two propagated matches, then the random search.
  const cand = new Int32Array(options.randomPicks + 2 + 32);
  for (let k = backward ? last - 1 : first; backward ? k >= first : k < last; k += step) {
    const p = targets[k]!;
    const px = p % width, py = (p - px) / width;
    const pool = level.sources[want[p]!]!;
    if (pool.length === 0) continue;
    const w = want[p]!;
    let best = nnf[p]!;
    let bestD = Infinity;
    if (best >= 0) {
      const cls = source[best]!;
      if (cls !== 0 && (w === 0 || w === cls)) bestD = patchDistance(img, width, height, px, py, best % width, (best / width) | 0, r, Infinity);
    }
    if (bestD === Infinity) best = -1;
    let count = 0;
    const picks = best < 0 ? Math.max(1, options.randomPicks) : options.randomPicks;
    for (let t = 0; t < picks; t++) cand[count++] = pool[Math.floor(rand() * pool.length)]!;
    // Propagation: the neighbour already visited in this scan, its match shifted by one.
    const left = p - step;
    if (px - step >= 0 && px - step < width && target[left] && nnf[left]! >= 0) cand[count++] = nnf[left]! + step;
    const up = p - step * width;
    const uy = py - step;
    if (uy >= y0 && uy < y1 && target[up] && nnf[up]! >= 0) cand[count++] = nnf[up]! + step * width;
    for (let t = 0; t <= count; t++) {
      let q: number;
      if (t < count) q = cand[t]!;
      else {
        // Random search around the best match, in windows halving from searchRadius.
        if (best < 0) break;
        const bx = best % width, by = (best / width) | 0;
        for (let radius = options.searchRadius; radius >= 1; radius >>= 1) {
          const cx = Math.min(width - 1, Math.max(0, bx + Math.round((2 * rand() - 1) * radius)));
          const cy = Math.min(height - 1, Math.max(0, by + Math.round((2 * rand() - 1) * radius)));
          q = cy * width + cx;
          if (q === best) continue;
          const cls = source[q]!;
          if (cls === 0 || (w !== 0 && w !== cls)) continue;
          const d = patchDistance(img, width, height, px, py, cx, cy, r, bestD);
          if (d < bestD) {
            bestD = d;
            best = q;
          }
        }
        break;
      }
      if (q === best || q < 0 || q >= n) continue;
      const cls = source[q]!;
      if (cls === 0 || (w !== 0 && w !== cls)) continue;
      const d = patchDistance(img, width, height, px, py, q % width, (q / width) | 0, r, bestD);
      if (d < bestD) {
        bestD = d;
        best = q;
      }
    }
    nnf[p] = best;
    dist[p] = bestD;
    if (best >= 0) hist[histogramBin(bestD)]!++;
  }
  return hist;
}

/** The first position in a sorted array holding a value >= v. */
export function lowerBound(a: Int32Array, v: number): number {
  let lo = 0, hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The field of a level from the coarser level's: each target takes its coarse parent's match,
 * scaled by two with the same offset inside the 2x2 cell (when that source is acceptable here).
 */
export function upsampleField(coarse: Level, fine: Level, y0: number, y1: number): void {
  const { width } = fine;
  const first = lowerBound(fine.targets, y0 * width), last = lowerBound(fine.targets, y1 * width);
  for (let k = first; k < last; k++) {
    const p = fine.targets[k]!;
    const x = p % width, y = (p - x) / width;
    const cx = Math.min(coarse.width - 1, x >> 1), cy = Math.min(coarse.height - 1, y >> 1);
    let m = coarse.nnf[cy * coarse.width + cx]!;
    if (m < 0) m = nearestMatch(coarse, cx, cy);
    if (m < 0) continue;
    const mx = m % coarse.width, my = (m / coarse.width) | 0;
    const qx = 2 * mx + (x - 2 * cx), qy = 2 * my + (y - 2 * cy);
    if (qx < 0 || qy < 0 || qx >= width || qy >= fine.height) continue;
    const q = qy * width + qx;
    if (!accepts(fine, p, q)) continue;
    fine.nnf[p] = q;
    // The parent's distance stands in until this level's first round measures its own.
    const parent = coarse.dist[cy * coarse.width + cx]!;
    fine.dist[p] = Number.isFinite(parent) ? parent : 0;
  }
}

/** The match of the nearest coarse target within 2 pixels, for fine targets whose parent is not a target. */
function nearestMatch(level: Level, cx: number, cy: number): number {
  for (let d = 1; d <= 2; d++) {
    for (let dy = -d; dy <= d; dy++) {
      for (let dx = -d; dx <= d; dx++) {
        const x = cx + dx, y = cy + dy;
        if (x < 0 || y < 0 || x >= level.width || y >= level.height) continue;
        const m = level.nnf[y * level.width + x]!;
        // Shifted back so the offset matches the fine pixel's parent.
        if (m >= 0) return m - dy * level.width - dx;
      }
    }
  }
  return -1;
}
