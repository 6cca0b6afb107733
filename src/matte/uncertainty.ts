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
  /** Mean |a - a_mirrored| over the frame, when the mirrored pass ran. */
  disagreement?: number;
}

/** The evidence in a matte (and its mirrored pass, already flipped back). */
export function uncertaintyEvidence(matte: Plane, mirrored?: Plane): UncertaintyEvidence {
  const { data } = matte;
  let soft = 0;
  let diff = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.min(1, Math.max(0, data[i]!));
    soft += 4 * a * (1 - a);
    if (mirrored) diff += Math.abs(a - mirrored.data[i]!);
  }
  return { softness: soft / data.length, ...(mirrored ? { disagreement: diff / data.length } : {}) };
}

/**
 * The score: 1 - exp(-(softness + disagreement) / SCALE). Softness plus disagreement ranked the
 * proxy sets' images by their MAE best among the weights tried (bench/uncertainty-lab.ts: Spearman
 * 0.91 on 12-19 MP thin structures, 0.61 on soft alpha, 0.86 on small photos); softness alone
 * ranked soft subjects poorly (0.47): fur is soft whether it is right or wrong. SCALE puts 0.5
 * ("worth a look", the web studio's and the CLI's mark) at softness + disagreement 0.04, where the
 * proxies' per-image MAE passes about 0.02-0.03; their cleanest images score about 0.15.
 */
export const UNCERTAINTY_SCALE = 0.058;

export function uncertaintyScore(evidence: UncertaintyEvidence): number {
  const x = evidence.softness + (evidence.disagreement ?? 0);
  return Math.round((1 - Math.exp(-x / UNCERTAINTY_SCALE)) * 1000) / 1000;
}
