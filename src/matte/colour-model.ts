/**
 * Which of two colour samples a pixel looks like: smoothed colour histograms of both (16 levels
 * per channel), and per pixel the share of the first in their densities (Bai and Sapiro's
 * geodesic matting uses such a likelihood to steer its distances). Samples come from the strokes
 * and from what the matte is already sure of, so a flood prefers pixels that look like its stroke.
 */

const LEVELS = 16;
const BINS = LEVELS * LEVELS * LEVELS;

function level(v: number): number {
  const k = Math.floor(v * LEVELS);
  return k < 0 ? 0 : k >= LEVELS ? LEVELS - 1 : k;
}

function binOf(r: number, g: number, b: number): number {
  return (level(r) * LEVELS + level(g)) * LEVELS + level(b);
}

/** A histogram of the pixels where `mask` is set, smoothed over neighbouring bins and normalised; null when empty. */
function histogram(r: Float32Array, g: Float32Array, b: Float32Array, mask: Uint8Array): Float32Array | null {
  let h = new Float32Array(BINS);
  let total = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    h[binOf(r[i]!, g[i]!, b[i]!)]!++;
    total++;
  }
  if (total === 0) return null;
  // 1-2-1 smoothing along each axis, so near colours share evidence.
  for (const stride of [1, LEVELS, LEVELS * LEVELS]) {
    const out = new Float32Array(BINS);
    for (let i = 0; i < BINS; i++) {
      const pos = Math.floor(i / stride) % LEVELS;
      let s = 2 * h[i]!, wsum = 2;
      if (pos > 0) { s += h[i - stride]!; wsum++; }
      if (pos < LEVELS - 1) { s += h[i + stride]!; wsum++; }
      out[i] = s / wsum;
    }
    h = out;
  }
  let sum = 0;
  for (let i = 0; i < BINS; i++) sum += h[i]!;
  for (let i = 0; i < BINS; i++) h[i]! /= sum;
  return h;
}

/**
 * Per pixel, P(looks like A) = (pA + k u) / (pA + pB + k) from the two samples' colour
 * densities, with a weak prior `unseen` (u) for colours neither sample has; 1 where B is empty
 * (nothing to tell them apart).
 */
export function colourLikelihood(r: Float32Array, g: Float32Array, b: Float32Array, sampleA: Uint8Array, sampleB: Uint8Array, unseen = 0.5): Float32Array {
  const n = r.length;
  const out = new Float32Array(n);
  const ha = histogram(r, g, b, sampleA);
  const hb = histogram(r, g, b, sampleB);
  if (!ha || !hb) return out.fill(1);
  const table = new Float32Array(BINS);
  const k = 0.1 / BINS; // a tenth of a uniform density
  for (let i = 0; i < BINS; i++) table[i] = (ha[i]! + k * unseen) / (ha[i]! + hb[i]! + k);
  for (let i = 0; i < n; i++) out[i] = table[binOf(r[i]!, g[i]!, b[i]!)]!;
  return out;
}
