/**
 * Issue 16's steps on the network's matte at its working size, as the segment stage runs them (on
 * the pixel pool, src/pixels/tasks.ts): the bordered view for the context pass and its fusion
 * (context-pass.ts), then specks (specks.ts) and false holes (holes.ts). Pure: typed arrays in,
 * typed arrays out; the planes handed back live on shared memory.
 */
import { contextFrame, contextInput, contextMatte, EDGE_RING, frameEvidence, fuseContext, pictureHug, PICTURE_GROWTH, PICTURE_HUG } from './context-pass.ts';
import { fillFalseHoles, type HoleOptions } from './holes.ts';
import { layOnWhite } from './resample.ts';
import { removeSpecks, type SpeckOptions } from './specks.ts';
import type { Plane } from './types.ts';

/** The context pass's network input: the photo (its transparent parts on white) framed in grey, size x size. */
export function contextView(input: { rgb: Uint8Array; alpha?: Uint8Array; width: number; height: number; size: number }): { rgb: Uint8Array } {
  const rgb = input.alpha ? layOnWhite(input.rgb, input.alpha) : input.rgb;
  return { rgb: contextInput(rgb, input.width, input.height, contextFrame(input.size)) };
}

/** What the context pass did. */
export interface ContextReport {
  /** The share of the photo's rectangle the second matte hugged (near 1: it saw a picture on a wall). */
  hug: number;
  /** Whether its matte was used (not a picture). */
  used: boolean;
  /** Mean |fused - first| over the frame: how much it changed. */
  change: number;
}

/**
 * The first matte fused with the context pass's (its raw square output, at the first's size; the
 * matte lab also tries smaller ones): used where the first is unsure, unless the second hugs the
 * photo's rectangle (a picture of the photo): at least `hugLimit` of its edge, or `growth` more of
 * it than the first matte. A new plane.
 */
export function fuseContextPass(first: Plane, second: Float32Array, hugLimit = PICTURE_HUG, growth = PICTURE_GROWTH): { data: Float32Array; report: ContextReport } {
  const cropped = contextMatte(second, contextFrame(Math.round(Math.sqrt(second.length))), first.width);
  const hug = pictureHug({ data: cropped, width: first.width, height: first.height });
  const before = frameEvidence(first, EDGE_RING, 0.5).touch;
  if (hug >= hugLimit || hug - before >= growth) return { data: Float32Array.from(first.data), report: { hug, used: false, change: 0 } };
  const data = fuseContext(first.data, cropped);
  let change = 0;
  for (let i = 0; i < data.length; i++) change += Math.abs(data[i]! - first.data[i]!);
  return { data, report: { hug, used: true, change: change / data.length } };
}

/** What cleaning did. */
export interface CleanReport {
  /** Detached faint fragments zeroed, and their matte pixels. */
  specks: number;
  speckPixels: number;
  /** False holes lifted. */
  holes: number;
}

/** Specks removed, then false holes lifted, on the matte. A new plane. */
export function cleanMatte(matte: Plane, options: { specks?: SpeckOptions; holes?: HoleOptions } = {}): { data: Float32Array; report: CleanReport } {
  const specks = removeSpecks(matte, options.specks);
  const holes = fillFalseHoles({ ...matte, data: specks.data }, options.holes);
  return { data: holes.data, report: { specks: specks.fragments, speckPixels: specks.pixels, holes: holes.filled } };
}
