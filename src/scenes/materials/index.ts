/**
 * Material registry: which painter draws each surface material, whether it is glossy, and the
 * full-resolution detail (grain strength, woven or fibrous perspective texture) it wants from
 * the upsampling pass.
 */
import type { SurfaceMaterial } from '../types.ts';
import type { Canvas, FineDetail } from '../raster.ts';
import { rowScale } from '../geometry.ts';
import type { MaterialContext } from './context.ts';
import { paintMarble } from './marble.ts';
import { paintWood } from './wood.ts';
import { paintConcrete } from './concrete.ts';
import { paintLinen, weaveProfile, THREADS } from './linen.ts';
import { paintTerrazzo } from './terrazzo.ts';
import { paintSand, paintStone, paintSlate, paintGrass } from './ground.ts';
import { paintPlain } from './plain.ts';
import { mulberry32 } from '../rng.ts';

export type { MaterialContext } from './context.ts';

export function paintMaterial(material: SurfaceMaterial, m: MaterialContext): void {
  switch (material) {
    case 'marble': return paintMarble(m);
    case 'oak': case 'walnut': return paintWood(m);
    case 'concrete': return paintConcrete(m);
    case 'linen': return paintLinen(m);
    case 'terrazzo': return paintTerrazzo(m);
    case 'sand': return paintSand(m);
    case 'stone': return paintStone(m);
    case 'slate': return paintSlate(m);
    case 'grass': return paintGrass(m);
    case 'seamless': case 'plaster': case 'paper': case 'velvet': case 'acrylic': return paintPlain(m, material);
  }
}

/** Surfaces that take a reflection shadow. */
export function isGlossy(material: SurfaceMaterial): boolean {
  return material === 'marble' || material === 'acrylic' || material === 'slate';
}

/** Grain (sRGB levels) on the surface: stronger for speckled stone and sand, barely any on smooth board. */
export function surfaceGrain(material: SurfaceMaterial): number {
  switch (material) {
    case 'concrete': return 5;
    case 'sand': return 6;
    case 'stone': case 'terrazzo': case 'slate': return 3;
    case 'paper': case 'plaster': case 'grass': return 2.5;
    case 'oak': case 'walnut': case 'linen': return 2;
    default: return 1.2;
  }
}

/** Fibre lines along wood planks: a 1024-entry period of random fine streaks, mean zero. */
function fibreProfile(seed: number): Float32Array {
  const lut = new Float32Array(1024);
  const rand = mulberry32(seed ^ 0xf1b2e);
  let a = 0;
  for (let i = 0; i < 1024; i++) {
    if (i % 4 === 0) a = a * 0.5 + (rand() - 0.5);
    lut[i] = a;
  }
  let mean = 0;
  for (let i = 0; i < 1024; i++) mean += lut[i]!;
  mean /= 1024;
  for (let i = 0; i < 1024; i++) lut[i] = (lut[i]! - mean) * 1.6;
  return lut;
}

/**
 * Full-resolution detail for a frame whose rows below `horizon` are `material` in perspective:
 * the woven threads of linen and the fibre of wood are sampled per output row, fading out where
 * perspective packs them tighter than about 3 pixels.
 */
export function fineDetail(c: Canvas, material: SurfaceMaterial, horizon: number, wallGrain: number, seed: number, textured: boolean): FineDetail {
  const H = c.height, W = c.width;
  const aspect = W / H;
  const grain = new Float32Array(H);
  const start = Math.ceil(horizon * H);
  const g = surfaceGrain(material);
  for (let y = 0; y < H; y++) grain[y] = y < start ? wallGrain : wallGrain + (g - wallGrain) * Math.min(1, (y - start) / (H * 0.05));
  const periods = material === 'linen' ? THREADS / 16 : material === 'oak' || material === 'walnut' ? 60 / 256 : 0;
  if (!textured || periods === 0) return { grain, texture: null };
  const lut = material === 'linen' ? weaveProfile(seed) : fibreProfile(seed);
  const u0 = new Float32Array(H), du = new Float32Array(H), amp = new Float32Array(H), off = new Float32Array(H);
  const weft = material === 'linen' ? weaveProfile(seed + 1) : null;
  const featureSize = material === 'linen' ? 1 / THREADS : 1 / 60; // world units
  for (let y = start; y < H; y++) {
    const ny = y / H;
    const s = rowScale(ny, horizon, aspect); // world units per unit of normalised x
    const perPx = s / W;
    const fade = Math.max(0, Math.min(1, (featureSize / perPx - 3) / 3));
    if (fade === 0) continue;
    const uLeft = -0.5 * s;
    u0[y] = uLeft * periods + 64;
    du[y] = perPx * periods;
    if (material === 'linen') {
      const v = s / aspect; // world depth of this row (geometry.ts: u scale = aspect * v)
      amp[y] = 0.09 * fade;
      off[y] = 0.07 * fade * weft![Math.floor(((v * THREADS) / 16) * 1024) & 1023]!;
    } else {
      amp[y] = 0.05 * fade;
    }
  }
  return { grain, texture: { lut, u0, du, amp, off } };
}
