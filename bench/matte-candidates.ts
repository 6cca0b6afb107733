/**
 * Matte post-processing candidates for bench/matte-lab.ts. Add yours to CANDIDATES; run
 *   npm run matte-lab -- --candidates bilinear,steep5,yours --sets hires-thin,small
 * The built-in rows `bilinear`, `greenroom` and `peer` live in matte-lab.ts.
 */
import { resizeBilinear } from '../src/matte/resample.ts';
import { sharpenEdges, sharpenOptionsFor, type SharpenOptions } from '../src/matte/edge-sharpen.ts';
import { uncertaintyEvidence } from '../src/matte/uncertainty.ts';
import { contextFrame, contextMatte, frameEvidence, fuseContext, pictureHug, PICTURE_GROWTH, PICTURE_HUG, wantsContextPass, type ContextTrigger } from '../src/matte/context-pass.ts';
import { fuseContextPass } from '../src/matte/matte-steps.ts';
import { removeSpecks, type SpeckOptions } from '../src/matte/specks.ts';
import { fillFalseHoles, type HoleOptions } from '../src/matte/holes.ts';
import type { Candidate, LabNets, LabPhoto, LabPlane } from './matte-lab-types.ts';

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

/** The sharpening options as shipped before issue 16 (without the along-contour reading). */
export function optionsBefore(factor: number): SharpenOptions {
  return { ...sharpenOptionsFor(factor), alongContour: undefined };
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
      return toAlpha(sharpenEdges(photo, up, { ...optionsBefore(ctx.factor), ...overrides }));
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
      return toAlpha(sharpenEdges(photo, up, optionsBefore(ctx.factor)));
    },
  };
}

/** As shipped with the reach gate at `k` window radii. */
function reachIn(k: number): Candidate {
  return {
    name: `reach-${k}r`,
    about: `as shipped, alpha moving freely within ${k} window radii of confident background`,
    predict(photo, nets, ctx) {
      const opts = optionsBefore(ctx.factor);
      return toAlpha(sharpenEdges(photo, upsample(nets.matte, photo.width, photo.height), { ...opts, reach: k * opts.radius }));
    },
  };
}

/**
 * The context pass (src/matte/context-pass.ts): the photo framed in grey seen by the network too,
 * its matte cropped back and used only where the first matte is unsure (alpha in (lo, hi)), then
 * the shipped sharpening. `trigger`: only when the first matte touches the frame and is unsure
 * enough (absent: every photo). `mirror`: the first matte is `best`'s (mirrored pass by main's rule).
 */
function context(name: string, o: { view?: string; lo?: number; hi?: number; ramp?: number; trigger?: ContextTrigger; mirror?: boolean } = {}): Candidate {
  const view = o.view ?? 'context';
  return {
    name,
    about: `context pass (${view}) fused where the first matte is in (${o.lo ?? 0.1}, ${o.hi ?? 0.9})${o.trigger ? `, when it touches the frame over ${o.trigger.minTouch} and is unsure over ${o.trigger.minUnsure}` : ', every photo'}${o.mirror ? ', on best\'s mirrored matte' : ''}, then as shipped`,
    views: [view],
    ...(o.mirror ? { flip: true } : {}),
    predict(photo, nets, ctx) {
      const first = o.mirror && ctx.factor >= 1 && uncertaintyEvidence(nets.matte).softness >= 0.02 ? averaged(nets) : nets.matte;
      let m = first;
      if (!o.trigger || wantsContextPass(frameEvidence(first), o.trigger)) {
        const raw = nets.view(view);
        const ctxMatte = contextMatte(raw.data, contextFrame(raw.width), first.width);
        m = { ...first, data: fuseContext(first.data, ctxMatte, o.lo, o.hi, o.ramp) };
      }
      return toAlpha(sharpenEdges(photo, upsample(m, photo.width, photo.height), optionsBefore(ctx.factor)));
    },
  };
}

/** The steps of issue 16, composable: which run before the shipped sharpening, at the working size. */
export interface Recipe {
  /** `best`'s mirrored pass by main's rule (photo larger than the working size, softness >= 0.02). */
  mirror?: boolean;
  /** The mirrored pass at a smaller working size (its matte upsampled to the first's), by the same rule, from `mirrorFrom` x the working size. */
  mirrorSize?: number;
  mirrorFrom?: number;
  /** With mirrorSize: the second pass sees the photo itself, not mirrored (a second scale only). */
  unflipped?: boolean;
  /** With mirrorSize: no softness condition. */
  always?: boolean;
  /** The context pass: its view, trigger and picture guard (hug at which the context matte is refused). */
  context?: { view?: string; trigger?: ContextTrigger; hug?: number; growth?: number; lo?: number; hi?: number };
  specks?: SpeckOptions;
  holes?: HoleOptions;
  /** Overrides of the shipped sharpening options (or a function of the upsampling factor giving them). */
  sharpen?: Partial<SharpenOptions> | ((factor: number) => Partial<SharpenOptions>);
}

/** The evidence limit with its spread one matte pixel (the upsampling factor, at least 1 px). */
export const limitAt = (base: number, lift: number, direction: 'both' | 'up' | 'down' = 'both', spread = 1) => (factor: number): Partial<SharpenOptions> => ({ evidenceLimit: { spread: Math.max(1, factor * spread), base, lift, direction } });

/** The working-size matte a recipe hands to the sharpening. */
export function recipeMatte(nets: LabNets, factor: number, r: Recipe, photo?: LabPhoto): LabPlane {
  let m = r.mirror && factor >= (r.mirrorFrom ?? 1) && uncertaintyEvidence(nets.matte).softness >= 0.02 ? averaged(nets) : nets.matte;
  if (r.mirrorSize && factor >= (r.mirrorFrom ?? 1) && (r.always || uncertaintyEvidence(nets.matte).softness >= 0.02)) {
    const small = nets.at(r.mirrorSize, !r.unflipped);
    const up = resizeBilinear(small.data, small.width, small.height, m.width, m.height);
    const avg = new Float32Array(m.data.length);
    for (let i = 0; i < avg.length; i++) avg[i] = (m.data[i]! + up[i]!) / 2;
    m = { ...m, data: avg };
  }
  if (r.context && (!r.context.trigger || wantsContextPass(frameEvidence(m), r.context.trigger))) {
    const raw = nets.view(r.context.view ?? 'context');
    if (r.context.lo !== undefined || r.context.hi !== undefined) {
      const c = contextMatte(raw.data, contextFrame(raw.width), m.width);
      if (pictureHug({ data: c, width: m.width, height: m.height }) < (r.context.hug ?? PICTURE_HUG)) m = { ...m, data: fuseContext(m.data, c, r.context.lo, r.context.hi) };
    } else m = { ...m, data: fuseContextPass(m, raw.data, r.context.hug ?? PICTURE_HUG, r.context.growth ?? PICTURE_GROWTH).data };
  }
  if (r.specks) m = { ...m, data: removeSpecks(m, r.specks).data };
  if (r.holes) m = { ...m, data: fillFalseHoles(m, r.holes).data };
  return m;
}

export function recipe(name: string, about: string, r: Recipe): Candidate {
  return {
    name,
    about,
    ...(r.mirror || r.mirrorSize ? { flip: true } : {}),
    ...(r.mirrorSize ? { sizes: [r.mirrorSize] } : {}),
    ...(r.context ? { views: [r.context.view ?? 'context'] } : {}),
    predict(photo, nets, ctx) {
      const m = recipeMatte(nets, ctx.factor, r, photo);
      const extra = typeof r.sharpen === 'function' ? r.sharpen(ctx.factor) : r.sharpen;
      return toAlpha(sharpenEdges(photo, upsample(m, photo.width, photo.height), { ...sharpenOptionsFor(ctx.factor), ...extra }));
    },
  };
}

const CTX_TRIGGER: ContextTrigger = { minTouch: 0.03, minUnsure: 0.08 };

/** The sharpening before issue 16 (sharpenOptionsFor now reads the evidence along the contour from 1.5x). */
const BEFORE_SHARPEN = { alongContour: undefined };
/** The context pass and cleaning of `best` after issue 16, with the sharpening as before. */
const AFTER_BASE: Recipe = { context: { trigger: CTX_TRIGGER }, specks: {}, holes: {}, sharpen: BEFORE_SHARPEN };
/**
 * What `best` runs after issue 16 (models.json contextPass.best, cleanMatte; sharpenOptionsFor): one
 * pass. The 512 px mirrored pass from 2x (`after+m512-2x-along`) scored better on cords and
 * hires-thin but left ghosts on real 12 MP photos (models.json mirroredPass).
 */
export const AFTER: Recipe = { context: { trigger: CTX_TRIGGER }, specks: {}, holes: {} };
/** What `max` runs: the mirrored pass at 1024 (main's best), the context pass for every photo touching the frame, the rest as best. */
export const MAX: Recipe = { mirror: true, context: { trigger: { minTouch: 0.03, minUnsure: 0 } }, specks: {}, holes: {} };

export const CANDIDATES: readonly Candidate[] = [
  recipe('after', "best after issue 16: one pass, the context pass when the first matte touches the frame and is unsure over 8%, specks, false holes, then as shipped", AFTER),
  recipe('after-ctx768', 'after, the context pass at 768 px (its view and network run at 768, cropped back and upsampled to the first matte)', { ...AFTER, context: { view: 'context@768', trigger: CTX_TRIGGER } }),
  recipe('after-ctx512', 'after, the context pass at 512 px', { ...AFTER, context: { view: 'context@512', trigger: CTX_TRIGGER } }),
  recipe('after-noctx', 'after without the context pass', { ...AFTER, context: undefined }),
  recipe('max', 'max: the mirrored pass (photos larger than the working size, softness >= 0.02), the context pass whenever the first matte touches the frame, specks, false holes, then as shipped', MAX),
  recipe('ctx', 'context pass (grey) when the first matte touches the frame (>= 0.03 of its ring) and is unsure over >= 8%, refused when the context matte hugs the photo (picture)', { context: { trigger: CTX_TRIGGER } }),
  recipe('ctxblur', 'the same with the blurred-continuation border', { context: { view: 'ctxblur', trigger: CTX_TRIGGER } }),
  recipe('ctx-nohug', 'ctx without the picture guard', { context: { trigger: CTX_TRIGGER, hug: 2, growth: 2 } }),
  recipe('ctx-hug-only', 'ctx with the absolute picture guard only (hug 0.8), not the growth', { context: { trigger: CTX_TRIGGER, growth: 2 } }),
  recipe('ctx-guard-all', 'the context pass for every photo, with the picture guard', { context: { hug: PICTURE_HUG } }),
  recipe('limit-10-2', 'the colour evidence held within 0.1 + 2 x the matte\'s change over 2 matte px of the steepened ramp', { sharpen: limitAt(0.1, 2) }),
  recipe('limit-5-1', 'evidence within 0.05 + 1 x the change', { sharpen: limitAt(0.05, 1) }),
  recipe('limit-20-2', 'evidence within 0.2 + 2 x the change', { sharpen: limitAt(0.2, 2) }),
  recipe('limit-10-4', 'evidence within 0.1 + 4 x the change', { sharpen: limitAt(0.1, 4) }),
  recipe('limit-up', 'evidence within 0.1 + 2 x the change, only where it lifts alpha under 0.5 (a faint wash into specks)', { sharpen: limitAt(0.1, 2, 'up') }),
  recipe('limit-down', 'evidence within 0.1 + 2 x the change, only where it carves alpha of 0.5 or more (highlights into holes)', { sharpen: limitAt(0.1, 2, 'down') }),
  recipe('limit-s2', 'evidence within 0.1 + 2 x the change over 4 matte px', { sharpen: limitAt(0.1, 2, 'both', 2) }),
  recipe('mirror-512', 'the mirrored pass at 512 px (averaged with the 1024 matte), photos larger than the working size', { mirrorSize: 512 }),
  recipe('mirror-768', 'the mirrored pass at 768 px', { mirrorSize: 768 }),
  recipe('scale-512', 'a second pass at 512 px of the photo itself (not mirrored), averaged, photos larger than the working size', { mirrorSize: 512, unflipped: true }),
  recipe('after+m512', 'after, with the mirrored pass at 512 for photos larger than the working size (softness >= 0.02)', { ...AFTER_BASE, mirrorSize: 512 }),
  recipe('after+m512-2x', 'after, with the mirrored pass at 512 for photos 2x the working size or more', { ...AFTER_BASE, mirrorSize: 512, mirrorFrom: 2 }),
  recipe('after+m512-3x', 'after, with the mirrored pass at 512 for photos 3x the working size or more', { ...AFTER_BASE, mirrorSize: 512, mirrorFrom: 3 }),
  recipe('after+m512-2x-along', 'after+m512-2x, and the colour evidence read along the contour from 1.5x (= after)', { ...AFTER_BASE, mirrorSize: 512, mirrorFrom: 2, sharpen: {} }),
  recipe('after+along', 'after, the colour evidence read along the contour from 1.5x', { ...AFTER_BASE, sharpen: {} }),
  recipe('max+m512', 'max with best\'s 512 px mirrored pass too, from 2x (averaged in after the 1024 one)', { ...MAX, mirrorSize: 512, mirrorFrom: 2 }),
  recipe('mirror-3x', "main's mirrored pass (1024) only for photos 3x the working size or more", { mirror: true, mirrorFrom: 3 }),
  recipe('along-1', 'the colour evidence read as the median of 5 taps along the contour, 1 px apart (x factor/2 above 2x)', { sharpen: (f) => ({ alongContour: { step: Math.max(1, f / 2) } }) }),
  recipe('along-2', 'the same, taps 2 px apart (x factor)', { sharpen: (f) => ({ alongContour: { step: Math.max(2, f) } }) }),
  recipe('holes', 'false holes lifted at the working size (small dips inside a solid part, no background-coloured path out)', { holes: {} }),
  recipe('holes-rim', 'holes lifted to their rim (not to 1)', { holes: { liftTo: 'rim' } }),
  recipe('holes-s8', 'holes, solidity 0.8', { holes: { minSolid: 0.8 } }),
  recipe('holes-s7', 'holes, solidity 0.7', { holes: { minSolid: 0.7 } }),
  recipe('specks', 'specks removed at the working size (support 0.04, kept from 5% of the largest fragment)', { specks: {} }),
  recipe('specks-2', 'specks, kept from 2%', { specks: { keepShare: 0.02 } }),
  recipe('specks-10', 'specks, kept from 10%', { specks: { keepShare: 0.1 } }),
  recipe('specks-s02', 'specks, support 0.02', { specks: { support: 0.02 } }),
  recipe('specks-s08', 'specks, support 0.08', { specks: { support: 0.08 } }),
  { ...adaptive(0.02, 1), name: 'before', about: "main's best before issue 16: mirrored pass from softness 0.02 for photos larger than the working size, then the shipped sharpening" },
  context('ctx-all'),
  context('ctx-all-768', { view: 'context@768' }),
  context('ctx-all-hard', { ramp: 0 }),
  context('ctx-all-wide', { lo: 0.05, hi: 0.95 }),
  context('ctxblur-all', { view: 'ctxblur' }),
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
