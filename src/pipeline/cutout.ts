/**
 * The cutout pipeline, top to bottom: decode, segment, refine, encode. Each stage is timed; the
 * side effects (sharp, onnxruntime, the clock) come in through `deps`.
 */
import { decodeImage, orientedDimensions, type DecodedImage, type DecodeLimits } from '../image/decode.ts';
import { decodeHintsImage, decodeMatte } from '../image/hints-image.ts';
import { decodeCoarseMatte, encodeCoarseMatte, quantiseCoarse } from '../image/coarse-matte.ts';
import { encodeCutout, encodeSplit, fitWithin, MIME_TYPES, type Box, type EncodedImage } from '../image/encode.ts';
import { GreenroomError } from '../errors.ts';
import { resizeDecoded } from '../image/resize.ts';
import { cropRegion } from '../matte/bbox.ts';
import type { Plane } from '../matte/types.ts';
import { uncertaintyScore, type UncertaintyEvidence } from '../matte/uncertainty.ts';
import { cleansMatte, contextTrigger, mirrorSize, wantsMirroredPass, workingSize, type Quality } from '../models/manifest.ts';
import { wantsContextPass } from '../matte/context-trigger.ts';
import type { ContextReport } from '../matte/matte-steps.ts';
import type { MatteSummary } from '../pixels/tasks.ts';
import type { Segmenter } from '../models/segmenter.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import type { CutoutOptions } from './cutout-options.ts';
import { strokesForPhoto, type HintsSpec } from './hints-options.ts';
import { touchUpInParts, type HintsReport, type PhotoHints } from './hints-stage.ts';
import type { EnergyReceipt } from '../energy/receipt.ts';
import { coloursInParts, refineInParts } from './refine-parts.ts';
import { StageRecorder, type Clock, type StageControl, type StageMeter, type StageName, type StageTiming } from './stages.ts';

export interface CutoutDeps {
  segmenter: Segmenter;
  /** Runs the per-pixel stages off the main thread (the studio's pool). */
  pixels: PixelRunner;
  limits: DecodeLimits;
  clock?: Clock;
  /** Attributes energy to the job's stages and writes its receipt (the Studio passes one per job). */
  energy?: JobMeter;
}

/** One job's energy accounting, as the pipeline sees it. */
export interface JobMeter {
  meter: StageMeter;
  /** A stage's share when stages of several jobs overlap. */
  weights?: Partial<Record<StageName, number>>;
  /** The receipt of the finished job. */
  receipt(): EnergyReceipt;
}

export interface CutoutResult {
  image: EncodedImage;
  source: { width: number; height: number; format: string; orientation: number };
  /** The subject's bounding box in the output image's pixels; null when nothing was found. */
  subject: Box | null;
  /** The source region written, when cropped (may reach outside the frame where a margin pads it). */
  region?: Box;
  model: string;
  quality: Quality;
  /** The network's working resolution (square). */
  workingSize: number;
  stages: StageTiming[];
  totalMs: number;
  /** Joules and CO2e per stage and in total, with how they were obtained. */
  energy?: EnergyReceipt;
  /** What the touch-up hints did (the `hints` stage of the receipt is their cost). */
  hints?: HintsReport;
  /** 0 (sure) .. 1 (unsure): how likely the cutout needs a look; absent when no network ran. */
  uncertainty?: number;
  /** With `preview`: the network's coarse matte (16-bit grey PNG), to send back as `coarseMatte` with the photo. */
  coarseMatte?: EncodedImage;
  /** With `split`: the image's alpha as a grey PNG (`image` holds its colours as a JPEG). */
  alpha?: EncodedImage;
  /** How many times the network ran (1, or more when a mirrored or context pass ran: issue 16); absent when no network ran. */
  networkPasses?: number;
}

/** The decoded photo and its refined cutout at full resolution: the stages cutouts and edits share. */
export interface Cutout {
  decoded: DecodedImage;
  /** Foreground colour (decontaminated unless switched off) and matte, full resolution, on shared memory. */
  rgb: Uint8Array;
  alpha: Uint8Array;
  /** The subject's box in the matte (alpha above 12), null when it is empty. */
  subject: Box | null;
  workingSize: number;
  /** What the touch-up hints did, when there were any. */
  hints?: HintsReport;
  /** 0 (sure) .. 1 (unsure), from the network's matte; absent when no network ran (a reused matte). */
  uncertainty?: number;
  /** Network passes run (absent when none ran). */
  networkPasses?: number;
}

/** The network's matte at its working resolution (square), covering the whole photo. */
export interface NetworkMatte extends Plane {
  /** What the matte says about the network's certainty (uncertainty.ts). */
  evidence: UncertaintyEvidence;
  /** What the context pass did, when it ran (issue 16). */
  context?: ContextReport;
  /** 1, plus one for the mirrored pass (averaged) and one for the context pass, when they ran. */
  passes: number;
  /** The subject's box at the matte's resolution (alpha above 12/255), null when empty. */
  box: Box | null;
}

/** Touch-up inputs of a cutout (validated by parseHints; the matte as the previous cutout's bytes), and a cap on the photo's size. */
export interface TouchupOptions {
  hints?: HintsSpec;
  matte?: Uint8Array;
  /** Scale the photo down to at most this many pixels before anything else. */
  maxPixels?: number;
  /** A preview's coarse matte (PNG bytes): refined again instead of running the network. */
  coarseMatte?: Uint8Array;
}

type CutoutStageOptions = Pick<CutoutOptions, 'quality' | 'refine' | 'decontaminate'> & { reuseAlpha?: boolean } & TouchupOptions;

/** The decoded photo with what came along to touch it up. */
export interface DecodedInput {
  decoded: DecodedImage;
  /** A previous cutout's matte, to reuse instead of running the network. */
  previous?: Uint8Array;
  /** A preview's coarse matte, standing in for the network's. */
  coarse?: NetworkMatte;
  hints?: PhotoHints;
}

/** Decode, segment and refine (and touch up) at full resolution: the stages cutouts and edits share. */
export async function cutoutStages(bytes: Uint8Array, options: CutoutStageOptions, deps: CutoutDeps, stages: StageRecorder): Promise<Cutout> {
  return (await sizedCutoutStages(bytes, options, deps, stages)).cut;
}

/**
 * Decode, segment (or take a preview's coarse matte) and refine (and touch up): at full
 * resolution, or at `refineSize` of the photo (a preview). Also returns the photo as decoded and
 * the network's matte, when one was used.
 */
export async function sizedCutoutStages(
  bytes: Uint8Array,
  options: CutoutStageOptions,
  deps: CutoutDeps,
  stages: StageRecorder,
  refineSize?: (photo: { width: number; height: number }) => { width: number; height: number } | undefined,
): Promise<{ cut: Cutout; photo: DecodedImage; matte?: NetworkMatte }> {
  const input = await decodeStage(bytes, options, deps, stages);
  const photo = input.decoded;
  const reused = await reuseStage(input, options, deps, stages);
  if (reused) return { cut: reused, photo };
  const size = refineSize?.(photo);
  // A preview hands out its matte as 16 bits: it is refined as such, so the full cutout made from it later matches.
  const matte = input.coarse ?? (size ? quantiseCoarse(await segmentStage(photo, options, deps, stages)) : await segmentStage(photo, options, deps, stages));
  const cut = await refineStage(input, matte, options, deps, stages, size && (size.width < photo.width || size.height < photo.height) ? size : undefined);
  if (!input.coarse) return { cut, photo, matte };
  // No network ran: no uncertainty or passes to report.
  const { uncertainty: _none, networkPasses: _passes, ...known } = cut;
  return { cut: known, photo, matte };
}

/** A preview's coarse matte as the network's: its evidence and box worked out (on the pool), no second pass to compare with. */
async function coarseStage(bytes: Uint8Array, pixels: PixelRunner, control: StageControl): Promise<NetworkMatte> {
  const plane = await decodeCoarseMatte(bytes, 'coarseMatte');
  const summary = await pixels.run('matteSummary', { data: plane.data, size: plane.width }, { control, transfer: [plane.data.buffer as ArrayBuffer] });
  return { ...summary.matte, evidence: summary.evidence, box: summary.box, passes: 0 };
}

/** The photo, a previous cutout's matte and the hints, all read and checked before any work. */
export async function decodeStage(bytes: Uint8Array, options: TouchupOptions, deps: CutoutDeps, stages: StageRecorder): Promise<DecodedInput> {
  return stages.time('decode', async (control) => {
    control.ranOn('libvips');
    if (options.matte && options.coarseMatte) throw new GreenroomError('INVALID_OPTION', "coarseMatte: send either the previous cutout (matte) or a preview's coarse matte, not both.", { field: 'coarseMatte', expected: 'one matte' });
    const decoded = await decodeImage(bytes, deps.limits, deps.pixels, options.maxPixels ? { fitPixels: options.maxPixels } : {});
    if (decoded.format === 'heic') control.ranOn('pool');
    const original = options.maxPixels ? ((await orientedDimensions(bytes)) ?? decoded) : decoded;
    const io = { limits: deps.limits, pixels: deps.pixels, control };
    const previous = options.matte ? await decodeMatte(options.matte, decoded, io) : undefined;
    const coarse = options.coarseMatte ? await coarseStage(options.coarseMatte, deps.pixels, control) : undefined;
    const spec = options.hints;
    // Strokes in the photo's own pixels are scaled with it.
    const scaled = original.width !== decoded.width || original.height !== decoded.height;
    const strokes = spec?.kind === 'strokes' ? (scaled && !spec.frame ? { ...spec, frame: { width: original.width, height: original.height } } : spec) : undefined;
    const hints: PhotoHints | undefined = !spec ? undefined : strokes ? { strokes: strokesForPhoto(strokes, decoded) } : { labels: await decodeHintsImage(spec as Exclude<HintsSpec, { kind: 'strokes' }>, decoded, io) };
    return { decoded, ...(previous ? { previous } : {}), ...(coarse ? { coarse } : {}), ...(hints ? { hints } : {}) };
  });
}

/**
 * The cutout without the network, when there is a matte to reuse: a previous cutout's, or the
 * input's own when it is already a cutout (`reuseAlpha`). Undefined when the network must run.
 */
export async function reuseStage(input: DecodedInput, options: Pick<CutoutStageOptions, 'decontaminate' | 'reuseAlpha'>, deps: Pick<CutoutDeps, 'pixels'>, stages: StageRecorder): Promise<Cutout | undefined> {
  const { decoded, previous, hints } = input;
  const reused = previous ? { alpha: previous, from: 'previous-cutout' as const } : options.reuseAlpha && decoded.alpha ? { alpha: decoded.alpha, from: 'input-alpha' as const } : undefined;
  if (!reused) return undefined;
  const image = { data: decoded.rgb, width: decoded.width, height: decoded.height };
  if (!hints) {
    // Colours of an input that is already a cutout are its own (the photo behind is gone).
    const decontaminate = options.decontaminate && reused.from !== 'input-alpha';
    const { rgb, subject } = await stages.time('refine', (control) => (reused.from === 'input-alpha' && !decontaminate ? ownColours(deps.pixels, decoded, reused.alpha, control) : coloursInParts(deps.pixels, image, reused.alpha, decontaminate, control)));
    return { decoded, rgb, alpha: reused.alpha, subject, workingSize: 0 };
  }
  const touched = await stages.time('hints', (control) => touchUpInParts(deps.pixels, image, reused.alpha, hints, { decontaminate: options.decontaminate && reused.from !== 'input-alpha' }, control));
  return { decoded, rgb: touched.rgb, alpha: touched.alpha, subject: touched.subject, workingSize: 0, hints: { ...touched.report, matteFrom: reused.from } };
}

/** An input that is already a cutout keeps its colours; only its box is worked out. */
async function ownColours(pixels: PixelRunner, decoded: DecodedImage, alpha: Uint8Array, control: StageControlLike): Promise<{ rgb: Uint8Array; subject: Box | null }> {
  const subject = await pixels.run('box', { alpha, width: decoded.width, height: decoded.height }, { control });
  return { rgb: decoded.rgb, subject };
}

type StageControlLike = Parameters<Parameters<StageRecorder['time']>[1]>[0];

/**
 * The network's matte of a decoded photo, at the quality's working size. At the qualities that
 * ask for it (models.json mirroredPass), when the photo is enough larger than the working size and
 * the first matte leaves enough of the frame undecided, the network also sees the mirrored photo
 * and the two mattes are averaged. `refineSize` says at what size the matte will be refined, when
 * not the photo's (an edit's placement, planned on the first matte): the enlargement that matters.
 */
export async function segmentStage(
  decoded: DecodedImage,
  options: Pick<CutoutOptions, 'quality'>,
  deps: CutoutDeps,
  stages: StageRecorder,
  refineSize?: (first: Plane, box: Box | null) => { width: number; height: number } | undefined,
): Promise<NetworkMatte> {
  const size = workingSize(deps.segmenter.model, options.quality);
  return stages.time('segment', async (control) => {
    control.ranOn('network');
    const run = { control };
    // The worker takes the buffer it is given: the mirrored input, for a second pass, is made with the first.
    const factor = Math.max(decoded.width, decoded.height) / size;
    const mirrorAt = mirrorSize(deps.segmenter.model, options.quality, factor);
    const input = await deps.pixels.run('networkInput', { rgb: decoded.rgb, ...(decoded.alpha ? { alpha: decoded.alpha } : {}), width: decoded.width, height: decoded.height, size, ...(mirrorAt ? { mirrorSize: mirrorAt } : {}) }, run);
    const first = await deps.segmenter.segment(input.rgb, size, control.queued());
    const summary = await deps.pixels.run('matteSummary', { data: first, size }, { ...run, transfer: [first.buffer as ArrayBuffer] });
    const target = input.mirrored && refineSize?.(summary.matte, summary.box);
    const enlargement = target ? Math.max(target.width, target.height) / size : factor;
    let result = summary;
    let passes = 1;
    if (input.mirrored && mirrorAt && wantsMirroredPass(options.quality, summary.evidence.softness, enlargement)) {
      const second = await deps.segmenter.segment(input.mirrored, mirrorAt, control.queued());
      result = await deps.pixels.run('matteSummary', { data: summary.matte.data, size, mirrored: second, mirroredSize: mirrorAt }, { ...run, transfer: [second.buffer as ArrayBuffer] });
      passes++;
    }
    // Issue 16 (src/matte/matte-steps.ts): the context pass for a subject cut by the frame, then specks and false holes.
    const steps = await issue16Steps(decoded, result, options.quality, size, deps, control);
    return { ...steps.summary.matte, evidence: steps.summary.evidence, box: steps.summary.box, passes: passes + steps.passes, ...(steps.context ? { context: steps.context } : {}) };
  });
}

/**
 * Issue 16's steps at the working size: when the quality asks for it (models.json contextPass) and
 * the first matte touches the frame and is unsure enough, the network also sees the photo framed
 * in grey and its matte is fused where the first is unsure (context-pass.ts); then, at the
 * qualities that clean (models.json cleanMatte), detached specks and false holes (specks.ts,
 * holes.ts).
 */
async function issue16Steps(decoded: DecodedImage, summary: MatteSummary, quality: Quality, size: number, deps: CutoutDeps, control: StageControlLike): Promise<{ summary: MatteSummary; passes: number; context?: ContextReport }> {
  const run = { control };
  let out = summary;
  let passes = 0;
  let context: ContextReport | undefined;
  const trigger = contextTrigger(quality);
  if (trigger && wantsContextPass(summary.frame, trigger)) {
    const view = await deps.pixels.run('contextView', { rgb: decoded.rgb, ...(decoded.alpha ? { alpha: decoded.alpha } : {}), width: decoded.width, height: decoded.height, size }, run);
    const second = await deps.segmenter.segment(view.rgb, size, control.queued());
    const fused = await deps.pixels.run('contextFuse', { summary: out, second }, { ...run, transfer: [second.buffer as ArrayBuffer] });
    out = fused.summary;
    context = fused.report;
    passes++;
  }
  if (cleansMatte(quality)) out = (await deps.pixels.run('matteClean', { summary: out }, run)).summary;
  return { summary: out, passes, ...(context ? { context } : {}) };
}

/**
 * The cutout from the network's matte at the photo's resolution, or at `size` (an edit refines a
 * downscaled copy when the subject will be smaller in its frame: see runEdit), then touched up
 * with the hints (at the photo's resolution: hints are in its pixels).
 */
export async function refineStage(
  input: DecodedInput,
  matte: NetworkMatte,
  options: Pick<CutoutOptions, 'refine' | 'decontaminate'>,
  deps: Pick<CutoutDeps, 'pixels'>,
  stages: StageRecorder,
  size?: { width: number; height: number },
): Promise<Cutout> {
  const { hints } = input;
  const cut = await stages.time('refine', async (control) => {
    if (size && !hints) control.ranOn('libvips');
    const decoded = size && !hints ? await resizeDecoded(input.decoded, size.width, size.height) : input.decoded;
    const image = { data: decoded.rgb, width: decoded.width, height: decoded.height };
    // With hints, the colours are worked out once, after the touch-up.
    const cutout = await refineInParts(deps.pixels, image, matte, decoded.alpha, { refine: options.refine, decontaminate: options.decontaminate && !hints }, control);
    return { decoded, rgb: cutout.rgb, alpha: cutout.alpha, subject: cutout.subject, workingSize: matte.width, uncertainty: uncertaintyScore(matte.evidence), networkPasses: matte.passes };
  });
  if (!hints) return cut;
  const image = { data: cut.decoded.rgb, width: cut.decoded.width, height: cut.decoded.height };
  const touched = await stages.time('hints', (control) => touchUpInParts(deps.pixels, image, cut.alpha, hints, { decontaminate: options.decontaminate }, control));
  return { ...cut, rgb: touched.rgb, alpha: touched.alpha, subject: touched.subject, hints: { ...touched.report, matteFrom: 'network' } };
}

export async function runCutout(bytes: Uint8Array, options: CutoutOptions, deps: CutoutDeps): Promise<CutoutResult> {
  const stages = recorderFor(deps);
  const model = deps.segmenter.model;
  // A preview is refined at its own size: the full-resolution refine waits until the full cutout is asked for.
  const previewSize = options.preview ? (photo: { width: number; height: number }) => fitWithin(photo, options.preview!) : undefined;
  const { cut, photo, matte } = await sizedCutoutStages(bytes, options, deps, stages, previewSize);
  const { decoded, workingSize: size, hints, uncertainty, networkPasses, subject: found, ...cutout } = cut;

  const { encoded, alpha, coarse, subject, region } = await stages.time('encode', async (control) => {
    const region = options.crop && found ? cropRegion(found, options.cropMargin) : undefined;
    const request = {
      width: decoded.width,
      height: decoded.height,
      rgb: cutout.rgb,
      alpha: cutout.alpha,
      format: options.format,
      channels: options.channels,
      ...(options.background ? { background: options.background } : {}),
      ...(region ? { region } : {}),
      ...(options.exportQuality ? { quality: options.exportQuality } : {}),
      // A reused matte was not refined at the preview's size: the encoder scales it.
      ...(options.preview ? { fit: options.preview } : {}),
      pixels: deps.pixels,
      control,
    };
    const split = options.split ? await encodeSplit(request, deps.pixels, control) : undefined;
    const encoded = split ? split.color : await encodeCutout(request);
    const coarse = options.preview && matte ? { data: await encodeCoarseMatte(matte), format: 'png' as const, mime: MIME_TYPES.png, width: matte.width, height: matte.height } : undefined;
    const box = found && region ? { ...found, x: found.x - region.x, y: found.y - region.y } : found;
    // In the written image's pixels (a scaled preview's too).
    const k = encoded.width / (region?.width ?? decoded.width);
    const subject = box && k !== 1 ? { x: Math.round(box.x * k), y: Math.round(box.y * k), width: Math.max(1, Math.round(box.width * k)), height: Math.max(1, Math.round(box.height * k)) } : box;
    return { encoded, alpha: split?.alpha, coarse, subject, region };
  });

  return {
    image: encoded,
    source: { width: photo.width, height: photo.height, format: photo.format, orientation: photo.orientation },
    subject,
    ...(region ? { region } : {}),
    model: model.id,
    quality: options.quality,
    workingSize: size,
    stages: stages.stages,
    totalMs: stages.totalMs,
    ...(deps.energy ? { energy: deps.energy.receipt() } : {}),
    ...(hints ? { hints } : {}),
    ...(uncertainty !== undefined ? { uncertainty } : {}),
    ...(coarse ? { coarseMatte: coarse } : {}),
    ...(alpha ? { alpha } : {}),
    ...(networkPasses !== undefined ? { networkPasses } : {}),
  };
}

/** The stage recorder of one job, metering energy when the deps carry a meter. */
export function recorderFor(deps: Pick<CutoutDeps, 'clock' | 'energy'>): StageRecorder {
  return new StageRecorder(deps.clock, deps.energy?.meter, deps.energy?.weights);
}
