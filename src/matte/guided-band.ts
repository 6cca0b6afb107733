/**
 * The colour guided filter (He, Sun and Tang, TPAMI 2013) evaluated only at chosen pixels: a thin
 * band along a matte edge that a touch-up moved. Windows are small (radius 1 to 4), so each
 * pixel's window moments are summed directly; nothing is allocated for the rest of the region.
 * Within a window the matte is fitted as a linear function of the photo's colour, so an edge in
 * the matte lands where the photo's edge is, with the photo's own anti-aliasing.
 */

/** The per-pixel linear model q = ar*r + ag*g + ab*b + b of a guided filter, averaged over each window. */
export type GuidedCoefficients = readonly [Float32Array, Float32Array, Float32Array, Float32Array];

/**
 * Returns `p` filtered at pixels where `at[i]` is 1 (elsewhere `p` as given).
 * @param r,g,b the photo's colour planes over the region, 0..1
 * @param p the input matte over the region, 0..1
 * @param eps regularisation: larger keeps `p`, smaller follows the photo
 */
export function guidedFilterAt(r: Float32Array, g: Float32Array, b: Float32Array, p: Float32Array, w: number, h: number, radius: number, eps: number, at: Uint8Array): Float32Array {
  const [ar, ag, ab, bb] = guidedCoefficientsAt(r, g, b, p, w, h, radius, eps, at);
  const out = Float32Array.from(p);
  for (let i = 0; i < out.length; i++) {
    if (!at[i]) continue;
    const q = ar[i]! * r[i]! + ag[i]! * g[i]! + ab[i]! * b[i]! + bb[i]!;
    out[i] = q < 0 ? 0 : q > 1 ? 1 : q;
  }
  return out;
}

/** The averaged coefficients of the guided filter at pixels where `at[i]` is 1 (0 elsewhere). */
export function guidedCoefficientsAt(r: Float32Array, g: Float32Array, b: Float32Array, p: Float32Array, w: number, h: number, radius: number, eps: number, at: Uint8Array): GuidedCoefficients {
  const n = w * h;
  // Coefficients are needed wherever a window of a filtered pixel reaches.
  const need = dilateMask(at, w, h, radius);
  const ar = new Float32Array(n), ag = new Float32Array(n), ab = new Float32Array(n), bb = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - radius), y1 = Math.min(h - 1, y + radius);
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!need[i]) continue;
      const x0 = Math.max(0, x - radius), x1 = Math.min(w - 1, x + radius);
      let sr = 0, sg = 0, sb = 0, sp = 0, srp = 0, sgp = 0, sbp = 0;
      let srr = 0, srg = 0, srb = 0, sgg = 0, sgb = 0, sbb = 0;
      for (let yy = y0; yy <= y1; yy++) {
        for (let j = yy * w + x0, e = yy * w + x1; j <= e; j++) {
          const vr = r[j]!, vg = g[j]!, vb = b[j]!, vp = p[j]!;
          sr += vr; sg += vg; sb += vb; sp += vp;
          srp += vr * vp; sgp += vg * vp; sbp += vb * vp;
          srr += vr * vr; srg += vr * vg; srb += vr * vb;
          sgg += vg * vg; sgb += vg * vb; sbb += vb * vb;
        }
      }
      const inv = 1 / ((x1 - x0 + 1) * (y1 - y0 + 1));
      const mr = sr * inv, mg = sg * inv, mb = sb * inv, mp = sp * inv;
      const cr = srp * inv - mr * mp, cg = sgp * inv - mg * mp, cb = sbp * inv - mb * mp;
      const vrr = srr * inv - mr * mr + eps, vrg = srg * inv - mr * mg, vrb = srb * inv - mr * mb;
      const vgg = sgg * inv - mg * mg + eps, vgb = sgb * inv - mg * mb, vbb = sbb * inv - mb * mb + eps;
      // Inverse of the symmetric 3x3 covariance through its adjugate.
      const i00 = vgg * vbb - vgb * vgb, i01 = vrb * vgb - vrg * vbb, i02 = vrg * vgb - vrb * vgg;
      const i11 = vrr * vbb - vrb * vrb, i12 = vrb * vrg - vrr * vgb, i22 = vrr * vgg - vrg * vrg;
      const det = vrr * i00 + vrg * i01 + vrb * i02;
      const a0 = (cr * i00 + cg * i01 + cb * i02) / det;
      const a1 = (cr * i01 + cg * i11 + cb * i12) / det;
      const a2 = (cr * i02 + cg * i12 + cb * i22) / det;
      ar[i] = a0;
      ag[i] = a1;
      ab[i] = a2;
      bb[i] = mp - a0 * mr - a1 * mg - a2 * mb;
    }
  }
  const mar = new Float32Array(n), mag = new Float32Array(n), mab = new Float32Array(n), mbb = new Float32Array(n);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - radius), y1 = Math.min(h - 1, y + radius);
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (!at[i]) continue;
      const x0 = Math.max(0, x - radius), x1 = Math.min(w - 1, x + radius);
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let yy = y0; yy <= y1; yy++) {
        for (let j = yy * w + x0, e = yy * w + x1; j <= e; j++) {
          s0 += ar[j]!; s1 += ag[j]!; s2 += ab[j]!; s3 += bb[j]!;
        }
      }
      const inv = 1 / ((x1 - x0 + 1) * (y1 - y0 + 1));
      mar[i] = s0 * inv;
      mag[i] = s1 * inv;
      mab[i] = s2 * inv;
      mbb[i] = s3 * inv;
    }
  }
  return [mar, mag, mab, mbb];
}

/** Pixels within `radius` (a square) of a set pixel. */
export function dilateMask(mask: Uint8Array, w: number, h: number, radius: number): Uint8Array {
  if (radius <= 0) return Uint8Array.from(mask);
  // Separable: rows, then columns, with running counts.
  const tmp = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let count = 0;
    for (let x = 0; x < Math.min(radius, w); x++) count += mask[row + x]!;
    for (let x = 0; x < w; x++) {
      if (x + radius < w) count += mask[row + x + radius]!;
      if (x - radius - 1 >= 0) count -= mask[row + x - radius - 1]!;
      tmp[row + x] = count > 0 ? 1 : 0;
    }
  }
  const out = new Uint8Array(w * h);
  const counts = new Int32Array(w);
  for (let y = 0; y < Math.min(radius, h); y++) for (let x = 0; x < w; x++) counts[x]! += tmp[y * w + x]!;
  for (let y = 0; y < h; y++) {
    if (y + radius < h) for (let x = 0, o = (y + radius) * w; x < w; x++) counts[x]! += tmp[o + x]!;
    if (y - radius - 1 >= 0) for (let x = 0, o = (y - radius - 1) * w; x < w; x++) counts[x]! -= tmp[o + x]!;
    for (let x = 0, o = y * w; x < w; x++) out[o + x] = counts[x]! > 0 ? 1 : 0;
  }
  return out;
}
