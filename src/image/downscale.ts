/**
 * The compatibility routes' `size` (remove.bg's preview/full, Photoroom's preview/medium/hd/
 * full): a cap on output megapixels. The photo is scaled down before the cutout, as those
 * services do, which also makes small sizes cheaper. Anything that is not a readable image
 * within the pixel limit passes through untouched, so the pipeline reports it with its own
 * coded error.
 */
import sharp from 'sharp';
import { readDimensions } from './decode.ts';

/** The largest size with the photo's aspect ratio within `maxPixels`. */
export function fitPixels(width: number, height: number, maxPixels: number): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const s = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * s)), height: Math.max(1, Math.floor(height * s)) };
}

/** The photo scaled to at most `targetPixels` (orientation applied, alpha kept, lossless PNG), or the bytes as they came. */
export async function downscaleToPixels(bytes: Uint8Array, targetPixels: number, limitPixels: number): Promise<Uint8Array> {
  const dims = await readDimensions(bytes);
  if (!dims || dims.width * dims.height <= targetPixels || dims.width * dims.height > limitPixels) return bytes;
  try {
    const image = sharp(bytes, { limitInputPixels: limitPixels, failOn: 'warning' }).rotate();
    const meta = await sharp(bytes, { limitInputPixels: limitPixels }).metadata();
    // Orientations 5-8 swap width and height.
    const [w, h] = (meta.orientation ?? 1) >= 5 ? [dims.height, dims.width] : [dims.width, dims.height];
    const size = fitPixels(w, h, targetPixels);
    return await image.resize(size.width, size.height, { fit: 'fill' }).png({ compressionLevel: 1 }).toBuffer();
  } catch {
    return bytes; // the pipeline's decoder will say what is wrong with it
  }
}
