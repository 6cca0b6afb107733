/**
 * Out-of-focus highlights: soft discs with slightly brighter rims (a fast lens wide open), in
 * two depth layers, added over the backdrop above the horizon. Colours vary around the
 * accent colour.
 */
import type { Canvas } from './raster.ts';
import type { Lin } from './color.ts';
import { mulberry32, range } from './rng.ts';

export function drawBokeh(c: Canvas, horizon: number, accent: Lin, seed: number, count = 26): void {
  const rand = mulberry32(seed ^ 0xb0ce);
  const { cw, f, width: W, height: H } = c;
  const d = c.data;
  const aspect = W / H;
  for (let n = 0; n < count; n++) {
    const far = n < count * 0.6;
    const r = far ? range(rand, 0.018, 0.04) : range(rand, 0.045, 0.09); // width units
    const cx = range(rand, -0.05, 1.05);
    const cy = range(rand, horizon * 0.2, horizon - 0.03);
    const gain = (far ? range(rand, 0.25, 0.6) : range(rand, 0.1, 0.25)) * (0.6 + cy / horizon * 0.6);
    const hue = range(rand, -0.25, 0.25);
    const cr = accent[0] * (1 + hue), cg = accent[1], cb = accent[2] * (1 - hue);
    const soft = 0.08 + (far ? 0.05 : 0.14);
    const R = r * (1 + soft);
    const i0 = Math.max(0, Math.floor(((cx - R) * W) / f)), i1 = Math.min(cw - 1, Math.ceil(((cx + R) * W) / f));
    const j0 = Math.max(0, Math.floor(((cy - R * aspect) * H) / f)), j1 = Math.min(Math.ceil((horizon * H) / f), Math.ceil(((cy + R * aspect) * H) / f));
    for (let j = j0; j <= j1; j++) {
      const dy = ((j * f) / H - cy) / aspect;
      let o = (j * cw + i0) * 3;
      for (let i = i0; i <= i1; i++, o += 3) {
        const dx = (i * f) / W - cx;
        const q = Math.sqrt(dx * dx + dy * dy) / r;
        if (q >= 1 + soft) continue;
        const edge = q <= 1 - soft ? 1 : (1 + soft - q) / (2 * soft);
        const rim = q > 0.75 ? 1 + (q - 0.75) * 0.6 : 1;
        const a = gain * edge * rim;
        d[o] += cr * a; d[o + 1] += cg * a; d[o + 2] += cb * a;
      }
    }
  }
}
