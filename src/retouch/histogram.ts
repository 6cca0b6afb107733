/**
 * Histograms of patch distances: a match phase's bands each return one, the phase sums them
 * (160 numbers, on whatever thread drives the phases) and the vote takes its sigma from a quantile.
 */

/** Bins of a histogram of patch distances: log-spaced, 8 per octave. */
export const HISTOGRAM_BINS = 160;

export function histogramBin(d: number): number {
  return Math.min(HISTOGRAM_BINS - 1, Math.floor(Math.log2(1 + d) * 8));
}

/** The distance at quantile q of a histogram (the upper edge of the bin where it falls). */
export function histogramQuantile(hist: ArrayLike<number>, q: number): number {
  let total = 0;
  for (let i = 0; i < hist.length; i++) total += hist[i]!;
  if (total === 0) return 1;
  let seen = 0;
  for (let i = 0; i < hist.length; i++) {
    seen += hist[i]!;
    if (seen >= q * total) return 2 ** ((i + 1) / 8) - 1;
  }
  return 2 ** (hist.length / 8) - 1;
}
