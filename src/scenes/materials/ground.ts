/**
 * Outdoor and stone grounds: wind-rippled sand, honed stone (travertine-like, with pitted streaks
 * along its bedding), layered slate, and a soft lawn. All in perspective, detail fading with
 * distance.
 */
import { resolved } from '../geometry.ts';
import type { MaterialContext } from './context.ts';

export function paintSand(m: MaterialContext): void {
  const { c, rows, noise, base, accent } = m;
  const d = c.data, cw = c.cw;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]!, du = rows.du[j]!;
    const rip = resolved(2.5, du);
    let u = rows.u0[j]!;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      const warp = noise.noise2(u * 0.5, v * 0.5) * 1.5;
      const ripple = Math.sin((v * 2.6 + u * 0.35 + warp) * 6.2832);
      const lit = 1 + ripple * 0.07 * rip + noise.noise2(u * 1.2 + 5, v * 1.2) * 0.05;
      const t = 0.5 + 0.5 * noise.noise2(u * 0.8 - 3, v * 0.8 + 1);
      d[o] = (base[0] + (accent[0] - base[0]) * t) * lit;
      d[o + 1] = (base[1] + (accent[1] - base[1]) * t) * lit;
      d[o + 2] = (base[2] + (accent[2] - base[2]) * t) * lit;
    }
  }
}

export function paintStone(m: MaterialContext): void {
  const { c, rows, noise, base, accent } = m;
  const d = c.data, cw = c.cw;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]!, du = rows.du[j]!;
    const fine = resolved(10, du);
    let u = rows.u0[j]!;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      const bed = noise.noise2(u * 0.4, v * 2.2) * 0.6 + noise.noise2(u * 1.1 + 3, v * 6) * 0.4;
      const t = 0.5 + 0.5 * bed;
      const pit = noise.noise2(u * 9, v * 30) * fine;
      const k = 1 + 0.04 * noise.noise2(u * 3, v * 3) - (pit > 0.55 ? (pit - 0.55) * 0.6 : 0);
      d[o] = (base[0] + (accent[0] - base[0]) * t) * k;
      d[o + 1] = (base[1] + (accent[1] - base[1]) * t) * k;
      d[o + 2] = (base[2] + (accent[2] - base[2]) * t) * k;
    }
  }
}

export function paintSlate(m: MaterialContext): void {
  const { c, rows, noise, base, accent } = m;
  const d = c.data, cw = c.cw;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]!, du = rows.du[j]!;
    const fine = resolved(6, du);
    let u = rows.u0[j]!;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      const layer = noise.noise2(u * 0.3 + v * 0.2, v * 3) * 0.6 + noise.noise2(u * 2, v * 9) * 0.4 * fine;
      const t = Math.max(0, Math.min(1, 0.5 + 0.7 * layer));
      const k = 1 + 0.06 * noise.noise2(u * 1.5, v * 1.5);
      d[o] = (base[0] + (accent[0] - base[0]) * t) * k;
      d[o + 1] = (base[1] + (accent[1] - base[1]) * t) * k;
      d[o + 2] = (base[2] + (accent[2] - base[2]) * t) * k;
    }
  }
}

export function paintGrass(m: MaterialContext): void {
  const { c, rows, noise, base, accent } = m;
  const d = c.data, cw = c.cw;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]!, du = rows.du[j]!;
    const fine = resolved(12, du);
    let u = rows.u0[j]!;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      const t = 0.5 + 0.5 * (noise.noise2(u * 0.8, v * 0.8) * 0.7 + noise.noise2(u * 14, v * 5) * 0.3 * fine);
      const k = 1 + 0.12 * noise.noise2(u * 30, v * 12) * fine;
      d[o] = (base[0] + (accent[0] - base[0]) * t) * k;
      d[o + 1] = (base[1] + (accent[1] - base[1]) * t) * k;
      d[o + 2] = (base[2] + (accent[2] - base[2]) * t) * k;
    }
  }
}
