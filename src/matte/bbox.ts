/** The subject's bounding box from its matte, and crop regions around it. */
import type { Box } from '../image/encode.ts';

/**
 * The smallest box holding every pixel whose alpha exceeds `threshold` (0..255); null when the
 * matte is empty. The default ignores faint haze that no viewer would call part of the subject.
 */
export function subjectBox(alpha: Uint8Array, width: number, height: number, threshold = 12): Box | null {
  let minX = width, minY = height, maxX = -1, maxY = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1, last = -1;
    for (let x = 0; x < width; x++) {
      if (alpha[row + x]! > threshold) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) {
      if (first < minX) minX = first;
      if (last > maxX) maxX = last;
      if (y < minY) minY = y;
      maxY = y;
    }
  }
  return maxX < 0 ? null : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}

/** A margin around the subject: pixels, or a percentage of the subject's size ("10%"), per side. */
export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
  unit: 'px' | '%';
}

/** The subject box grown by the margin; it may reach outside the frame (the encoder pads). */
export function cropRegion(box: Box, margin: Margin): Box {
  const px = (value: number, along: number) => Math.round(margin.unit === '%' ? (value / 100) * along : value);
  const left = px(margin.left, box.width), right = px(margin.right, box.width);
  const top = px(margin.top, box.height), bottom = px(margin.bottom, box.height);
  return { x: box.x - left, y: box.y - top, width: box.width + left + right, height: box.height + top + bottom };
}

/** The union of boxes (null when all are). */
export function unionBoxes(boxes: Array<Box | null>): Box | null {
  let out: Box | null = null;
  for (const b of boxes) {
    if (!b) continue;
    if (!out) {
      out = { ...b };
      continue;
    }
    const x0 = Math.min(out.x, b.x), y0 = Math.min(out.y, b.y);
    const x1 = Math.max(out.x + out.width, b.x + b.width), y1 = Math.max(out.y + out.height, b.y + b.height);
    out = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  }
  return out;
}
