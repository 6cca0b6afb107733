/**
 * Camera geometry of a tabletop: a surface seen in perspective from slightly above, receding to
 * the line where it meets the back wall (the scene's horizon). For each coarse row below that
 * line it gives the surface's world coordinates, so materials are drawn in perspective and
 * shrink toward the back. One world unit is about 15 cm; the frame's bottom edge spans about
 * four units.
 */
import type { Canvas } from './raster.ts';

export interface SurfaceRows {
  /** First coarse row on the surface. */
  j0: number;
  /** Per coarse row (index j, valid from j0): world depth v, world u at column 0, world u per coarse column. */
  v: Float32Array;
  u0: Float32Array;
  du: Float32Array;
  /** Per coarse row: 0 at the back edge .. 1 at the frame's bottom (screen distance below the horizon). */
  near: Float32Array;
}

/** Width of the frame's bottom edge in world units. */
export const BOTTOM_SPAN = 4;
/** How far above the horizon the vanishing line sits (fraction of the height): sets how steeply the surface recedes. */
export const VANISH_GAP = 0.11;

/** World coordinates of a surface point on the screen (normalised nx, ny; ny below the horizon). */
export function surfacePoint(nx: number, ny: number, horizon: number, aspect: number): { u: number; v: number } {
  const hv = horizon - VANISH_GAP;
  const k = (BOTTOM_SPAN * (1 - hv)) / aspect;
  const z = 1 / Math.max(1e-3, ny - hv);
  return { u: (nx - 0.5) * aspect * k * z, v: k * z };
}

/** Depth factor for a normalised row: world units per unit of normalised x. */
export function rowScale(ny: number, horizon: number, aspect: number): number {
  const hv = horizon - VANISH_GAP;
  const k = (BOTTOM_SPAN * (1 - hv)) / aspect;
  return (aspect * k) / Math.max(1e-3, ny - hv);
}

export function surfaceRows(c: Canvas, horizon: number): SurfaceRows {
  const { ch, f, width: W, height: H } = c;
  const aspect = W / H;
  const v = new Float32Array(ch), u0 = new Float32Array(ch), du = new Float32Array(ch), near = new Float32Array(ch);
  const j0 = Math.max(0, Math.ceil((horizon * H) / f));
  for (let j = j0; j < ch; j++) {
    const ny = (j * f) / H;
    const p = surfacePoint(0, ny, horizon, aspect);
    v[j] = p.v;
    u0[j] = p.u;
    du[j] = (rowScale(ny, horizon, aspect) * f) / W;
    near[j] = Math.min(1, Math.max(0, (ny - horizon) / Math.max(1e-3, 1 - horizon)));
  }
  return { j0, v, u0, du, near };
}

/** Fade factor for a feature of `freq` cycles per world unit sampled every `step` units: 1 when well resolved, 0 past Nyquist. */
export function resolved(freq: number, step: number): number {
  const x = freq * step;
  return x >= 0.45 ? 0 : x <= 0.15 ? 1 : (0.45 - x) / 0.3;
}
