/**
 * The touch-up stage of a cutout: the hints (validated strokes or a decoded hints image, in the
 * photo's pixels) applied to the matte with the same pure solver the web studio runs in the page
 * (src/matte/touchup.ts, on the pixel pool), then the foreground colours worked out again for the
 * new matte, in proportion to its undecided band.
 */
import type { RgbImage } from '../matte/types.ts';
import type { LabelMap, Stroke } from '../matte/hints.ts';
import type { Box } from '../image/encode.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import { coloursInParts } from './refine-parts.ts';
import type { StageControl } from './stages.ts';

/** Hints ready to apply: strokes in the photo's pixels, and/or the labels of a hints image. */
export interface PhotoHints {
  strokes?: Stroke[];
  labels?: LabelMap;
}

/** What a touch-up did, for the result and its receipt. */
export interface HintsReport {
  /** Steps applied: one per stroke, one for a hints image. */
  steps: number;
  /** Pixels whose matte changed. */
  changedPixels: number;
  /** Pixels the solver read and solved, summed over the steps (the work done). */
  solvedPixels: number;
  /** Where the matte came from: the network now, a previous cutout (`matte`), or the input's own alpha. */
  matteFrom: 'network' | 'previous-cutout' | 'input-alpha';
}

/**
 * The touch-up on the pixel pool: the hints applied to a copy of the matte (the photo and matte
 * on shared memory), then its foreground colours and box worked out in parts.
 */
export async function touchUpInParts(pixels: PixelRunner, image: RgbImage, alpha: Uint8Array, hints: PhotoHints, options: { decontaminate: boolean }, control?: StageControl): Promise<{ alpha: Uint8Array; rgb: Uint8Array; subject: Box | null; report: Omit<HintsReport, 'matteFrom'> }> {
  const run = control ? { control } : {};
  const touched = await pixels.run('touchUp', { rgb: image.data, width: image.width, height: image.height, alpha, hints }, run);
  const { rgb, subject } = await coloursInParts(pixels, image, touched.alpha, options.decontaminate, control);
  return { alpha: touched.alpha, rgb, subject, report: touched.report };
}
