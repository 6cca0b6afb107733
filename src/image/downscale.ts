/**
 * The compatibility routes' `size` (remove.bg's preview/full, Photoroom's preview/medium/hd/
 * full): a cap on output megapixels. The photo is scaled down after decoding, before the cutout,
 * as those services do (the cutout option maxPixels), which also makes small sizes cheaper.
 */

/** The largest size with the photo's aspect ratio within `maxPixels`. */
export function fitPixels(width: number, height: number, maxPixels: number): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const s = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * s)), height: Math.max(1, Math.floor(height * s)) };
}
