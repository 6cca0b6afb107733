/**
 * Matte post-processing candidates for bench/matte-lab.ts. Add yours to CANDIDATES; run
 *   npm run matte-lab -- --candidates bilinear,steep5,yours --sets hires-thin,small
 * The built-in rows `bilinear`, `greenroom` and `peer` live in matte-lab.ts.
 */
import { resizeBilinear } from '../src/matte/resample.ts';
import type { Candidate, LabPlane } from './matte-lab-types.ts';

/** The matte upsampled (or shrunk) bilinearly to the photo's size, as greenroom's `refine: false`. */
export function upsample(m: LabPlane, width: number, height: number): Float32Array {
  return resizeBilinear(m.data, m.width, m.height, width, height);
}

export function toAlpha(plane: Float32Array): Uint8Array {
  const out = new Uint8Array(plane.length);
  for (let i = 0; i < plane.length; i++) {
    const a = Math.round(plane[i]! * 255);
    out[i] = a < 0 ? 0 : a > 255 ? 255 : a;
  }
  return out;
}

/** A steeper transition around 0.5 after upsampling: a' = clamp((a - 0.5) * gain + 0.5). */
export function steep(gain: number): Candidate {
  return {
    name: `steep${gain}`,
    about: `bilinear, then alpha' = clamp((a - 0.5) * ${gain} + 0.5)`,
    predict(photo, nets) {
      const up = upsample(nets.matte, photo.width, photo.height);
      for (let i = 0; i < up.length; i++) up[i] = (up[i]! - 0.5) * gain + 0.5;
      return toAlpha(up);
    },
  };
}

/** Horizontal-flip averaging: the mean of the matte and the flipped photo's matte, bilinear. */
export const flipAverage: Candidate = {
  name: 'flip',
  about: 'mean of the matte and the flipped photo\'s matte, then bilinear',
  flip: true,
  predict(photo, nets) {
    const m = nets.matte.data;
    const f = nets.flipped!.data;
    const avg = new Float32Array(m.length);
    for (let i = 0; i < m.length; i++) avg[i] = (m[i]! + f[i]!) / 2;
    return toAlpha(upsample({ ...nets.matte, data: avg }, photo.width, photo.height));
  },
};

export const CANDIDATES: readonly Candidate[] = [steep(3), steep(5), flipAverage];
