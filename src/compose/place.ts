/**
 * Placing the cutout in the output frame: the subject's region of the full-resolution cutout,
 * resampled by sharp (alpha-premultiplied, so no dark fringes) to its laid-out size, and
 * clipped to the frame.
 */
import sharp from 'sharp';
import type { Box } from './encode.ts';

export interface Layer {
  /** The layer's position and size in the output frame (inside it). */
  x: number;
  y: number;
  width: number;
  height: number;
  /** width*height*3 colour (not premultiplied) and width*height alpha. */
  rgb: Uint8Array;
  alpha: Uint8Array;
}

export interface PlaceRequest {
  source: { width: number; height: number; rgb: Uint8Array; alpha: Uint8Array };
  /** The region of the source to carry (the subject's box, grown a little for its soft edge). */
  region: Box;
  scale: number;
  originX: number;
  originY: number;
  frame: { width: number; height: number };
}

export async function placeSubject(req: PlaceRequest): Promise<Layer | null> {
  const { source, scale, frame } = req;
  const r = clip(req.region, source.width, source.height);
  if (!r) return null;
  // Destination rectangle of the region, snapped to whole pixels.
  const dx0 = Math.round(req.originX + r.x * scale), dy0 = Math.round(req.originY + r.y * scale);
  const dw = Math.max(1, Math.round(req.originX + (r.x + r.width) * scale) - dx0);
  const dh = Math.max(1, Math.round(req.originY + (r.y + r.height) * scale) - dy0);
  const visible = clip({ x: dx0, y: dy0, width: dw, height: dh }, frame.width, frame.height);
  if (!visible) return null;

  const rgba = new Uint8Array(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) {
    let s = (r.y + y) * source.width + r.x;
    let d = y * r.width * 4;
    for (let x = 0; x < r.width; x++, s++, d += 4) {
      rgba[d] = source.rgb[s * 3]!;
      rgba[d + 1] = source.rgb[s * 3 + 1]!;
      rgba[d + 2] = source.rgb[s * 3 + 2]!;
      rgba[d + 3] = source.alpha[s]!;
    }
  }
  let img = sharp(rgba, { raw: { width: r.width, height: r.height, channels: 4 } });
  if (dw !== r.width || dh !== r.height) img = img.resize(dw, dh, { fit: 'fill', kernel: scale < 1 ? 'lanczos3' : 'mitchell' });
  if (visible.width !== dw || visible.height !== dh) {
    img = sharp(await img.raw().toBuffer(), { raw: { width: dw, height: dh, channels: 4 } }).extract({ left: visible.x - dx0, top: visible.y - dy0, width: visible.width, height: visible.height });
  }
  const out = await img.raw().toBuffer();
  const n = visible.width * visible.height;
  const rgb = new Uint8Array(n * 3);
  const alpha = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = out[i * 4]!;
    rgb[i * 3 + 1] = out[i * 4 + 1]!;
    rgb[i * 3 + 2] = out[i * 4 + 2]!;
    alpha[i] = out[i * 4 + 3]!;
  }
  return { ...visible, rgb, alpha };
}

function clip(b: Box, width: number, height: number): Box | null {
  const x0 = Math.max(0, b.x), y0 = Math.max(0, b.y);
  const x1 = Math.min(width, b.x + b.width), y1 = Math.min(height, b.y + b.height);
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : null;
}
