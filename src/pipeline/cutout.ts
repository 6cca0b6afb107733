/**
 * The cutout pipeline, top to bottom: decode, segment, refine, encode. Each stage is timed; the
 * side effects (sharp, onnxruntime, the clock) come in through `deps`.
 */
import { decodeImage, resizeForNetwork, type DecodedImage, type DecodeLimits } from '../image/decode.ts';
import { decodeHintsImage, decodeMatte } from '../image/hints-image.ts';
import { decodeCoarseMatte, encodeCoarseMatte, quantiseCoarse } from '../image/coarse-matte.ts';
import { encodeCutout, encodeSplit, fitWithin, MIME_TYPES, type Box, type EncodedImage } from '../image/encode.ts';
import { GreenroomError } from '../errors.ts';
import { resizeDecoded } from '../image/resize.ts';
import { cropRegion, subjectBox } from '../matte/bbox.ts';
import type { Plane } from '../matte/types.ts';
import { refineMatte } from '../matte/refine.ts';
import { mirrorPlane, mirrorRgb } from '../matte/mirror.ts';
import { disagreement, uncertaintyEvidence, uncertaintyScore, type UncertaintyEvidence } from '../matte/uncertainty.ts';
import { mayMirror, wantsMirroredPass, workingSize, type Quality } from '../models/manifest.ts';
import type { Segmenter } from '../models/segmenter.ts';
import type { CutoutOptions } from './cutout-options.ts';
import { strokesForPhoto, type HintsSpec } from './hints-options.ts';
import { foregroundColours, touchUpCutout, type HintsReport, type PhotoHints } from './hints-stage.ts';
import type { EnergyReceipt } from '../energy/receipt.ts';
import { StageRecorder, type Clock, type StageMeter, type StageName, type StageTiming } from './stages.ts';

export interface CutoutDeps {
  segmenter: Segmenter;
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
}

/** The decoded photo and its refined cutout at full resolution: the stages cutouts and edits share. */
export interface Cutout {
  decoded: DecodedImage;
  /** Foreground colour (decontaminated unless switched off) and matte, full resolution. */
  rgb: Uint8Array;
  alpha: Uint8Array;
  workingSize: number;
  /** What the touch-up hints did, when there were any. */
  hints?: HintsReport;
  /** 0 (sure) .. 1 (unsure), from the network's matte; absent when no network ran (a reused matte). */
  uncertainty?: number;
}

/** The network's matte at its working resolution (square), covering the whole photo. */
export interface NetworkMatte extends Plane {
  /** What the matte says about the network's certainty (uncertainty.ts). */
  evidence: UncertaintyEvidence;
  /** 1, or 2 when the mirrored photo was also seen and the mattes averaged. */
  passes: number;
}

/** Touch-up inputs of a cutout (validated by parseHints; the matte as the previous cutout's bytes). */
export interface TouchupOptions {
  hints?: HintsSpec;
  matte?: Uint8Array;
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
  const reused = await reuseStage(input, options, stages);
  if (reused) return { cut: reused, photo };
  const size = refineSize?.(photo);
  // A preview hands out its matte as 16 bits: it is refined as such, so the full cutout made from it later matches.
  const matte = input.coarse ?? (size ? quantiseCoarse(await segmentStage(photo, options, deps, stages)) : await segmentStage(photo, options, deps, stages));
  const cut = await refineStage(input, matte, options, stages, size && (size.width < photo.width || size.height < photo.height) ? size : undefined);
  if (!input.coarse) return { cut, photo, matte };
  // No network ran: no uncertainty to report.
  const { uncertainty: _none, ...known } = cut;
  return { cut: known, photo, matte };
}

/** A preview's coarse matte as the network's: its evidence recomputed, no second pass to compare with. */
async function coarseStage(bytes: Uint8Array): Promise<NetworkMatte> {
  const plane = await decodeCoarseMatte(bytes, 'coarseMatte');
  return { ...plane, evidence: uncertaintyEvidence(plane), passes: 0 };
}

/** The photo, a previous cutout's matte and the hints, all read and checked before any work. */
export async function decodeStage(bytes: Uint8Array, options: TouchupOptions, deps: CutoutDeps, stages: StageRecorder): Promise<DecodedInput> {
  return stages.time('decode', async () => {
    const decoded = await decodeImage(bytes, deps.limits);
    if (options.matte && options.coarseMatte) throw new GreenroomError('INVALID_OPTION', "coarseMatte: send either the previous cutout (matte) or a preview's coarse matte, not both.", { field: 'coarseMatte', expected: 'one matte' });
    const previous = options.matte ? await decodeMatte(options.matte, decoded, deps.limits) : undefined;
    const coarse = options.coarseMatte ? await coarseStage(options.coarseMatte) : undefined;
    const spec = options.hints;
    const hints: PhotoHints | undefined = !spec ? undefined : spec.kind === 'strokes' ? { strokes: strokesForPhoto(spec, decoded) } : { labels: await decodeHintsImage(spec, decoded, deps.limits) };
    return { decoded, ...(previous ? { previous } : {}), ...(coarse ? { coarse } : {}), ...(hints ? { hints } : {}) };
  });
}

/**
 * The cutout without the network, when there is a matte to reuse: a previous cutout's, or the
 * input's own when it is already a cutout (`reuseAlpha`). Undefined when the network must run.
 */
export async function reuseStage(input: DecodedInput, options: Pick<CutoutStageOptions, 'decontaminate' | 'reuseAlpha'>, stages: StageRecorder): Promise<Cutout | undefined> {
  const { decoded, previous, hints } = input;
  const reused = previous ? { alpha: previous, from: 'previous-cutout' as const } : options.reuseAlpha && decoded.alpha ? { alpha: decoded.alpha, from: 'input-alpha' as const } : undefined;
  if (!reused) return undefined;
  const image = { data: decoded.rgb, width: decoded.width, height: decoded.height };
  if (!hints) {
    if (reused.from === 'input-alpha') return { decoded, rgb: decoded.rgb, alpha: reused.alpha, workingSize: 0 };
    const rgb = await stages.time('refine', () => foregroundColours(image, reused.alpha, options.decontaminate));
    return { decoded, rgb, alpha: reused.alpha, workingSize: 0 };
  }
  // Colours of an input that is already a cutout are its own (the photo behind is gone).
  const alpha = Uint8Array.from(reused.alpha);
  const touched = await stages.time('hints', () => touchUpCutout(image, alpha, hints, { decontaminate: options.decontaminate && reused.from !== 'input-alpha' }));
  return { decoded, rgb: touched.rgb, alpha, workingSize: 0, hints: { ...touched.report, matteFrom: reused.from } };
}

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
  refineSize?: (first: Plane) => { width: number; height: number } | undefined,
): Promise<NetworkMatte> {
  const size = workingSize(deps.segmenter.model, options.quality);
  return stages.time('segment', async (control) => {
    const small = resizeForNetwork(decoded, size);
    // The worker takes the buffer it is given: keep what a second pass needs first.
    const factor = Math.max(decoded.width, decoded.height) / size;
    const mirrored = mayMirror(options.quality, factor) ? mirrorRgb(small, size, size) : undefined;
    const data = await deps.segmenter.segment(small, size, control.queued());
    const matte = { data, width: size, height: size };
    const evidence = uncertaintyEvidence(matte);
    const target = mirrored && refineSize?.(matte);
    const enlargement = target ? Math.max(target.width, target.height) / size : factor;
    if (!mirrored || !wantsMirroredPass(options.quality, evidence.softness, enlargement)) return { ...matte, evidence, passes: 1 };
    const second = mirrorPlane(await deps.segmenter.segment(mirrored, size, control.queued()), size, size);
    const both = { ...evidence, disagreement: disagreement(matte, { data: second, width: size, height: size }) };
    for (let i = 0; i < data.length; i++) data[i] = (data[i]! + second[i]!) / 2;
    return { ...matte, evidence: both, passes: 2 };
  });
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
  stages: StageRecorder,
  size?: { width: number; height: number },
): Promise<Cutout> {
  const { hints } = input;
  const cut = await stages.time('refine', async () => {
    const decoded = size && !hints ? await resizeDecoded(input.decoded, size.width, size.height) : input.decoded;
    // With hints, the colours are worked out once, after the touch-up.
    const cutout = refineMatte({ data: decoded.rgb, width: decoded.width, height: decoded.height }, matte, decoded.alpha, { ...options, decontaminate: options.decontaminate && !hints });
    return { decoded, rgb: cutout.rgb, alpha: cutout.alpha, workingSize: matte.width, uncertainty: uncertaintyScore(matte.evidence) };
  });
  if (!hints) return cut;
  const image = { data: cut.decoded.rgb, width: cut.decoded.width, height: cut.decoded.height };
  const touched = await stages.time('hints', () => touchUpCutout(image, cut.alpha, hints, { decontaminate: options.decontaminate }));
  return { ...cut, rgb: touched.rgb, hints: { ...touched.report, matteFrom: 'network' } };
}

export async function runCutout(bytes: Uint8Array, options: CutoutOptions, deps: CutoutDeps): Promise<CutoutResult> {
  const stages = recorderFor(deps);
  const model = deps.segmenter.model;
  // A preview is refined at its own size: the full-resolution refine waits until the full cutout is asked for.
  const previewSize = options.preview ? (photo: { width: number; height: number }) => fitWithin(photo, options.preview!) : undefined;
  const { cut, photo, matte } = await sizedCutoutStages(bytes, options, deps, stages, previewSize);
  const { decoded, workingSize: size, hints, uncertainty, ...cutout } = cut;

  const { encoded, alpha, coarse, subject, region } = await stages.time('encode', async () => {
    const found = subjectBox(cutout.alpha, decoded.width, decoded.height);
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
    };
    const split = options.split ? await encodeSplit(request) : undefined;
    const encoded = split ? split.color : await encodeCutout(request);
    const coarse = options.preview && matte ? { data: encodeCoarseMatte(matte), format: 'png' as const, mime: MIME_TYPES.png, width: matte.width, height: matte.height } : undefined;
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
  };
}

/** The stage recorder of one job, metering energy when the deps carry a meter. */
export function recorderFor(deps: Pick<CutoutDeps, 'clock' | 'energy'>): StageRecorder {
  return new StageRecorder(deps.clock, deps.energy?.meter, deps.energy?.weights);
}
