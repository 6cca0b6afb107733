/**
 * Seeded triangular dither and film grain. One 1024x1024 tile of triangular noise (sum of two
 * uniforms, -1..1 LSB scaled to -127..127) is made once; each seed reads it at its own offset,
 * and callers scale it: 1 LSB removes banding from smooth gradients, a few LSB reads as
 * photographic grain.
 */
import { hash3, mulberry32 } from './rng.ts';

export const TILE_BITS = 10;
export const TILE_SIZE = 1 << TILE_BITS;
export const TILE_MASK = TILE_SIZE - 1;
/** Tile values are triangular noise of +-1 LSB multiplied by this. */
export const TILE_SCALE = 127;

let tile: Int8Array | null = null;

/** The shared noise tile (built on first use, about 10 ms). */
export function grainTile(): Int8Array {
  if (tile) return tile;
  const t = new Int8Array(TILE_SIZE * TILE_SIZE);
  const rand = mulberry32(0x6a09e667);
  for (let i = 0; i < t.length; i++) t[i] = Math.round((rand() + rand() - 1) * TILE_SCALE);
  tile = t;
  return t;
}

/** Where a seed starts reading the tile (ox is a multiple of 4, so 4-pixel runs never wrap). */
export function tileOffset(seed: number): { ox: number; oy: number } {
  const h = hash3(seed, 0x51, 0x7e11);
  return { ox: h & TILE_MASK & ~3, oy: (h >>> TILE_BITS) & TILE_MASK };
}
