/**
 * The pixels the touch-up editor works on, decoded in the page: the original photo's colours
 * (what the solver follows) and the cutout's matte and colours (what it changes). Photos above
 * MAX_PIXELS are worked on at a smaller size; strokes are still recorded in the photo's pixels,
 * and the server applies them at full size.
 */

/** Largest working size in the page (the server always works at the photo's size). */
export const MAX_PIXELS = 6_000_000;

export interface TouchupImages {
  /** The photo's size, which strokes are recorded in. */
  photoWidth: number;
  photoHeight: number;
  /** The working size in the page. */
  width: number;
  height: number;
  /** Working pixels per photo pixel (1 unless the photo is very large). */
  scale: number;
  /** The photo's colours, interleaved RGB. */
  rgb: Uint8Array;
  /** The cutout's matte. */
  alpha: Uint8Array;
  /** What the editor shows: the cutout's colours where it kept something, the photo's elsewhere (for what a keep brings back). */
  display: Uint8ClampedArray<ArrayBuffer>;
}

async function pixels(blob: Blob, width: number, height: number): Promise<Uint8ClampedArray> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return ctx.getImageData(0, 0, width, height).data;
}

async function sizeOf(blob: Blob): Promise<{ width: number; height: number }> {
  const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}

export async function loadTouchupImages(photo: Blob, cutout: Blob): Promise<TouchupImages> {
  const [p, c] = await Promise.all([sizeOf(photo), sizeOf(cutout)]);
  if (p.width !== c.width || p.height !== c.height) {
    throw new Error(`the cutout is ${c.width}x${c.height} but the photo ${p.width}x${p.height}; cut it out again`);
  }
  const scale = Math.min(1, Math.sqrt(MAX_PIXELS / (p.width * p.height)));
  const width = Math.max(1, Math.round(p.width * scale)), height = Math.max(1, Math.round(p.height * scale));
  const [photoPx, cutoutPx] = await Promise.all([pixels(photo, width, height), pixels(cutout, width, height)]);
  const n = width * height;
  const rgb = new Uint8Array(n * 3);
  const alpha = new Uint8Array(n);
  const display = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const a = cutoutPx[i * 4 + 3]!;
    alpha[i] = a;
    // A canvas keeps colours premultiplied: below ~16 the cutout's colours are too coarse to show.
    const from = a >= 16 ? cutoutPx : photoPx;
    for (let k = 0; k < 3; k++) {
      rgb[i * 3 + k] = photoPx[i * 4 + k]!;
      display[i * 4 + k] = from[i * 4 + k]!;
    }
    display[i * 4 + 3] = a;
  }
  return { photoWidth: p.width, photoHeight: p.height, width, height, scale: width / p.width, rgb, alpha, display };
}
