/**
 * A retouch mask image decoded to a mask at the photo's size: any size with the photo's shape,
 * white (or opaque, when it has transparency) where the photo is to be filled. Every failure is
 * INVALID_MASK naming the field, with the decoder's own code in its details.
 *
 * libvips decodes it once, in whatever channels it has, without colour conversion; the pool
 * scales it to the photo (nearest neighbour: an edge never turns grey), thresholds it and counts
 * it in one pass. HEIC masks go through the full decoder (on the pool).
 */
import sharp from 'sharp';
import { GreenroomError, isGreenroomError } from '../errors.ts';
import { sameShape } from '../pipeline/hints-options.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import { sharedBytes } from '../pixels/transfer.ts';
import type { StageControl } from '../pipeline/stages.ts';
import type { MaskStats } from '../retouch/mask.ts';
import { decodeImage, type DecodeLimits } from './decode.ts';
import { sniffFormat, SUPPORTED_INPUT_FORMATS } from './sniff.ts';

export interface MaskImageIO {
  limits: DecodeLimits;
  pixels: PixelRunner;
  control?: StageControl;
}

const unusable = (field: string, message: string, code: string, extra: Record<string, unknown> = {}, cause?: unknown) =>
  new GreenroomError('INVALID_MASK', `${field}: the mask cannot be used: ${message}`, { field, reason: 'format', decode: code, ...extra }, cause ? { cause } : undefined);

/** The mask at the photo's size (1 byte a pixel, nonzero to fill, on shared memory) and how much it covers. */
export async function decodeMaskImage(bytes: Uint8Array, photo: { width: number; height: number }, io: MaskImageIO, field = 'mask'): Promise<{ mask: Uint8Array; stats: Pick<MaskStats, 'pixels' | 'share'> }> {
  const sniffed = sniffFormat(bytes);
  if (bytes.length === 0) throw unusable(field, 'the file is empty (0 bytes).', 'GREENROOM_ERR_EMPTY_INPUT');
  if (sniffed.kind === 'unknown') throw unusable(field, `it is not a recognisable image (supported: ${SUPPORTED_INPUT_FORMATS.join(', ')}).`, 'GREENROOM_ERR_NOT_AN_IMAGE');
  if (sniffed.kind === 'refused') throw unusable(field, `${sniffed.format.toUpperCase()}: ${sniffed.reason}.`, 'GREENROOM_ERR_UNSUPPORTED_FORMAT');
  if (sniffed.format === 'heic') return viaDecoder(bytes, photo, io, field);
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw unusable(field, `the ${sniffed.format.toUpperCase()} file is damaged or truncated (${(err as Error).message.split('\n')[0]}).`, 'GREENROOM_ERR_CORRUPT_IMAGE', {}, err);
  }
  if (meta.format === 'heif') return viaDecoder(bytes, photo, io, field);
  // The size as the photo's decoder would see it: EXIF orientations 5-8 swap the sides.
  const w0 = meta.width ?? 0, h0 = meta.pageHeight ?? meta.height ?? 0;
  const [width, height] = (meta.orientation ?? 1) >= 5 ? [h0, w0] : [w0, h0];
  if (width <= 0 || height <= 0) throw unusable(field, 'no dimensions in its header.', 'GREENROOM_ERR_CORRUPT_IMAGE');
  if (width * height > io.limits.maxPixels) throw unusable(field, `it is ${width}x${height}, above the limit of ${(io.limits.maxPixels / 1e6).toFixed(1)} MP.`, 'GREENROOM_ERR_IMAGE_TOO_LARGE');
  checkShape(width, height, photo, field);
  let raw: { data: Buffer; info: sharp.OutputInfo };
  try {
    // One decode, no colour conversion: the channels as they are (grey, RGB, with alpha or not).
    raw = await sharp(bytes, { limitInputPixels: io.limits.maxPixels, failOn: 'warning' }).rotate().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (err) {
    throw unusable(field, `the ${sniffed.format.toUpperCase()} file is damaged or truncated (${(err as Error).message.split('\n')[0]}).`, 'GREENROOM_ERR_CORRUPT_IMAGE', {}, err);
  }
  const { data, info } = raw;
  // Handed to the pool without a copy: the buffer moves when it is its own, else it is shared.
  const own = data.byteOffset === 0 && data.buffer.byteLength === data.length && data.buffer instanceof ArrayBuffer;
  const pixelsIn = own ? new Uint8Array(data.buffer, 0, data.length) : sharedBytes(data);
  const { mask, pixels } = await io.pixels.run('retouchMaskRaw', { data: pixelsIn, channels: info.channels, width: info.width, height: info.height, photo: { width: photo.width, height: photo.height } }, { ...(io.control ? { control: io.control } : {}), ...(own ? { transfer: [data.buffer as ArrayBuffer] } : {}) });
  return { mask, stats: { pixels, share: pixels / (photo.width * photo.height) } };
}

function checkShape(width: number, height: number, photo: { width: number; height: number }, field: string): void {
  if (sameShape(width, height, photo)) return;
  throw new GreenroomError('INVALID_MASK', `${field}: the mask is ${width}x${height}, but the photo is ${photo.width}x${photo.height}, another shape; draw the mask on the photo (any size of the same shape).`, { field, reason: 'size', mask: { width, height }, photo: { width: photo.width, height: photo.height } });
}

/** A mask in a format libvips cannot read here (HEIC): the full decoder, then the pool's scaling. */
async function viaDecoder(bytes: Uint8Array, photo: { width: number; height: number }, io: MaskImageIO, field: string): Promise<{ mask: Uint8Array; stats: Pick<MaskStats, 'pixels' | 'share'> }> {
  let image;
  try {
    image = await decodeImage(bytes, io.limits, io.pixels);
  } catch (err) {
    if (!isGreenroomError(err)) throw err;
    throw unusable(field, err.message, err.code, {}, err);
  }
  checkShape(image.width, image.height, photo, field);
  return io.pixels.run('retouchMask', { image: { rgb: image.rgb, ...(image.alpha ? { alpha: image.alpha } : {}), width: image.width, height: image.height }, photo: { width: photo.width, height: photo.height } }, io.control ? { control: io.control } : {});
}
