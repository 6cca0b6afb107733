/**
 * What MAE and boundary MAE do not show at 100%: a ragged contour, holes in the subject, specks
 * in the background. For one predicted matte against its truth (8-bit planes, same size):
 *
 * - roughness: along the true edge, how much the prediction changes *along* the contour rather
 *   than across it: sum over the edge band of |grad P . t| / sum of |grad G . n|, where n is the
 *   truth's edge normal (from the truth blurred by 3 px, so it is defined across the band) and t
 *   the tangent. Both gradients are of planes blurred by 1 px (pixel-level aliasing of a hard
 *   edge is not raggedness). A contour that follows a smooth truth, sharp or blurred, scores near
 *   the truth's own value (corners and thin parts give it a floor); spikes and a wavy edge add to
 *   it. Meaningful on subjects whose truth is a smooth binary silhouette, not on fur.
 * - holes: the mean of (1 - P) over the truth's opaque pixels farther than 8 px from its edge,
 *   as a share of the frame (it adds to MAE): transparency inside the subject.
 * - specks: the mean of P over the truth's background farther than 8 px from its edge, as a share
 *   of the frame: alpha in the background.
 */

export interface EdgeStats {
  roughness: number;
  /** The truth's own roughness (the floor a perfect prediction reaches). */
  truthRoughness: number;
  holes: number;
  specks: number;
}

/** Separable Gaussian blur of a 0..1 plane. */
function gauss(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(sigma * 3));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp((-i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let j = -r; j <= r; j++) v += k[j + r]! * src[row + Math.min(w - 1, Math.max(0, x + j))]!;
      tmp[row + x] = v;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let j = -r; j <= r; j++) v += k[j + r]! * tmp[Math.min(h - 1, Math.max(0, y + j)) * w + x]!;
      out[y * w + x] = v;
    }
  }
  return out;
}

/** Pixels within R of the truth's edge (its 0.5 crossings along rows and columns), as the scorer's boundary band. */
function edgeBand(gt: Uint8Array, w: number, h: number, R = 8): Uint8Array {
  const band = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 1; x < w; x++) {
    const i = y * w + x;
    if ((gt[i]! > 127) !== (gt[i - 1]! > 127)) for (let d = -R; d <= R; d++) { const xx = x + d; if (xx >= 0 && xx < w) band[y * w + xx] = 1; }
  }
  for (let x = 0; x < w; x++) for (let y = 1; y < h; y++) {
    const i = y * w + x;
    if ((gt[i]! > 127) !== (gt[i - w]! > 127)) for (let d = -R; d <= R; d++) { const yy = y + d; if (yy >= 0 && yy < h) band[yy * w + x] = 1; }
  }
  return band;
}

export function edgeStats(pred: Uint8Array, gt: Uint8Array, w: number, h: number): EdgeStats {
  const n = w * h;
  const band = edgeBand(gt, w, h);
  let holes = 0, specks = 0;
  for (let i = 0; i < n; i++) {
    if (band[i]) continue;
    if (gt[i]! > 127) holes += 1 - pred[i]! / 255;
    else specks += pred[i]! / 255;
  }
  // Only the band's bounding box needs the blurred planes.
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (band[y * w + x]) { if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y; }
  if (x1 < 0) return { roughness: 0, truthRoughness: 0, holes: holes / n, specks: specks / n };
  const m = 12;
  x0 = Math.max(0, x0 - m); y0 = Math.max(0, y0 - m); x1 = Math.min(w - 1, x1 + m); y1 = Math.min(h - 1, y1 + m);
  const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
  const P = new Float32Array(bw * bh), G = new Float32Array(bw * bh);
  for (let y = 0; y < bh; y++) for (let x = 0; x < bw; x++) {
    P[y * bw + x] = pred[(y0 + y) * w + x0 + x]! / 255;
    G[y * bw + x] = gt[(y0 + y) * w + x0 + x]! / 255;
  }
  const p1 = gauss(P, bw, bh, 1), g1 = gauss(G, bw, bh, 1), g3 = gauss(G, bw, bh, 3);
  let along = 0, truthAlong = 0, across = 0;
  for (let y = 1; y < bh - 1; y++) {
    for (let x = 1; x < bw - 1; x++) {
      if (!band[(y0 + y) * w + x0 + x]) continue;
      const i = y * bw + x;
      const nx0 = g3[i + 1]! - g3[i - 1]!, ny0 = g3[i + bw]! - g3[i - bw]!;
      const nl = Math.hypot(nx0, ny0);
      if (nl < 1e-4) continue;
      const nx = nx0 / nl, ny = ny0 / nl;
      const px = (p1[i + 1]! - p1[i - 1]!) / 2, py = (p1[i + bw]! - p1[i - bw]!) / 2;
      const gx = (g1[i + 1]! - g1[i - 1]!) / 2, gy = (g1[i + bw]! - g1[i - bw]!) / 2;
      along += Math.abs(-px * ny + py * nx);
      truthAlong += Math.abs(-gx * ny + gy * nx);
      across += Math.abs(gx * nx + gy * ny);
    }
  }
  return { roughness: across ? along / across : 0, truthRoughness: across ? truthAlong / across : 0, holes: holes / n, specks: specks / n };
}
