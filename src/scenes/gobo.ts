/**
 * Gobo patterns thrown across the set by the key light: soft leaf shadows (eucalyptus, palm,
 * mixed leaves) and window or blind light shapes. The pattern is drawn into a coarse coverage
 * map (0 = untouched, 1 = fully shaded) whose edge blur grows with the light's softness; the
 * lighting pass turns it into shadow with a cool fill tint, or into extra light for windows.
 */
import type { Canvas } from './raster.ts';
import type { Gobo } from './types.ts';
import { mulberry32, range } from './rng.ts';

export interface GoboMap {
  /** cw*ch coverage 0..1. */
  cover: Float32Array;
  /** 'shadow': coverage darkens; 'light': coverage brightens (window panes, blind slats). */
  mode: 'shadow' | 'light';
}

/**
 * Stamp a soft shape (centre, half-length a along angle, half-width b) into the coverage by max:
 * an ellipse for stems, or with `pointed` a leaf whose width tapers to points at both ends.
 */
function stampEllipse(c: Canvas, cover: Float32Array, cx: number, cy: number, a: number, b: number, ang: number, blur: number, pointed = false): void {
  const W = c.width, H = c.height, f = c.f;
  const ca = Math.cos(ang), sa = Math.sin(ang);
  const ext = a + blur * 2;
  const i0 = Math.max(0, Math.floor(((cx - ext) * W) / f)), i1 = Math.min(c.cw - 1, Math.ceil(((cx + ext) * W) / f));
  const aspect = W / H;
  const j0 = Math.max(0, Math.floor(((cy - ext * aspect) * H) / f)), j1 = Math.min(c.ch - 1, Math.ceil(((cy + ext * aspect) * H) / f));
  const inner = Math.min(a, b);
  for (let j = j0; j <= j1; j++) {
    const y = ((j * f) / H - cy) / aspect; // in width units so shapes are not stretched
    let o = j * c.cw + i0;
    for (let i = i0; i <= i1; i++, o++) {
      const x = (i * f) / W - cx;
      const u = (x * ca + y * sa) / a, v = (y * ca - x * sa) / b;
      let e: number;
      if (pointed) {
        // Half-width b(1 - u^2): a leaf with pointed tip and base. Signed distance to the edge, approximately.
        const half = 1 - u * u;
        e = (Math.min(half - Math.abs(v), (1 - Math.abs(u)) * 2) * inner) / blur + 0.5;
      } else {
        e = ((1 - Math.sqrt(u * u + v * v)) * inner) / blur + 0.5;
      }
      if (e <= 0) continue;
      const cov = e >= 1 ? 1 : e * e * (3 - 2 * e);
      if (cov > cover[o]!) cover[o] = cov;
    }
  }
}

/** A curved stem with leaves along it; `kind` sets leaf shape and arrangement. */
function branch(c: Canvas, cover: Float32Array, rand: () => number, x0: number, y0: number, ang: number, len: number, kind: 'eucalyptus' | 'palm' | 'leaves', blur: number): void {
  const steps = kind === 'palm' ? 26 : 9;
  const bend = range(rand, -0.5, 0.5);
  let x = x0, y = y0, a = ang;
  const segment = len / steps;
  for (let s = 0; s < steps; s++) {
    a += bend / steps;
    const nx = x + Math.cos(a) * segment, ny = y + Math.sin(a) * segment * (c.width / c.height);
    stampEllipse(c, cover, (x + nx) / 2, (y + ny) / 2, segment * 0.55, kind === 'palm' ? 0.004 : 0.0025, a, blur);
    const t = s / steps;
    if (kind === 'palm') {
      // Two rows of long narrow leaflets sweeping forward from the rachis.
      const leaf = len * (0.32 - 0.22 * t);
      for (const side of [-1, 1]) {
        const la = a + side * (0.9 - 0.3 * t) + range(rand, -0.06, 0.06);
        const cx = nx + Math.cos(la) * leaf * 0.5, cy = ny + Math.sin(la) * leaf * 0.5 * (c.width / c.height);
        stampEllipse(c, cover, cx, cy, leaf * 0.5, leaf * 0.05, la, blur, true);
      }
    } else if (s > 0) {
      const side = s % 2 === 0 ? 1 : -1;
      const size = kind === 'eucalyptus' ? range(rand, 0.045, 0.07) * (1.1 - t * 0.4) : range(rand, 0.05, 0.085);
      const la = a + side * range(rand, 0.5, 1.0);
      const cx = nx + Math.cos(la) * size * 0.9, cy = ny + Math.sin(la) * size * 0.9 * (c.width / c.height);
      const width = kind === 'eucalyptus' ? size * range(rand, 0.6, 0.85) : size * 0.42;
      stampEllipse(c, cover, cx, cy, size, width, la + range(rand, -0.3, 0.3), blur, true);
    }
    x = nx; y = ny;
  }
}

/**
 * The gobo's coverage. `lightX` is -1 for light from the left .. 1 from the right; shapes enter
 * from that side. `softness` 0..1 widens the blur. Returns null for 'none'.
 */
export function goboMap(c: Canvas, gobo: Gobo, lightX: number, softness: number, seed: number): GoboMap | null {
  if (gobo === 'none') return null;
  const cover = new Float32Array(c.cw * c.ch);
  const rand = mulberry32(seed ^ 0x90b0);
  const side = lightX > 0.1 ? 1 : lightX < -0.1 ? -1 : (rand() < 0.5 ? -1 : 1);
  const blur = 0.008 + softness * 0.025;
  if (gobo === 'window' || gobo === 'blinds') {
    paintWindow(c, cover, gobo, side, blur, rand);
    return { cover, mode: 'light' };
  }
  const kind = gobo === 'palm' ? 'palm' : gobo === 'eucalyptus' ? 'eucalyptus' : 'leaves';
  const count = kind === 'palm' ? 2 : 3;
  for (let b = 0; b < count; b++) {
    // Enter from the light's side, high in the frame, angled down across it.
    const x0 = side < 0 ? range(rand, -0.12, 0.02) : range(rand, 0.98, 1.12);
    const y0 = range(rand, -0.05, 0.55);
    const ang = (side < 0 ? 0 : Math.PI) + side * -range(rand, -0.35, 0.45);
    branch(c, cover, rand, x0, y0, ang, range(rand, 0.6, 0.95), kind, blur * (1 + b * 0.5));
  }
  return { cover, mode: 'shadow' };
}

/** A window's panes (or blind slats) falling diagonally across the wall and surface. */
function paintWindow(c: Canvas, cover: Float32Array, kind: 'window' | 'blinds', side: number, blur: number, rand: () => number): void {
  const skew = side * range(rand, 0.35, 0.6);
  const x0 = side < 0 ? range(rand, 0.0, 0.15) : range(rand, 0.45, 0.6);
  const wide = 0.42, tall = 0.95;
  const bar = kind === 'window' ? 0.018 : 0.035;
  const aa = blur * 1.5;
  for (let j = 0; j < c.ch; j++) {
    const y = (j * c.f) / c.height;
    let o = j * c.cw;
    for (let i = 0; i < c.cw; i++, o++) {
      const x = (i * c.f) / c.width - skew * (y - 0.5) - x0;
      const yy = y + 0.05;
      // Inside the window's outline (soft edges).
      const inX = Math.min(x, wide - x), inY = Math.min(yy, tall - yy);
      const edge = Math.min(inX, inY) / aa + 0.5;
      if (edge <= 0) continue;
      let cov = edge >= 1 ? 1 : edge;
      if (kind === 'window') {
        // Mullions: one vertical, two horizontal bars.
        const dx = Math.abs(x - wide / 2), dy = Math.min(Math.abs(yy - tall / 3), Math.abs(yy - (2 * tall) / 3));
        const m = Math.min(dx, dy) / aa - bar / aa + 0.5;
        cov *= m <= 0 ? 0 : m >= 1 ? 1 : m;
      } else {
        const p = (yy * 14) % 1;
        const slat = (Math.min(p, 1 - p) - bar * 4) / (aa * 14) + 0.5;
        cov *= slat <= 0 ? 0 : slat >= 1 ? 1 : slat;
      }
      cover[o] = cov;
    }
  }
}
