/**
 * Blending the layers, back to front: the background, the shadow (darkening in linear light,
 * as a real shadow removes light), the reflection, then the subject. An opaque background
 * gives RGB; a transparent one gives RGBA where the shadow is translucent black and the
 * subject keeps exactly its own alpha wherever it is opaque.
 */
import type { Layer } from './place.ts';
import { TO_LINEAR, toSrgb } from './linear.ts';
import type { ShadowMap } from './shadow.ts';

export interface Canvas {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

/** The frame to paint on: the rendered background (RGB), or a transparent RGBA frame. */
export function canvasFrom(width: number, height: number, background: Uint8Array | null, transparent: () => Uint8Array = () => new Uint8Array(width * height * 4)): Canvas {
  if (background) return { width, height, channels: 3, data: background };
  return { width, height, channels: 4, data: transparent() };
}

/** DARKEN[o * 256 + v]: sRGB code v darkened by opacity o/255 in linear light. */
const DARKEN = new Uint8Array(256 * 256);
for (let o = 0; o < 256; o++) for (let v = 0; v < 256; v++) DARKEN[o * 256 + v] = toSrgb(TO_LINEAR[v]! * (1 - o / 255));

export function applyShadow(canvas: Canvas, shadow: ShadowMap): void {
  const { data, channels, width } = canvas;
  const op = shadow.opacity;
  for (let y = 0; y < shadow.height; y++) {
    const src = y * shadow.width;
    let d = ((shadow.y + y) * width + shadow.x) * channels;
    for (let x = 0; x < shadow.width; x++, d += channels) {
      const o = op[src + x]!;
      if (o === 0) continue;
      if (channels === 3) {
        const row = o << 8;
        data[d] = DARKEN[row + data[d]!]!;
        data[d + 1] = DARKEN[row + data[d + 1]!]!;
        data[d + 2] = DARKEN[row + data[d + 2]!]!;
      } else {
        // Black over what is there (only transparency or earlier shadow at this point).
        const a = data[d + 3]! / 255, s = o / 255;
        const outA = s + a * (1 - s);
        const k = outA > 0 ? (a * (1 - s)) / outA : 0;
        data[d] = Math.round(data[d]! * k);
        data[d + 1] = Math.round(data[d + 1]! * k);
        data[d + 2] = Math.round(data[d + 2]! * k);
        data[d + 3] = Math.round(outA * 255);
      }
    }
  }
}

/** A layer over the canvas ("over" with straight alpha). */
export function applyLayer(canvas: Canvas, layer: Layer): void {
  const { data, channels, width } = canvas;
  const src = layer.rgba;
  for (let y = 0; y < layer.height; y++) {
    let s = y * layer.width * 4;
    let d = ((layer.y + y) * width + layer.x) * channels;
    for (let x = 0; x < layer.width; x++, s += 4, d += channels) {
      const a = src[s + 3]!;
      if (a === 0) continue;
      if (a === 255) {
        data[d] = src[s]!;
        data[d + 1] = src[s + 1]!;
        data[d + 2] = src[s + 2]!;
        if (channels === 4) data[d + 3] = 255;
        continue;
      }
      if (channels === 3) {
        // (f a + b (255 - a)) / 255, rounded, in integers.
        const na = 255 - a;
        data[d] = div255(src[s]! * a + data[d]! * na);
        data[d + 1] = div255(src[s + 1]! * a + data[d + 1]! * na);
        data[d + 2] = div255(src[s + 2]! * a + data[d + 2]! * na);
      } else {
        const fa = a / 255;
        const under = data[d + 3]! / 255;
        const outA = fa + under * (1 - fa);
        const k = 1 / outA;
        data[d] = Math.round((src[s]! * fa + data[d]! * under * (1 - fa)) * k);
        data[d + 1] = Math.round((src[s + 1]! * fa + data[d + 1]! * under * (1 - fa)) * k);
        data[d + 2] = Math.round((src[s + 2]! * fa + data[d + 2]! * under * (1 - fa)) * k);
        data[d + 3] = Math.round(outA * 255);
      }
    }
  }
}

/** Exact round(v / 255) for v in 0..65025. */
function div255(v: number): number {
  return ((v + 128) * 257) >> 16;
}
