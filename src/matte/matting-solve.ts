/**
 * A local closed-form matting solve (Levin, Lischinski and Weiss, "A closed-form solution to
 * natural image matting", TPAMI 2008) over the region around a touch-up's strokes:
 *
 *   minimise  a' L a + lambda |a - a0|^2   with a = 1 on keep seeds, 0 on erase seeds,
 *             and a = a0 on the region's border,
 *
 * where L is the matting Laplacian (in each small window the matte is an affine function of the
 * colour) and the weak pull towards the old matte a0 keeps the change local (it fades over about
 * `reach` pixels in a region of one colour). L is applied without being built, with box filters
 * (He, Sun and Tang, "Fast matting using large kernel matting Laplacian matrices", CVPR 2010),
 * and the system is solved by conjugate gradients.
 */
import { boxMean } from './box.ts';
import { LABEL_ERASE, LABEL_KEEP } from './hints.ts';
import type { RegionPlanes } from './region.ts';

export interface MattingSolveOptions {
  /** Pixels over which a change fades in a region of one colour. */
  reach: number;
  /** Window radius (1: Levin's 3x3). */
  radius?: number;
  /** Regularisation of the colour model (Levin: 1e-7 for 0..1 colours). */
  eps?: number;
  maxIterations?: number;
  /** Stop when the residual falls below this fraction of the first. */
  tolerance?: number;
}

export interface MattingSolveStats {
  iterations: number;
}

export function solveMattingRegion(pl: RegionPlanes, seeds: Uint8Array, options: MattingSolveOptions, stats?: MattingSolveStats): Float32Array {
  const { w, h, r, g, b, a } = pl;
  const n = w * h;
  const radius = options.radius ?? 1;
  const eps = options.eps ?? 1e-5;
  const lambda = 4 / (options.reach * options.reach);
  const count = (2 * radius + 1) ** 2;

  // Per window (by centre): the mean colour and the inverse of (covariance + eps/|w| I).
  const box = (src: Float32Array) => boxMean(src, w, h, radius);
  const mr = box(r), mg = box(g), mb = box(b);
  const prod = (x: Float32Array, y: Float32Array) => {
    const o = new Float32Array(n);
    for (let i = 0; i < n; i++) o[i] = x[i]! * y[i]!;
    return o;
  };
  const vrr = box(prod(r, r)), vrg = box(prod(r, g)), vrb = box(prod(r, b)), vgg = box(prod(g, g)), vgb = box(prod(g, b)), vbb = box(prod(b, b));
  const inv = new Float64Array(6 * n);
  const reg = eps / count;
  for (let i = 0; i < n; i++) {
    const srr = vrr[i]! - mr[i]! * mr[i]! + reg, srg = vrg[i]! - mr[i]! * mg[i]!, srb = vrb[i]! - mr[i]! * mb[i]!;
    const sgg = vgg[i]! - mg[i]! * mg[i]! + reg, sgb = vgb[i]! - mg[i]! * mb[i]!, sbb = vbb[i]! - mb[i]! * mb[i]! + reg;
    const i00 = sgg * sbb - sgb * sgb, i01 = srb * sgb - srg * sbb, i02 = srg * sgb - srb * sgg;
    const i11 = srr * sbb - srb * srb, i12 = srb * srg - srr * sgb, i22 = srr * sgg - srg * srg;
    const det = srr * i00 + srg * i01 + srb * i02;
    const o = 6 * i;
    inv[o] = i00 / det; inv[o + 1] = i01 / det; inv[o + 2] = i02 / det;
    inv[o + 3] = i11 / det; inv[o + 4] = i12 / det; inv[o + 5] = i22 / det;
  }

  // Fixed pixels: seeds and the region's border ring.
  const fixed = new Uint8Array(n);
  const x = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) {
      const i = y * w + xx;
      x[i] = a[i]!;
      if (seeds[i] === LABEL_KEEP) { fixed[i] = 1; x[i] = 1; }
      else if (seeds[i] === LABEL_ERASE) { fixed[i] = 1; x[i] = 0; }
      else if (xx === 0 || y === 0 || xx === w - 1 || y === h - 1) fixed[i] = 1;
    }
  }

  // A v = L v + lambda v on free pixels (L is |w| (v - (I . mean a + mean b)) with per-window a, b).
  const xr = new Float32Array(n), xg = new Float32Array(n), xb = new Float32Array(n);
  const ak = [new Float32Array(n), new Float32Array(n), new Float32Array(n)] as const;
  const bk = new Float32Array(n);
  const apply = (v: Float32Array, out: Float32Array) => {
    for (let i = 0; i < n; i++) {
      xr[i] = r[i]! * v[i]!;
      xg[i] = g[i]! * v[i]!;
      xb[i] = b[i]! * v[i]!;
    }
    const mv = box(v), mrv = box(xr), mgv = box(xg), mbv = box(xb);
    for (let i = 0; i < n; i++) {
      const cr = mrv[i]! - mr[i]! * mv[i]!, cg = mgv[i]! - mg[i]! * mv[i]!, cb = mbv[i]! - mb[i]! * mv[i]!;
      const o = 6 * i;
      const a0 = inv[o]! * cr + inv[o + 1]! * cg + inv[o + 2]! * cb;
      const a1 = inv[o + 1]! * cr + inv[o + 3]! * cg + inv[o + 4]! * cb;
      const a2 = inv[o + 2]! * cr + inv[o + 4]! * cg + inv[o + 5]! * cb;
      ak[0][i] = a0;
      ak[1][i] = a1;
      ak[2][i] = a2;
      bk[i] = mv[i]! - a0 * mr[i]! - a1 * mg[i]! - a2 * mb[i]!;
    }
    const sa0 = box(ak[0]), sa1 = box(ak[1]), sa2 = box(ak[2]), sb = box(bk);
    for (let i = 0; i < n; i++) {
      const lv = count * (v[i]! - (sa0[i]! * r[i]! + sa1[i]! * g[i]! + sa2[i]! * b[i]! + sb[i]!));
      out[i] = lv + lambda * v[i]!;
    }
  };

  // Projected conjugate gradients on the free pixels: A x = lambda a0.
  const ax = new Float32Array(n);
  apply(x, ax);
  const res = new Float32Array(n), dir = new Float32Array(n), ad = new Float32Array(n);
  let rr = 0;
  for (let i = 0; i < n; i++) {
    const v = fixed[i] ? 0 : lambda * a[i]! - ax[i]!;
    res[i] = v;
    dir[i] = v;
    rr += v * v;
  }
  const stop = rr * (options.tolerance ?? 1e-6);
  const maxIterations = options.maxIterations ?? 500;
  let it = 0;
  for (; it < maxIterations && rr > stop && rr > 0; it++) {
    apply(dir, ad);
    let dad = 0;
    for (let i = 0; i < n; i++) if (!fixed[i]) dad += dir[i]! * ad[i]!;
    const alpha = rr / dad;
    let next = 0;
    for (let i = 0; i < n; i++) {
      if (fixed[i]) continue;
      x[i]! += alpha * dir[i]!;
      res[i]! -= alpha * ad[i]!;
      next += res[i]! * res[i]!;
    }
    const beta = next / rr;
    rr = next;
    for (let i = 0; i < n; i++) dir[i] = fixed[i] ? 0 : res[i]! + beta * dir[i]!;
  }
  if (stats) stats.iterations = it;
  for (let i = 0; i < n; i++) x[i] = x[i]! < 0 ? 0 : x[i]! > 1 ? 1 : x[i]!;
  return x;
}
