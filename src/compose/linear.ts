/** sRGB <-> linear light lookup tables, for darkening and relighting in light rather than in gamma. */

/** Linear value 0..1 of each 8-bit sRGB code. */
export const TO_LINEAR = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  TO_LINEAR[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

const STEPS = 4096;
const TO_SRGB = new Uint8Array(STEPS + 1);
for (let i = 0; i <= STEPS; i++) {
  const l = i / STEPS;
  const c = l <= 0.0031308 ? l * 12.92 : 1.055 * l ** (1 / 2.4) - 0.055;
  TO_SRGB[i] = Math.round(Math.min(1, Math.max(0, c)) * 255);
}

/** 8-bit sRGB code of a linear value (clamped to 0..1). */
export function toSrgb(linear: number): number {
  return TO_SRGB[Math.round(Math.min(1, Math.max(0, linear)) * STEPS)]!;
}
