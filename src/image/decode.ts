/**
 * Decoding: bytes to oriented 8-bit sRGB pixels, with limits checked before any pixel is
 * decoded. Every failure is a coded error that says what to do.
 */
import sharp from 'sharp';

// libvips' operation cache keeps recent results for reuse; a server never decodes the same
// bytes twice, and the cache held ~40 MB of a resident server's memory (measured, issue 9).
sharp.cache(false);
import { GreenroomError } from '../errors.ts';
import { layOnWhite, resizeRgbBilinear } from '../matte/resample.ts';
import { sniffFormat, type InputFormat, SUPPORTED_INPUT_FORMATS } from './sniff.ts';

export interface DecodeLimits {
  /** Largest accepted width x height. */
  maxPixels: number;
}

export interface DecodedImage {
  width: number;
  height: number;
  /** Interleaved 8-bit sRGB, EXIF orientation applied. */
  rgb: Uint8Array;
  /** The input's own alpha, when it had a channel that is not fully opaque. */
  alpha?: Uint8Array;
  format: InputFormat;
  /** The EXIF orientation found (1 when none), already applied to the pixels. */
  orientation: number;
}

function corrupt(format: string, err: unknown): GreenroomError {
  const detail = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new GreenroomError('CORRUPT_IMAGE', `The ${format.toUpperCase()} file is damaged or truncated and cannot be decoded (${detail}). Re-export or re-upload the original photo.`, { format, decoder: detail }, { cause: err });
}

export async function decodeImage(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
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
  if (meta.format === 'heif' && meta.compression === 'hevc') {
    throw new GreenroomError('UNSUPPORTED_FORMAT', 'Unsupported format HEIC: HEVC-compressed images cannot be decoded by this build of sharp; export the photo as JPEG or PNG.', { format: 'heic' });
  }
  const width = meta.width ?? 0;
  const height = meta.pageHeight ?? meta.height ?? 0;
  if (width <= 0 || height <= 0) throw corrupt(format, new Error('no dimensions in header'));
  if (width * height > limits.maxPixels) {
    throw new GreenroomError('IMAGE_TOO_LARGE', `The image is ${width}x${height} (${((width * height) / 1e6).toFixed(1)} MP), above the limit of ${(limits.maxPixels / 1e6).toFixed(1)} MP. Downscale it first, or raise GREENROOM_MAX_PIXELS.`, { width, height, maxPixels: limits.maxPixels });
  }
  const hasAlpha = meta.hasAlpha === true;
  let decoded: { data: Buffer; info: sharp.OutputInfo };
  try {
    let pipeline = sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'warning' }).rotate().toColourspace('srgb');
    pipeline = hasAlpha ? pipeline.ensureAlpha() : pipeline.removeAlpha();
    decoded = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw corrupt(format, err);
  }
  const { info, data } = decoded;
  const n = info.width * info.height;
  if (info.channels === 3) return { width: info.width, height: info.height, rgb: data, format, orientation: meta.orientation ?? 1 };
  const rgb = new Uint8Array(n * 3);
  const alpha = new Uint8Array(n);
  let opaque = true;
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = data[i * 4]!;
    rgb[i * 3 + 1] = data[i * 4 + 1]!;
    rgb[i * 3 + 2] = data[i * 4 + 2]!;
    const a = data[i * 4 + 3]!;
    alpha[i] = a;
    if (a !== 255) opaque = false;
  }
  return { width: info.width, height: info.height, rgb, ...(opaque ? {} : { alpha }), format, orientation: meta.orientation ?? 1 };
}

/**
 * The photo resized (aspect ignored, as the network was trained) to size x size RGB, with any
 * transparent parts laid on white, ready for the network's normalisation. Plain bilinear, as in
 * training (see resizeRgbBilinear): sharp's antialiased kernels gave the network blurrier input.
 */
export function resizeForNetwork(image: DecodedImage, size: number): Uint8Array {
  const rgb = image.alpha ? layOnWhite(image.rgb, image.alpha) : image.rgb;
  return resizeRgbBilinear(rgb, image.width, image.height, size, size);
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
