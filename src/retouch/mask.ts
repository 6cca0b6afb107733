/**
 * Masks: where the photo is to be filled, one byte per pixel of the photo (1: fill). A mask comes
 * from a mask image of any size with the photo's shape (white, or opaque when it has transparency,
 * means fill) or from brush strokes in the touch-up format (erase strokes paint the mask, keep
 * strokes take their pixels back out, later strokes over earlier ones).
 */
import { clipBox, paintStroke, type Stroke } from '../matte/hints.ts';
import type { Box } from './types.ts';

/** A mask image's pixels (interleaved RGB, and alpha when it has transparency). */
export interface MaskPixels {
  rgb: Uint8Array;
  alpha?: Uint8Array;
  width: number;
  height: number;
}

export interface MaskStats {
  /** Pixels to fill. */
  pixels: number;
  /** Their share of the photo, 0..1. */
  share: number;
  /** Their bounding box; null when there are none. */
  box: Box | null;
}

/** The mask at the photo's size from a mask image (nearest neighbour: an edge never turns grey). */
export function maskFromImage(image: MaskPixels, photo: { width: number; height: number }, into: Uint8Array = new Uint8Array(photo.width * photo.height)): Uint8Array {
  const { width: iw, height: ih } = image;
  // Transparency decides when the image has some (opaque strokes of any colour on a clear layer);
  // an opaque image is read by its brightness (white on black).
  let clear = false;
  if (image.alpha) for (let i = 0; i < image.alpha.length && !clear; i++) clear = image.alpha[i]! < 128;
  const alpha = clear ? image.alpha : undefined;
  for (let y = 0; y < photo.height; y++) {
    const sy = Math.min(ih - 1, Math.floor(((y + 0.5) * ih) / photo.height));
    for (let x = 0; x < photo.width; x++) {
      const sx = Math.min(iw - 1, Math.floor(((x + 0.5) * iw) / photo.width));
      const s = sy * iw + sx;
      const on = alpha ? alpha[s]! >= 128 : 0.2126 * image.rgb[s * 3]! + 0.7152 * image.rgb[s * 3 + 1]! + 0.0722 * image.rgb[s * 3 + 2]! >= 128;
      into[y * photo.width + x] = on ? 1 : 0;
    }
  }
  return into;
}

/**
 * The mask at the photo's size from a decoded mask image's raw pixels with any number of
 * channels (1 grey, 2 grey and alpha, 3 RGB, 4 RGBA), as libvips hands them over; and how many
 * pixels it covers. The same rules as `maskFromImage`.
 */
export function maskFromRaw(data: Uint8Array, channels: number, width: number, height: number, photo: { width: number; height: number }, into: Uint8Array = new Uint8Array(photo.width * photo.height)): number {
  const hasAlpha = channels === 2 || channels === 4;
  let clear = false;
  if (hasAlpha) for (let i = channels - 1; i < data.length && !clear; i += channels) clear = data[i]! < 128;
  const xs = new Int32Array(photo.width);
  for (let x = 0; x < photo.width; x++) xs[x] = Math.min(width - 1, Math.floor(((x + 0.5) * width) / photo.width)) * channels;
  let pixels = 0;
  for (let y = 0; y < photo.height; y++) {
    const row = Math.min(height - 1, Math.floor(((y + 0.5) * height) / photo.height)) * width * channels;
    const out = y * photo.width;
    for (let x = 0; x < photo.width; x++) {
      const s = row + xs[x]!;
      const on = clear ? data[s + channels - 1]! >= 128 : channels >= 3 ? 0.2126 * data[s]! + 0.7152 * data[s + 1]! + 0.0722 * data[s + 2]! >= 128 : data[s]! >= 128;
      into[out + x] = on ? 1 : 0;
      if (on) pixels++;
    }
  }
  return pixels;
}

/** Strokes (in the photo's pixels) painted into a mask: erase adds, keep takes back. */
export function maskFromStrokes(strokes: readonly Stroke[], width: number, height: number, into: Uint8Array = new Uint8Array(width * height)): Uint8Array {
  const frame = { x: 0, y: 0, width, height };
  for (const s of strokes) paintStroke(into, frame, s, s.mode === 'erase' ? 1 : 0);
  return into;
}

/** How much of the photo a mask covers, and where. */
export function maskStats(mask: Uint8Array, width: number, height: number): MaskStats {
  let pixels = 0, x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (!mask[row + x]) continue;
      pixels++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      y1 = y;
    }
  }
  return { pixels, share: pixels / (width * height), box: pixels ? clipBox(x0, y0, x1 + 1, y1 + 1, width, height) : null };
}
