/**
 * Decoding: bytes to oriented 8-bit sRGB pixels, with limits checked before any pixel is
 * decoded. Every failure is a coded error that says what to do.
 */
import sharp from 'sharp';

// libvips' operation cache keeps recent results for reuse; a server never decodes the same
// bytes twice, and the cache held ~40 MB of a resident server's memory (measured, issue 9).
sharp.cache(false);
import { GreenroomError } from '../errors.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import { sharedBytesSliced } from '../pixels/transfer.ts';
import { fitPixels } from './downscale.ts';
import { decodeHeic } from './heic.ts';
import { resizeDecoded } from './resize.ts';
import { sniffFormat, type InputFormat, SUPPORTED_INPUT_FORMATS } from './sniff.ts';

export { resizeForNetwork } from '../models/network-input.ts';

export interface DecodeLimits {
  /** Largest accepted width x height. */
  maxPixels: number;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** Interleaved 8-bit sRGB, EXIF orientation applied; on shared memory (the pixel pool reads it without a copy). */
  rgb: Uint8Array;
  /** The input's own alpha, when it had a channel that is not fully opaque; on shared memory. */
  alpha?: Uint8Array;
  format: InputFormat;
  /** The EXIF orientation found (1 when none), already applied to the pixels. HEIC: 1, its container's rotation applied. */
  orientation: number;
}

function corrupt(format: string, err: unknown): GreenroomError {
  const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new GreenroomError('CORRUPT_IMAGE', `The ${format.toUpperCase()} file is damaged or truncated and cannot be decoded (${detail}). Re-export or re-upload the original photo.`, { format, decoder: detail }, { cause: err });
}

/**
 * Decodes a photo. HEIC is decoded in WebAssembly: on the pixel pool when one is given (the
 * pipeline always gives it), else in this thread. With `fitPixels`, a larger photo comes out
 * scaled down to at most that many pixels, decoded small where the format allows (a JPEG's DCT
 * scaling: a 12 MP photo for a 0.25 MP preview is decoded at an eighth of its size).
 */
export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits, pixels?: PixelRunner, options: { fitPixels?: number } = {}): Promise<DecodedImage> {
  if (bytes.length === 0) {
    throw new GreenroomError('EMPTY_INPUT', 'The input is empty (0 bytes). Check that the file finished uploading or copying.');
  }
  const sniffed = sniffFormat(bytes);
  if (sniffed.kind === 'unknown') {
    throw new GreenroomError('NOT_AN_IMAGE', `The input is not a recognisable image. Supported formats: ${SUPPORTED_INPUT_FORMATS.join(', ')}.`, { bytes: bytes.length });
  }
  if (sniffed.kind === 'refused') {
    throw new GreenroomError('UNSUPPORTED_FORMAT', `Unsupported format ${sniffed.format.toUpperCase()}: ${sniffed.reason}. Supported formats: ${SUPPORTED_INPUT_FORMATS.join(', ')}.`, { format: sniffed.format });
  }
  const format = sniffed.format;
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw corrupt(format, err);
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width <= 0 || height <= 0) throw corrupt(format, new Error('no dimensions in header'));
  if (width * height > limits.maxPixels) {
    throw new GreenroomError('IMAGE_TOO_LARGE', `The image is ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP), above the limit of ${(limits.maxPixels / 1e6).toFixed(1)} MP. Downscale it first, or raise GREENROOM_MAX_PIXELS.`, { width, height, maxPixels: limits.maxPixels });
  }
  if (format === 'heic' || (meta.format === 'heif' && meta.compression !== 'av1')) {
    // libheif in WebAssembly keeps the memory it grew to: the worker that ran it is replaced after.
    const heic = pixels ? await pixels.run('decodeHeic', { bytes, maxPixels: limits.maxPixels }, { retire: true }) : await decodeHeic(bytes, limits.maxPixels);
    const decodedHeic: DecodedImage = { width: heic.width, height: heic.height, rgb: heic.rgb, ...(heic.alpha ? { alpha: heic.alpha } : {}), format: 'heic', orientation: 1 };
    const fit = options.fitPixels ? fitPixels(heic.width, heic.height, options.fitPixels) : decodedHeic;
    return fit === decodedHeic ? decodedHeic : resizeDecoded(decodedHeic, fit.width, fit.height);
  }
  const hasAlpha = meta.hasAlpha === true;
  // Orientations 5-8 swap width and height.
  const [ow, oh] = (meta.orientation ?? 1) >= 5 ? [height, width] : [width, height];
  const fit = options.fitPixels ? fitPixels(ow, oh, options.fitPixels) : undefined;
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    let pipeline = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning' }).rotate().toColourspace('srgb');
    if (fit && (fit.width !== ow || fit.height !== oh)) pipeline = pipeline.resize(fit.width, fit.height, { fit: 'fill', kernel: 'lanczos3' });
    pipeline = hasAlpha ? pipeline.ensureAlpha() : pipeline.removeAlpha();
    decoded = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw corrupt(format, err);
  }
  const { info, data } = decoded;
  const size = { width: info.width, height: info.height, format, orientation: meta.orientation ?? 1 };
  // One copy onto shared memory: from here the pixel pool's workers read it where it lies.
  if (info.channels === 3) return { ...size, rgb: await sharedBytesSliced(data) };
  const { rgb, alpha } = await splitAlpha(data, info.width, info.height);
  return { ...size, rgb, ...(alpha ? { alpha } : {}) };
}

/** Interleaved RGBA split into shared RGB and alpha by libvips (off the main thread); no alpha when every pixel is opaque. */
export async function splitAlpha(rgba: Uint8Array, width: number, height: number): Promise<{ rgb: Uint8Array; alpha?: Uint8Array }> {
  const raw = { raw: { width, height, channels: 4 as const } };
  const [rgb, alpha, stats] = await Promise.all([
    sharp(rgba, raw).removeAlpha().raw().toBuffer(),
    sharp(rgba, raw).extractChannel(3).raw().toBuffer(),
    // (stats reads the input, whatever the pipeline: the alpha is its fourth channel)
    sharp(rgba, raw).stats(),
  ]);
  const opaque = stats.channels[3]!.min === 255;
  return { rgb: await sharedBytesSliced(rgb), ...(opaque ? {} : { alpha: await sharedBytesSliced(alpha) }) };
}

/** The image's size as decoded (EXIF orientations 5-8 swap it), from its header alone; null when unreadable. */
export async function orientedDimensions(bytes: Uint8Array): Promise<{ width: number; height: number } | null> {
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    if (!meta.width || !meta.height) return null;
    const h = meta.pageHeight ?? meta.height;
    // HEIC: libheif applies the container's rotation, which sharp's header reading already reports.
    return (meta.orientation ?? 1) >= 5 && meta.format !== 'heif' ? { width: h, height: meta.width } : { width: meta.width, height: h };
  } catch {
    return null;
  }
}

/** The image's size from its header alone (no pixels decoded); null when the header cannot be read (decoding will say why). */
export async function readDimensions(bytes: Uint8Array): Promise<{ width: number; height: number } | null> {
  try {
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    return meta.width && meta.height ? { width: meta.width, height: meta.pageHeight ?? meta.height } : null;
  } catch {
    return null;
  }
}
