/**
 * Near-uniform surfaces: painted or seamless board, plaster, paper laid flat, velvet (soft
 * sheen that changes with viewing angle) and glossy acrylic (a faint reflection gradient).
 */
import type { MaterialContext } from './context.ts';

export function paintPlain(m: MaterialContext, kind: 'seamless' | 'plaster' | 'paper' | 'velvet' | 'acrylic'): void {
  const { c, rows, noise, base, accent } = m;
  const d = c.data, cw = c.cw;
  const amp = kind === 'plaster' ? 0.05 : kind === 'paper' ? 0.035 : kind === 'velvet' ? 0.06 : 0.015;
  for (let j = rows.j0; j < c.ch; j++) {
    const v = rows.v[j]!, du = rows.du[j]!;
    const near = rows.near[j]!;
    let u = rows.u0[j]!;
    let o = j * cw * 3;
    // Velvet brightens at grazing angles (the back); acrylic mirrors the brighter wall near the back.
    const t = kind === 'velvet' ? (1 - near) * 0.5 : kind === 'acrylic' ? (1 - near) * (1 - near) * 0.6 : 0;
    for (let i = 0; i < cw; i++, o += 3, u += du) {
      let k = 1 + amp * noise.noise2(u * 1.6, v * 1.6);
      if (kind === 'paper') k += 0.02 * noise.noise2(u * 18, v * 14);
      d[o] = (base[0] + (accent[0] - base[0]) * t) * k;
      d[o + 1] = (base[1] + (accent[1] - base[1]) * t) * k;
      d[o + 2] = (base[2] + (accent[2] - base[2]) * t) * k;
    }
  }
}
