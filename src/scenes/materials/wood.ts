/**
 * Wood planks (oak, walnut) running away from the camera: each plank has its own tone and grain
 * phase, grain lines follow the plank and wander with low-frequency noise, and thin dark seams
 * separate the planks. The fine fibre that reads at full size is added as a per-row perspective
 * texture while upsampling (materials/index.ts).
 */
import { hash01 } from '../rng.ts';
import { resolved } from '../geometry.ts';
import type { MaterialContext } from './context.ts';

/** Plank width in world units (about 14 cm). */
export const PLANK = 0.95;

export function paintWood(m: MaterialContext): void {
  const { c, rows, noise, base, accent, seed } = m;
  const d = c.data, cw = c.cw;
  const shift = (seed % 53) * 0.37;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]!, du = rows.du[j]!;
    const grainFade = resolved(9, du);
    const seamW = Math.max(0.012, du * 0.6);
    let u = rows.u0[j]! + shift;
    let o = j * cw * 3;
    let broad = 0, wPrev = 0, wNext = 0, sPrev = 0, sNext = 0;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      if ((i & 1) === 0) {
        broad = 0.04 * noise.noise2(u * 0.6, v * 0.05);
        // The grain's wander is smooth across a few cells: evaluated one even column ahead, interpolated for odd ones.
        wPrev = i === 0 ? grainWarp(m, u, v, grainFade) : wNext;
        wNext = grainWarp(m, u + 2 * du, v, grainFade);
        sPrev = i === 0 ? noise.noise2(u * 22, v * 0.8) : sNext;
        sNext = noise.noise2((u + 2 * du) * 22, v * 0.8);
      }
      const p = u / PLANK;
      const plank = Math.floor(p);
      const within = (p - plank) * PLANK;
      const hp = hash01(plank, 7, seed);
      const tone = 0.9 + 0.16 * hp;
      const warp = (i & 1) === 0 ? wPrev : (wPrev + wNext) * 0.5;
      const ring = Math.sin((within * 9 + warp * 3 + hp * 6.28) * 3.1416);
      const streak = ((i & 1) === 0 ? sPrev : (sPrev + sNext) * 0.5) * grainFade;
      let g = 0.5 + 0.5 * ring;
      g = g * g * (0.55 + 0.45 * grainFade) + streak * 0.25;
      // Seams: a dark hairline at each plank edge.
      const e = Math.min(within, PLANK - within);
      const seam = e < seamW ? (1 - e / seamW) * 0.55 : 0;
      const k = tone * (1 - seam) * (1 + broad);
      const t = Math.max(0, Math.min(1, g * 0.32));
      d[o] = (base[0] + (accent[0] - base[0]) * t) * k;
      d[o + 1] = (base[1] + (accent[1] - base[1]) * t) * k;
      d[o + 2] = (base[2] + (accent[2] - base[2]) * t) * k;
    }
  }
}

/** The grain's wander: stretched along the planks (v), drifting across them (u). */
function grainWarp(m: MaterialContext, u: number, v: number, grainFade: number): number {
  return m.noise.noise2(u * 1.3, v * 0.12) * 0.9 + m.noise.noise2(u * 4, v * 0.5) * 0.15 * grainFade;
}
