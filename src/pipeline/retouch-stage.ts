/**
 * The retouch stage: the mask read and checked (a mask image or strokes), the canvas expanded
 * when asked (libvips), then the completion on the pixel pool: the pyramid of the region around
 * the mask prepared in one task, each phase's bands split over the pool's threads, the result
 * written into a copy of the photo. Shared by `studio.retouch` and the `retouch` step of an edit.
 */
import sharp from 'sharp';
import { GreenroomError, isGreenroomError } from '../errors.ts';
import type { DecodedImage, DecodeLimits } from '../image/decode.ts';
import { decodeMatte } from '../image/hints-image.ts';
import { decodeMaskImage } from '../image/mask-image.ts';
import type { LabelMap, Stroke } from '../matte/hints.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import { sharedBytes } from '../pixels/transfer.ts';
import { completeHole, type CompletionReport, type PhaseRunner } from '../retouch/schedule.ts';
import { expandSides, type ExpandSides } from '../retouch/expand.ts';
import type { MaskStats } from '../retouch/mask.ts';
import type { RetouchInput } from '../retouch/retouch.ts';
import type { Box } from '../retouch/types.ts';
import { strokesForPhoto } from './hints-options.ts';
import { MAX_MASK_SHARE, type RetouchStep } from './retouch-options.ts';
import type { StageControl, StageRecorder } from './stages.ts';

/** What a retouch did, for the result and its receipt. */
export interface RetouchReport {
  /** Pixels filled: the mask's, and an expanded canvas's new border. */
  filledPixels: number;
  /** Their share of the output, 0..1. */
  share: number;
  /** The box of the output whose pixels changed (the fill and its 2 px blend band); null when nothing was filled. */
  changed: Box | null;
  /** The region of the output the fill's sources were read from. */
  region: Box | null;
  /** New pixels on each side, when the canvas was expanded. */
  expanded?: ExpandSides;
  /** Where the matte that picks the sources came from ('frame': expanded without one, the photo's outer frame stood in as background). */
  matteFrom: 'none' | 'previous-cutout' | 'input-alpha' | 'frame';
  /** The pyramid's levels, finest first (size, patch centres, rounds, how each was worked). */
  levels: CompletionReport['levels'];
}

/** The photo as the retouch leaves it, with what came along resized to it. */
export interface RetouchedPhoto {
  decoded: DecodedImage;
  /** A previous cutout's matte, on the new canvas (the border is background). */
  previous?: Uint8Array;
  /** The offset of the old photo in the new canvas (0, 0 without expand). */
  offset: { x: number; y: number };
  report: RetouchReport;
}

export interface RetouchIO {
  pixels: PixelRunner;
  limits: DecodeLimits;
}

/**
 * Expanding without a matte: the photo's outer frame, this share of each side, is taken as its
 * background (the border's sources), the middle as the subject (a product photo's product).
 */
const FRAME_SHARE = 0.15;

const maskField = (step: RetouchStep, name: string) => (step.field ? `${step.field}.${name}` : name);

/** Refuses an empty mask and one over most of the photo. */
function checkMask(stats: Pick<MaskStats, 'pixels' | 'share'>, field: string, photo: { width: number; height: number }): void {
  if (stats.pixels === 0) throw new GreenroomError('INVALID_MASK', `${field}: the mask is empty: nothing to remove. Paint white (or opaque) where the photo should be filled.`, { field, reason: 'empty' });
  if (stats.share > MAX_MASK_SHARE) {
    throw new GreenroomError('MASK_TOO_LARGE', `${field}: the mask covers ${Math.round(stats.share * 100)}% of the ${photo.width}x${photo.height} photo, more than ${MAX_MASK_SHARE * 100}%: too little is left to fill it from. Mask only what should go, or crop the photo first.`, { field, share: Math.round(stats.share * 1000) / 1000, limit: MAX_MASK_SHARE });
  }
}

/** The mask of a step at the photo's size, read and checked (null when the step only expands). */
async function readMask(step: RetouchStep, decoded: DecodedImage, io: RetouchIO, control: StageControl): Promise<Uint8Array | null> {
  const photo = { width: decoded.width, height: decoded.height };
  let found: { mask: Uint8Array; stats: Pick<MaskStats, 'pixels' | 'share'> } | null = null;
  if (step.mask) found = await decodeMaskImage(step.mask, photo, { ...io, control }, maskField(step, 'mask'));
  else if (step.strokes) {
    let strokes: Stroke[];
    try {
      strokes = strokesForPhoto(step.strokes, photo);
    } catch (err) {
      if (isGreenroomError(err, 'INVALID_HINTS')) throw new GreenroomError('INVALID_MASK', err.message, { ...err.details }, { cause: err });
      throw err;
    }
    found = await io.pixels.run('retouchStrokes', { strokes, width: photo.width, height: photo.height }, { control });
  }
  if (!found) return null;
  checkMask(found.stats, maskField(step, step.mask ? 'mask' : 'strokes'), photo);
  return found.mask;
}

/** A raw image grown by `sides` (libvips), zeros in the new border, on shared memory. */
async function extendRaw(data: Uint8Array, width: number, height: number, channels: 1 | 3, sides: ExpandSides): Promise<Uint8Array> {
  const grown = sharp(data, { raw: { width, height, channels } }).extend({ ...sides, background: { r: 0, g: 0, b: 0, alpha: 1 } });
  // libvips extends one band into three: take the one back.
  return sharedBytes(await (channels === 1 ? grown.extractChannel(0) : grown).raw().toBuffer());
}

/**
 * Retouches a decoded photo as a step says, in a `retouch` stage: the result's photo has the
 * fill (and, expanded, the new border) in its colours; its own alpha, a previous cutout's matte
 * and touch-up hints are moved onto the new canvas.
 */
export async function retouchStage(input: { decoded: DecodedImage; previous?: Uint8Array }, step: RetouchStep, io: RetouchIO, stages: StageRecorder): Promise<RetouchedPhoto> {
  return stages.time('retouch', async (control) => {
    let { decoded } = input;
    const photo = { width: decoded.width, height: decoded.height };
    // Everything is read and checked before any pixel is filled.
    let mask = await readMask(step, decoded, io, control);
    const sides = step.expand ? expandSides(step.expand, photo, maskField(step, 'expand')) : undefined;
    const given = step.matte ? await decodeMatte(step.matte, photo, { ...io, control }, maskField(step, 'matte')) : undefined;
    let matte = given ?? input.previous ?? decoded.alpha;
    const matteFrom = given || input.previous ? 'previous-cutout' : decoded.alpha ? 'input-alpha' : sides ? 'frame' : 'none';
    let previous = input.previous;
    const offset = { x: sides?.left ?? 0, y: sides?.top ?? 0 };
    if (sides) {
      const width = photo.width + sides.left + sides.right, height = photo.height + sides.top + sides.bottom;
      if (width * height > io.limits.maxPixels) {
        throw new GreenroomError('IMAGE_TOO_LARGE', `${maskField(step, 'expand')}: the expanded canvas would be ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP), above the limit of ${(io.limits.maxPixels / 1e6).toFixed(1)} MP; expand less.`, { field: maskField(step, 'expand'), width, height, maxPixels: io.limits.maxPixels });
      }
      control.ranOn('libvips');
      const [rgb, alpha, grown, prev] = await Promise.all([
        extendRaw(decoded.rgb, photo.width, photo.height, 3, sides),
        decoded.alpha ? extendRaw(decoded.alpha, photo.width, photo.height, 1, sides) : undefined,
        matte && matte !== decoded.alpha && matte !== input.previous ? extendRaw(matte, photo.width, photo.height, 1, sides) : undefined,
        input.previous ? extendRaw(input.previous, photo.width, photo.height, 1, sides) : undefined,
      ]);
      matte = grown ?? (matte === decoded.alpha ? alpha : prev);
      previous = prev;
      const inner = { x: sides.left, y: sides.top, width: photo.width, height: photo.height };
      const grownMask = await io.pixels.run('expandMask', { width, height, inner, ...(mask ? { mask } : {}), ...(matte ? {} : { frameMatte: FRAME_SHARE }) }, { control });
      mask = grownMask.mask;
      matte ??= grownMask.matte;
      decoded = { ...decoded, width, height, rgb, ...(alpha ? { alpha } : {}) };
    }
    const filled = await fillInParts(io.pixels, { image: { rgb: decoded.rgb, width: decoded.width, height: decoded.height }, mask: mask!, ...(matte ? { matte } : {}) }, control);
    const n = decoded.width * decoded.height;
    const report: RetouchReport = {
      filledPixels: filled?.plan.holePixels ?? 0,
      share: Math.round(((filled?.plan.holePixels ?? 0) / n) * 10000) / 10000,
      changed: filled?.box ?? null,
      region: filled?.plan.region ?? null,
      ...(sides ? { expanded: sides } : {}),
      matteFrom,
      levels: filled?.report.levels ?? [],
    };
    return { decoded: filled ? { ...decoded, rgb: filled.rgb } : decoded, ...(previous ? { previous } : {}), offset, report };
  });
}

/**
 * The completion on the pixel pool: the pyramid prepared in one task, the small coarse levels in
 * one more, then each finer phase's bands split into as many contiguous groups as the pool runs at
 * once (bands never read each other's field, so the result is the same on any number of threads),
 * the result composed into a copy of the photo. Null for an empty mask.
 */
export async function fillInParts(pixels: PixelRunner, input: RetouchInput, control?: StageControl): Promise<{ rgb: Uint8Array; box: Box; plan: NonNullable<Awaited<ReturnType<typeof prepare>>>['plan']; report: CompletionReport } | null> {
  const run = control ? { control } : {};
  const prepared = await prepare(pixels, input, run);
  if (!prepared) return null;
  const r = prepared.tuning.patchRadius;
  const runner: PhaseRunner = async (phase, levels) => {
    if (phase.kind === 'init' || phase.kind === 'levels') return (await pixels.run('retouchPhase', { levels, phase, r }, run)).output;
    const groups = Math.max(1, Math.min(pixels.parallelism, phase.bands.length));
    const parts = Array.from({ length: groups }, (_, g) => phase.bands.slice(Math.floor((g * phase.bands.length) / groups), Math.floor(((g + 1) * phase.bands.length) / groups)));
    const outs = await Promise.all(parts.map((bands) => pixels.run('retouchPhase', { levels, phase: { ...phase, bands }, r }, run)));
    if (phase.kind !== 'match') return null;
    const hist = outs[0]!.output!.hist!;
    for (const o of outs.slice(1)) for (let i = 0; i < hist.length; i++) hist[i]! += o.output!.hist![i]!;
    return { hist };
  };
  const report = await completeHole(prepared.levels, prepared.final, prepared.finalWhich, prepared.tuning, runner);
  const { rgb, box } = await pixels.run('retouchCompose', { retouch: input, prepared }, run);
  return { rgb, box, plan: prepared.plan, report };
}

function prepare(pixels: PixelRunner, input: RetouchInput, run: { control?: StageControl }) {
  return pixels.run('retouchPrepare', input, run);
}

/** Touch-up hints moved onto an expanded canvas. */
export function shiftHints(hints: { strokes?: Stroke[]; labels?: LabelMap } | undefined, offset: { x: number; y: number }): { strokes?: Stroke[]; labels?: LabelMap } | undefined {
  if (!hints || (offset.x === 0 && offset.y === 0)) return hints;
  return {
    ...(hints.strokes ? { strokes: hints.strokes.map((s) => ({ ...s, points: Array.from(s.points, (v, i) => v + (i % 2 === 0 ? offset.x : offset.y)) })) } : {}),
    ...(hints.labels ? { labels: { ...hints.labels, box: { ...hints.labels.box, x: hints.labels.box.x + offset.x, y: hints.labels.box.y + offset.y } } } : {}),
  };
}
