/**
 * The pixel tasks: every per-pixel stage greenroom runs, by name, as the pool's workers run them
 * (pool.ts). Each is a pure function of plain data (typed arrays, numbers, small objects); the
 * big arrays it makes live on shared memory so the next task reads them without a copy.
 *
 * A new pixel stage is a function here, not new thread plumbing.
 */
import { applyLayer, applyShadow, canvasFrom } from '../compose/blend.ts';
import { harmonize, type HarmonizeResult } from '../compose/harmonize.ts';
import { placeSubject, type Layer, type PlaceRequest } from '../compose/place.ts';
import { castShadow, reflect, type ShadowMap, type ShadowParams } from '../compose/shadow.ts';
import { subjectBox } from '../matte/bbox.ts';
import { extendColours } from '../matte/extend-colours.ts';
import { labelsFromRgba, type LabelMap } from '../matte/hints.ts';
import { mirrorPlane, mirrorRgb } from '../matte/mirror.ts';
import { resizeBilinear } from '../matte/resample.ts';
import { resizeForNetwork } from '../models/network-input.ts';
import { applyHints, type HintsInput, type HintsReport } from '../matte/touchup.ts';
import type { Plane } from '../matte/types.ts';
import { disagreement, uncertaintyEvidence, type UncertaintyEvidence } from '../matte/uncertainty.ts';
import { renderBackground, type BackgroundSpec, type RenderedBackground, type SceneLight } from '../scenes/index.ts';
import type { Box } from '../image/encode.ts';
import { decodeHeic } from '../image/heic.ts';
import { pngPart, type PngPart, type PngSource } from '../image/png.ts';
import { alphaRows, colourRows, onWhiteRows, planBand, planColours, upsampleRows, type BandPlan } from '../matte/band-refine.ts';
import type { RefineOptions } from '../matte/refine.ts';
import type { RgbImage } from '../matte/types.ts';
import { retouchTasks } from './retouch-tasks.ts';
import { sharedBytes, sharedFloats } from './transfer.ts';
import { frameEvidence, type FrameEvidence } from '../matte/context-pass.ts';
import { cleanMatte, contextView, fuseContextPass, type CleanReport, type ContextReport } from '../matte/matte-steps.ts';

/** The photo as the network sees it (network-input.ts), and its mirror image at `mirrorSize` when a second pass may be wanted. */
function networkInput(input: { rgb: Uint8Array; alpha?: Uint8Array; width: number; height: number; size: number; mirrorSize?: number }): { rgb: Uint8Array; mirrored?: Uint8Array } {
  const rgb = resizeForNetwork(input, input.size);
  const m = input.mirrorSize;
  if (!m) return { rgb };
  return { rgb, mirrored: mirrorRgb(m === input.size ? rgb : resizeForNetwork(input, m), m, m) };
}

export interface MatteSummary {
  /** The matte (the two passes averaged when a mirrored one came), on shared memory. */
  matte: Plane;
  evidence: UncertaintyEvidence;
  /** Whether the subject reaches the frame, and how much of the matte is undecided (context-pass.ts). */
  frame: FrameEvidence;
  /** The subject's box at the matte's resolution (alpha above 12/255), null when empty. */
  box: Box | null;
}

/** The network's matte, fused with the mirrored pass's (flipped back) when there is one, and what it says. */
function matteSummary(input: { data: Float32Array; size: number; mirrored?: Float32Array; mirroredSize?: number }): MatteSummary {
  const { size } = input;
  const first = { data: input.data, width: size, height: size };
  const evidence = uncertaintyEvidence(first);
  const data = new Float32Array(new SharedArrayBuffer(size * size * 4));
  data.set(input.data);
  if (input.mirrored) {
    // A mirrored pass at a smaller working size is flipped back, then upsampled to the first's.
    const ms = input.mirroredSize ?? size;
    const flipped = mirrorPlane(input.mirrored, ms, ms);
    const second = { data: ms === size ? flipped : resizeBilinear(flipped, ms, ms, size, size), width: size, height: size };
    evidence.disagreement = disagreement(first, second);
    for (let i = 0; i < data.length; i++) data[i] = (data[i]! + second.data[i]!) / 2;
  }
  const matte = { data, width: size, height: size };
  return { matte, evidence, frame: frameEvidence(matte), box: matteBox(matte) };
}

/** The subject's box at the matte's resolution (alpha above 12/255). */
function matteBox(matte: Plane): Box | null {
  const alpha = new Uint8Array(matte.data.length);
  for (let i = 0; i < alpha.length; i++) alpha[i] = Math.round(Math.min(1, Math.max(0, matte.data[i]!)) * 255);
  return subjectBox(alpha, matte.width, matte.height);
}

/** Issue 16: the context pass's matte fused into the first (matte-steps.ts); the summary's matte replaced, its evidence kept (the network's first answer). */
function contextFuse(input: { summary: MatteSummary; second: Float32Array }): { summary: MatteSummary; report: ContextReport } {
  const { data, report } = fuseContextPass(input.summary.matte, input.second);
  const matte = { ...input.summary.matte, data: sharedFloats(data) };
  return { summary: { ...input.summary, matte, box: matteBox(matte) }, report };
}

/** Issue 16: specks and false holes cleaned from the summary's matte (matte-steps.ts). */
function matteClean(input: { summary: MatteSummary }): { summary: MatteSummary; report: CleanReport } {
  const { data, report } = cleanMatte(input.summary.matte);
  const matte = { ...input.summary.matte, data: sharedFloats(data) };
  return { summary: { ...input.summary, matte, box: matteBox(matte) }, report };
}

/** The subject's box in a full-resolution matte. */
function box(input: { alpha: Uint8Array; width: number; height: number }): Box | null {
  return subjectBox(input.alpha, input.width, input.height);
}

/** Touch-up hints applied to a copy of the matte (on shared memory, returned); its colours are worked out after (colourRows). */
function touchUp(input: { rgb: Uint8Array; width: number; height: number; alpha: Uint8Array; hints: HintsInput }): { alpha: Uint8Array; report: HintsReport } {
  const { width, height } = input;
  const alpha = sharedBytes(input.alpha);
  const report = applyHints({ rgb: input.rgb, width, height }, alpha, input.hints);
  return { alpha, report };
}

/** Refinement's phase 1 for rows [y0, y1): the matte upsampled into `up` (and the photo laid on white into `seen`, for an input with its own alpha). */
function upsample(input: { matte: Plane; plan: BandPlan; y0: number; y1: number; up: Float32Array; onWhite?: { rgb: Uint8Array; sourceAlpha: Uint8Array; seen: Uint8Array } }): Record<string, never> {
  const { matte, plan, y0, y1, up, onWhite } = input;
  upsampleRows(matte, plan, y0, y1, up);
  if (onWhite) onWhiteRows(onWhite.rgb, onWhite.sourceAlpha, plan, y0, y1, onWhite.seen);
  return {};
}

/** Refinement's phase 2 for rows [y0, y1): the 8-bit matte; the subject's box in those rows. */
function alpha(input: { image: RgbImage; up: Float32Array; plan: BandPlan; y0: number; y1: number; alpha: Uint8Array; sourceAlpha?: Uint8Array }): { box: Box | null } {
  return { box: alphaRows(input.image, input.up, input.plan, input.y0, input.y1, input.alpha, input.sourceAlpha) };
}

/** Phase 3 for rows [y0, y1): the foreground colours into `out`. */
function colours(input: { image: RgbImage; alpha: Uint8Array; plan: BandPlan; y0: number; y1: number; out: Uint8Array }): Record<string, never> {
  colourRows(input.image, input.alpha, input.plan, input.y0, input.y1, input.out);
  return {};
}

/** Splits interleaved RGBA into shared RGB and alpha; alpha is left out when every pixel is opaque. */
function splitRgba(input: { rgba: Uint8Array; width: number; height: number }): { rgb: Uint8Array; alpha?: Uint8Array } {
  const n = input.width * input.height;
  const src = input.rgba;
  const rgb = sharedBytes(n * 3);
  const alpha = sharedBytes(n);
  let opaque = true;
  for (let i = 0, s = 0, d = 0; i < n; i++, s += 4, d += 3) {
    rgb[d] = src[s]!;
    rgb[d + 1] = src[s + 1]!;
    rgb[d + 2] = src[s + 2]!;
    const a = src[s + 3]!;
    alpha[i] = a;
    if (a !== 255) opaque = false;
  }
  return opaque ? { rgb } : { rgb, alpha };
}

/** A hints image's keep and erase labels at the photo's size (nearest neighbour: no new colours from blending). */
function hintLabels(input: { rgb: Uint8Array; alpha?: Uint8Array; width: number; height: number; photo: { width: number; height: number }; keep: readonly [number, number, number]; erase: readonly [number, number, number]; tolerance: number }): { labels: LabelMap | null; rgba?: Uint8Array } {
  const { photo, width: iw, height: ih } = input;
  const rgba = new Uint8Array(photo.width * photo.height * 4);
  for (let y = 0; y < photo.height; y++) {
    const sy = Math.min(ih - 1, Math.floor(((y + 0.5) * ih) / photo.height));
    for (let x = 0; x < photo.width; x++) {
      const sx = Math.min(iw - 1, Math.floor(((x + 0.5) * iw) / photo.width));
      const s = sy * iw + sx, o = (y * photo.width + x) * 4;
      rgba[o] = input.rgb[s * 3]!;
      rgba[o + 1] = input.rgb[s * 3 + 1]!;
      rgba[o + 2] = input.rgb[s * 3 + 2]!;
      rgba[o + 3] = input.alpha ? input.alpha[s]! : 255;
    }
  }
  const labels = labelsFromRgba(rgba, photo.width, photo.height, input.keep, input.erase, input.tolerance);
  // The pixels come back only when no label was found, for the error message's commonest colours.
  return labels ? { labels } : { labels: null, rgba };
}

/** A previous cutout's matte at the photo's size: its alpha, or the grey level of an opaque matte image. */
function matteFromImage(input: { rgb: Uint8Array; alpha?: Uint8Array; allOpaque: boolean; width: number; height: number; photo: { width: number; height: number } }): { alpha: Uint8Array } {
  const n = input.width * input.height;
  let matte: Uint8Array;
  if (input.alpha) matte = input.alpha;
  else if (input.allOpaque) matte = new Uint8Array(n).fill(255); // a cutout that kept everything
  else {
    matte = new Uint8Array(n);
    for (let i = 0; i < n; i++) matte[i] = Math.round(0.2126 * input.rgb[i * 3]! + 0.7152 * input.rgb[i * 3 + 1]! + 0.0722 * input.rgb[i * 3 + 2]!);
  }
  const { photo } = input;
  if (input.width === photo.width && input.height === photo.height) return { alpha: sharedBytes(matte) };
  const scaled = resizeBilinear(Float32Array.from(matte), input.width, input.height, photo.width, photo.height);
  const alpha = sharedBytes(scaled.length);
  for (let i = 0; i < scaled.length; i++) alpha[i] = Math.round(scaled[i]!);
  return { alpha };
}

/** A scene, gradient or colour background at the frame's size. */
function scene(input: { spec: BackgroundSpec; width: number; height: number; seed: number }): RenderedBackground {
  const r = renderBackground(input.spec, input.width, input.height, input.seed);
  return { ...r, rgb: sharedBytes(r.rgb) };
}

/** The subject resampled into the frame. */
function place(input: PlaceRequest): { layer: Layer | null } {
  const layer = placeSubject(input);
  return { layer: layer ? { ...layer, rgba: sharedBytes(layer.rgba) } : null };
}

/** The shadow (and the reflection, in that mode) of a placed subject. */
function shadow(input: { layer: Layer; frame: { width: number; height: number }; params: ShadowParams }): { map: ShadowMap | null; mirror: Layer | null } {
  const { layer, frame, params } = input;
  return { map: castShadow(layer, frame, params), mirror: params.mode === 'reflection' ? reflect(layer, frame, params.intensity) : null };
}

/** The finished frame: background, shadow, reflection, subject (lit to match the scene, when asked). */
function compose(input: {
  frame: { width: number; height: number };
  background: Uint8Array | null;
  layer: Layer;
  map: ShadowMap | null;
  mirror: Layer | null;
  lighting?: { light: SceneLight; mode: 'harmonize' | 'exposure'; strength: number };
}): { data: Uint8Array; channels: 3 | 4; lit?: HarmonizeResult } {
  const { frame, layer, lighting } = input;
  const lit = lighting && input.background ? harmonize(layer, lighting.light, lighting.mode, lighting.strength) : undefined;
  // A transparent frame on shared memory, so the PNG parts read it where it lies.
  const canvas = canvasFrom(frame.width, frame.height, input.background, () => sharedBytes(frame.width * frame.height * 4));
  if (input.map) applyShadow(canvas, input.map);
  if (input.mirror) applyLayer(canvas, input.mirror);
  applyLayer(canvas, layer);
  return { data: canvas.data, channels: canvas.channels, ...(lit ? { lit } : {}) };
}

export const pixelTasks = {
  /** Answers once the worker has loaded every task's code: what the pool waits for before its first real task. */
  ping: (_input: Record<string, never>) => ({}),
  decodeHeic: (input: { bytes: Uint8Array; maxPixels: number }) => decodeHeic(input.bytes, input.maxPixels),
  networkInput,
  matteSummary,
  // Issue 16: the context pass's view and fusion, specks and false holes (src/matte/matte-steps.ts).
  contextView,
  contextFuse,
  matteClean,
  planBand: (input: { matte: Plane; width: number; height: number; options: RefineOptions; parts: number; sourceAlpha?: Uint8Array }): BandPlan => planBand(input.matte, input.width, input.height, input.options, input.parts, input.sourceAlpha),
  planColours: (input: { alpha: Uint8Array; width: number; height: number; decontaminate: boolean; parts: number }): BandPlan => planColours(input.alpha, input.width, input.height, input.decontaminate, input.parts),
  upsample,
  alpha,
  colours,
  box,
  touchUp,
  splitRgba,
  hintLabels,
  matteFromImage,
  scene,
  /** Colours for a cutout's transparent pixels, pulled in from the subject (remove.bg's zip colour JPEG). */
  extendColours: (input: { rgb: Uint8Array; alpha: Uint8Array; width: number; height: number }) => ({ rgb: extendColours(input.rgb, input.alpha, input.width, input.height) }),
  /** Rows of a PNG, filtered and deflated (png.ts). */
  pngPart: (input: { source: PngSource; width: number; y0: number; y1: number; first: boolean; last: boolean }): PngPart => pngPart(input.source, input.width, input.y0, input.y1, input.first, input.last),
  place,
  shadow,
  compose,
  ...retouchTasks,
};

export type PixelTasks = typeof pixelTasks;
export type PixelTaskName = keyof PixelTasks;
export type PixelTaskInput<K extends PixelTaskName> = Parameters<PixelTasks[K]>[0];
export type PixelTaskOutput<K extends PixelTaskName> = Awaited<ReturnType<PixelTasks[K]>>;
