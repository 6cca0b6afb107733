/**
 * Voting (Wexler, Shechtman and Irani 2007): every target patch proposes its source's colours for
 * the pixels it covers; a pixel takes the proposals' mean, weighted by how well each patch
 * matched, exp(-d / 2 sigma^2) with sigma^2 a quantile of the level's distances (Newson et al.
 * 2014 take the 75th percentile). At the finest level a pixel may instead take the proposal of
 * the best-matching patch alone, which keeps the texture's grain that averaging smooths away.
 *
 * Proposals are read from source pixels only (always known), so bands of rows can be voted at the
 * same time while hole pixels are written.
 */
import { CHANNELS, type Level } from './level.ts';

export type VoteMode = 'mean' | 'best';

/**
 * Votes the pixels of rows [y0, y1) where `which` is set, writing the first `channels` channels
 * into `into` (a buffer of the level's size: the level's own image while iterating, with every
 * channel; the final RGB at the end).
 */
export function voteRows(level: Level, y0: number, y1: number, r: number, sigma2: number, mode: VoteMode, which: Uint8Array, into: Float32Array, channels: number): void {
  const { width, height, img, nnf, dist, target } = level;
  // Each target's weight, computed once for the rows this band reads.
  const wy0 = Math.max(0, y0 - r), wy1 = Math.min(height, y1 + r);
  const weights = new Float32Array((wy1 - wy0) * width);
  const scale = -1 / (2 * Math.max(1e-3, sigma2));
  for (let i = wy0 * width, k = 0; i < wy1 * width; i++, k++) {
    if (target[i] && nnf[i]! >= 0) weights[k] = mode === 'mean' ? Math.exp(dist[i]! * scale) + 1e-12 : 1;
  }
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!which[p]) continue;
      let sw = 0, bestD = Infinity, best = -1, s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0;
      const cy0 = Math.max(0, y - r), cy1 = Math.min(height - 1, y + r);
      const cx0 = Math.max(0, x - r), cx1 = Math.min(width - 1, x + r);
      for (let cy = cy0; cy <= cy1; cy++) {
        for (let cx = cx0; cx <= cx1; cx++) {
          const c = cy * width + cx;
          const w = weights[c - wy0 * width]!;
          if (w === 0) continue;
          // The pixel's place in the patch centred at c, in the source patch.
          const q = nnf[c]! + (y - cy) * width + (x - cx);
          if (mode === 'best') {
            const d = dist[c]!;
            if (d < bestD) {
              bestD = d;
              best = q;
            }
            continue;
          }
          const o = q * CHANNELS;
          s0 += w * img[o]!;
          s1 += w * img[o + 1]!;
          s2 += w * img[o + 2]!;
          s3 += w * img[o + 3]!;
          s4 += w * img[o + 4]!;
          sw += w;
        }
      }
      if (mode === 'best') {
        if (best < 0) continue;
        for (let k = 0; k < channels; k++) into[p * channels + k] = img[best * CHANNELS + k]!;
      } else if (sw > 0) {
        const o = p * channels;
        into[o] = s0 / sw;
        into[o + 1] = s1 / sw;
        into[o + 2] = s2 / sw;
        if (channels === CHANNELS) {
          into[o + 3] = s3 / sw;
          into[o + 4] = s4 / sw;
        }
      }
    }
  }
}
