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
  /** Only these pixels are solved (the rest keep their value): a band along an edge. */
  free?: Uint8Array;
  /** The pull towards the given matte (default 4 / reach^2). */
  lambda?: number;
}

export interface MattingSolveStats {
  iterations: number;
}

export function solveMattingRegion(pl: RegionPlanes, seeds: Uint8Array, options: MattingSolveOptions, stats?: MattingSolveStats): Float32Array {
  const { w, h, r, g, b, a } = pl;
  const n = w * h;
  const radius = options.radius ?? 1;
  const eps = options.eps ?? 1e-5;
  const lambda = options.lambda ?? 4 / (options.reach * options.reach);
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
      else if (xx === 0 || y === 0 || xx === w - 1 || y === h - 1 || (options.free && !options.free[i])) fixed[i] = 1;
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

/**
 * The same matting solve restricted to a thin band of free pixels (the rest fixed at `target`),
 * computed only on the 3x3 windows that touch the band, so its cost follows the band's length,
 * not the region's area. Minimises a' L a + lambda |a - target|^2 over the band.
 */
export function solveMattingBand(pl: RegionPlanes, target: Float32Array, free: Uint8Array, options: { eps?: number; lambda: number; iterations: number }): Float32Array {
  const { w, h, r, g, b } = pl;
  const n = w * h;
  const eps = options.eps ?? 1e-5;
  const x = Float32Array.from(target);
  // Free pixels away from the border (every window holding them lies inside the region).
  const freeList: number[] = [];
  for (let y = 1; y < h - 1; y++) for (let xx = 1; xx < w - 1; xx++) if (free[y * w + xx]) freeList.push(y * w + xx);
  if (freeList.length === 0) return x;
  // Windows (by centre) that hold a free pixel.
  const isWindow = new Uint8Array(n);
  for (const i of freeList) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) isWindow[i + dy * w + dx] = 1;
  const windows: number[] = [];
  for (let y = 1; y < h - 1; y++) for (let xx = 1; xx < w - 1; xx++) if (isWindow[y * w + xx]) windows.push(y * w + xx);
  const nw = windows.length;
  const mu = new Float64Array(3 * nw), inv = new Float64Array(6 * nw);
  const slot = new Int32Array(n).fill(-1);
  const reg = eps / 9;
  for (let k = 0; k < nw; k++) {
    const c = windows[k]!;
    slot[c] = k;
    let sr = 0, sg = 0, sb = 0, srr = 0, srg = 0, srb = 0, sgg = 0, sgb = 0, sbb = 0;
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
      const j = c + dy * w + dx;
      const vr = r[j]!, vg = g[j]!, vb = b[j]!;
      sr += vr; sg += vg; sb += vb;
      srr += vr * vr; srg += vr * vg; srb += vr * vb; sgg += vg * vg; sgb += vg * vb; sbb += vb * vb;
    }
    const mr = sr / 9, mg = sg / 9, mb = sb / 9;
    const vrr = srr / 9 - mr * mr + reg, vrg = srg / 9 - mr * mg, vrb = srb / 9 - mr * mb;
    const vgg = sgg / 9 - mg * mg + reg, vgb = sgb / 9 - mg * mb, vbb = sbb / 9 - mb * mb + reg;
    const i00 = vgg * vbb - vgb * vgb, i01 = vrb * vgb - vrg * vbb, i02 = vrg * vgb - vrb * vgg;
    const i11 = vrr * vbb - vrb * vrb, i12 = vrb * vrg - vrr * vgb, i22 = vrr * vgg - vrg * vrg;
    const det = vrr * i00 + vrg * i01 + vrb * i02;
    mu[3 * k] = mr; mu[3 * k + 1] = mg; mu[3 * k + 2] = mb;
    inv[6 * k] = i00 / det; inv[6 * k + 1] = i01 / det; inv[6 * k + 2] = i02 / det;
    inv[6 * k + 3] = i11 / det; inv[6 * k + 4] = i12 / det; inv[6 * k + 5] = i22 / det;
  }
  const ak = new Float64Array(4 * nw);
  // out[k] = (A v) at freeList[k], for v over the whole region.
  const apply = (v: Float32Array, out: Float64Array) => {
    for (let k = 0; k < nw; k++) {
      const c = windows[k]!;
      let sv = 0, sr = 0, sg = 0, sb = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const j = c + dy * w + dx;
        const vj = v[j]!;
        sv += vj; sr += r[j]! * vj; sg += g[j]! * vj; sb += b[j]! * vj;
      }
      const mv = sv / 9;
      const cr = sr / 9 - mu[3 * k]! * mv, cg = sg / 9 - mu[3 * k + 1]! * mv, cb = sb / 9 - mu[3 * k + 2]! * mv;
      const o = 6 * k;
      const a0 = inv[o]! * cr + inv[o + 1]! * cg + inv[o + 2]! * cb;
      const a1 = inv[o + 1]! * cr + inv[o + 3]! * cg + inv[o + 4]! * cb;
      const a2 = inv[o + 2]! * cr + inv[o + 4]! * cg + inv[o + 5]! * cb;
      ak[4 * k] = a0; ak[4 * k + 1] = a1; ak[4 * k + 2] = a2;
      ak[4 * k + 3] = mv - a0 * mu[3 * k]! - a1 * mu[3 * k + 1]! - a2 * mu[3 * k + 2]!;
    }
    for (let q = 0; q < freeList.length; q++) {
      const i = freeList[q]!;
      let acc = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const k = slot[i + dy * w + dx]!;
        acc += ak[4 * k]! * r[i]! + ak[4 * k + 1]! * g[i]! + ak[4 * k + 2]! * b[i]! + ak[4 * k + 3]!;
      }
      out[q] = 9 * v[i]! - acc + options.lambda * v[i]!;
    }
  };
  const m = freeList.length;
  const ax = new Float64Array(m), res = new Float64Array(m), ad = new Float64Array(m);
  const dir = new Float32Array(n);
  apply(x, ax);
  let rr = 0;
  for (let q = 0; q < m; q++) {
    const v = options.lambda * target[freeList[q]!]! - ax[q]!;
    res[q] = v;
    dir[freeList[q]!] = v;
    rr += v * v;
  }
  for (let it = 0; it < options.iterations && rr > 1e-12; it++) {
    apply(dir, ad);
    let dad = 0;
    for (let q = 0; q < m; q++) dad += dir[freeList[q]!]! * ad[q]!;
    const alpha = rr / dad;
    let next = 0;
    for (let q = 0; q < m; q++) {
      const i = freeList[q]!;
      x[i]! += alpha * dir[i]!;
      res[q]! -= alpha * ad[q]!;
      next += res[q]! * res[q]!;
    }
    const beta = next / rr;
    rr = next;
    for (let q = 0; q < m; q++) dir[freeList[q]!] = res[q]! + beta * dir[freeList[q]!]!;
  }
  for (const i of freeList) x[i] = x[i]! < 0 ? 0 : x[i]! > 1 ? 1 : x[i]!;
  return x;
}
