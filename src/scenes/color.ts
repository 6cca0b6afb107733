/**
 * Colour maths: sRGB <-> linear light (with lookup tables for the hot paths) and OKLab for
 * perceptually even gradients. Scenes are composed in linear light and converted to sRGB once.
 */
import type { Rgb } from './types.ts';

/** Linear light 0..1 triple (mutable working form). */
export type Lin = [number, number, number];

export function srgbToLinear(c: number): number {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

export function linearToSrgb(v: number): number {
  if (v <= 0) return 0;
  if (v >= 1) return 255;
  return 255 * (v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055);
}

/** Linear (0..1, 4096 steps, plus a clamp entry) -> sRGB float 0..255. Steps are < 0.5 level except in the deepest shadows. */
export const LIN_TO_SRGB_SIZE = 4096;
const LIN_TO_SRGB = new Float32Array(LIN_TO_SRGB_SIZE + 1);
for (let i = 0; i <= LIN_TO_SRGB_SIZE; i++) LIN_TO_SRGB[i] = linearToSrgb(i / LIN_TO_SRGB_SIZE);

/** Fast linear -> sRGB float with interpolation in the table (used on the coarse grid). */
export function linToSrgbFast(v: number): number {
  if (v <= 0) return 0;
  if (v >= 1) return 255;
  const f = v * LIN_TO_SRGB_SIZE;
  const i = f | 0;
  const a = LIN_TO_SRGB[i]!;
  return a + (LIN_TO_SRGB[i + 1]! - a) * (f - i);
}

export function toLin(c: Rgb): Lin {
  return [srgbToLinear(c[0]), srgbToLinear(c[1]), srgbToLinear(c[2])];
}

export function toSrgb(l: Lin | readonly number[]): Rgb {
  return [Math.round(linearToSrgb(l[0]!)), Math.round(linearToSrgb(l[1]!)), Math.round(linearToSrgb(l[2]!))];
}

/** Mix two sRGB colours in linear light. */
export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  const la = toLin(a), lb = toLin(b);
  return toSrgb([la[0] + (lb[0] - la[0]) * t, la[1] + (lb[1] - la[1]) * t, la[2] + (lb[2] - la[2]) * t]);
}

/** Scale a colour's brightness in linear light (k > 1 lightens, < 1 darkens). */
export function shade(c: Rgb, k: number): Rgb {
  const l = toLin(c);
  return toSrgb([l[0] * k, l[1] * k, l[2] * k]);
}

/** Relative luminance (linear) of an sRGB colour. */
export function luminance(c: Rgb): number {
  const l = toLin(c);
  return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2];
}

/** sRGB (0..255) -> OKLab. */
export function toOklab(c: Rgb): Lin {
  const [r, g, b] = toLin(c);
  const l = Math.cbrt(0.4122214708 * r + 0.5363325363 * g + 0.0514459929 * b);
  const m = Math.cbrt(0.2119034982 * r + 0.6806995451 * g + 0.1073969566 * b);
  const s = Math.cbrt(0.0883024619 * r + 0.2817188376 * g + 0.6299787005 * b);
  return [
    0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s,
    1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s,
    0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s,
  ];
}

/** OKLab -> sRGB floats 0..255 (not rounded: gradients dither the remainder). */
export function oklabToSrgbFloat(lab: Lin): Lin {
  const [L, A, B] = lab;
  const l = (L + 0.3963377774 * A + 0.2158037573 * B) ** 3;
  const m = (L - 0.1055613458 * A - 0.0638541728 * B) ** 3;
  const s = (L - 0.0894841775 * A - 1.291485548 * B) ** 3;
  return [
    linearToSrgb(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s),
    linearToSrgb(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s),
    linearToSrgb(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s),
  ];
}
