/**
 * Shadows from the matte, anchored where the subject meets the ground (the lowest row of its
 * silhouette). Worked out on a coarse grid (shadows are soft, so a subject about 450 px tall is
 * plenty) and upsampled into a darkening map for the frame:
 *
 * - contact: the silhouette's bottom band pressed into a thin dark line at the base: what makes
 *   a product look set down rather than pasted on;
 * - cast: the silhouette sheared onto the ground plane by a directional light (0 behind, 90
 *   left, 180 front, 270 right), blurred more the farther it falls from the base, and fading;
 * - ambient: the silhouette pressed a little back and a little forward, widely blurred.
 *
 * soft = contact + ambient; hard = contact + cast; floating = a detached, softer ambient below a
 * gap; reflection = a mirrored, fading copy of the subject (see reflect) + a light contact.
 * Pure typed-array math.
 */
import type { Layer } from '../image/place.ts';
import { boxMean } from '../matte/box.ts';
import type { ShadowMode } from '../pipeline/spec.ts';

export interface ShadowParams {
  mode: Exclude<ShadowMode, 'none'>;
  /** Degrees: 0 behind, 90 left, 180 front, 270 right. */
  direction: number;
  /** 0 hard .. 1 soft. */
  softness: number;
  /** 0 .. 1. */
  intensity: number;
  /** 0..90 degrees: 10 short, 45 medium, 90 long. */
  spread: number;
}

/** A darkening map over a region of the frame: 0 leaves the background, 255 is full shadow. */
export interface ShadowMap {
  x: number;
  y: number;
  width: number;
  height: number;
  opacity: Uint8Array;
}

/** How far the ground recedes: a shadow cast straight back looks this much shorter than it is. */
const GROUND_FORESHORTENING = 0.35;
/** Grid cell size is chosen so the subject spans about this many cells. */
const GRID_SPAN = 450;

/** Room a floating shadow needs under the subject, as a fraction of the subject's height. */
export const FLOATING_GAP = 0.08;

interface Grid {
  /** Coarse alpha of the subject layer, 0..1. */
  a: Float32Array;
  w: number;
  h: number;
  /** Frame pixels per cell. */
  f: number;
  /** Base row and top row of the silhouette (cells), its height and width. */
  base: number;
  top: number;
  height: number;
  width: number;
}

export function castShadow(subject: Layer, frame: { width: number; height: number }, p: ShadowParams): ShadowMap | null {
  const g = coarse(subject);
  if (!g) return null;
  const L = 0.1 + 1.1 * (p.spread / 90);
  const rad = (p.direction * Math.PI) / 180;
  let vx = -L * Math.sin(rad);
  let vy = -L * GROUND_FORESHORTENING * Math.cos(rad);
  if (Math.abs(vy) < 0.06 * L) vy = -0.06 * L; // light from the exact side: keep the shadow on the ground, just behind
  const size = Math.max(g.height, g.width);
  const sigmaBig = size * (0.03 + 0.06 * p.softness);

  // Canvas: the layer's cells plus room for what each mode draws.
  const reach = p.mode === 'hard' ? { x: Math.abs(vx) * g.height, up: Math.max(0, -vy) * g.height, down: Math.max(0, vy) * g.height } : { x: 0, up: 0.2 * g.height, down: 0.1 * g.height };
  const margin = Math.ceil(3 * sigmaBig + 2);
  const ox = Math.ceil(reach.x + margin), oyTop = Math.ceil(reach.up + margin);
  const gap = p.mode === 'floating' ? FLOATING_GAP * g.height : 0;
  const oyBottom = Math.ceil(reach.down + margin + gap + 0.1 * g.height);
  const cw = g.w + 2 * ox, ch = g.h + oyTop + oyBottom;
  const canvas = new Float32Array(cw * ch);
  const toCanvas = { x: ox, y: oyTop };

  const contactWeight = { soft: 0.85, hard: 0.7, floating: 0, reflection: 0.45 }[p.mode];
  if (contactWeight > 0) screen(canvas, scale(contact(g, cw, ch, toCanvas), contactWeight));
  if (p.mode === 'soft' || p.mode === 'reflection') {
    const back = project(g, cw, ch, toCanvas, 0, -0.16, 0);
    const front = project(g, cw, ch, toCanvas, 0, 0.05, 0);
    const amb = blur(maxOf(back, front), cw, ch, sigmaBig);
    screen(canvas, scale(amb, p.mode === 'soft' ? 0.5 : 0.25));
  } else if (p.mode === 'floating') {
    const under = project(g, cw, ch, toCanvas, 0, 0.07, gap);
    screen(canvas, scale(blur(under, cw, ch, size * (0.025 + 0.05 * p.softness)), 0.55));
  } else {
    screen(canvas, scale(cast(g, cw, ch, toCanvas, vx, vy, p.softness), 0.8));
  }
  return upsample(canvas, cw, ch, g.f, subject.x - ox * g.f, subject.y - oyTop * g.f, frame, p.intensity);
}

/** The mirrored, fading copy of the subject below its base, for glossy surfaces. */
export function reflect(subject: Layer, frame: { width: number; height: number }, intensity: number): Layer | null {
  // Base: the lowest row with any opaque pixel.
  let base = -1;
  for (let y = subject.height - 1; y >= 0 && base < 0; y--) {
    const row = y * subject.width;
    for (let x = 0; x < subject.width; x++) if (subject.alpha[row + x]! > 128) { base = y; break; }
  }
  if (base < 0) return null;
  const fade = Math.max(4, Math.round(0.45 * (base + 1)));
  const top = subject.y + base + 1;
  const height = Math.min(fade, frame.height - top);
  if (height <= 0) return null;
  const w = subject.width;
  const rgb = new Uint8Array(w * height * 3);
  const alpha = new Uint8Array(w * height);
  const start = 0.38 * intensity;
  for (let d = 0; d < height; d++) {
    const srcRow = base - d;
    if (srcRow < 0) break;
    const t = d / fade;
    const k = start * (1 - t) * (1 - t);
    rgb.set(subject.rgb.subarray(srcRow * w * 3, (srcRow + 1) * w * 3), d * w * 3);
    for (let x = 0; x < w; x++) alpha[d * w + x] = Math.round(subject.alpha[srcRow * w + x]! * k);
  }
  return { x: subject.x, y: top, width: w, height, rgb, alpha };
}

function coarse(layer: Layer): Grid | null {
  const f = Math.max(1, Math.ceil(Math.max(layer.width, layer.height) / GRID_SPAN));
  const w = Math.ceil(layer.width / f), h = Math.ceil(layer.height / f);
  const a = new Float32Array(w * h);
  for (let y = 0; y < layer.height; y++) {
    const row = y * layer.width, cell = Math.floor(y / f) * w;
    for (let x = 0; x < layer.width; x++) a[cell + Math.floor(x / f)]! += layer.alpha[row + x]!;
  }
  // Cells at the right and bottom edges may hold fewer pixels; dividing by f*f keeps them faint, which is fine for shadows.
  const norm = 1 / (255 * f * f);
  let top = -1, base = -1, minX = w, maxX = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = (a[y * w + x]! *= norm);
      if (v > 0.2) {
        if (top < 0) top = y;
        base = y;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
      }
    }
  }
  if (base < 0) return null;
  return { a, w, h, f, base, top, height: base - top + 1, width: maxX - minX + 1 };
}

/** Bilinear lookup in the coarse alpha; 0 outside. */
function sample(g: Grid, x: number, y: number): number {
  if (x < 0 || y < 0 || x > g.w - 1 || y > g.h - 1) return 0;
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const x1 = Math.min(x0 + 1, g.w - 1), y1 = Math.min(y0 + 1, g.h - 1);
  const fx = x - x0, fy = y - y0;
  const a = g.a;
  return (a[y0 * g.w + x0]! * (1 - fx) + a[y0 * g.w + x1]! * fx) * (1 - fy) + (a[y1 * g.w + x0]! * (1 - fx) + a[y1 * g.w + x1]! * fx) * fy;
}

/**
 * The silhouette projected onto the ground: a point `h` cells above the base lands at
 * (x + vx h, base + vy h) (+ `drop` cells down). Inverse-mapped per canvas cell.
 */
function project(g: Grid, cw: number, ch: number, o: { x: number; y: number }, vx: number, vy: number, drop: number): Float32Array {
  const out = new Float32Array(cw * ch);
  const baseY = o.y + g.base + drop;
  for (let Y = 0; Y < ch; Y++) {
    const h = (Y - baseY) / vy;
    if (h < 0 || h > g.height * 1.02) continue;
    const sy = g.base - h;
    for (let X = 0; X < cw; X++) out[Y * cw + X] = sample(g, X - o.x - vx * h, sy);
  }
  return out;
}

/** The cast shadow: projected, blurred more with distance from the base, fading toward its tip. */
function cast(g: Grid, cw: number, ch: number, o: { x: number; y: number }, vx: number, vy: number, softness: number): Float32Array {
  const sharp = project(g, cw, ch, o, vx, vy, 0);
  const size = Math.max(g.height, g.width);
  const near = blur(sharp, cw, ch, 0.6 + size * 0.004 * (0.3 + softness));
  const far = blur(sharp, cw, ch, size * (0.02 + 0.07 * softness));
  const out = new Float32Array(cw * ch);
  const baseY = o.y + g.base;
  for (let Y = 0; Y < ch; Y++) {
    const t = Math.min(1, Math.max(0, (Y - baseY) / vy / g.height));
    const fade = 1 - 0.65 * t;
    const mix = Math.sqrt(t);
    for (let X = 0, i = Y * cw; X < cw; X++, i++) out[i] = (near[i]! * (1 - mix) + far[i]! * mix) * fade;
  }
  return out;
}

/** The bottom band of the silhouette pressed into a thin line at the base. */
function contact(g: Grid, cw: number, ch: number, o: { x: number; y: number }): Float32Array {
  const band = Math.max(2, Math.round(0.04 * g.height));
  const profile = new Float32Array(g.w);
  for (let y = g.base - band + 1; y <= g.base; y++) {
    for (let x = 0; x < g.w; x++) profile[x] = Math.max(profile[x]!, g.a[y * g.w + x]!);
  }
  const out = new Float32Array(cw * ch);
  const sy = Math.max(0.8, 0.012 * g.height);
  const baseY = o.y + g.base;
  for (let Y = Math.max(0, Math.floor(baseY - 4 * sy)); Y < Math.min(ch, Math.ceil(baseY + 4 * sy)); Y++) {
    const d = (Y - baseY) / sy;
    const k = Math.exp(-0.5 * d * d);
    for (let x = 0; x < g.w; x++) out[Y * cw + o.x + x] = profile[x]! * k;
  }
  return blur(out, cw, ch, Math.max(0.7, 0.008 * g.width));
}

/** An approximate Gaussian: three box passes of the matching radius. */
function blur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const r = Math.round((Math.sqrt((12 * sigma * sigma) / 3 + 1) - 1) / 2);
  if (r < 1) return src;
  const scratch = new Float32Array(src.length);
  const a = boxMean(src, w, h, r, new Float32Array(src.length), scratch);
  const b = boxMean(a, w, h, r, new Float32Array(src.length), scratch);
  return boxMean(b, w, h, r, new Float32Array(src.length), scratch);
}

function maxOf(a: Float32Array, b: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) if (b[i]! > a[i]!) a[i] = b[i]!;
  return a;
}

function scale(a: Float32Array, k: number): Float32Array {
  for (let i = 0; i < a.length; i++) a[i]! *= k;
  return a;
}

/** Union of two shadows as light would make it: 1 - (1 - a)(1 - b). */
function screen(into: Float32Array, add: Float32Array): void {
  for (let i = 0; i < into.length; i++) into[i] = 1 - (1 - into[i]!) * (1 - Math.min(1, add[i]!));
}

/** The coarse canvas, bilinearly upsampled into frame pixels and clipped to the frame. */
function upsample(c: Float32Array, cw: number, ch: number, f: number, fx0: number, fy0: number, frame: { width: number; height: number }, intensity: number): ShadowMap | null {
  const x0 = Math.max(0, fx0), y0 = Math.max(0, fy0);
  const x1 = Math.min(frame.width, fx0 + cw * f), y1 = Math.min(frame.height, fy0 + ch * f);
  if (x1 <= x0 || y1 <= y0) return null;
  const width = x1 - x0, height = y1 - y0;
  const opacity = new Uint8Array(width * height);
  const k = 255 * intensity;
  // Column lookup once: cell index and weight for every frame column.
  const cx0 = new Int32Array(width), cwt = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const u = Math.min(cw - 1, Math.max(0, (x0 + x - fx0 + 0.5) / f - 0.5));
    cx0[x] = Math.min(cw - 2, Math.floor(u));
    cwt[x] = u - cx0[x]!;
  }
  for (let y = 0; y < height; y++) {
    const v = Math.min(ch - 1, Math.max(0, (y0 + y - fy0 + 0.5) / f - 0.5));
    const r0 = Math.min(ch - 2, Math.floor(v)), fy = v - r0;
    const a = r0 * cw, b = a + cw;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = cx0[x]!, fx = cwt[x]!;
      const top = c[a + i]! + (c[a + i + 1]! - c[a + i]!) * fx;
      const bottom = c[b + i]! + (c[b + i + 1]! - c[b + i]!) * fx;
      const s = top + (bottom - top) * fy;
      if (s > 0) opacity[row + x] = Math.min(255, Math.round(s * k));
    }
  }
  return { x: x0, y: y0, width, height, opacity };
}
