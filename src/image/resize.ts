/**
 * Scaling a decoded photo down to the size an edit needs, with sharp (libvips' reducers: an
 * antialiased, multi-threaded resample). An edit into a 2000 x 2000 frame of a 12 MP phone photo
 * needs the subject at no more pixels than it will occupy there, so refinement, decontamination
 * and the final placement work on a third of the pixels.
 */
import sharp from 'sharp';
import { sharedBytesSliced } from '../pixels/transfer.ts';
import { splitAlpha, type DecodedImage } from './decode.ts';
import { asBuffer } from './encode.ts';

/** The photo at width x height (aspect as given by the caller); its own alpha, if any, scaled with it. */
export async function resizeDecoded(image: DecodedImage, width: number, height: number): Promise<DecodedImage> {
  if (width === image.width && height === image.height) return image;
  const raw = (channels: 1 | 3) => ({ raw: { width: image.width, height: image.height, channels } });
  let pipeline = sharp(image.rgb, raw(3));
  if (image.alpha) pipeline = sharp(await pipeline.joinChannel(asBuffer(image.alpha), raw(1)).raw().toBuffer(), { raw: { width: image.width, height: image.height, channels: 4 } });
  const data = await pipeline.resize(width, height, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
  if (!image.alpha) return { ...image, width, height, rgb: await sharedBytesSliced(data) };
  const { rgb, alpha } = await splitAlpha(data, width, height);
  return { ...image, width, height, rgb, ...(alpha ? { alpha } : {}) };
}
