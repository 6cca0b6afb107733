/**
 * Scores of a fill against the truth inside the mask: the mean absolute error (RGB, 0..255), and
 * the gradient energy (mean squared difference between neighbouring pixels, both inside the
 * mask, summed over RGB), which a smooth fill loses and a fill that keeps the texture keeps.
 */

export interface FillScore {
  /** Mean absolute error per channel inside the mask. */
  mae: number;
  /** Gradient energy inside the mask. */
  energy: number;
}

export function gradientEnergy(rgb: Uint8Array, mask: Uint8Array, width: number, height: number): number {
  let sum = 0, count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!mask[p]) continue;
      for (const q of [x + 1 < width ? p + 1 : -1, y + 1 < height ? p + width : -1]) {
        if (q < 0 || !mask[q]) continue;
        for (let c = 0; c < 3; c++) {
          const d = rgb[p * 3 + c]! - rgb[q * 3 + c]!;
          sum += d * d;
        }
        count++;
      }
    }
  }
  return count > 0 ? sum / count : 0;
}

export function scoreFill(filled: Uint8Array, truth: Uint8Array, mask: Uint8Array, width: number, height: number): FillScore {
  let err = 0, n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    n++;
    for (let c = 0; c < 3; c++) err += Math.abs(filled[i * 3 + c]! - truth[i * 3 + c]!);
  }
  return { mae: n > 0 ? err / (3 * n) : 0, energy: gradientEnergy(filled, mask, width, height) };
}

/** Pixels outside the mask that changed by more than `tolerance`, at each chamfer distance from it (1, 2, 3, 4+). */
export function changedOutside(before: Uint8Array, after: Uint8Array, distance: Float32Array, tolerance = 0): number[] {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < distance.length; i++) {
    const d = distance[i]!;
    if (d === 0) continue;
    const moved = Math.abs(before[i * 3]! - after[i * 3]!) > tolerance || Math.abs(before[i * 3 + 1]! - after[i * 3 + 1]!) > tolerance || Math.abs(before[i * 3 + 2]! - after[i * 3 + 2]!) > tolerance;
    if (moved) counts[Math.min(3, Math.ceil(d) - 1)]!++;
  }
  return counts;
}
