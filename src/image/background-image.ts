/**
 * A user's own photo as the background: decoded under the same limits and checks as any input,
 * then scaled to the frame. "fill" covers the frame (cropping the overflow, centred); "fit"
 * shows all of it over a blurred, filled copy of itself, so there are no bars. Optional blur
 * for a shallow-depth-of-field look.
 */
import sharp from 'sharp';
import type { PixelRunner } from '../pixels/pool.ts';
import { decodeImage, type DecodeLimits } from './decode.ts';

export interface ImageBackgroundRequest {
  bytes: Uint8Array;
  width: number;
  height: number;
  scaling: 'fill' | 'fit';
  /** 0..1: 1 blurs with a sigma of 3% of the frame's shorter side. */
  blur: number;
  limits: DecodeLimits;
  /** Decodes a HEIC background off the main thread. */
  pixels?: PixelRunner;
}

export async function renderImageBackground(req: ImageBackgroundRequest): Promise<Uint8Array> {
  const decoded = await decodeImage(req.bytes, req.limits, req.pixels);
  const { width, height } = req;
  const raw = { raw: { width: decoded.width, height: decoded.height, channels: 3 as const } };
  const sigma = req.blur * 0.03 * Math.min(width, height);
  const cover = sharp(decoded.rgb, raw).resize(width, height, { fit: 'cover', position: 'centre' });
  if (req.scaling === 'fill') {
    const out = sigma >= 0.3 ? cover.blur(sigma) : cover;
    return new Uint8Array(await out.raw().toBuffer());
  }
  const backdrop = await cover.blur(Math.max(8, 0.04 * Math.min(width, height))).modulate({ brightness: 0.92 }).raw().toBuffer();
  let contained = sharp(decoded.rgb, raw).resize(width, height, { fit: 'inside' });
  if (sigma >= 0.3) contained = contained.blur(sigma);
  const { data, info } = await contained.raw().toBuffer({ resolveWithObject: true });
  const out = await sharp(backdrop, { raw: { width, height, channels: 3 } })
    .composite([{ input: data, raw: { width: info.width, height: info.height, channels: 3 }, left: Math.round((width - info.width) / 2), top: Math.round((height - info.height) / 2) }])
    .raw()
    .toBuffer();
  return new Uint8Array(out);
}
