/**
 * What stands behind the subject, painted into the coarse canvas in linear light: a seamless
 * studio sweep (optionally paper-textured), a softly out-of-focus plaster wall behind a tabletop,
 * and the outdoor backdrops (sky with low hazy hills, layered mountains, sea). Lighting fall-off
 * is applied later by lighting.ts; outdoor backdrops carry their own light.
 */
import type { Canvas } from './raster.ts';
import type { Noise } from './noise.ts';
import type { Lin } from './color.ts';
import { fillOddColumns } from './raster.ts';

export interface BackdropContext {
  c: Canvas;
  noise: Noise;
  seed: number;
  /** Normalised horizon (where the backdrop meets the surface). */
  horizon: number;
  color: Lin;
  accent: Lin;
  /** Sun position for outdoor scenes, normalised screen coordinates (may be off-frame). */
  sun: { x: number; y: number; warmth: number };
}

/** Last coarse row (exclusive) the backdrop must cover. */
function rowsAbove(c: Canvas, horizon: number, overlap: number): number {
  return Math.min(c.ch, Math.ceil(((horizon + overlap) * c.height) / c.f) + 1);
}

/**
 * A seamless paper sweep: one colour over the whole frame, with the faint unevenness of real
 * paper and, for `paper`, visible warm fibre mottling. Its curve is drawn by the lighting.
 */
export function paintSweep(b: BackdropContext, texture: 'none' | 'paper' | 'velvet'): void {
  const { c, noise, color } = b;
  const d = c.data, cw = c.cw, f = c.f;
  const sc = 1 / c.height;
  const amp = texture === 'paper' ? 1 : texture === 'velvet' ? 0.6 : 0.25;
  for (let j = 0; j < c.ch; j++) {
    let o = j * cw * 3;
    const y = j * f * sc;
    for (let i = 0; i < cw; i += 2, o += 6) {
      const x = i * f * sc;
      let k = 1 + amp * 0.018 * noise.noise2(x * 2.2 + 3.1, y * 2.2 - 1.3);
      if (texture === 'paper') {
        // Fibre clouds: soft blotches at two scales, slightly stretched like a laid sheet.
        k += 0.022 * noise.noise2(x * 14 + 7.7, y * 9) + 0.012 * noise.noise2(x * 41, y * 33 + 2.2);
      } else if (texture === 'velvet') {
        k += 0.03 * noise.noise2(x * 5 + 1.3, y * 5 + 9.1);
      }
      d[o] = color[0] * k; d[o + 1] = color[1] * k; d[o + 2] = color[2] * k;
    }
  }
  fillOddColumns(c, 0, c.ch);
}

/** A painted plaster wall, out of focus: only broad, soft unevenness survives the blur. */
export function paintWall(b: BackdropContext): void {
  const { c, noise, color, accent } = b;
  const d = c.data, cw = c.cw, f = c.f;
  const end = rowsAbove(c, b.horizon, 0.02);
  const sc = 1 / c.height;
  for (let j = 0; j < end; j++) {
    let o = j * cw * 3;
    const y = j * f * sc;
    for (let i = 0; i < cw; i += 2, o += 6) {
      const x = i * f * sc;
      const n = noise.noise2(x * 1.7 + 11.3, y * 1.7 + 4.1) * 0.6 + noise.noise2(x * 4.3, y * 4.3 + 8.8) * 0.4;
      const t = 0.5 + 0.5 * noise.noise2(x * 0.9 - 3.3, y * 0.9 + 6.6);
      const k = 1 + 0.03 * n;
      const m = t * 0.25; // a faint second tone drifting across the wall
      d[o] = (color[0] + (accent[0] - color[0]) * m) * k;
      d[o + 1] = (color[1] + (accent[1] - color[1]) * m) * k;
      d[o + 2] = (color[2] + (accent[2] - color[2]) * m) * k;
    }
  }
  fillOddColumns(c, 0, end);
}

/** Sky colour at a normalised point: zenith colour above, accent (the glow) at the horizon, a warm bloom around the sun. */
function skyAt(b: BackdropContext, x: number, y: number, skyHorizon: number, out: Lin): void {
  const t = Math.min(1, Math.max(0, y / skyHorizon));
  const tt = t * t * (3 - 2 * t);
  const { color: z, accent: a, sun } = b;
  const dx = (x - sun.x) * 0.9, dy = y - sun.y;
  const dist2 = dx * dx + dy * dy;
  const glow = sun.warmth * (0.4 / (1 + dist2 * 160) + 0.22 / (1 + dist2 * 14));
  out[0] = z[0] + (a[0] - z[0]) * tt + glow * 1.0;
  out[1] = z[1] + (a[1] - z[1]) * tt + glow * 0.78;
  out[2] = z[2] + (a[2] - z[2]) * tt + glow * 0.5;
}

interface Ridge {
  /** Ridge line height per coarse column, normalised y. */
  y: Float32Array;
  color: Lin;
  /** 0 far .. 1 near. */
  near: number;
  /** How much valley mist fills the bottom of the layer. */
  mist: number;
  /** Normalised y above which the layer is snow-covered. */
  snowLine: number;
}

function ridges(b: BackdropContext, layers: { base: number; amp: number; freq: number; color: Lin; near: number; mist: number; sharp: number }[]): Ridge[] {
  const { c, noise } = b;
  return layers.map((L, n) => {
    const y = new Float32Array(c.cw);
    const off = n * 57.3 + (b.seed % 101) * 1.7;
    for (let i = 0; i < c.cw; i++) {
      const x = (i * c.f) / c.width;
      const n1 = noise.fbm1(x * L.freq + off, 6, 0.5);
      // Sharpen peaks a little (ridged profile) for mountains, keep hills rounded.
      const ridge = 1 - Math.abs(noise.fbm1(x * L.freq * 0.7 + off + 13, 4, 0.45));
      y[i] = L.base - L.amp * (n1 * (1 - L.sharp) + (ridge * 2 - 1) * L.sharp);
    }
    return { y, color: L.color, near: L.near, mist: L.mist, snowLine: L.base - L.amp * 0.6 };
  });
}

/** Layered landscape: ridges from far to near, each lighter and bluer with distance (aerial perspective), mist in the valleys. */
function paintLandscape(b: BackdropContext, skyHorizon: number, layers: Ridge[], haze: Lin, snow: number): void {
  const { c, noise } = b;
  const d = c.data, cw = c.cw, f = c.f;
  const end = rowsAbove(c, b.horizon, 0.03);
  const sky: Lin = [0, 0, 0];
  const aa = (c.f / c.height) * 1.2; // ridge edge softness: about one coarse cell
  for (let j = 0; j < end; j++) {
    const y = (j * f) / c.height;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i += 2, o += 6) {
      const x = (i * f) / c.width;
      // Only the nearest fully covering layer and any partly covering layers in front of it are visible.
      let first = -1;
      for (let l = layers.length - 1; l >= 0; l--) {
        if ((y - layers[l]!.y[i]!) / aa + 0.5 >= 1) { first = l; break; }
      }
      let r: number, g: number, bl: number;
      if (first < 0) { skyAt(b, x, y, skyHorizon, sky); r = sky[0]; g = sky[1]; bl = sky[2]; } else { r = 0; g = 0; bl = 0; }
      for (let l = Math.max(0, first); l < layers.length; l++) {
        const L = layers[l]!;
        const ry = L.y[i]!;
        const cover = (y - ry) / aa + 0.5;
        if (cover <= 0) continue;
        const a = cover >= 1 ? 1 : cover;
        const depth = y - ry;
        // Snow on the far peaks: above a snow line, its edge broken up by noise.
        let lr = L.color[0], lg = L.color[1], lb = L.color[2];
        if (snow > 0 && L.near < 0.3) {
          const line = L.snowLine + 0.012 * noise.noise2(x * 24 + l * 5, y * 24);
          const sn = Math.max(0, Math.min(1, (line - y) * 90)) * snow;
          lr += (0.92 - lr) * sn; lg += (0.94 - lg) * sn; lb += (1.0 - lb) * sn;
        }
        // Faces turned toward the sun (ridge rising to the left, sun on the right) are lighter; gullies streak down the slopes.
        const slope = (L.y[Math.min(cw - 1, i + 4)]! - L.y[Math.max(0, i - 4)]!) * (c.width / (8 * f));
        const face = snow > 0 ? 1 + Math.max(-0.15, Math.min(0.15, -slope * 2 * (b.sun.x > 0.5 ? 1 : -1))) * Math.exp(-depth * 18) : 1;
        const tex = face * (1 + (0.02 + 0.05 * (1 - L.near)) * snow * (noise.noise2(x * 45 + l * 9, y * 12) + 0.5 * noise.noise2(x * 110, y * 40)));
        const mist = Math.min(1, Math.max(0, depth * 6 * L.mist));
        const hz = (1 - L.near) * 0.55 + mist * 0.5;
        const h = hz > 1 ? 1 : hz;
        lr = (lr * tex) + (haze[0] - lr * tex) * h;
        lg = (lg * tex) + (haze[1] - lg * tex) * h;
        lb = (lb * tex) + (haze[2] - lb * tex) * h;
        r += (lr - r) * a; g += (lg - g) * a; bl += (lb - bl) * a;
      }
      d[o] = r; d[o + 1] = g; d[o + 2] = bl;
    }
  }
  fillOddColumns(c, 0, end);
}

/** Open sky with a low sun glow and two soft, hazy rows of distant hills along the horizon. */
export function paintSky(b: BackdropContext): void {
  const h = b.horizon;
  const haze: Lin = [b.accent[0] * 0.95, b.accent[1] * 0.9, b.accent[2] * 0.92];
  const dark: Lin = [b.accent[0] * 0.35, b.accent[1] * 0.3, b.accent[2] * 0.35];
  const layers = ridges(b, [
    { base: h - 0.06, amp: 0.05, freq: 1.8, color: [haze[0] * 0.75, haze[1] * 0.72, haze[2] * 0.82], near: 0.15, mist: 0.3, sharp: 0.1 },
    { base: h - 0.02, amp: 0.03, freq: 3.2, color: dark, near: 0.45, mist: 0.6, sharp: 0 },
  ]);
  paintLandscape(b, h - 0.02, layers, haze, 0);
}

/** Alpine range: five ridge layers, snow on the far peaks, blue haze growing with distance. */
export function paintMountains(b: BackdropContext): void {
  const h = b.horizon;
  const haze: Lin = [b.accent[0], b.accent[1], b.accent[2]];
  const rock: Lin = [0.05, 0.065, 0.08];
  const forest: Lin = [0.025, 0.045, 0.035];
  const layers = ridges(b, [
    { base: h - 0.26, amp: 0.13, freq: 1.6, color: [0.2, 0.24, 0.32], near: 0.0, mist: 0.5, sharp: 0.7 },
    { base: h - 0.19, amp: 0.1, freq: 2.1, color: rock, near: 0.2, mist: 0.7, sharp: 0.6 },
    { base: h - 0.12, amp: 0.07, freq: 2.8, color: rock, near: 0.45, mist: 0.9, sharp: 0.4 },
    { base: h - 0.06, amp: 0.045, freq: 3.6, color: forest, near: 0.7, mist: 1.0, sharp: 0.2 },
    { base: h - 0.015, amp: 0.02, freq: 5, color: forest, near: 0.85, mist: 1.2, sharp: 0 },
  ]);
  paintLandscape(b, h - 0.2, layers, haze, 1);
}

/** Sky over a calm sea: the sea line sits a little above the horizon, with a soft shimmer under the sun. */
export function paintSea(b: BackdropContext): void {
  const { c, noise } = b;
  const d = c.data, cw = c.cw, f = c.f;
  const end = rowsAbove(c, b.horizon, 0.03);
  const seaLine = b.horizon - 0.09;
  const sky: Lin = [0, 0, 0];
  const deep: Lin = [b.color[0] * 0.45, b.color[1] * 0.75, b.color[2] * 0.85];
  const shore: Lin = [b.color[0] * 0.7 + 0.05, b.color[1] * 0.95 + 0.06, b.color[2] * 0.9 + 0.04];
  const aa = (c.f / c.height) * 0.8;
  for (let j = 0; j < end; j++) {
    const y = (j * f) / c.height;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i += 2, o += 6) {
      const x = (i * f) / c.width;
      skyAt(b, x, y, seaLine, sky);
      const cover = Math.min(1, Math.max(0, (y - seaLine) / aa + 0.5));
      if (cover > 0) {
        const t = Math.min(1, Math.max(0, (y - seaLine) / (b.horizon - seaLine)));
        const swell = 1 + 0.05 * noise.noise2(x * 6, y * 140) * (0.3 + t);
        const glint = b.sun.warmth * 0.25 * Math.max(0, 1 - Math.abs(x - b.sun.x) * 3) * (1 - t);
        const sr = (deep[0] + (shore[0] - deep[0]) * t) * swell + glint;
        const sg = (deep[1] + (shore[1] - deep[1]) * t) * swell + glint * 0.85;
        const sb = (deep[2] + (shore[2] - deep[2]) * t) * swell + glint * 0.6;
        sky[0] += (sr - sky[0]) * cover; sky[1] += (sg - sky[1]) * cover; sky[2] += (sb - sky[2]) * cover;
      }
      d[o] = sky[0]; d[o + 1] = sky[1]; d[o + 2] = sky[2];
    }
  }
  fillOddColumns(c, 0, end);
}
