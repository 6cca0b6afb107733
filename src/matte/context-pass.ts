/**
 * The context pass for subjects cut by the frame. ISNet was trained on objects seen whole: when
 * a product fills the frame and runs off its sides (a potted plant, hanging yarn), it can return
 * the whole object in faint grey. Seen again with a border of plain mid-grey around the photo, the
 * same network usually finds it. But a border also makes any busy scene look like a picture
 * hanging on a grey wall, and the network then cuts out the whole photo (measured on real photos:
 * 170 of 300 general scenes worse, MAE 6x, when applied blindly; MATTE-FINDINGS 2026-12-06).
 *
 * So the pass is (a) run only when the first matte says the subject touches the frame and leaves
 * part of the frame undecided, and (b) fused by a rule that cannot turn a scene into a picture:
 * the second matte is used only where the first one is unsure. Wherever the first matte is sure
 * of the background, the grey frame's picture-on-a-wall answer cannot get in; wherever it is sure
 * of the subject, nothing changes either.
 *
 * Everything here works at the network's working size (the bordered input, its matte cropped back
 * to the photo, the fusion), before any upsampling: pure functions over typed arrays.
 */
import { boxMean } from './box.ts';
import { resizeBilinear, resizeRgbBilinear } from './resample.ts';
import type { FrameEvidence } from './context-trigger.ts';
import type { Plane } from './types.ts';

/** Where the photo sits in the bordered view, at working size `size` (square). */
export interface ContextFrame {
  size: number;
  /** The photo's side inside the view (squashed square, as the first pass squashes it). */
  inner: number;
  /** Border pixels left of and above the photo. */
  pad: number;
}

/** A border of this share of the photo's side on each side (so the photo is 1 / (1 + 2 x 0.25) = 2/3 of the view). */
export const CONTEXT_BORDER = 0.25;
/** The border's colour: mid-grey (an edge-replicated border did far less on real photos, a mirrored one harm). */
export const CONTEXT_GREY = 128;

export function contextFrame(size: number, border = CONTEXT_BORDER): ContextFrame {
  const inner = Math.max(8, Math.round(size / (1 + 2 * border)));
  return { size, inner, pad: Math.floor((size - inner) / 2) };
}

/**
 * The network's input for the context pass: the photo (interleaved RGB, width x height, as the
 * network sees it: a transparent input already laid on white) resized bilinearly to the frame's
 * inner square, like the first pass's input, and framed in mid-grey.
 */
export function contextInput(rgb: Uint8Array, width: number, height: number, frame: ContextFrame, grey = CONTEXT_GREY): Uint8Array {
  const { size, inner, pad } = frame;
  const photo = resizeRgbBilinear(rgb, width, height, inner, inner);
  const out = new Uint8Array(size * size * 3).fill(grey);
  for (let y = 0; y < inner; y++) out.set(photo.subarray(y * inner * 3, (y + 1) * inner * 3), ((pad + y) * size + pad) * 3);
  return out;
}

/**
 * A variant border for comparison (bench): the photo's edges continued outward and defocused
 * (edge-replicated, box-blurred three times with a radius of a third of the border), pulled half
 * way to mid-grey, so the border reads as out-of-focus surroundings rather than a wall.
 */
export function contextInputBlurred(rgb: Uint8Array, width: number, height: number, frame: ContextFrame, grey = CONTEXT_GREY): Uint8Array {
  const { size, inner, pad } = frame;
  const photo = resizeRgbBilinear(rgb, width, height, inner, inner);
  const out = new Uint8Array(size * size * 3);
  const r = Math.max(1, Math.round(pad / 3));
  for (let c = 0; c < 3; c++) {
    let plane: Float32Array = new Float32Array(size * size);
    for (let y = 0; y < size; y++) {
      const sy = Math.min(inner - 1, Math.max(0, y - pad));
      for (let x = 0; x < size; x++) plane[y * size + x] = photo[(sy * inner + Math.min(inner - 1, Math.max(0, x - pad))) * 3 + c]!;
    }
    for (let k = 0; k < 3; k++) plane = boxMean(plane, size, size, r);
    for (let i = 0; i < size * size; i++) out[i * 3 + c] = Math.round((plane[i]! + grey) / 2);
  }
  for (let y = 0; y < inner; y++) out.set(photo.subarray(y * inner * 3, (y + 1) * inner * 3), ((pad + y) * size + pad) * 3);
  return out;
}

/** The context pass's matte (size x size, the bordered view) cropped to the photo and resampled to `out` x `out`, aligned with the first matte. */
export function contextMatte(second: Float32Array, frame: ContextFrame, out = frame.size): Float32Array {
  const { size, inner, pad } = frame;
  const crop = new Float32Array(inner * inner);
  for (let y = 0; y < inner; y++) crop.set(second.subarray((pad + y) * size + pad, (pad + y) * size + pad + inner), y * inner);
  return resizeBilinear(crop, inner, inner, out, out);
}

export type { ContextTrigger, FrameEvidence } from './context-trigger.ts';
export { wantsContextPass } from './context-trigger.ts';

export const EDGE_RING = 2;
export const TOUCH_ALPHA = 0.25;
export const UNSURE_LO = 0.1;
export const UNSURE_HI = 0.9;

export function frameEvidence(matte: Plane, ring = EDGE_RING, touchAlpha = TOUCH_ALPHA): FrameEvidence {
  const { data, width: w, height: h } = matte;
  let touched = 0, ringCount = 0, unsure = 0;
  for (let y = 0; y < h; y++) {
    const inRingRow = y < ring || y >= h - ring;
    for (let x = 0; x < w; x++) {
      const a = data[y * w + x]!;
      if (a > UNSURE_LO && a < UNSURE_HI) unsure++;
      if (inRingRow || x < ring || x >= w - ring) {
        ringCount++;
        if (a >= touchAlpha) touched++;
      }
    }
  }
  return { touch: ringCount ? touched / ringCount : 0, unsure: data.length ? unsure / data.length : 0 };
}

/**
 * How far the context matte (cropped to the photo) hugs the photo's own rectangle: the share of
 * its outermost ring at alpha 0.5 or more. Near 1 when the network took the whole photo for a
 * picture hanging on the grey wall (then the matte says nothing about the subject).
 */
export function pictureHug(context: Plane): number {
  return frameEvidence(context, EDGE_RING, 0.5).touch;
}

/** At or above this hug the context matte is a picture of the photo and is not used. */
export const PICTURE_HUG = 0.8;
/**
 * Nor when it hugs the photo's rectangle this much more than the first matte did (both at alpha
 * 0.5): a subject cut by the frame reaches it in both views; a scene turning into a picture grows
 * towards the whole rectangle. On the proxies the context mattes that helped grew by at most 0.06;
 * those that hurt 12-19 MP photos by 0.44-0.51.
 */
export const PICTURE_GROWTH = 0.15;

/**
 * The fused matte: the first matte where it is sure (alpha at most `lo` or at least `hi`), the
 * context matte where it is unsure, with a linear hand-over `ramp` wide on each side so the switch
 * leaves no contour of its own. `first` and `context` are aligned planes of one size; a new plane.
 */
export function fuseContext(first: Float32Array, context: Float32Array, lo = UNSURE_LO, hi = UNSURE_HI, ramp = 0.05): Float32Array {
  const out = new Float32Array(first.length);
  for (let i = 0; i < first.length; i++) {
    const a = first[i]!;
    // 0 where the first matte is sure, 1 well inside (lo, hi).
    const w = ramp > 0 ? Math.min(1, Math.max(0, Math.min(a - lo, hi - a) / ramp)) : a > lo && a < hi ? 1 : 0;
    out[i] = a + w * (context[i]! - a);
  }
  return out;
}
