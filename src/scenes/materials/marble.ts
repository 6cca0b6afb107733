/**
 * Polished marble (Carrara-like): white or tinted stone with soft grey clouding and a few long,
 * turbulent veins running diagonally, each with a thin dark core and a soft halo, plus a fainter
 * network of hairline veins in patches. Veins follow Perlin's marble: the zero lines of a sine
 * across the vein direction, displaced by fractal turbulence.
 */
import { resolved } from '../geometry.ts';
import type { MaterialContext } from './context.ts';

export function paintMarble(m: MaterialContext): void {
  const { c, rows, noise, base, accent } = m;
  const d = c.data, cw = c.cw;
  const sx = (m.seed % 97) * 3.1, sy = (m.seed % 89) * 2.3;
  // Vein direction: diagonal, mirrored by seed.
  const dir = m.seed % 2 === 0 ? 1 : -1;
  const ca = 0.8, sa = 0.6 * dir;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]! + sy, du = rows.du[j]!;
    const fine = resolved(5, du), mid = resolved(1.2, du);
    let u = rows.u0[j]! + sx;
    let o = j * cw * 3;
    // Low-frequency masks (vein strength, patches, clouding) change over hundreds of pixels:
    // evaluated on every fourth column and held in between.
    let strength = 0, patch = 0, mask3 = 0, cloud = 0, tPrev = 0, tNext = 0;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      if ((i & 3) === 0) {
        strength = Math.min(1, Math.max(0.15, 0.6 + 0.8 * noise.noise2(u * 0.3 + 31.7, v * 0.3 - 12.9)));
        patch = fine > 0 ? Math.max(0, noise.noise2(u * 0.5 - 8.3, v * 0.5 + 17.1) * 1.5) : 0;
        mask3 = Math.max(0, noise.noise2(u * 0.4 - 3.7, v * 0.4 + 8.1) * 1.6);
        cloud = 0.5 + 0.5 * noise.noise2(u * 0.6 - 13.1, v * 0.6 + 2.9);
      }
      // Turbulence is smooth at this grid's scale: evaluated on even columns (one ahead) and
      // interpolated linearly for the odd ones.
      if ((i & 1) === 0) {
        tPrev = i === 0 ? turbulence(noise, u, v, mid) : tNext;
        tNext = turbulence(noise, u + 2 * du, v, mid);
      }
      const turb = (i & 1) === 0 ? tPrev : (tPrev + tNext) * 0.5;
      const across = u * ca + v * sa;
      // |sin| is ~ proportional to the distance from the vein's centre line; widths are in that
      // measure and never thinner than about one coarse cell, with the ink conserved when widened.
      const q1 = Math.abs(Math.sin((across * 0.55 + turb * 0.85) * Math.PI));
      const w1 = Math.max(0.09, du * 0.6 * Math.PI * 2.5);
      const c1 = q1 < w1 ? (1 - q1 / w1) * (0.09 / w1) : 0;
      const h1 = q1 < 0.5 ? (1 - q1 / 0.5) : 0;
      let vein = (c1 * c1 * 0.7 + h1 * h1 * h1 * 0.45) * strength;
      // A second, sparser family of veins at another angle breaks the parallel rhythm.
      const q3 = Math.abs(Math.sin((u * 0.3 * dir - v * 0.42 + turb * 1.1 + 0.37) * Math.PI));
      const w3 = Math.max(0.07, du * 0.45 * Math.PI * 2.5);
      if (q3 < w3) {
        const c3 = (1 - q3 / w3) * (0.07 / w3);
        vein += c3 * c3 * 0.6 * mask3;
      }
      if (fine > 0) {
        const q2 = Math.abs(Math.sin((u * 0.55 - v * 0.9 * dir + turb * 1.1) * 1.2 * Math.PI));
        const w2 = Math.max(0.035, du * 1.2 * Math.PI * 2.5);
        if (q2 < w2) vein += (1 - q2 / w2) * (0.035 / w2) * patch * 0.25 * fine;
      }
      vein = Math.min(1, vein + cloud * 0.07);
      const k = 1 - cloud * 0.035;
      d[o] = (base[0] + (accent[0] - base[0]) * vein) * k;
      d[o + 1] = (base[1] + (accent[1] - base[1]) * vein) * k;
      d[o + 2] = (base[2] + (accent[2] - base[2]) * vein) * k;
    }
  }
}

/** Sum of |noise| at two scales plus a signed finer octave (faded by `mid` with distance). */
function turbulence(noise: MaterialContext['noise'], u: number, v: number, mid: number): number {
  return Math.abs(noise.noise2(u * 0.3, v * 0.3)) + 0.45 * Math.abs(noise.noise2(u * 0.7 + 7.1, v * 0.7 - 3.3))
    + 0.22 * mid * noise.noise2(u * 1.8 - 5.5, v * 1.8 + 9.7);
}
