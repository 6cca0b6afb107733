/**
 * The refine stage on the pixel pool: the band refinement of src/matte/band-refine.ts, its three
 * phases each split into row ranges that the pool's workers run side by side, over planes on
 * shared memory. The main thread only plans and waits.
 */
import type { Box } from '../image/encode.ts';
import type { BandPlan } from '../matte/band-refine.ts';
import { unionBoxes } from '../matte/bbox.ts';
import type { RefineOptions } from '../matte/refine.ts';
import type { Plane, RgbImage } from '../matte/types.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import { sharedBytes, sharedFloats } from '../pixels/transfer.ts';
import type { StageControl } from './stages.ts';

export interface RefinedCutout {
  /** Full-resolution matte 0..255 and foreground colour, on shared memory. */
  alpha: Uint8Array;
  rgb: Uint8Array;
  /** The subject's box (alpha above 12), null when the matte is empty. */
  subject: Box | null;
}

/** The image's RGB, the network's matte and the input's own alpha must be on shared memory (they are read by every part). */
export async function refineInParts(pixels: PixelRunner, image: RgbImage, matte: Plane, sourceAlpha: Uint8Array | undefined, options: RefineOptions, control?: StageControl): Promise<RefinedCutout> {
  const { width, height } = image;
  const run = { ...(control ? { control } : {}) };
  const plan = await pixels.run('planBand', { matte, width, height, options, parts: pixels.parallelism, ...(sourceAlpha ? { sourceAlpha } : {}) }, run);
  const up = sharedFloats(width * height);
  // What the network saw of an input with its own transparency: the colours the sharpening reads.
  const seen = sourceAlpha && plan.sharpen ? sharedBytes(width * height * 3) : undefined;
  await Promise.all(plan.parts.map(([y0, y1]) => pixels.run('upsample', { matte, plan, y0, y1, up, ...(seen ? { onWhite: { rgb: image.data, sourceAlpha: sourceAlpha!, seen } } : {}) }, run)));
  const alpha = sharedBytes(width * height);
  const seenImage = seen ? { data: seen, width, height } : image;
  const boxes = await Promise.all(plan.parts.map(([y0, y1]) => pixels.run('alpha', { image: seenImage, up, plan, y0, y1, alpha, ...(sourceAlpha ? { sourceAlpha } : {}) }, run)));
  const rgb = await coloursOf(pixels, image, alpha, plan, run);
  return { alpha, rgb, subject: unionBoxes(boxes.map((b) => b.box)) };
}

/**
 * The foreground colours of an 8-bit matte (reused, or touched up), decontaminated or the
 * photo's own, and the subject's box. `alpha` must be on shared memory.
 */
export async function coloursInParts(pixels: PixelRunner, image: RgbImage, alpha: Uint8Array, decontaminate: boolean, control?: StageControl): Promise<{ rgb: Uint8Array; subject: Box | null }> {
  const run = { ...(control ? { control } : {}) };
  const { width, height } = image;
  const [plan, box] = await Promise.all([
    pixels.run('planColours', { alpha, width, height, decontaminate, parts: pixels.parallelism }, run),
    pixels.run('box', { alpha, width, height }, run),
  ]);
  return { rgb: await coloursOf(pixels, image, alpha, plan, run), subject: box };
}

async function coloursOf(pixels: PixelRunner, image: RgbImage, alpha: Uint8Array, plan: BandPlan, run: { control?: StageControl }): Promise<Uint8Array> {
  const out = sharedBytes(image.width * image.height * 3);
  await Promise.all(plan.parts.map(([y0, y1]) => pixels.run('colours', { image, alpha, plan, y0, y1, out }, run)));
  return out;
}
