/**
 * The coarsest level's first guess, by onion peel (as Newson, Almansa, Gousseau and Pérez 2017
 * initialise image inpainting): hole pixels are filled from the outside in, each from the source
 * patch that best matches the part of its own patch already known or filled, found among random
 * sources, its filled neighbours' matches shifted by one, and a random search around the best.
 * Structures reaching the hole's edge are continued inward before the rounds refine them.
 */
import { distanceTo } from './distance.ts';
import { accepts, CHANNELS, sourcesFor, type Level } from './level.ts';
import { random } from './patchmatch.ts';

/** Mean squared difference over the target patch's pixels that are known or filled. */
function maskedDistance(level: Level, filled: Uint8Array, px: number, py: number, qx: number, qy: number, r: number, limit: number): number {
  const { width, height, img } = level;
  let sum = 0, count = 0;
  for (let dy = -r; dy <= r; dy++) {
    const y = py + dy;
    if (y < 0 || y >= height) continue;
    for (let dx = -r; dx <= r; dx++) {
      const x = px + dx;
      if (x < 0 || x >= width) continue;
      const a = y * width + x;
      if (!filled[a]) continue;
      const b = (qy + dy) * width + qx + dx;
      for (let c = 0; c < 3; c++) {
        const d = img[a * CHANNELS + c]! - img[b * CHANNELS + c]!;
        sum += d * d;
      }
      count += 3;
    }
  }
  // The texture features as patchDistance weighs them (the target's centre may not be filled yet: then colours alone).
  const pc = (py * width + px) * CHANNELS, qc = (qy * width + qx) * CHANNELS;
  if (filled[py * width + px]) {
    const t3 = img[pc + 3]! - img[qc + 3]!, t4 = img[pc + 4]! - img[qc + 4]!;
    sum += (count / 3) * (t3 * t3 + t4 * t4);
  }
  const mean = count > 0 ? sum / count : 0;
  return mean > limit ? Infinity : mean;
}

/** Fills the level's hole from the outside in; each filled pixel's match is left in the field. */
export function onionPeel(level: Level, r: number, seed: number, picks = 16): void {
  const { width, height, img, hole, nnf, dist } = level;
  const n = width * height;
  const filled = new Uint8Array(n);
  for (let i = 0; i < n; i++) filled[i] = hole[i] ? 0 : 1;
  const depth = distanceTo(filled, width, height);
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (hole[i]) order.push(i);
  // Outside in; ties in scan order, so the result depends on the input alone.
  order.sort((a, b) => depth[a]! - depth[b]! || a - b);
  const rand = random(seed);
  const searchRadius = Math.max(width, height);
  for (const p of order) {
    const px = p % width, py = (p - px) / width;
    const pool = sourcesFor(level, p);
    if (pool.length === 0) continue;
    let best = -1, bestD = Infinity;
    const consider = (q: number) => {
      if (q === best || !accepts(level, p, q)) return;
      const d = maskedDistance(level, filled, px, py, q % width, (q / width) | 0, r, bestD);
      if (d < bestD) {
        bestD = d;
        best = q;
      }
    };
    for (let t = 0; t < picks; t++) consider(pool[Math.floor(rand() * pool.length)]!);
    // The filled neighbours' matches, shifted to this pixel: structures carry on inward.
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const x = px + dx, y = py + dy;
        if ((dx === 0 && dy === 0) || x < 0 || y < 0 || x >= width || y >= height) continue;
        const m = nnf[y * width + x]!;
        if (m >= 0 && hole[y * width + x]) consider(m - dy * width - dx);
      }
    }
    if (best >= 0) {
      for (let radius = searchRadius; radius >= 1; radius >>= 1) {
        for (let t = 0; t < 2; t++) {
          const bx = best % width, by = (best / width) | 0;
          const cx = Math.min(width - 1, Math.max(0, bx + Math.round((2 * rand() - 1) * radius)));
          const cy = Math.min(height - 1, Math.max(0, by + Math.round((2 * rand() - 1) * radius)));
          consider(cy * width + cx);
        }
      }
    }
    if (best < 0) continue;
    nnf[p] = best;
    dist[p] = bestD;
    for (let c = 0; c < CHANNELS; c++) img[p * CHANNELS + c] = img[best * CHANNELS + c]!;
    filled[p] = 1;
  }
}
