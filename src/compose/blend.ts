/**
 * Blending the layers, back to front: the background, the shadow (darkening in linear light,
 * as a real shadow removes light), the reflection, then the subject. An opaque background
 * gives RGB; a transparent one gives RGBA where the shadow is translucent black and the
 * subject keeps exactly its own alpha wherever it is opaque.
 */
import type { Layer } from '../image/place.ts';
import { TO_LINEAR, toSrgb } from './linear.ts';
import type { ShadowMap } from './shadow.ts';

export interface Canvas {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

/** The frame to paint on: the rendered background (RGB), or a transparent RGBA frame. */
export function canvasFrom(width: number, height: number, background: Uint8Array | null): Canvas {
  if (background) return { width, height, channels: 3, data: background };
  return { width, height, channels: 4, data: new Uint8Array(width * height * 4) };
}

export function applyShadow(canvas: Canvas, shadow: ShadowMap): void {
  const { data, channels, width } = canvas;
  // Multiplying by (1 - o) in linear light: a table per opacity level would be 256x256; the
  // direct form with the two lookups is as fast here.
  for (let y = 0; y < shadow.height; y++) {
    const src = y * shadow.width;
    let d = ((shadow.y + y) * width + shadow.x) * channels;
    for (let x = 0; x < shadow.width; x++, d += channels) {
      const o = shadow.opacity[src + x]!;
      if (o === 0) continue;
      if (channels === 3) {
        const keep = 1 - o / 255;
        data[d] = toSrgb(TO_LINEAR[data[d]!]! * keep);
        data[d + 1] = toSrgb(TO_LINEAR[data[d + 1]!]! * keep);
        data[d + 2] = toSrgb(TO_LINEAR[data[d + 2]!]! * keep);
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
  for (let y = 0; y < layer.height; y++) {
    let s = y * layer.width;
    let d = ((layer.y + y) * width + layer.x) * channels;
    for (let x = 0; x < layer.width; x++, s++, d += channels) {
      const a8 = layer.alpha[s]!;
      if (a8 === 0) continue;
      const r = layer.rgb[s * 3]!, g = layer.rgb[s * 3 + 1]!, b = layer.rgb[s * 3 + 2]!;
      if (a8 === 255) {
        data[d] = r;
        data[d + 1] = g;
        data[d + 2] = b;
        if (channels === 4) data[d + 3] = 255;
        continue;
      }
      const a = a8 / 255;
      if (channels === 3) {
        data[d] = Math.round(r * a + data[d]! * (1 - a));
        data[d + 1] = Math.round(g * a + data[d + 1]! * (1 - a));
        data[d + 2] = Math.round(b * a + data[d + 2]! * (1 - a));
      } else {
        const under = data[d + 3]! / 255;
        const outA = a + under * (1 - a);
        const k = 1 / outA;
        data[d] = Math.round((r * a + data[d]! * under * (1 - a)) * k);
        data[d + 1] = Math.round((g * a + data[d + 1]! * under * (1 - a)) * k);
        data[d + 2] = Math.round((b * a + data[d + 2]! * under * (1 - a)) * k);
        data[d + 3] = Math.round(outA * 255);
      }
    }
  }
}
