/**
 * Colour decontamination: estimates the true foreground colour F of each partly transparent
 * pixel, so no fringe of the old background survives on a new one. This is the blur-fusion
 * estimator of Forte and Pitie, "Approximate Fast Foreground Colour Estimation" (ICIP 2021):
 * a coarse pass (large radius) then a fine pass (small radius), each solving
 * I = aF + (1-a)B around locally averaged foreground and background colours.
 */
import { boxMean } from './box.ts';
import type { RgbImage } from './guided.ts';

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

/**
 * Returns interleaved 8-bit RGB: the estimated foreground colour where 0 < alpha < 1, the photo's
 * own colour where alpha is 1, and the local foreground estimate where alpha is 0 (so colour
 * bleeding from resampling the cutout later stays clean too).
 */
export function decontaminate(image: RgbImage, alpha: Float32Array, options: DecontaminateOptions): Uint8Array {
  const { width, height, data } = image;
  const n = width * height;
  const channels = [0, 1, 2].map((c) => {
    const plane = new Float32Array(n);
    for (let i = 0; i < n; i++) plane[i] = data[i * 3 + c]! / 255;
    return plane;
  });
  const scratch = new Float32Array(n);
  const invAlpha = new Float32Array(n);
  for (let i = 0; i < n; i++) invAlpha[i] = 1 - alpha[i]!;

  let fg: Float32Array[] = channels;
  let bg: Float32Array[] = channels;
  for (const radius of [options.coarseRadius, options.fineRadius]) {
    const meanA = boxMean(alpha, width, height, radius, new Float32Array(n), scratch);
    const meanInvA = boxMean(invAlpha, width, height, radius, new Float32Array(n), scratch);
    const weighted = new Float32Array(n);
    const nextFg: Float32Array[] = [];
    const nextBg: Float32Array[] = [];
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < n; i++) weighted[i] = fg[c]![i]! * alpha[i]!;
      const blurF = boxMean(weighted, width, height, radius, new Float32Array(n), scratch);
      for (let i = 0; i < n; i++) weighted[i] = bg[c]![i]! * invAlpha[i]!;
      const blurB = boxMean(weighted, width, height, radius, new Float32Array(n), scratch);
      const img = channels[c]!;
      const f = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const a = alpha[i]!;
        const fMean = blurF[i]! / (meanA[i]! + 1e-5);
        const bMean = blurB[i]! / (meanInvA[i]! + 1e-5);
        blurB[i] = bMean;
        const v = fMean + a * (img[i]! - a * fMean - (1 - a) * bMean);
        f[i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
      nextFg.push(f);
      nextBg.push(blurB);
    }
    fg = nextFg;
    bg = nextBg;
  }

  const out = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const opaque = alpha[i]! >= 1;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = opaque ? data[i * 3 + c]! : Math.round(fg[c]![i]! * 255);
  }
  return out;
}
