/**
 * Lighting harmonisation: moves the subject's exposure and white balance toward the scene's
 * light, in linear light. The subject's own colours stay its own (no grey-world correction,
 * which would turn a red mug grey): the scene's light colour tints it, and its exposure moves
 * part of the way toward the scene's, by at most a third of a stop. Alpha is never touched.
 */
import type { Layer } from './place.ts';
import type { SceneLight } from '../scenes/index.ts';
import { TO_LINEAR, toSrgb } from './linear.ts';

/** The largest exposure change, in stops. */
const MAX_STOPS = 1 / 3;

export interface HarmonizeResult {
  /** Per-channel gains applied (linear light). */
  gains: [number, number, number];
  /** Exposure change in stops. */
  stops: number;
}

/** Changes the layer's colour in place (never its alpha); `mode` "exposure" keeps hue and saturation (gain equal on all channels). */
export function harmonize(layer: Layer, light: SceneLight, mode: 'harmonize' | 'exposure', strength: number): HarmonizeResult {
  // Subject exposure: alpha-weighted mean luminance in linear light.
  let sum = 0, weight = 0;
  const n = layer.width * layer.height;
  const px = layer.rgba;
  for (let i = 0; i < n; i += 3) {
    // Every third pixel is plenty for a mean.
    if (px[i * 4 + 3]! < 128) continue;
    sum += 0.2126 * TO_LINEAR[px[i * 4]!]! + 0.7152 * TO_LINEAR[px[i * 4 + 1]!]! + 0.0722 * TO_LINEAR[px[i * 4 + 2]!]!;
    weight++;
  }
  const subject = weight > 0 ? sum / weight : 0.18;
  const scene = Math.max(1e-3, srgbToLinear(light.exposure));
  const raw = Math.log2(scene / Math.max(1e-3, subject)) * 0.35 * strength;
  const stops = Math.max(-MAX_STOPS, Math.min(MAX_STOPS, raw));
  const exposure = 2 ** stops;

  // Light colour normalised to unit luminance, then applied with the given strength.
  const lr = TO_LINEAR[Math.round(light.color[0])]!, lg = TO_LINEAR[Math.round(light.color[1])]!, lb = TO_LINEAR[Math.round(light.color[2])]!;
  const lum = 0.2126 * lr + 0.7152 * lg + 0.0722 * lb || 1;
  const tint = mode === 'harmonize' ? [lr / lum, lg / lum, lb / lum].map((t) => 1 + (t - 1) * 0.5 * strength) : [1, 1, 1];
  const gains: [number, number, number] = [tint[0]! * exposure, tint[1]! * exposure, tint[2]! * exposure];

  const lut = gains.map((gain) => {
    const t = new Uint8Array(256);
    for (let v = 0; v < 256; v++) t[v] = toSrgb(TO_LINEAR[v]! * gain);
    return t;
  }) as [Uint8Array, Uint8Array, Uint8Array];
  for (let i = 0; i < n * 4; i += 4) {
    px[i] = lut[0][px[i]!]!;
    px[i + 1] = lut[1][px[i + 1]!]!;
    px[i + 2] = lut[2][px[i + 2]!]!;
  }
  return { gains, stops };
}

function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}
