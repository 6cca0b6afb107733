/**
 * How a level's rows are split for the completion's phases, and the seed each band's random
 * numbers start from: both fixed by the input alone, so the fill is the same on any threads.
 */

/** A seed for one band of one round of one level. */
export function bandSeed(seed: number, level: number, round: number, band: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const v of [level, round, band]) h = Math.imul(h ^ (v + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  return h;
}

/** Rows of each band: bands of about 48 rows, at most 16, fixed by the height alone. */
export function bands(height: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(16, Math.round(height / 48)));
  const out: Array<[number, number]> = [];
  for (let b = 0; b < count; b++) out.push([Math.floor((b * height) / count), Math.floor(((b + 1) * height) / count)]);
  return out;
}
