/**
 * What a material painter receives: the coarse canvas, the surface's perspective rows, a seeded
 * noise source and its two colours in linear light. A painter writes albedo (linear RGB) into
 * every coarse pixel from row `rows.j0` down; lighting is applied afterwards.
 */
import type { Canvas } from '../raster.ts';
import type { SurfaceRows } from '../geometry.ts';
import type { Noise } from '../noise.ts';
import type { Lin } from '../color.ts';

export interface MaterialContext {
  c: Canvas;
  rows: SurfaceRows;
  noise: Noise;
  seed: number;
  base: Lin;
  accent: Lin;
}

export type MaterialPainter = (m: MaterialContext) => void;
