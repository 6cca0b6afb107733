/**
 * Terrazzo: stone chips of several colours set in a light, faintly mottled matrix. Chips sit on
 * two jittered grids (large and small); each grid cell holds at most one irregular chip that
 * stays inside its cell, so a pixel only looks at one cell per grid.
 */
import { hash3 } from '../rng.ts';
import type { Lin } from '../color.ts';
import { srgbToLinear } from '../color.ts';
import type { MaterialContext } from './context.ts';

const CHIP_COLOURS: Lin[] = ([
  [196, 98, 70], [148, 164, 140], [58, 58, 60], [214, 170, 96], [236, 232, 224], [222, 160, 150], [120, 128, 138],
] as const).map((c) => [srgbToLinear(c[0]), srgbToLinear(c[1]), srgbToLinear(c[2])] as Lin);

/** 64 chip orientations over half a turn. */
const COS = new Float32Array(64).map((_, k) => Math.cos((k / 63) * Math.PI));
const SIN = new Float32Array(64).map((_, k) => Math.sin((k / 63) * Math.PI));

function chip(u: number, v: number, cell: number, seed: number, density: number, aa: number): number {
  const cx = Math.floor(u / cell), cy = Math.floor(v / cell);
  const h = hash3(cx, cy, seed);
  if ((h & 255) / 255 > density) return -1;
  const fx = u / cell - cx - 0.5, fy = v / cell - cy - 0.5;
  const ox = (((h >>> 8) & 15) / 15 - 0.5) * 0.5, oy = (((h >>> 12) & 15) / 15 - 0.5) * 0.5;
  const ca = COS[(h >>> 16) & 63]!, sa = SIN[(h >>> 16) & 63]!;
  const px = fx - ox, py = fy - oy;
  const a = px * ca + py * sa, b = (py * ca - px * sa) * (1.2 + ((h >>> 22) & 3) * 0.25);
  // An angular, faceted outline: max of two rotated norms blends a square and a circle.
  // Size varies a lot, but the chip always stays inside its cell.
  const rad = Math.min(0.5 - Math.max(Math.abs(ox), Math.abs(oy)) - 0.02, 0.14 + ((h >>> 24) & 15) / 15 * 0.3);
  const dist = Math.max(Math.abs(a) + Math.abs(b) * 0.6, Math.sqrt(a * a + b * b) * 1.05);
  const e = (rad - dist) / (aa / cell) + 0.5;
  if (e <= 0) return -1;
  return (e >= 1 ? 1 : e) + ((h >>> 28) % CHIP_COLOURS.length) * 2;
}

export function paintTerrazzo(m: MaterialContext): void {
  const { c, rows, noise, base, seed } = m;
  const d = c.data, cw = c.cw;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]!, du = rows.du[j]!;
    let u = rows.u0[j]!;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      const k = 1 + 0.025 * noise.noise2(u * 3, v * 3) + 0.02 * noise.noise2(u * 19, v * 19);
      let r = base[0] * k, g = base[1] * k, b = base[2] * k;
      for (let layer = 0; layer < 2; layer++) {
        const cell = layer === 0 ? 0.22 : 0.09;
        if (du * 2.2 > cell * 0.5) continue; // too small to resolve: the chips blend into the matrix tone
        const res = chip(u + layer * cell * 0.37, v + layer * cell * 0.61, cell, seed + layer * 977, layer === 0 ? 0.45 : 0.6, du);
        if (res < 0) continue;
        const cov = res % 2 >= 1 ? 1 : res % 2;
        const col = CHIP_COLOURS[Math.floor(res / 2)]!;
        const tint = 0.92 + 0.08 * noise.noise2(u * 25 + 4, v * 25);
        r += (col[0] * tint - r) * cov; g += (col[1] * tint - g) * cov; b += (col[2] * tint - b) * cov;
      }
      d[o] = r; d[o + 1] = g; d[o + 2] = b;
    }
  }
}
