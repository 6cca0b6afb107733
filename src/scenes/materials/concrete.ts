/**
 * Smooth-finished concrete: mottled grey at two scales, faint trowel clouding, and small dark
 * pores scattered by a cell hash. Fine speckle comes from stronger full-resolution grain.
 */
import { hash3 } from '../rng.ts';
import { resolved } from '../geometry.ts';
import type { MaterialContext } from './context.ts';

const PORE_CELL = 0.05;

export function paintConcrete(m: MaterialContext): void {
  const { c, rows, noise, base, accent, seed } = m;
  const d = c.data, cw = c.cw;
  const inv = 1 / PORE_CELL;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]!, du = rows.du[j]!;
    const poreFade = resolved(1 / (PORE_CELL * 2.5), du);
    const detail = resolved(8, du);
    let u = rows.u0[j]!;
    let o = j * cw * 3;
    const cy = Math.floor(v * inv);
    let broad = 0;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      // The broad mottling is held over two columns; the finer layers are evaluated everywhere.
      if ((i & 1) === 0) broad = noise.noise2(u * 0.7, v * 0.7) * 0.55 + noise.noise2(u * 2.3 + 9.1, v * 2.3) * 0.3;
      const mottle = broad + noise.noise2(u * 8 + 3.3, v * 8 - 1.1) * 0.15 * detail;
      const t = 0.5 + 0.5 * mottle;
      let k = 1 + 0.05 * noise.noise2(u * 16, v * 16) * detail;
      if (poreFade > 0) {
        const h = hash3(Math.floor(u * inv), cy, seed);
        if ((h & 255) < 22) {
          // A pore: darker where the cell's jittered centre is close.
          const px = ((h >>> 8) & 255) / 255, py = ((h >>> 16) & 255) / 255;
          const fx = u * inv - Math.floor(u * inv) - px, fy = v * inv - cy - py;
          const r2 = (fx * fx + fy * fy) * 9;
          if (r2 < 1) k *= 1 - (1 - r2) * 0.35 * poreFade;
        }
      }
      d[o] = (base[0] + (accent[0] - base[0]) * t) * k;
      d[o + 1] = (base[1] + (accent[1] - base[1]) * t) * k;
      d[o + 2] = (base[2] + (accent[2] - base[2]) * t) * k;
    }
  }
}
