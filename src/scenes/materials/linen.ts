/**
 * Linen cloth: the yarn's colour drifts in long slubs along the threads, with soft folds of light
 * and shade. The weave itself (warp and weft threads) is drawn at full resolution by
 * `weaveProfile` through the perspective texture in raster.ts.
 */
import { mulberry32 } from '../rng.ts';
import type { MaterialContext } from './context.ts';

/** Threads per world unit (about 2 mm apart). */
export const THREADS = 55;

export function paintLinen(m: MaterialContext): void {
  const { c, rows, noise, base, accent } = m;
  const d = c.data, cw = c.cw;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]!, du = rows.du[j]!;
    let u = rows.u0[j]!;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      const fold = noise.noise2(u * 0.9 + v * 0.3, v * 0.5) * 0.05;
      const slub = noise.noise2(u * 30, v * 1.5) * 0.5 + noise.noise2(u * 1.5, v * 30) * 0.5;
      const t = 0.5 + 0.5 * slub;
      const k = 1 + fold;
      d[o] = (base[0] + (accent[0] - base[0]) * t * 0.6) * k;
      d[o + 1] = (base[1] + (accent[1] - base[1]) * t * 0.6) * k;
      d[o + 2] = (base[2] + (accent[2] - base[2]) * t * 0.6) * k;
    }
  }
}

/**
 * One period of 16 threads for the full-resolution weave: each thread a rounded bump with its
 * own thickness and brightness (linen's irregular yarn), mean zero, about +-1.
 */
export function weaveProfile(seed: number): Float32Array {
  const lut = new Float32Array(1024);
  const rand = mulberry32(seed ^ 0x11e7);
  const per = 1024 / 16;
  for (let t = 0; t < 16; t++) {
    const thick = 0.55 + rand() * 0.4, bright = 0.7 + rand() * 0.6;
    for (let k = 0; k < per; k++) {
      const x = (k / per - 0.5) / (thick * 0.5); // -1..1 inside the thread
      lut[t * per + k] = Math.abs(x) < 1 ? Math.cos(x * Math.PI * 0.5) * bright : 0;
    }
  }
  let mean = 0;
  for (let i = 0; i < 1024; i++) mean += lut[i]!;
  mean /= 1024;
  for (let i = 0; i < 1024; i++) lut[i] = lut[i]! - mean;
  return lut;
}
