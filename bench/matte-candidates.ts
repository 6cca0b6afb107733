/**
 * Matte post-processing candidates for bench/matte-lab.ts. Add yours to CANDIDATES; run
 *   npm run matte-lab -- --candidates bilinear,steep5,yours --sets hires-thin,small
 * The built-in rows `bilinear`, `greenroom` and `peer` live in matte-lab.ts.
 */
import { resizeBilinear } from '../src/matte/resample.ts';
import { sharpenEdges, sharpenOptionsFor, type SharpenOptions } from '../src/matte/edge-sharpen.ts';
import { uncertaintyEvidence } from '../src/matte/uncertainty.ts';
import type { Candidate, LabNets, LabPlane } from './matte-lab-types.ts';

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

/** The mean of the matte and the flipped photo's matte (flipped back). */
function averaged(nets: LabNets): LabPlane {
  const m = nets.matte.data;
  const f = nets.flipped!.data;
  const avg = new Float32Array(m.length);
  for (let i = 0; i < m.length; i++) avg[i] = (m[i]! + f[i]!) / 2;
  return { ...nets.matte, data: avg };
}

/**
 * Bilinear (of the flip-averaged matte when `flip`), then src/matte/edge-sharpen.ts with the
 * shipped options (sharpenOptionsFor) except those given: the rows below are the shipped choice
 * and the ablations that chose it (bench/README.md has the table).
 */
function sharpen(name: string, about: string, opts: { flip?: boolean } & Partial<SharpenOptions> = {}): Candidate {
  const { flip, ...overrides } = opts;
  return {
    name,
    about,
    ...(flip ? { flip: true } : {}),
    predict(photo, nets, ctx) {
      const up = upsample(flip ? averaged(nets) : nets.matte, photo.width, photo.height);
      return toAlpha(sharpenEdges(photo, up, { ...sharpenOptionsFor(ctx.factor), ...overrides }));
    },
  };
}

/**
 * The shipped refine with the mirrored pass only when the first matte's softness reaches `t`
 * (models.json mirroredPass.minSoftness) and the photo is at least `minFactor` times the working
 * size (minFactor).
 */
function adaptive(t: number, minFactor = 0): Candidate {
  return {
    name: minFactor ? `mirror-at-${t}-from-${minFactor}x` : `mirror-at-${t}`,
    about: `the mirrored pass only when softness >= ${t}${minFactor ? ` and the photo is ${minFactor}x the working size or more` : ''}, then as shipped`,
    flip: true,
    predict(photo, nets, ctx) {
      const flip = ctx.factor >= minFactor && uncertaintyEvidence(nets.matte).softness >= t;
      const up = upsample(flip ? averaged(nets) : nets.matte, photo.width, photo.height);
      return toAlpha(sharpenEdges(photo, up, sharpenOptionsFor(ctx.factor)));
    },
  };
}

/** As shipped with the reach gate at `k` window radii. */
function reachIn(k: number): Candidate {
  return {
    name: `reach-${k}r`,
    about: `as shipped, alpha moving freely within ${k} window radii of confident background`,
    predict(photo, nets, ctx) {
      const opts = sharpenOptionsFor(ctx.factor);
      return toAlpha(sharpenEdges(photo, upsample(nets.matte, photo.width, photo.height), { ...opts, reach: k * opts.radius }));
    },
  };
}

export const CANDIDATES: readonly Candidate[] = [
  adaptive(0.01),
  adaptive(0.02),
  adaptive(0.04),
  adaptive(0.02, 1),
  adaptive(0.02, 2),
  steep(3),
  steep(5),
  flipAverage,
  sharpen('shipped', 'greenroom refine, one pass: bilinear, two-colour evidence, factor-scaled fallback steepening (sharpenOptionsFor)'),
  sharpen('flip+shipped', 'greenroom refine at best: the flip-averaged matte, then as shipped', { flip: true }),
  sharpen('evidence-only', 'the colour evidence without the fallback steepening', { fallbackGain: 1 }),
  sharpen('texture-2', 'as shipped with F and B spread weighted 2', { texturePenalty: 2 }),
  sharpen('texture-4', 'as shipped with F and B spread weighted 4', { texturePenalty: 4 }),
  reachIn(3),
  reachIn(6),
  reachIn(12),
  sharpen('reach-everywhere', 'as shipped, moving alpha however far from confident background (before the reach gate)', { reach: 0 }),
];
