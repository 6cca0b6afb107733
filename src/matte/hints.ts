/**
 * Touch-up hints as pixels: keep and erase strokes (brush paths) and label maps. A stroke is a
 * polyline with a radius, in the photo's pixel coordinates (x right, y down, pixel (i, j) covers
 * [i, i+1) x [j, j+1)); it paints every pixel whose centre lies within `radius` of the path.
 * Pure code: typed arrays in, typed arrays out (the page bundles it too).
 */

export type HintMode = 'keep' | 'erase';

export interface Stroke {
  mode: HintMode;
  /** Brush radius in pixels of the photo. */
  radius: number;
  /** x0, y0, x1, y1, ... in pixels of the photo; one point is a dab. */
  points: ArrayLike<number>;
}

/** No opinion. */
export const LABEL_NONE = 0;
export const LABEL_KEEP = 1;
export const LABEL_ERASE = 2;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Labels (LABEL_*) over a box of the photo. */
export interface LabelMap {
  box: Box;
  labels: Uint8Array;
}

/** The pixels a stroke can touch, clipped to the frame; null when it misses the frame. */
export function strokeBox(stroke: Stroke, width: number, height: number): Box | null {
  const p = stroke.points;
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i + 1 < p.length; i += 2) {
    x0 = Math.min(x0, p[i]!);
    x1 = Math.max(x1, p[i]!);
    y0 = Math.min(y0, p[i + 1]!);
    y1 = Math.max(y1, p[i + 1]!);
  }
  return clipBox(Math.floor(x0 - stroke.radius), Math.floor(y0 - stroke.radius), Math.ceil(x1 + stroke.radius) + 1, Math.ceil(y1 + stroke.radius) + 1, width, height);
}

/** [x0, x1) x [y0, y1) clipped to the frame, or null when empty. */
export function clipBox(x0: number, y0: number, x1: number, y1: number, width: number, height: number): Box | null {
  const ax = Math.max(0, x0), ay = Math.max(0, y0);
  const bx = Math.min(width, x1), by = Math.min(height, y1);
  return bx > ax && by > ay ? { x: ax, y: ay, width: bx - ax, height: by - ay } : null;
}

export function unionBox(a: Box | null, b: Box | null): Box | null {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** The box grown by `margin` on every side, clipped to the frame. */
export function growBox(b: Box, margin: number, width: number, height: number): Box {
  return clipBox(b.x - margin, b.y - margin, b.x + b.width + margin, b.y + b.height + margin, width, height)!;
}

/**
 * Paints strokes into a label map covering their pixels (later strokes over earlier ones).
 * Returns null when no stroke touches the frame.
 */
export function rasterizeStrokes(strokes: readonly Stroke[], width: number, height: number): LabelMap | null {
  let box: Box | null = null;
  for (const s of strokes) box = unionBox(box, strokeBox(s, width, height));
  if (!box) return null;
  const labels = new Uint8Array(box.width * box.height);
  for (const s of strokes) paintStroke(labels, box, s, s.mode === 'keep' ? LABEL_KEEP : LABEL_ERASE);
  return { box, labels };
}

/** Paints one stroke's pixels with `label` into a map over `box`. */
export function paintStroke(labels: Uint8Array, box: Box, stroke: Stroke, label: number): void {
  const p = stroke.points;
  const r = stroke.radius;
  const r2 = r * r;
  const n = Math.floor(p.length / 2);
  for (let k = 0; k < Math.max(1, n - 1); k++) {
    const ax = p[2 * k]!, ay = p[2 * k + 1]!;
    const bx = n > 1 ? p[2 * k + 2]! : ax, by = n > 1 ? p[2 * k + 3]! : ay;
    const dx = bx - ax, dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const x0 = Math.max(box.x, Math.floor(Math.min(ax, bx) - r)), x1 = Math.min(box.x + box.width, Math.ceil(Math.max(ax, bx) + r) + 1);
    const y0 = Math.max(box.y, Math.floor(Math.min(ay, by) - r)), y1 = Math.min(box.y + box.height, Math.ceil(Math.max(ay, by) + r) + 1);
    for (let y = y0; y < y1; y++) {
      const py = y + 0.5;
      const row = (y - box.y) * box.width - box.x;
      for (let x = x0; x < x1; x++) {
        const px = x + 0.5;
        // Distance from the pixel centre to the segment.
        let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = ax + t * dx - px, ey = ay + t * dy - py;
        if (ex * ex + ey * ey <= r2) labels[row + x] = label;
      }
    }
  }
}

/** Counts of keep and erase pixels in a label map. */
export function countLabels(map: LabelMap): { keep: number; erase: number } {
  let keep = 0, erase = 0;
  for (const l of map.labels) {
    if (l === LABEL_KEEP) keep++;
    else if (l === LABEL_ERASE) erase++;
  }
  return { keep, erase };
}

/**
 * Labels from a hints image already at the photo's size (interleaved RGBA): pixels within
 * `tolerance` (Euclidean, 0..441) of the keep or erase colour and at least half opaque; the rest
 * is no opinion. The map covers the bounding box of the labelled pixels; null when there are none.
 */
export function labelsFromRgba(rgba: Uint8Array, width: number, height: number, keep: readonly [number, number, number], erase: readonly [number, number, number], tolerance = 60): LabelMap | null {
  const full = new Uint8Array(width * height);
  const t2 = tolerance * tolerance;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const o = i * 4;
      if (rgba[o + 3]! < 128) continue;
      const r = rgba[o]!, g = rgba[o + 1]!, b = rgba[o + 2]!;
      const dk = (r - keep[0]) ** 2 + (g - keep[1]) ** 2 + (b - keep[2]) ** 2;
      const de = (r - erase[0]) ** 2 + (g - erase[1]) ** 2 + (b - erase[2]) ** 2;
      const label = dk <= t2 && dk <= de ? LABEL_KEEP : de <= t2 ? LABEL_ERASE : LABEL_NONE;
      if (label === LABEL_NONE) continue;
      full[i] = label;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return null;
  const box = { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
  const labels = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) labels.set(full.subarray((y + y0) * width + x0, (y + y0) * width + x0 + box.width), y * box.width);
  return { box, labels };
}
