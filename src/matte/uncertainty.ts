/**
 * How unsure the network was about a cutout, 0 (sure) to 1 (unsure), from its matte at the
 * working size (as Photoroom's x-uncertainty-score: lower is more confident). It is meant to
 * predict how wrong the cutout is, so a seller knows which of a hundred to look at.
 *
 * The evidence: how much of the frame the network left between "subject" and "background"
 * (alpha far from 0 and 1), beyond the thin ramp every outline has; and, when the network also
 * ran on the mirrored photo, how much the two answers disagree (a network that is sure gives the
 * same matte both ways).
 */
import type { Plane } from './types.ts';

export interface UncertaintyEvidence {
  /** Mean of 4a(1-a) over the frame: 1 where alpha is 0.5, 0 where it is 0 or 1. */
  softness: number;
  /**
   * The same, counted only away from any outline (no 0.5 crossing within INTERIOR_RADIUS matte
   * pixels): grey areas inside the subject or the background, not the ramp every edge has.
   */
  interior: number;
  /** Mean |a - a_mirrored| over the frame, when the mirrored pass ran. */
  disagreement?: number;
}

/** Matte pixels (at the working size) within which a 0.5 crossing makes a soft pixel part of an outline. */
export const INTERIOR_RADIUS = 4;

/** The evidence in a matte (and its mirrored pass, already flipped back). */
export function uncertaintyEvidence(matte: Plane, mirrored?: Plane): UncertaintyEvidence {
  const { data, width: w, height: h } = matte;
  // Summed-area table of "alpha > 0.5", to ask whether a window holds both sides of an outline.
  const above = new Int32Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const k = (y + 1) * (w + 1) + x + 1;
      above[k] = (data[y * w + x]! > 0.5 ? 1 : 0) + above[k - w - 1]! + above[k - 1]! - above[k - w - 2]!;
    }
  }
  const r = INTERIOR_RADIUS;
  let soft = 0;
  let interior = 0;
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r), y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const a = Math.min(1, Math.max(0, data[i]!));
      const s = 4 * a * (1 - a);
      soft += s;
      if (s === 0) continue;
      const x0 = Math.max(0, x - r), x1 = Math.min(w, x + r + 1);
      const n = above[y1 * (w + 1) + x1]! - above[y0 * (w + 1) + x1]! - above[y1 * (w + 1) + x0]! + above[y0 * (w + 1) + x0]!;
      if (n === 0 || n === (x1 - x0) * (y1 - y0)) interior += s;
    }
  }
  const pixels = data.length;
  return { softness: soft / pixels, interior: interior / pixels, ...(mirrored ? { disagreement: disagreement(matte, mirrored) } : {}) };
}

/** Mean |a - a_mirrored| over the frame. */
export function disagreement(matte: Plane, mirrored: Plane): number {
  let diff = 0;
  for (let i = 0; i < matte.data.length; i++) diff += Math.abs(Math.min(1, Math.max(0, matte.data[i]!)) - mirrored.data[i]!);
  return diff / matte.data.length;
}

/**
 * The score: x / (x + UNCERTAINTY_HALF), x = softness + INTERIOR_WEIGHT x interior + disagreement,
 * with the disagreement only when the mirrored pass ran (models.json mirroredPass). Measured on the
 * proxy sets (bench/uncertainty-lab.ts, int8; Spearman with each image's MAE): 12-19 MP thin
 * structures 0.87, soft alpha 0.61, small photos 0.85; the full bench of 2026-11-26 gave 1.00
 * (5 images), 0.59 and 0.83. Softness plus disagreement alone gave 0.88 / 0.48 / 0.85: fur is soft
 * whether it is right or wrong, and the mirrored pass runs on only some of them. Soft pixels away
 * from any outline are what soft subjects' errors look like (grey inside the subject, a second
 * object half kept); weights 3 to 6 all gave 0.60-0.61 there, so the choice is not a knife edge,
 * but with 20 images that figure is at the target's edge.
 *
 * Until issue 16 the scale was 1 - exp(-x / 0.11), which saturates: 8 of the 27 real soft-alpha
 * photos read 1.00, and 8% of the seven proxy sets pooled (144 images; 20% of hires-thin, 25% of
 * cords). The ratio is the same ranking (a monotone function of the same x: every Spearman above
 * is unchanged) and puts 0.5, the web studio's and the CLI's "worth a look" mark, at the same x
 * (UNCERTAINTY_HALF = 0.11 ln 2), so the same photos are flagged; it approaches 1 slowly (x = 0.5
 * reads 0.87 instead of 0.99), and none of the 144 reads 1.00.
 */
export const UNCERTAINTY_HALF = 0.11 * Math.LN2;
export const INTERIOR_WEIGHT = 4;

export function uncertaintyScore(evidence: UncertaintyEvidence): number {
  const x = evidence.softness + INTERIOR_WEIGHT * evidence.interior + (evidence.disagreement ?? 0);
  return Math.round((x / (x + UNCERTAINTY_HALF)) * 1000) / 1000;
}
