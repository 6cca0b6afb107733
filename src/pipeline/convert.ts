/**
 * A photo as a browser or any tool can show it: decoded like every input (orientation applied,
 * sRGB, HEIC included), optionally scaled down, written as JPEG, PNG or WebP. The web studio uses
 * it for photos the browser cannot decode itself (HEIC on most browsers), so the card, the
 * before/after and the touch-up editor show and work on the same pixels the server does.
 */
import { decodeImage, type DecodeLimits } from '../image/decode.ts';
import { fitPixels } from '../image/downscale.ts';
import { asBuffer, encodeCanvas, type EncodedImage } from '../image/encode.ts';
import { resizeDecoded } from '../image/resize.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import { StageRecorder, type StageTiming } from './stages.ts';
import sharp from 'sharp';

export const CONVERT_FORMATS = ['jpeg', 'png', 'webp'] as const;

export interface ConvertOptions {
  format: (typeof CONVERT_FORMATS)[number];
  /** 1..100 for JPEG and WebP (default 92). */
  quality?: number;
  /** Scale down to at most this many pixels. */
  maxPixels?: number;
}

export interface ConvertResult {
  image: EncodedImage;
  source: { width: number; height: number; format: string };
  stages: StageTiming[];
  totalMs: number;
}

export async function runConvert(bytes: Uint8Array, options: ConvertOptions, deps: { limits: DecodeLimits; pixels: PixelRunner }): Promise<ConvertResult> {
  const stages = new StageRecorder();
  const decoded = await stages.time('decode', async (control) => {
    control.ranOn('libvips');
    const d = await decodeImage(bytes, deps.limits, deps.pixels);
    if (d.format === 'heic') control.ranOn('pool');
    const size = options.maxPixels ? fitPixels(d.width, d.height, options.maxPixels) : d;
    return size === d ? d : resizeDecoded(d, size.width, size.height);
  });
  const image = await stages.time('encode', async (control) => {
    control.ranOn('libvips');
    const { width, height } = decoded;
    const raw = (channels: 1 | 3) => ({ raw: { width, height, channels } });
    // JPEG has no alpha: laid on white, as a cutout on JPEG is.
    if (decoded.alpha && options.format !== 'jpeg') {
      const rgba = await sharp(decoded.rgb, raw(3)).joinChannel(asBuffer(decoded.alpha), raw(1)).raw().toBuffer();
      return encodeCanvas({ width, height, channels: 4, data: rgba, format: options.format, quality: options.quality ?? 92, flatten: { r: 255, g: 255, b: 255, alpha: 1 } });
    }
    return encodeCanvas({ width, height, channels: 3, data: decoded.rgb, format: options.format, quality: options.quality ?? 92, flatten: { r: 255, g: 255, b: 255, alpha: 1 } });
  });
  return { image, source: { width: decoded.width, height: decoded.height, format: decoded.format }, stages: stages.stages, totalMs: stages.totalMs };
}
