/**
 * The cutout pipeline, top to bottom: decode, segment, refine, encode. Each stage is timed; the
 * side effects (sharp, onnxruntime, the clock) come in through `deps`.
 */
import { decodeImage, resizeForNetwork, type DecodedImage, type DecodeLimits } from '../image/decode.ts';
import { encodeCutout, type Box, type EncodedImage } from '../image/encode.ts';
import { resizeDecoded } from '../image/resize.ts';
import { cropRegion, subjectBox } from '../matte/bbox.ts';
import type { Plane } from '../matte/guided.ts';
import { refineMatte } from '../matte/refine.ts';
import { workingSize, type Quality } from '../models/manifest.ts';
import type { Segmenter } from '../models/segmenter.ts';
import type { CutoutOptions } from './cutout-options.ts';
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
}

/** The decoded photo and its refined cutout at full resolution: the stages cutouts and edits share. */
export interface Cutout {
  decoded: DecodedImage;
  /** Foreground colour (decontaminated unless switched off) and matte, full resolution. */
  rgb: Uint8Array;
  alpha: Uint8Array;
  workingSize: number;
}

/** The network's matte at its working resolution (square), covering the whole photo. */
export type NetworkMatte = Plane;

type CutoutStageOptions = Pick<CutoutOptions, 'quality' | 'refine' | 'decontaminate'> & { reuseAlpha?: boolean };

/** Decode, segment and refine at full resolution: the stages cutouts and edits share. */
export async function cutoutStages(bytes: Uint8Array, options: CutoutStageOptions, deps: CutoutDeps, stages: StageRecorder): Promise<Cutout> {
  const decoded = await stages.time('decode', () => decodeImage(bytes, deps.limits));
  // An input that is already a cutout (it has transparency) can be its own matte: no network.
  if (options.reuseAlpha && decoded.alpha) return { decoded, rgb: decoded.rgb, alpha: decoded.alpha, workingSize: 0 };
  const matte = await segmentStage(decoded, options, deps, stages);
  return refineStage(decoded, matte, options, stages);
}

/** The network's matte of a decoded photo, at the quality's working size. */
export async function segmentStage(decoded: DecodedImage, options: Pick<CutoutOptions, 'quality'>, deps: CutoutDeps, stages: StageRecorder): Promise<NetworkMatte> {
  const size = workingSize(deps.segmenter.model, options.quality);
  return stages.time('segment', async (control) => {
    const small = resizeForNetwork(decoded, size);
    const data = await deps.segmenter.segment(small, size, control.queued());
    return { data, width: size, height: size };
  });
}

/**
 * The cutout at the photo's resolution, or at `size` (an edit refines a downscaled copy when the
 * subject will be smaller in its frame: see runEdit).
 */
export async function refineStage(
  photo: DecodedImage,
  matte: NetworkMatte,
  options: Pick<CutoutOptions, 'refine' | 'decontaminate'>,
  stages: StageRecorder,
  size?: { width: number; height: number },
): Promise<Cutout> {
  return stages.time('refine', async () => {
    const decoded = size ? await resizeDecoded(photo, size.width, size.height) : photo;
    const cutout = refineMatte({ data: decoded.rgb, width: decoded.width, height: decoded.height }, matte, decoded.alpha, options);
    return { decoded, rgb: cutout.rgb, alpha: cutout.alpha, workingSize: matte.width };
  });
}

export async function runCutout(bytes: Uint8Array, options: CutoutOptions, deps: CutoutDeps): Promise<CutoutResult> {
  const stages = recorderFor(deps);
  const model = deps.segmenter.model;
  const { decoded, workingSize: size, ...cutout } = await cutoutStages(bytes, options, deps, stages);

  const { encoded, subject, region } = await stages.time('encode', async () => {
    const found = subjectBox(cutout.alpha, decoded.width, decoded.height);
    const region = options.crop && found ? cropRegion(found, options.cropMargin) : undefined;
    const encoded = await encodeCutout({
      width: decoded.width,
      height: decoded.height,
      rgb: cutout.rgb,
      alpha: cutout.alpha,
      format: options.format,
      channels: options.channels,
      ...(options.background ? { background: options.background } : {}),
      ...(region ? { region } : {}),
      ...(options.exportQuality ? { quality: options.exportQuality } : {}),
    });
    const subject = found && region ? { ...found, x: found.x - region.x, y: found.y - region.y } : found;
    return { encoded, subject, region };
  });

  return {
    image: encoded,
    source: { width: decoded.width, height: decoded.height, format: decoded.format, orientation: decoded.orientation },
    subject,
    ...(region ? { region } : {}),
    model: model.id,
    quality: options.quality,
    workingSize: size,
    stages: stages.stages,
    totalMs: stages.totalMs,
    ...(deps.energy ? { energy: deps.energy.receipt() } : {}),
  };
}

/** The stage recorder of one job, metering energy when the deps carry a meter. */
export function recorderFor(deps: Pick<CutoutDeps, 'clock' | 'energy'>): StageRecorder {
  return new StageRecorder(deps.clock, deps.energy?.meter, deps.energy?.weights);
}
