/**
 * The retouch engine's pixel tasks (src/retouch), as the pool runs them: masks from a mask image
 * or strokes, the pyramid of the region around the mask, each phase of the completion over a
 * group of bands, and the result written into a copy of the photo. Everything big lives on shared
 * memory, so a phase's task carries only references.
 */
import type { Stroke } from '../matte/hints.ts';
import { runRetouchPhase } from '../retouch/engine.ts';
import type { PhaseOutput, RetouchPhase, TaskLevels } from '../retouch/schedule.ts';
import { maskFromImage, maskFromRaw, maskFromStrokes, maskStats, type MaskPixels, type MaskStats } from '../retouch/mask.ts';
import { applyRetouch, composeRetouch, prepareRetouch, type PreparedRetouch, type RetouchInput } from '../retouch/retouch.ts';
import type { Box } from '../retouch/types.ts';
import { sharedBytes } from './transfer.ts';

const shared = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(bytes);

/** A mask image at the photo's size (on shared memory), and what it covers. */
function retouchMask(input: { image: MaskPixels; photo: { width: number; height: number } }): { mask: Uint8Array; stats: MaskStats } {
  const { photo } = input;
  const mask = maskFromImage(input.image, photo, sharedBytes(photo.width * photo.height));
  return { mask, stats: maskStats(mask, photo.width, photo.height) };
}

/** A mask image's raw pixels (as libvips decoded them, any channels) at the photo's size, and how many it covers. */
function retouchMaskRaw(input: { data: Uint8Array; channels: number; width: number; height: number; photo: { width: number; height: number } }): { mask: Uint8Array; pixels: number } {
  const { photo } = input;
  const mask = sharedBytes(photo.width * photo.height);
  const pixels = maskFromRaw(input.data, input.channels, input.width, input.height, photo, mask);
  return { mask, pixels };
}

/** Strokes painted into a mask at the photo's size (on shared memory), and what it covers; `base` is painted over when given. */
function retouchStrokes(input: { strokes: Stroke[]; width: number; height: number; base?: Uint8Array }): { mask: Uint8Array; stats: MaskStats } {
  const { width, height } = input;
  const mask = input.base ? sharedBytes(input.base) : sharedBytes(width * height);
  maskFromStrokes(input.strokes, width, height, mask);
  return { mask, stats: maskStats(mask, width, height) };
}

/**
 * The border of an expanded canvas as a mask, with the photo's own mask (if any) placed inside
 * it; and, when asked (no matte was given), a stand-in matte that calls the photo's middle the
 * subject, so the border is filled from the photo's outer frame, where a product photo's
 * background is, not with copies of the product.
 */
function expandMask(input: { width: number; height: number; inner: Box; mask?: Uint8Array; frameMatte?: number }): { mask: Uint8Array; matte?: Uint8Array } {
  const { width, height, inner } = input;
  const mask = sharedBytes(width * height).fill(1);
  for (let y = 0; y < inner.height; y++) {
    const row = (inner.y + y) * width + inner.x;
    if (input.mask) mask.set(input.mask.subarray(y * inner.width, (y + 1) * inner.width), row);
    else mask.fill(0, row, row + inner.width);
  }
  if (input.frameMatte === undefined) return { mask };
  const matte = sharedBytes(width * height);
  const ix = Math.round(inner.width * input.frameMatte), iy = Math.round(inner.height * input.frameMatte);
  for (let y = inner.y + iy; y < inner.y + inner.height - iy; y++) matte.fill(255, y * width + inner.x + ix, y * width + inner.x + inner.width - ix);
  return { mask, matte };
}

/** The plan and the pyramid on shared memory (null for an empty mask). */
function retouchPrepare(input: RetouchInput): PreparedRetouch | null {
  return prepareRetouch(input, shared);
}

/** One phase of the completion over a group of its bands (or the small coarse levels, whole). */
async function retouchPhase(input: { levels: TaskLevels; phase: RetouchPhase; r: number }): Promise<{ output: PhaseOutput | null }> {
  return { output: await runRetouchPhase(input.levels, input.phase, input.r) };
}

/** The photo with the fill written in (a copy on shared memory), and the box that changed. */
function retouchCompose(input: { retouch: RetouchInput; prepared: PreparedRetouch }): { rgb: Uint8Array; box: Box } {
  const { image } = input.retouch;
  const result = composeRetouch(input.retouch, input.prepared);
  return { rgb: applyRetouch(image, result, sharedBytes(image.rgb)), box: result.box };
}

export const retouchTasks = { retouchMask, retouchMaskRaw, retouchStrokes, expandMask, retouchPrepare, retouchPhase, retouchCompose };
