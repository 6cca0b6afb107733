/**
 * The image side of touch-up hints: a hints image decoded into keep and erase labels at the
 * photo's size, and a previous cutout (or matte) decoded into the matte to reuse. Both may be of
 * any size with the photo's shape; they are scaled to it. Every failure is a coded error that
 * names the field.
 */
import sharp from 'sharp';
import { GreenroomError, isGreenroomError } from '../errors.ts';
import type { LabelMap } from '../matte/hints.ts';
import type { PixelRunner } from '../pixels/pool.ts';
import { HINT_COLOR_TOLERANCE, sameShape, type ImageHints } from '../pipeline/hints-options.ts';
import type { StageControl } from '../pipeline/stages.ts';
import { decodeImage, type DecodedImage, type DecodeLimits } from './decode.ts';

/** What decoding a hints image or a previous cutout needs: the limits, and the pool for its pixels. */
export interface HintsImageIO {
  limits: DecodeLimits;
  pixels: PixelRunner;
  control?: StageControl;
}

interface Size {
  width: number;
  height: number;
}

async function decodeFor(bytes: Uint8Array, io: HintsImageIO, field: string, what: string, hints: boolean): Promise<DecodedImage> {
  try {
    return await decodeImage(bytes, io.limits, io.pixels);
  } catch (err) {
    if (!isGreenroomError(err)) throw err;
    const message = `${field}: the ${what} cannot be used: ${err.message}`;
    // A bad hints image is a bad hint; a bad previous cutout keeps its own code (415, 422...).
    if (hints) throw new GreenroomError('INVALID_HINTS', message, { field, reason: 'format', decode: err.code }, { cause: err });
    throw new GreenroomError(err.code.replace('GREENROOM_ERR_', '') as never, message, { ...err.details, field }, { cause: err });
  }
}

/** The keep and erase labels of a hints image, scaled to the photo. */
export async function decodeHintsImage(hints: ImageHints, photo: Size, io: HintsImageIO, field = hints.field): Promise<LabelMap> {
  const img = await decodeFor(hints.bytes, io, `${field}.image`, 'hints image', true);
  if (!sameShape(img.width, img.height, photo)) {
    throw new GreenroomError('INVALID_HINTS', `${field}.image: the hints image is ${img.width}x${img.height}, but the photo is ${photo.width}x${photo.height}, another shape; draw the hints on the photo (any size of the same shape).`, { field: `${field}.image`, reason: 'size', hints: { width: img.width, height: img.height }, photo });
  }
  // Nearest neighbour (in the pool): scaling must not blend the keep and erase colours into new ones.
  const { labels, rgba } = await io.pixels.run(
    'hintLabels',
    { rgb: img.rgb, ...(img.alpha ? { alpha: img.alpha } : {}), width: img.width, height: img.height, photo: { width: photo.width, height: photo.height }, keep: hints.keep, erase: hints.erase, tolerance: HINT_COLOR_TOLERANCE },
    io.control ? { control: io.control } : {},
  );
  if (!labels) {
    throw new GreenroomError('INVALID_HINTS', `${field}.image: no pixel is the keep colour (${hints.keepColor}) or the erase colour (${hints.eraseColor}); its commonest colours are ${commonColours(rgba!).join(', ')}. Paint with those two colours, or name yours with keepColor and eraseColor.`, { field: `${field}.image`, reason: 'empty', keepColor: hints.keepColor, eraseColor: hints.eraseColor });
  }
  return labels;
}

/** The most frequent opaque colours of an RGBA image, as hex, for an error message. */
function commonColours(rgba: Uint8Array): string[] {
  const counts = new Map<number, number>();
  for (let i = 0; i < rgba.length; i += 4 * 7) {
    if (rgba[i + 3]! < 128) continue;
    const key = ((rgba[i]! >> 3) << 10) | ((rgba[i + 1]! >> 3) << 5) | (rgba[i + 2]! >> 3);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
  if (top.length === 0) return ['none (it is transparent)'];
  return top.map(([k]) => `#${[(k >> 10) & 31, (k >> 5) & 31, k & 31].map((v) => ((v << 3) | 4).toString(16).padStart(2, '0')).join('')}`);
}

/**
 * The matte of a previous cutout, scaled to the photo: the alpha channel of a cutout with
 * transparency, or the grey level of a matte image (greenroom's channels=alpha output).
 */
export async function decodeMatte(bytes: Uint8Array, photo: Size, io: HintsImageIO, field = 'cutout.matte'): Promise<Uint8Array> {
  const img = await decodeFor(bytes, io, field, 'previous cutout', false);
  if (!sameShape(img.width, img.height, photo)) {
    throw new GreenroomError('INVALID_OPTION', `${field}: the previous cutout is ${img.width}x${img.height}, but the photo is ${photo.width}x${photo.height}, another shape; send the uncropped cutout of this photo.`, { field, reason: 'size', matte: { width: img.width, height: img.height }, photo });
  }
  // A cutout that kept everything has an alpha channel, all opaque; an opaque image is a matte drawn in grey.
  const allOpaque = !img.alpha && (await sharp(bytes).metadata()).hasAlpha === true;
  const { alpha } = await io.pixels.run(
    'matteFromImage',
    { rgb: img.rgb, ...(img.alpha ? { alpha: img.alpha } : {}), allOpaque, width: img.width, height: img.height, photo: { width: photo.width, height: photo.height } },
    io.control ? { control: io.control } : {},
  );
  return alpha;
}
