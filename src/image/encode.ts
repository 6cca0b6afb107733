/**
 * Encoding a cutout: RGBA (or the matte alone) to PNG, WebP, AVIF or JPEG, optionally laid on a
 * background colour and cropped to the subject with a margin.
 */
import sharp from 'sharp';
import type { PixelRunner } from '../pixels/pool.ts';
import type { StageControl } from '../pipeline/stages.ts';
import type { Rgba } from './color.ts';
import { assemblePng, type PngSource } from './png.ts';

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
  /** Scale the written region down to fit within fit x fit pixels (a preview; never enlarged). */
  fit?: number;
  /** The pixel pool: a whole-frame PNG is then written in parts on it (png.ts); the planes must be on shared memory. */
  pixels?: PixelRunner;
  control?: StageControl;
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
  // The common case, a whole PNG cutout (or its matte) with no colour under it: written in parts on the pool.
  if (req.pixels && req.format === 'png' && !req.region && !req.fit && !req.background) {
    const source: PngSource = req.channels === 'alpha' ? { channels: 1, grey: req.alpha } : { channels: 4, rgb: req.rgb, alpha: req.alpha };
    const data = await encodePngParts(req.pixels, source, req.width, req.height, req.control);
    return { data, format: 'png', mime: MIME_TYPES.png, width: req.width, height: req.height };
  }
  req.control?.ranOn('libvips');
  const { image, channels, background } = await cutoutImage(req);
  return place(image, channels, req, channels === 1 ? undefined : background, req.format);
}

/**
 * remove.bg's zip parts of the image encodeCutout would write: its colours as an opaque JPEG and
 * its alpha as a grey PNG, same region and size. Where the image is transparent the colours are
 * the subject's, pulled in from nearby (extendColours, on the pixel pool): the background is not kept.
 */
export async function encodeSplit(req: EncodeRequest, pixels: PixelRunner, control?: StageControl): Promise<{ color: EncodedImage; alpha: EncodedImage }> {
  control?.ranOn('libvips');
  const { width, height } = req;
  const background = req.background;
  // Laid on an opaque colour there is no transparency: the flattened colours, alpha 255 everywhere.
  const opaque = background !== undefined && background.alpha >= 1;
  let colour: sharp.Sharp;
  let alpha: Uint8Array;
  if (opaque) {
    colour = (await cutoutImage({ ...req, channels: 'rgba', format: 'jpeg' })).image;
    alpha = new Uint8Array(width * height).fill(255);
  } else {
    // The RGBA the PNG answer holds (over a translucent colour, composited), split by libvips.
    const rgbaBuffer = background ? await (await cutoutImage({ ...req, channels: 'rgba', format: 'png' })).image.raw().toBuffer() : undefined;
    const raw4 = { raw: { width, height, channels: 4 as const } };
    const [rgb, a] = rgbaBuffer ? await Promise.all([sharp(rgbaBuffer, raw4).removeAlpha().raw().toBuffer(), sharp(rgbaBuffer, raw4).extractChannel(3).raw().toBuffer()]) : [req.rgb, req.alpha];
    const filled = await pixels.run('extendColours', { rgb, alpha: a, width, height }, control ? { control } : {});
    colour = sharp(filled.rgb, { raw: { width, height, channels: 3 } });
    alpha = a;
  }
  // Padding past the photo's edge: the colour continues (copied), the alpha is the answer's there
  // (0, the colour's own alpha, or 255 on an opaque colour).
  const padAlpha = opaque ? 255 : background ? Math.round(background.alpha * 255) : 0;
  const [color, matte] = await Promise.all([
    // Full-resolution chroma: subsampled, the colours would bleed across the subject's own edges.
    place(colour, 3, { ...req, quality: req.quality ?? 95 }, undefined, 'jpeg', 'copy', true),
    place(sharp(alpha, { raw: { width, height, channels: 1 } }), 1, req, { r: padAlpha, g: padAlpha, b: padAlpha, alpha: 1 }, 'png'),
  ]);
  return { color, alpha: matte };
}

/** The image before any crop, as a sharp pipeline: RGBA, RGB laid on an opaque colour, or the grey matte. */
async function cutoutImage(req: EncodeRequest): Promise<{ image: sharp.Sharp; channels: 1 | 3 | 4; background: Rgba | undefined }> {
  const { width, height } = req;
  const alphaOnly = req.channels === 'alpha';
  const background = req.background ?? (req.format === 'jpeg' && !alphaOnly ? WHITE : undefined);
  const plane = (channels: 1 | 3 | 4) => ({ raw: { width, height, channels } }) as const;
  const rgba = () => sharp(req.rgb, plane(3)).joinChannel(asBuffer(req.alpha), plane(1));
  if (alphaOnly) return { image: sharp(req.alpha, plane(1)), channels: 1, background };
  if (background && (background.alpha >= 1 || req.format === 'jpeg')) {
    // Laid on the colour from the decontaminated colours: exact, and no alpha channel to encode.
    // (flatten runs before joinChannel within one pipeline: join first.)
    const joined = await rgba().raw().toBuffer();
    return { image: sharp(joined, plane(4)).flatten({ background: { r: background.r, g: background.g, b: background.b } }), channels: 3, background };
  }
  if (background) {
    // A translucent background colour: the cutout over it, as one RGBA layer.
    const joined = await rgba().raw().toBuffer();
    const under = { create: { width, height, channels: 4 as const, background: { r: background.r, g: background.g, b: background.b, alpha: background.alpha } } };
    return { image: sharp(await sharp(under).composite([{ input: joined, raw: { width, height, channels: 4 } }]).raw().toBuffer(), plane(4)), channels: 4, background };
  }
  return { image: sharp(await rgba().raw().toBuffer(), plane(4)), channels: 4, background };
}

/** Crops (padding past the frame), scales to fit, and encodes. */
async function place(image: sharp.Sharp, channels: 1 | 3 | 4, req: EncodeRequest, background: Rgba | undefined, format: OutputFormat, padWith?: 'copy', fullChroma = false): Promise<EncodedImage> {
  const { width, height } = req;
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
      const fill = channels === 1 ? (background ?? { r: 0, g: 0, b: 0, alpha: 1 }) : background ? { ...background, alpha: channels === 3 ? 1 : background.alpha } : { r: 0, g: 0, b: 0, alpha: 0 };
      // extract and extend in one sharp pipeline need a materialised step in between.
      image = sharp(await (channels === 1 ? image.toColourspace('b-w') : image).raw().toBuffer(), { raw: { width: right - left, height: bottom - top, channels } }).extend({ ...pad, ...(padWith ? { extendWith: padWith } : { background: fill }) });
    }
    outW = r.width;
    outH = r.height;
  }
  if (req.fit && Math.max(outW, outH) > req.fit) {
    const scaled = fitWithin({ width: outW, height: outH }, req.fit);
    // A materialised step: resize after extract/extend would apply before them in one pipeline.
    image = sharp(await image.raw().toBuffer(), { raw: { width: outW, height: outH, channels } });
    image = image.resize(scaled.width, scaled.height, { fit: 'fill', kernel: 'lanczos3' });
    outW = scaled.width;
    outH = scaled.height;
  }
  if (channels === 1) image = image.toColourspace('b-w');
  image = fullChroma && format === 'jpeg' ? image.jpeg({ quality: req.quality ?? 90, mozjpeg: false, chromaSubsampling: '4:4:4' }) : withFormat(image, format, req.quality);
  const data = await image.toBuffer();
  return { data, format, mime: MIME_TYPES[format], width: outW, height: outH };
}

/** A PNG written in rows parts side by side on the pool (png.ts): the source's planes must be on shared memory. */
export async function encodePngParts(pixels: PixelRunner, source: PngSource, width: number, height: number, control?: StageControl): Promise<Buffer> {
  const parts = Math.max(1, Math.min(pixels.parallelism, Math.floor(height / 32)));
  const rows = Array.from({ length: parts }, (_, k) => [Math.round((height * k) / parts), Math.round((height * (k + 1)) / parts)] as const);
  const done = await Promise.all(rows.map(([y0, y1], k) => pixels.run('pngPart', { source, width, y0, y1, first: k === 0, last: k === parts - 1 }, control ? { control } : {})));
  return assemblePng(width, height, source.channels, done);
}

/** The size that fits within max x max pixels with the same shape (never larger than given). */
export function fitWithin(size: { width: number; height: number }, max: number): { width: number; height: number } {
  const k = Math.min(1, max / Math.max(size.width, size.height));
  return { width: Math.max(1, Math.round(size.width * k)), height: Math.max(1, Math.round(size.height * k)) };
}

/** A Buffer over the same memory (shared or not): what sharp's joinChannel takes. */
export function asBuffer(a: Uint8Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * PNG settings when libvips writes it (a crop, a scaled preview, a colour under the cutout):
 * level 4 without adaptive filtering: 47 ms at 1.5 MP vs 61 ms for level 6, files 0.8% larger;
 * adaptive filtering makes them 40% smaller but takes 3x as long. Whole cutouts and edits are
 * written in parts on the pool instead (png.ts: the Sub filter, 25% smaller). At 12 MP the bench's
 * phone section measures both (bench/results).
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

/** Encodes a finished frame (an edit's output). JPEG gets `flatten` under transparency, never black. A PNG with the pool (and the frame on shared memory) is written in parts on it. */
export async function encodeCanvas(req: CanvasEncodeRequest, pixels?: PixelRunner, control?: StageControl): Promise<EncodedImage> {
  if (pixels && req.format === 'png' && req.data.buffer instanceof SharedArrayBuffer) {
    const data = await encodePngParts(pixels, { channels: req.channels, interleaved: req.data }, req.width, req.height, control);
    return { data, format: 'png', mime: MIME_TYPES.png, width: req.width, height: req.height };
  }
  control?.ranOn('libvips');
  let image = sharp(req.data, { raw: { width: req.width, height: req.height, channels: req.channels } });
  if (req.channels === 4 && req.format === 'jpeg') image = image.flatten({ background: { r: req.flatten.r, g: req.flatten.g, b: req.flatten.b } });
  const data = await withFormat(image, req.format, req.quality).toBuffer();
  return { data, format: req.format, mime: MIME_TYPES[req.format], width: req.width, height: req.height };
}
