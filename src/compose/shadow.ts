/**
 * Shadows from the matte, anchored where the subject meets the ground: its ground line (the
 * lower convex hull of the silhouette, see ground.ts), so a subject seen at an angle is
 * grounded at every point it rests on. Worked out on a coarse grid (shadows are soft, so a
 * subject about 450 cells across is plenty) and upsampled into a darkening map for the frame:
 *
 * - contact: a thin dark line along the ground under every column that touches it: what makes
 *   a product look set down rather than pasted on;
 * - cast: each part of the silhouette, h above the ground under it, thrown onto the ground by a
 *   directional light (0 behind, 90 left, 180 front, 270 right), blurred more the farther it
 *   falls from the ground, and fading toward its tip;
 * - pool: soft shade along the ground line under the subject's whole span, widely blurred.
 *
 * soft = contact + pool; hard = contact + cast; floating = a softer pool below a gap, no
 * contact; reflection = a mirrored, fading copy of the subject (see reflect) + a light contact.
 * Pure typed-array math.
 */
import type { Layer } from './place.ts';
import { boxMean } from '../matte/box.ts';
import { groundLine, type GroundLine } from './ground.ts';
import { FLOATING_GAP } from './layout.ts';
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
/** Grid cell size is chosen so the subject spans about this many cells (a cell of about 8 px for a 2000 px frame). */
const GRID_SPAN = 240;


interface Grid {
  /** Where the subject rests: the ground row under each cell column. */
  ground: GroundLine;
  /** Coarse alpha of the subject layer, 0..1. */
  a: Float32Array;
  w: number;
  h: number;
  /** Frame pixels per cell. */
  f: number;
  /** Top row of the silhouette (cells); its height (top to base) and width. */
  top: number;
  height: number;
  width: number;
}

export function castShadow(subject: Layer, frame: { width: number; height: number }, p: ShadowParams): ShadowMap | null {
  const g = coarse(subject);
  if (!g) return null;
  const L = 0.1 + 1.1 * (p.spread / 90);
  const rad = (p.direction * Math.PI) / 180;
  const vx = -L * Math.sin(rad);
  let vy = -L * GROUND_FORESHORTENING * Math.cos(rad);
  if (Math.abs(vy) < 0.06 * L) vy = -0.06 * L; // light from the exact side: keep the shadow on the ground, just behind
  const size = Math.max(g.height, g.width);
  const sigmaBig = size * (0.03 + 0.06 * p.softness);

  // Canvas: the layer's cells plus room for what each mode draws.
  const reach = p.mode === 'hard' ? { x: Math.abs(vx) * g.height, up: Math.max(0, -vy) * g.height, down: Math.max(0, vy) * g.height } : { x: 0, up: 0.1 * g.height, down: 0.1 * g.height };
  const margin = Math.ceil(3 * sigmaBig + 2);
  const ox = Math.ceil(reach.x + margin), oy = Math.ceil(reach.up + margin);
  const gap = p.mode === 'floating' ? FLOATING_GAP * g.height : 0;
  const cw = g.w + 2 * ox, ch = g.h + oy + Math.ceil(reach.down + margin + gap + 0.1 * g.height);
  const c: Canvas = { w: cw, h: ch, ox, oy };
  const out = new Float32Array(cw * ch);

  const contactWeight = { soft: 0.85, hard: 0.7, floating: 0, reflection: 0.45 }[p.mode];
  if (contactWeight > 0) screen(out, scale(contact(g, c), contactWeight));
  if (p.mode === 'soft' || p.mode === 'reflection') {
    screen(out, scale(blur(pool(g, c, 0.01 * g.height, 0.03 * g.height, 0.35), cw, ch, sigmaBig), p.mode === 'soft' ? 0.55 : 0.3));
  } else if (p.mode === 'floating') {
    screen(out, scale(blur(pool(g, c, gap, 0.035 * g.height, 10), cw, ch, size * (0.02 + 0.04 * p.softness)), 0.6));
  } else {
    screen(out, scale(cast(g, c, vx, vy, p.softness), 0.8));
  }
  return upsample(out, cw, ch, g.f, subject.x - ox * g.f, subject.y - oy * g.f, frame, p.intensity);
}

/** The mirrored, fading copy of the subject under its ground line, for glossy surfaces. */
export function reflect(subject: Layer, frame: { width: number; height: number }, intensity: number): Layer | null {
  const ground = groundLine(subject.rgba, subject.width, subject.height, 128, 4, 3);
  if (!ground) return null;
  const fade = Math.max(4, Math.round(0.45 * (ground.base + 1)));
  let top = Infinity;
  for (let x = ground.x0; x <= ground.x1; x++) top = Math.min(top, Math.floor(ground.y[x]!) + 1);
  const y0 = subject.y + top;
  const height = Math.min(ground.base + 1 - top + fade, frame.height - y0);
  if (height <= 0) return null;
  const w = subject.width;
  const rgba = new Uint8Array(w * height * 4);
  const start = 0.38 * intensity;
  const src = subject.rgba;
  for (let x = ground.x0; x <= ground.x1; x++) {
    const gy = Math.round(ground.y[x]!);
    for (let d = 1; d <= fade; d++) {
      const from = gy - d + 1, to = gy + d - top;
      if (from < 0 || to < 0 || to >= height) continue;
      const i = (from * w + x) * 4, o = (to * w + x) * 4;
      const a = src[i + 3]!;
      if (a === 0) continue;
      const t = d / fade;
      rgba[o] = src[i]!;
      rgba[o + 1] = src[i + 1]!;
      rgba[o + 2] = src[i + 2]!;
      rgba[o + 3] = Math.round(a * start * (1 - t) * (1 - t));
    }
  }
  return { x: subject.x, y: y0, width: w, height, rgba };
}

interface Canvas {
  w: number;
  h: number;
  /** Canvas cell of the layer's cell (0, 0). */
  ox: number;
  oy: number;
}

function coarse(layer: Layer): Grid | null {
  const f = Math.max(1, Math.ceil(Math.max(layer.width, layer.height) / GRID_SPAN));
  const w = Math.ceil(layer.width / f), h = Math.ceil(layer.height / f);
  const a = new Float32Array(w * h);
  // Each cell's mean alpha from a sparse lattice of its pixels (every `step`-th row and column):
  // shadows are blurred far more than that, and the placed layer can be several megapixels.
  const step = Math.max(1, Math.floor(f / 3));
  const colSamples = new Float32Array(w), rowSamples = new Float32Array(h);
  for (let x = 0; x < layer.width; x += step) colSamples[Math.floor(x / f)]!++;
  for (let y = 0; y < layer.height; y += step) rowSamples[Math.floor(y / f)]!++;
  const px = layer.rgba;
  for (let y = 0; y < layer.height; y += step) {
    const cell = Math.floor(y / f) * w;
    for (let x = 0; x < layer.width; x += step) {
      const v = px[(y * layer.width + x) * 4 + 3]!;
      if (v !== 0) a[cell + Math.floor(x / f)]! += v;
    }
  }
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) a[y * w + x]! /= 255 * rowSamples[y]! * colSamples[x]!;
  let top = -1, minX = w, maxX = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (a[y * w + x]! > 0.2) {
        if (top < 0) top = y;
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
      }
    }
  }
  const ground = groundLine(a, w, h, 0.3);
  if (top < 0 || !ground) return null;
  return { a, w, h, f, ground, top, height: ground.base - top + 1, width: maxX - minX + 1 };
}

/** A soft line along the ground under every column whose bottom touches (or nearly touches) the ground. */
function contact(g: Grid, c: Canvas): Float32Array {
  const out = new Float32Array(c.w * c.h);
  const sy = Math.max(0.8, 0.012 * g.height);
  const near = Math.max(2, 0.08 * g.height);
  const { ground } = g;
  for (let x = ground.x0; x <= ground.x1; x++) {
    const b = ground.bottom[x]!;
    if (b < 0) continue;
    const gy = ground.y[x]!;
    const k = Math.max(0, 1 - (gy - b) / near) ** 2;
    if (k === 0) continue;
    const cy = c.oy + gy + 0.3 * sy;
    for (let Y = Math.max(0, Math.floor(cy - 4 * sy)); Y < Math.min(c.h, Math.ceil(cy + 4 * sy)); Y++) {
      const d = (Y - cy) / sy;
      out[Y * c.w + c.ox + x] = k * Math.exp(-0.5 * d * d);
    }
  }
  return blur(out, c.w, c.h, Math.max(0.7, 0.008 * g.width));
}

/**
 * A pool of shade along the ground line (lowered by `drop` cells), as tall as `sigmaY`, under the
 * subject's whole span: strongest where the subject is close to the ground. `reach` is how high
 * above the ground (as a fraction of the subject's height) a part still shades it.
 */
function pool(g: Grid, c: Canvas, drop: number, sigmaY: number, reach: number): Float32Array {
  const out = new Float32Array(c.w * c.h);
  const { ground } = g;
  const sy = Math.max(0.8, sigmaY);
  for (let x = ground.x0; x <= ground.x1; x++) {
    const b = ground.bottom[x]!;
    const gy = ground.y[x]!;
    // Empty columns inside the span (between two legs) still get some shade.
    const k = b < 0 ? 0.3 : Math.max(0.3, 1 - (gy - b) / (reach * g.height));
    const cy = c.oy + gy + drop;
    for (let Y = Math.max(0, Math.floor(cy - 3 * sy)); Y < Math.min(c.h, Math.ceil(cy + 3 * sy)); Y++) {
      const d = (Y - cy) / sy;
      out[Y * c.w + c.ox + x] = k * Math.exp(-0.5 * d * d);
    }
  }
  return out;
}

/**
 * The cast shadow: every cell of the silhouette, h cells above the ground under it, lands at
 * (x + vx h, ground + vy h). Cells near the ground go to a sharp layer and far ones to a blurred
 * layer (in proportion), so the shadow softens with distance; it also fades toward its tip.
 */
function cast(g: Grid, c: Canvas, vx: number, vy: number, softness: number): Float32Array {
  const near = new Float32Array(c.w * c.h), far = new Float32Array(c.w * c.h);
  const { ground } = g;
  for (let y = 0; y < g.h; y++) {
    for (let x = ground.x0; x <= ground.x1; x++) {
      const a = g.a[y * g.w + x]!;
      if (a < 0.02) continue;
      const gy = ground.y[x]!;
      const h = Math.max(0, gy - y);
      const t = Math.min(1, h / g.height);
      const v = a * (1 - 0.65 * t);
      splat(near, c, c.ox + x + vx * h, c.oy + gy + vy * h, v * (1 - t));
      splat(far, c, c.ox + x + vx * h, c.oy + gy + vy * h, v * t);
    }
  }
  const size = Math.max(g.height, g.width);
  const a = blur(clamp(near), c.w, c.h, 0.6 + size * 0.004 * (0.3 + softness));
  const b = blur(clamp(far), c.w, c.h, size * (0.02 + 0.07 * softness));
  for (let i = 0; i < a.length; i++) a[i] = Math.min(1, a[i]! + b[i]!);
  return a;
}

/** Adds `v` at a fractional cell, shared bilinearly among its four neighbours. */
function splat(into: Float32Array, c: Canvas, x: number, y: number, v: number): void {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  if (x0 < 0 || y0 < 0 || x0 + 1 >= c.w || y0 + 1 >= c.h) return;
  const fx = x - x0, fy = y - y0;
  const i = y0 * c.w + x0;
  into[i]! += v * (1 - fx) * (1 - fy);
  into[i + 1]! += v * fx * (1 - fy);
  into[i + c.w]! += v * (1 - fx) * fy;
  into[i + c.w + 1]! += v * fx * fy;
}

function clamp(a: Float32Array): Float32Array {
  for (let i = 0; i < a.length; i++) if (a[i]! > 1) a[i] = 1;
  return a;
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

function scale(a: Float32Array, k: number): Float32Array {
  for (let i = 0; i < a.length; i++) a[i]! *= k;
  return a;
}

/** Union of two shadows as light would make it: 1 - (1 - a)(1 - b). */
function screen(into: Float32Array, add: Float32Array): void {
  for (let i = 0; i < into.length; i++) into[i] = 1 - (1 - into[i]!) * (1 - Math.min(1, add[i]!));
}

/** The coarse canvas, bilinearly upsampled into frame pixels where it is visible, clipped to the frame. */
function upsample(c: Float32Array, cw: number, ch: number, f: number, fx0: number, fy0: number, frame: { width: number; height: number }, intensity: number): ShadowMap | null {
  // Only the cells dark enough to change a pixel (half a level) are drawn.
  const floor = 0.5 / (255 * Math.max(intensity, 1e-6));
  let minX = cw, maxX = -1, minY = ch, maxY = -1;
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      if (c[y * cw + x]! > floor) {
        if (x < minX) minX = x;
        if (x > maxX) maxX = x;
        if (y < minY) minY = y;
        maxY = y;
      }
    }
  }
  if (maxX < 0) return null;
  const x0 = Math.max(0, fx0 + (minX - 1) * f), y0 = Math.max(0, fy0 + (minY - 1) * f);
  const x1 = Math.min(frame.width, fx0 + (maxX + 2) * f), y1 = Math.min(frame.height, fy0 + (maxY + 2) * f);
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
  // Each canvas row interpolated across once, then rows blended per frame row.
  const rowA = new Float32Array(width), rowB = new Float32Array(width);
  let cachedA = -1, cachedB = -1;
  const across = (r: number, into: Float32Array) => {
    const base = r * cw;
    for (let x = 0; x < width; x++) {
      const i = base + cx0[x]!;
      into[x] = (c[i]! + (c[i + 1]! - c[i]!) * cwt[x]!) * k;
    }
  };
  for (let y = 0; y < height; y++) {
    const v = Math.min(ch - 1, Math.max(0, (y0 + y - fy0 + 0.5) / f - 0.5));
    const r0 = Math.min(ch - 2, Math.floor(v)), fy = v - r0;
    if (cachedA !== r0) {
      if (cachedB === r0) rowA.set(rowB);
      else across(r0, rowA);
      cachedA = r0;
      across(r0 + 1, rowB);
      cachedB = r0 + 1;
    }
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const s = rowA[x]! + (rowB[x]! - rowA[x]!) * fy;
      if (s >= 0.5) opacity[row + x] = s > 255 ? 255 : (s + 0.5) | 0;
    }
  }
  return { x: x0, y: y0, width, height, opacity };
}
