/**
 * From the network's low-resolution matte to a full-resolution cutout: guided upsampling along
 * the photo's edges, the input's own transparency kept, and foreground colours decontaminated.
 */
import { decontaminate, decontaminateRadiiFor } from './decontaminate.ts';
import { gridFactorFor, guidedUpsample, type Plane, type RgbImage } from './guided.ts';
import { resizeBilinear } from './resample.ts';

export interface RefineOptions {
  /** Guided upsampling (else bilinear, as @imgly/background-removal does). */
  refine: boolean;
  /** Foreground colour estimation (else the photo's colours are kept). */
  decontaminate: boolean;
}

/** Guided filter settings, tuned on the bench's ground-truth set (see bench/quality.ts). */
export const GUIDED_RADIUS = 4;
export const GUIDED_EPS = 1e-3;

export interface RefinedCutout {
  /** Full-resolution matte, 0..255. */
  alpha: Uint8Array;
  /** Interleaved foreground colour, full resolution. */
  rgb: Uint8Array;
}

export function refineMatte(image: RgbImage, matte: Plane, sourceAlpha: Uint8Array | undefined, options: RefineOptions): RefinedCutout {
  const { width, height } = image;
  const full = options.refine
    ? guidedUpsample(image, matte, { radius: GUIDED_RADIUS, eps: GUIDED_EPS, gridFactor: gridFactorFor(image, matte) })
    : resizeBilinear(matte.data, matte.width, matte.height, width, height);
  if (sourceAlpha) for (let i = 0; i < full.length; i++) full[i]! *= sourceAlpha[i]! / 255;
  const alpha = new Uint8Array(full.length);
  for (let i = 0; i < full.length; i++) {
    const a = Math.round(full[i]! * 255);
    alpha[i] = a < 0 ? 0 : a > 255 ? 255 : a;
    full[i] = alpha[i]! / 255;
  }
  const rgb = options.decontaminate ? decontaminate(image, full, decontaminateRadiiFor(width, height)) : image.data;
  return { alpha, rgb };
}
