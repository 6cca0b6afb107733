/**
 * Retouch: removes what a mask covers and fills it with the photo's own texture. Pixels outside
 * the mask never change, except a band of `blendBand` pixels (2 by default, never 4 or more)
 * where the fill fades into the photo. Given a matte, a hole on the subject is filled from the
 * subject and a hole in the background from the background.
 *
 * `retouch()` runs on the calling thread (the web studio's worker, tests); the server's pixel
 * pool runs the same phases on its threads (src/pipeline/retouch-stage.ts).
 */
import { distanceTo } from './distance.ts';
import { buildLevels, runHere } from './engine.ts';
import { completeHole, type CompletionReport, type PhaseRunner } from './schedule.ts';
import { textureFeatures } from './features.ts';
import { CHANNELS, type Level } from './level.ts';
import { planRetouch, type RetouchPlan } from './plan.ts';
import { smoothField } from './smooth-fill.ts';
import { DEFAULT_TUNING, plainMemory, type Allocator, type Box, type RetouchTuning, type RgbImage } from './types.ts';

export interface RetouchInput {
  image: RgbImage;
  /** The photo's size; nonzero where the photo is to be filled. */
  mask: Uint8Array;
  /** The matte (0..255, the photo's size): sources are taken on the hole's own side of it. */
  matte?: Uint8Array;
  tuning?: Partial<RetouchTuning>;
}

export interface RetouchResult {
  /** The box of the photo whose pixels changed (the mask's box and the blend band). */
  box: Box;
  /** Its new pixels, interleaved RGB. */
  rgb: Uint8Array;
  plan: RetouchPlan;
  report: CompletionReport;
}

/** The pyramid and buffers of one retouch, ready for the phases. */
export interface PreparedRetouch {
  plan: RetouchPlan;
  tuning: RetouchTuning;
  levels: Level[];
  /** The final vote (RGB floats over the region). */
  final: Float32Array;
  /** The blend band around the hole (outside it), over the region. */
  finalWhich: Uint8Array;
  /** Distance of each region pixel to the hole (for the blend). */
  nearHole: Float32Array;
}

export function resolveTuning(tuning: Partial<RetouchTuning> = {}): RetouchTuning {
  const t = { ...DEFAULT_TUNING, ...tuning };
  // The promise to the caller: nothing changes 4 pixels or more outside the mask.
  t.blendBand = Math.max(0, Math.min(3, Math.floor(t.blendBand)));
  return t;
}

/** The plan and the pyramid of the region around the mask; null when the mask is empty. */
export function prepareRetouch(input: RetouchInput, alloc: Allocator = plainMemory): PreparedRetouch | null {
  const tuning = resolveTuning(input.tuning);
  const { width, height, rgb } = input.image;
  const plan = planRetouch(input.mask, width, height, tuning);
  if (!plan) return null;
  const { region } = plan;
  const n = region.width * region.height;
  const img = new Float32Array(n * CHANNELS), hole = new Uint8Array(n);
  const subject = input.matte ? new Uint8Array(n) : undefined;
  for (let y = 0; y < region.height; y++) {
    const src = (region.y + y) * width + region.x;
    for (let x = 0; x < region.width; x++) {
      const i = y * region.width + x, s = src + x;
      img[i * CHANNELS] = rgb[s * 3]!;
      img[i * CHANNELS + 1] = rgb[s * 3 + 1]!;
      img[i * CHANNELS + 2] = rgb[s * 3 + 2]!;
      hole[i] = input.mask[s] ? 1 : 0;
      if (subject) subject[i] = input.matte![s]! >= 128 ? 1 : 0;
    }
  }
  textureFeatures(img, hole, region.width, region.height, tuning.textureRadius, tuning.textureWeight);
  const levels = buildLevels({ width: region.width, height: region.height, img, hole, ...(subject ? { subject } : {}) }, plan, tuning.patchRadius, alloc);
  const nearHole = new Float32Array(alloc(n * 4));
  nearHole.set(distanceTo(hole, region.width, region.height));
  const finalWhich = new Uint8Array(alloc(n));
  const ring = Math.max(tuning.blendBand, tuning.adaptRing);
  for (let i = 0; i < n; i++) finalWhich[i] = nearHole[i]! > 0 && nearHole[i]! <= ring ? 1 : 0;
  const final = new Float32Array(alloc(n * 12));
  return { plan, tuning, levels, final, finalWhich, nearHole };
}

/**
 * The changed box's new pixels: the fill in the hole, faded into the photo over the blend band.
 * The fill first takes a low-frequency correction (colour adaptation): the difference between the
 * photo and the fill's own reconstruction of a ring of pixels around the hole, spread smoothly
 * over it, so a source patch from a brighter or bluer part of the photo does not leave a blotch.
 */
export function composeRetouch(input: RetouchInput, prepared: PreparedRetouch): { box: Box; rgb: Uint8Array } {
  const { plan, tuning, final, nearHole } = prepared;
  const { width, height, rgb } = input.image;
  const { holeBox, region } = plan;
  const band = tuning.blendBand, ring = tuning.adaptRing;
  const x0 = Math.max(0, holeBox.x - band), y0 = Math.max(0, holeBox.y - band);
  const x1 = Math.min(width, holeBox.x + holeBox.width + band), y1 = Math.min(height, holeBox.y + holeBox.height + band);
  const box = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  const correction = ring > 0 ? colourCorrection(rgb, width, prepared, ring) : null;
  const out = new Uint8Array(box.width * box.height * 3);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const s = y * width + x, o = ((y - y0) * box.width + (x - x0)) * 3;
      const i = (y - region.y) * region.width + (x - region.x);
      const d = nearHole[i]!;
      // d = 0 in the hole; 1..band faded (a = 1 - d / (band + 1)); beyond, the photo as it was.
      const a = d === 0 ? 1 : d <= band ? 1 - d / (band + 1) : 0;
      for (let c = 0; c < 3; c++) {
        let v = rgb[s * 3 + c]!;
        if (a > 0) {
          const fill = final[i * 3 + c]! + (correction ? correction.at(x, y, c) : 0);
          v = a * fill + (1 - a) * v;
        }
        out[o + c] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
      }
    }
  }
  return { box, rgb: out };
}

/** The largest colour difference (per channel, 0..255) a ring pixel adds to the correction. */
const ADAPT_LIMIT = 12;

/** The smooth correction field over the hole's box and the ring around it. */
function colourCorrection(rgb: Uint8Array, width: number, prepared: PreparedRetouch, ring: number): { at(x: number, y: number, c: number): number } {
  const { plan, final, nearHole } = prepared;
  const { holeBox, region } = plan;
  const bx = Math.max(region.x, holeBox.x - ring), by = Math.max(region.y, holeBox.y - ring);
  const bw = Math.min(region.x + region.width, holeBox.x + holeBox.width + ring) - bx, bh = Math.min(region.y + region.height, holeBox.y + holeBox.height + ring) - by;
  const values = new Float32Array(bw * bh * 3), known = new Uint8Array(bw * bh);
  for (let y = 0; y < bh; y++) {
    for (let x = 0; x < bw; x++) {
      const i = (by + y - region.y) * region.width + (bx + x - region.x);
      const d = nearHole[i]!;
      if (d === 0 || d > ring) continue;
      const k = y * bw + x, s = (by + y) * width + bx + x;
      known[k] = 1;
      // Bounded: where the fill put an edge a few pixels off, the difference is the edge, not a tint.
      for (let c = 0; c < 3; c++) values[k * 3 + c] = Math.max(-ADAPT_LIMIT, Math.min(ADAPT_LIMIT, rgb[s * 3 + c]! - final[i * 3 + c]!));
    }
  }
  // Two levels up: the ring's texture mismatch averages out, its colour offset stays.
  const field = smoothField(values, known, bw, bh, 3, 2);
  return { at: (x, y, c) => (field ? field[((y - by) * bw + (x - bx)) * 3 + c]! : 0) };
}

/** Retouches on this thread (or with another phase runner); null when the mask is empty. */
export async function retouch(input: RetouchInput, run?: PhaseRunner, alloc: Allocator = plainMemory): Promise<RetouchResult | null> {
  const prepared = prepareRetouch(input, alloc);
  if (!prepared) return null;
  const report = await completeHole(prepared.levels, prepared.final, prepared.finalWhich, prepared.tuning, run ?? runHere(prepared.tuning.patchRadius));
  return { ...composeRetouch(input, prepared), plan: prepared.plan, report };
}

/** A copy of the photo with a retouch's box written in. */
export function applyRetouch(image: RgbImage, result: { box: Box; rgb: Uint8Array }, into: Uint8Array = Uint8Array.from(image.rgb)): Uint8Array {
  const { box } = result;
  for (let y = 0; y < box.height; y++) {
    const start = ((box.y + y) * image.width + box.x) * 3;
    into.set(result.rgb.subarray(y * box.width * 3, (y + 1) * box.width * 3), start);
  }
  return into;
}
