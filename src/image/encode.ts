/**
 * Encoding a cutout: RGBA (or the matte alone) to PNG, WebP, AVIF or JPEG, optionally laid on a
 * background colour and cropped to the subject with a margin.
 */
import sharp from 'sharp';
import type { Rgba } from './color.ts';

export const OUTPUT_FORMATS = ['png', 'webp', 'avif', 'jpeg'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const MIME_TYPES: Record<OutputFormat, string> = {
  png: 'image/png',
  webp: 'image/webp',
  avif: 'image/avif',
  jpeg: 'image/jpeg',
};

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface EncodeRequest {
  width: number;
  height: number;
  /** Interleaved foreground colour. */
  rgb: Uint8Array;
  /** The matte, 0..255. */
  alpha: Uint8Array;
  format: OutputFormat;
  /** 'alpha' writes the matte alone as a grayscale image. */
  channels: 'rgba' | 'alpha';
  /** Lays the cutout on this colour (always applied for JPEG, white when not given). */
  background?: Rgba;
  /** The region to write, in source pixels; may reach outside the frame (filled transparent or with the background). */
  region?: Box;
  /** 1..100, for lossy formats. */
  quality?: number;
}

export interface EncodedImage {
  data: Buffer;
  format: OutputFormat;
  mime: string;
  width: number;
  height: number;
}

const WHITE: Rgba = { r: 255, g: 255, b: 255, alpha: 1 };

/**
 * Every pixel operation here runs in libvips (off the main thread): the channels are joined, laid
 * on a background colour or composited over a translucent one by sharp, never in a JS loop.
 */
export async function encodeCutout(req: EncodeRequest): Promise<EncodedImage> {
  const { width, height } = req;
  const alphaOnly = req.channels === 'alpha';
  const background = req.background ?? (req.format === 'jpeg' && !alphaOnly ? WHITE : undefined);
  const plane = (channels: 1 | 3 | 4) => ({ raw: { width, height, channels } }) as const;
  const rgba = () => sharp(req.rgb, plane(3)).joinChannel(asBuffer(req.alpha), plane(1));
  let image: sharp.Sharp;
  let channels: 1 | 3 | 4;
  if (alphaOnly) {
    image = sharp(req.alpha, plane(1));
    channels = 1;
  } else if (background && (background.alpha >= 1 || req.format === 'jpeg')) {
    // Laid on the colour from the decontaminated colours: exact, and no alpha channel to encode.
    // (flatten runs before joinChannel within one pipeline: join first.)
    const joined = await rgba().raw().toBuffer();
    image = sharp(joined, plane(4)).flatten({ background: { r: background.r, g: background.g, b: background.b } });
    channels = 3;
  } else if (background) {
    // A translucent background colour: the cutout over it, as one RGBA layer.
    const joined = await rgba().raw().toBuffer();
    const under = { create: { width, height, channels: 4 as const, background: { r: background.r, g: background.g, b: background.b, alpha: background.alpha } } };
    image = sharp(await sharp(under).composite([{ input: joined, raw: { width, height, channels: 4 } }]).raw().toBuffer(), plane(4));
    channels = 4;
  } else {
    image = sharp(await rgba().raw().toBuffer(), plane(4));
    channels = 4;
  }

  let outW = width;
  let outH = height;
  if (req.region) {
    const r = req.region;
    const left = Math.max(0, r.x), top = Math.max(0, r.y);
    const right = Math.min(width, r.x + r.width), bottom = Math.min(height, r.y + r.height);
    image = image.extract({ left, top, width: right - left, height: bottom - top });
    const pad = { left: left - r.x, top: top - r.y, right: r.x + r.width - right, bottom: r.y + r.height - bottom };
    if (pad.left || pad.top || pad.right || pad.bottom) {
      // Padding continues the background: black for a matte, the colour (with its own alpha) when
      // one is set, transparent otherwise.
      const fill = channels === 1 ? { r: 0, g: 0, b: 0, alpha: 1 } : background ? { ...background, alpha: channels === 3 ? 1 : background.alpha } : { r: 0, g: 0, b: 0, alpha: 0 };
      // extract and extend in one sharp pipeline need a materialised step in between.
      image = sharp(await (channels === 1 ? image.toColourspace('b-w') : image).raw().toBuffer(), { raw: { width: right - left, height: bottom - top, channels } }).extend({ ...pad, background: fill });
    }
    outW = r.width;
    outH = r.height;
  }
  if (channels === 1) image = image.toColourspace('b-w');
  image = withFormat(image, req.format, req.quality);
  const data = await image.toBuffer();
  return { data, format: req.format, mime: MIME_TYPES[req.format], width: outW, height: outH };
}

/** A Buffer over the same memory (shared or not): what sharp's joinChannel takes. */
export function asBuffer(a: Uint8Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * PNG settings for cutouts and edits: level 4 without adaptive filtering: 47 ms at 1.5 MP vs 61 ms
 * for level 6, files 0.8% larger; adaptive filtering makes them 40% smaller but takes 3x as long.
 * At 12 MP the bench's phone section measures every level (bench/results).
 */
export const SHIPPED_PNG = { compressionLevel: 4, adaptiveFiltering: false } as const;

/** The encoder settings for each format, shared by cutouts and edits. */
function withFormat(image: sharp.Sharp, format: OutputFormat, q: number | undefined): sharp.Sharp {
  switch (format) {
    case 'png':
      return image.png(SHIPPED_PNG);
    case 'webp':
      return image.webp({ quality: q ?? 90, alphaQuality: 100, effort: 4 });
    case 'avif':
      return image.avif({ quality: q ?? 60, effort: 2 });
    case 'jpeg':
      return image.jpeg({ quality: q ?? 90, mozjpeg: false });
  }
}

export interface CanvasEncodeRequest {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
  format: OutputFormat;
  quality?: number;
  /** What a transparent canvas is laid on for JPEG (which has no alpha). */
  flatten: Rgba;
}

/** Encodes a finished frame (an edit's output). JPEG gets `flatten` under transparency, never black. */
export async function encodeCanvas(req: CanvasEncodeRequest): Promise<EncodedImage> {
  let image = sharp(req.data, { raw: { width: req.width, height: req.height, channels: req.channels } });
  if (req.channels === 4 && req.format === 'jpeg') image = image.flatten({ background: { r: req.flatten.r, g: req.flatten.g, b: req.flatten.b } });
  const data = await withFormat(image, req.format, req.quality).toBuffer();
  return { data, format: req.format, mime: MIME_TYPES[req.format], width: req.width, height: req.height };
}
