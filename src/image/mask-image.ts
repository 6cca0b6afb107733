/**
 * A retouch mask image decoded to a mask at the photo's size: any size with the photo's shape,
 * white (or opaque, when it has transparency) where the photo is to be filled. Every failure is
 * INVALID_MASK naming the field, with the decoder's own code in its details.
 */
import { GreenroomError, isGreenroomError } from '../errors.ts';
import { sameShape } from '../pipeline/hints-options.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import type { StageControl } from '../pipeline/stages.ts';
import type { MaskStats } from '../retouch/mask.ts';
import { decodeImage, type DecodeLimits } from './decode.ts';

export interface MaskImageIO {
  limits: DecodeLimits;
  pixels: PixelRunner;
  control?: StageControl;
}

/** The mask at the photo's size (on shared memory) and what it covers. */
export async function decodeMaskImage(bytes: Uint8Array, photo: { width: number; height: number }, io: MaskImageIO, field = 'mask'): Promise<{ mask: Uint8Array; stats: MaskStats }> {
  let image;
  try {
    image = await decodeImage(bytes, io.limits, io.pixels);
  } catch (err) {
    if (!isGreenroomError(err)) throw err;
    throw new GreenroomError('INVALID_MASK', `${field}: the mask cannot be used: ${err.message}`, { field, reason: 'format', decode: err.code }, { cause: err });
  }
  if (!sameShape(image.width, image.height, photo)) {
    throw new GreenroomError('INVALID_MASK', `${field}: the mask is ${image.width}x${image.height}, but the photo is ${photo.width}x${photo.height}, another shape; draw the mask on the photo (any size of the same shape).`, { field, reason: 'size', mask: { width: image.width, height: image.height }, photo: { width: photo.width, height: photo.height } });
  }
  return io.pixels.run('retouchMask', { image: { rgb: image.rgb, ...(image.alpha ? { alpha: image.alpha } : {}), width: image.width, height: image.height }, photo: { width: photo.width, height: photo.height } }, io.control ? { control: io.control } : {});
}
