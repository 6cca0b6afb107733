/**
 * Building blocks of the issue-16 proxy sets: pale studio backdrops (a real scene defocused and
 * lifted towards a pale paper colour, or a pale surface with a real photo's fine grain), and
 * glossy painting whose specular highlights are a reflection of that backdrop (as a varnished bead,
 * a glazed mug or chrome reflects the studio around it): the highlights that a colour-evidence
 * edge step can mistake for background seen through the subject.
 */
import { blur, shading, type Layer, type Size } from './raster.ts';
import type { Rng } from './rng.ts';
import { scene } from './scene.ts';
import { cover, loadSource, scaled, SURFACES, tile, type BackdropName, type MaterialName, type SurfaceName } from './sources.ts';
import { defocusRgb } from './raster.ts';
import { MATERIALS } from './sources.ts';

export type Rgb = readonly [number, number, number];

/** Pale paper and sweep colours of product studios. */
export const PALE: readonly Rgb[] = [
  [232, 230, 225], // off-white
  [236, 226, 208], // cream
  [214, 216, 218], // light grey
  [216, 226, 236], // pale blue
  [240, 238, 236], // white sweep
];

/**
 * A pale studio sweep: a real scene defocused beyond recognition and pulled to `colour` (85%), with
 * a top-to-bottom falloff, so the paper still carries a real photo's low-frequency light.
 */
export async function paleSweep(size: Size, r: Rng, colour: Rgb, backdrop: BackdropName, surface: SurfaceName): Promise<Uint8Array> {
  const { width: w, height: h } = size;
  const base = await scene(size, r, { surface, backdrop, horizon: r.range(0.55, 0.75), surfaceScale: 1, backdropBlur: Math.max(w, h) * 0.03 });
  const soft = await defocusRgb(base, size, Math.max(w, h) * 0.03);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const fall = 0.94 + 0.08 * (y / h);
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) out[i + c] = Math.min(255, Math.round((0.85 * colour[c]! + 0.15 * soft[i + c]!) * fall));
    }
  }
  return out;
}

/**
 * A pale flat-lay surface (paper, linen): `colour` with the fine grain of a real texture at low
 * amplitude, sharp (a flat lay is in focus).
 */
export async function paleSurface(size: Size, r: Rng, colour: Rgb, grainFrom: SurfaceName, amount: number): Promise<Uint8Array> {
  const { width: w, height: h } = size;
  const src = await loadSource(SURFACES[grainFrom]);
  const grain = tile(await scaled(src, r.range(0.8, 1.6)), size, r.int(0, 999), r.int(0, 999));
  let mean = 0;
  for (let i = 0; i < w * h; i += 61) mean += grain[i * 3]!;
  mean /= Math.ceil((w * h) / 61);
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const g = 1 + (amount * (grain[i * 3]! - mean)) / 128;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.min(255, Math.max(0, Math.round(colour[c]! * g)));
  }
  return out;
}

export interface GlossOptions {
  /** Height-field blur for the shading, px (about the part's radius makes it look round). */
  sigma: number;
  relief: number;
  light: [number, number, number];
  /** Specular strength 0..1 and shininess. */
  gloss: number;
  shininess: number;
  /** What the highlights reflect: the backdrop's colour. */
  environment: Rgb;
  /** Body colour (flat, with the material's grain) or a material photo stretched over the part. */
  body: Rgb | MaterialName;
  /** Diffuse shading range [ambient, diffuse]. */
  shade?: readonly [number, number];
}

/**
 * A glossy part: the body colour lit by the relief, and where the specular term is high, the
 * environment's colour instead (a mirror-like reflection of the studio), not an added white.
 */
export async function glossy(alpha: Float32Array, size: Size, r: Rng, o: GlossOptions): Promise<Layer> {
  const n = size.width * size.height;
  const sh = shading(alpha, size, o.sigma, o.light, o.shininess, o.relief);
  const tex = await bodyTexture(alpha, size, r, o.body);
  const [amb, dif] = o.shade ?? [0.45, 0.7];
  const rgb = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    if (alpha[i] === 0) continue;
    const k = amb + dif * sh[i * 2]!;
    const s = Math.min(1, o.gloss * sh[i * 2 + 1]! * 1.6);
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.min(255, (1 - s) * tex[i * 3 + c]! * k + s * o.environment[c]! * 1.03);
  }
  return { alpha, rgb };
}

async function bodyTexture(alpha: Float32Array, size: Size, r: Rng, body: Rgb | MaterialName): Promise<Float32Array> {
  const { width: w, height: h } = size;
  const out = new Float32Array(w * h * 3);
  if (typeof body !== 'string') {
    // A flat colour with a faint real grain (moon), so the body is not a synthetic flat fill.
    const grain = tile(await loadSource(SURFACES.moon), size, r.int(0, 999), r.int(0, 999));
    const g = new Float32Array(w * h);
    for (let i = 0; i < w * h; i++) g[i] = grain[i * 3]!;
    const smooth = blur(g, size, 1.2);
    for (let i = 0; i < w * h; i++) {
      const k = 1 + 0.08 * (smooth[i]! - 128) / 128;
      for (let c = 0; c < 3; c++) out[i * 3 + c] = body[c]! * k;
    }
    return out;
  }
  const m = MATERIALS[body];
  if (m.kind === 'flat') {
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) out[i * 3 + c] = m.colour[c]!;
    return out;
  }
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (alpha[y * w + x]! > 0) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const region = await cover(await loadSource(m), { width: bw, height: bh });
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) for (let c = 0; c < 3; c++) out[((y0 + y) * w + x0 + x) * 3 + c] = region[(y * bw + x) * 3 + c]!;
  return out;
}
