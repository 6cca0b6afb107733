/**
 * Building blocks shared by the proxy sets: a painted object layer (real-photo material, shading,
 * specular highlights) and a background scene (a sharp surface at its native scale and a
 * defocused real backdrop behind it).
 */
import { blur, coverage, shading, type Layer, type Size } from './raster.ts';
import type { Rng } from './rng.ts';
import { BACKDROPS, cover, loadSource, MATERIALS, scaled, SURFACES, tile, type BackdropName, type Material, type MaterialName, type SourceSpec, type SurfaceName } from './sources.ts';

/** How shiny each material is: [ambient, diffuse, specular strength, shininess]. */
const FINISH: Record<MaterialName, readonly [number, number, number, number]> = {
  wood: [0.45, 0.7, 0.15, 12],
  darkwood: [0.5, 0.75, 0.2, 12],
  chrome: [0.55, 0.6, 0.9, 40],
  silver: [0.5, 0.65, 0.7, 30],
  brass: [0.45, 0.7, 0.7, 30],
  redpaint: [0.45, 0.7, 0.5, 30],
  orange: [0.5, 0.65, 0.35, 20],
  blue: [0.45, 0.7, 0.5, 30],
  black: [0.5, 0.6, 0.45, 25],
  white: [0.45, 0.6, 0.4, 25],
  rubber: [0.5, 0.6, 0.1, 8],
  yarnred: [0.55, 0.6, 0.05, 6],
  yarnblue: [0.55, 0.6, 0.05, 6],
  hairbrown: [0.55, 0.6, 0.3, 20],
  hairblond: [0.55, 0.6, 0.3, 20],
  catfur: [0.6, 0.5, 0.05, 6],
  greyfur: [0.6, 0.5, 0.05, 6],
  frond: [0.55, 0.6, 0.25, 14],
  grass: [0.55, 0.6, 0.2, 12],
};

export interface PaintOptions {
  /** Material texture scale (the crops are small; larger photos show them magnified). */
  scale: number;
  /** Height-field blur for shading, px. */
  sigma: number;
  relief: number;
  light: [number, number, number];
  /** Colour multiplier (to vary a material). */
  tint?: readonly [number, number, number];
}

/** The straight colour of a material over the whole frame, lit by the coverage's own relief. */
export async function paint(alpha: Float32Array, size: Size, material: MaterialName, r: Rng, o: PaintOptions): Promise<Layer> {
  const tex = await materialTexture(alpha, size, material, r, o.scale);
  const [amb, dif, spec, shin] = FINISH[material];
  const sh = shading(alpha, size, o.sigma, o.light, shin, o.relief);
  const n = size.width * size.height;
  const rgb = new Float32Array(n * 3);
  const tint = o.tint ?? [1, 1, 1];
  for (let i = 0; i < n; i++) {
    if (alpha[i] === 0) continue;
    const k = amb + dif * sh[i * 2]!;
    const s = spec * sh[i * 2 + 1]! * 255;
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.min(255, tex[i * 3 + c]! * k * tint[c]! + s);
  }
  return { alpha, rgb };
}

/** The material's colour over the frame: a photo stretched over the object's box, or a flat colour with real grain. */
async function materialTexture(alpha: Float32Array, size: Size, material: MaterialName, r: Rng, scale: number): Promise<Uint8Array> {
  const m: Material = MATERIALS[material];
  const { width: w, height: h } = size;
  if (m.kind === 'flat') {
    const grainSrc = await loadSource(m.grain);
    const grain = tile(scale === 1 ? grainSrc : await scaled(grainSrc, scale), size, r.int(0, 999), r.int(0, 999));
    let mean = 0;
    for (let i = 0; i < w * h; i += 97) mean += grain[i * 3]!;
    mean /= Math.ceil((w * h) / 97);
    const out = new Uint8Array(w * h * 3);
    for (let i = 0; i < w * h; i++) {
      const g = 1 + (m.amount * (grain[i * 3]! - mean)) / 128;
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.min(255, Math.max(0, Math.round(m.colour[c]! * g)));
    }
    return out;
  }
  // Bounding box of the object.
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (alpha[y * w + x]! > 0) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  const out = new Uint8Array(w * h * 3);
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const src = await loadSource(m);
  const region = await cover(src, { width: bw, height: bh });
  for (let y = 0; y < bh; y++) out.set(region.subarray(y * bw * 3, (y + 1) * bw * 3), ((y0 + y) * w + x0) * 3);
  return out;
}

/** Coverage of SVG parts, then painted. */
export async function paintedPart(svg: string, size: Size, material: MaterialName, r: Rng, o: PaintOptions): Promise<Layer> {
  return paint(await coverage(svg, size), size, material, r, o);
}

export interface SceneOptions {
  surface: SurfaceName;
  /** Behind the surface; none for a flat lay (the surface fills the frame). */
  backdrop?: BackdropName;
  /** Where the surface meets the backdrop, as a share of the height. */
  horizon: number;
  /** Surface texture scale. */
  surfaceScale: number;
  /** Depth-of-field blur of the backdrop, px at full size. */
  backdropBlur: number;
  /**
   * Instead of one defocused photo: a collage of crops of the backdrop and other real scenes at
   * 1.2-2.4x their size, sharp (a room in focus behind a large photo's subject), cells of about
   * this many px.
   */
  collageCell?: number;
}

/** A real-photo scene: a sharp surface (tiled at about its native scale) under a defocused backdrop. */
export async function scene(size: Size, r: Rng, o: SceneOptions): Promise<Uint8Array> {
  const { width: w, height: h } = size;
  const spec: SourceSpec = SURFACES[o.surface];
  const surfaceSrc = await loadSource(spec);
  const surface = spec.stretch ? await cover(surfaceSrc, size) : tile(o.surfaceScale === 1 ? surfaceSrc : await scaled(surfaceSrc, o.surfaceScale), size, r.int(0, 999), r.int(0, 999));
  if (!o.backdrop) return surface;
  const back = o.collageCell ? await collage(size, r, o.backdrop, o.collageCell, o.backdropBlur) : await cover(await loadSource(BACKDROPS[o.backdrop]), size, o.backdropBlur);
  const out = new Uint8Array(w * h * 3);
  const hy = o.horizon * h;
  const soft = Math.max(2, h * 0.015);
  for (let y = 0; y < h; y++) {
    const k = Math.min(1, Math.max(0, (y - hy) / soft + 0.5));
    // The surface darkens towards the back, as a tabletop under a top light does.
    const shade = 0.75 + 0.25 * Math.min(1, Math.max(0, (y - hy) / (h - hy + 1)));
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      for (let c = 0; c < 3; c++) out[i + c] = Math.round(k * surface[i + c]! * shade + (1 - k) * back[i + c]!);
    }
  }
  return out;
}

/** A busy, sharp backdrop: a grid of real-photo crops (the named backdrop first), each magnified 1.2-2.4x. */
async function collage(size: Size, r: Rng, first: BackdropName, cell: number, sigma: number): Promise<Uint8Array> {
  const { width: w, height: h } = size;
  const out = new Uint8Array(w * h * 3);
  const names = Object.keys(BACKDROPS) as BackdropName[];
  const cols = Math.max(1, Math.round(w / cell));
  const rows = Math.max(1, Math.round(h / cell));
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < cols; i++) {
      const x0 = Math.round((i * w) / cols);
      const x1 = Math.round(((i + 1) * w) / cols);
      const y0 = Math.round((j * h) / rows);
      const y1 = Math.round(((j + 1) * h) / rows);
      const src = await loadSource(BACKDROPS[i === 0 && j === 0 ? first : r.chance(0.4) ? first : r.pick(names)]);
      // A crop of the photo magnified by 1.2-2.4x, placed at random.
      const k = r.range(1.2, 2.4);
      const cw = Math.min(src.width, Math.max(8, Math.round((x1 - x0) / k)));
      const ch = Math.min(src.height, Math.max(8, Math.round((y1 - y0) / k)));
      const cx = r.int(0, src.width - cw);
      const cy = r.int(0, src.height - ch);
      const crop = { width: cw, height: ch, rgb: new Uint8Array(cw * ch * 3) };
      for (let y = 0; y < ch; y++) crop.rgb.set(src.rgb.subarray(((cy + y) * src.width + cx) * 3, ((cy + y) * src.width + cx + cw) * 3), y * cw * 3);
      const tileRgb = await cover(crop, { width: x1 - x0, height: y1 - y0 }, sigma);
      for (let y = y0; y < y1; y++) out.set(tileRgb.subarray((y - y0) * (x1 - x0) * 3, (y - y0 + 1) * (x1 - x0) * 3), (y * w + x0) * 3);
    }
  }
  return out;
}

/** A blurred (out-of-focus) copy of a plane, used for defocused foreground parts. */
export function defocus(plane: Float32Array, size: Size, sigma: number): Float32Array {
  return blur(plane, size, sigma);
}
