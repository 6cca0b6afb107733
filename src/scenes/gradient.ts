/**
 * Flat and gradient backgrounds, rendered straight at full resolution. Stops are interpolated in
 * OKLab (perceptually even, no muddy midpoints) into a 4096-entry table of sRGB floats; each
 * pixel looks up its position and gets +-1 LSB triangular dither, so no gradient bands.
 * Angles follow CSS linear-gradient: 0 = bottom-to-top, 90 = left-to-right, 180 = top-to-bottom.
 */
import type { Rgb } from './types.ts';
import { oklabToSrgbFloat, toOklab } from './color.ts';
import { grainTile, tileOffset, TILE_BITS, TILE_MASK, TILE_SCALE } from './dither.ts';
import { allocBytes } from './raster.ts';

export interface GradientStop { color: Rgb; at: number }

const STEPS = 4096;

/** sRGB float table (STEPS+1 entries x 3) along the gradient. */
export function gradientTable(stops: readonly GradientStop[]): Float32Array {
  const sorted = [...stops].sort((a, b) => a.at - b.at);
  const table = new Float32Array((STEPS + 1) * 3);
  if (sorted.length === 0) return table.fill(255);
  const labs = sorted.map((s) => toOklab(s.color));
  for (let i = 0; i <= STEPS; i++) {
    const t = i / STEPS;
    let k = 0;
    while (k < sorted.length - 1 && sorted[k + 1]!.at <= t) k++;
    let lab;
    if (t <= sorted[0]!.at) lab = labs[0]!;
    else if (k >= sorted.length - 1) lab = labs[sorted.length - 1]!;
    else {
      const a = sorted[k]!, b = sorted[k + 1]!;
      const w = b.at > a.at ? (t - a.at) / (b.at - a.at) : 1;
      const la = labs[k]!, lb = labs[k + 1]!;
      lab = [la[0] + (lb[0] - la[0]) * w, la[1] + (lb[1] - la[1]) * w, la[2] + (lb[2] - la[2]) * w] as [number, number, number];
    }
    const c = oklabToSrgbFloat(lab);
    table[i * 3] = c[0]; table[i * 3 + 1] = c[1]; table[i * 3 + 2] = c[2];
  }
  return table;
}

/** Render a linear (CSS angle) or radial (centred circle to the farthest corner) gradient. */
export function renderGradient(kind: 'linear' | 'radial', stops: readonly GradientStop[], angle: number, width: number, height: number, seed: number): Uint8Array {
  const table = gradientTable(stops);
  const out = allocBytes(width * height * 3);
  const px = new Uint8ClampedArray(out.buffer, out.byteOffset, out.length);
  const tile = grainTile();
  const { ox, oy } = tileOffset(seed);
  const inv = 1 / TILE_SCALE;
  const cx = (width - 1) / 2, cy = (height - 1) / 2;
  const rad = (angle * Math.PI) / 180;
  const dx = Math.sin(rad), dy = -Math.cos(rad);
  // CSS gradient line length: the projection of the box onto the direction.
  const len = Math.abs(width * dx) + Math.abs(height * dy);
  const maxR = Math.hypot(cx + 0.5, cy + 0.5);
  for (let y = 0; y < height; y++) {
    const trow = ((y + oy) & TILE_MASK) << TILE_BITS;
    let o = y * width * 3;
    const ry = y - cy;
    for (let x = 0; x < width; x++, o += 3) {
      let t: number;
      if (kind === 'linear') t = ((x - cx) * dx + ry * dy) / len + 0.5;
      else { const rx = x - cx; t = Math.sqrt(rx * rx + ry * ry) / maxR; }
      const idx = (t <= 0 ? 0 : t >= 1 ? STEPS : (t * STEPS + 0.5) | 0) * 3;
      const n = tile[trow | ((x + ox) & TILE_MASK)]! * inv;
      px[o] = table[idx]! + n;
      px[o + 1] = table[idx + 1]! + n;
      px[o + 2] = table[idx + 2]! + n;
    }
  }
  return out;
}

/** A flat colour, exactly. */
export function renderFlat(color: Rgb, width: number, height: number): Uint8Array {
  const out = allocBytes(width * height * 3);
  for (let i = 0; i < out.length; i += 3) { out[i] = color[0]; out[i + 1] = color[1]; out[i + 2] = color[2]; }
  return out;
}
