/**
 * Scaling a decoded photo down to the size an edit needs, with sharp (libvips' reducers: an
 * antialiased, multi-threaded resample). An edit into a 2000 x 2000 frame of a 12 MP phone photo
 * needs the subject at no more pixels than it will occupy there, so refinement, decontamination
 * and the final placement work on a third of the pixels.
 */
import sharp from 'sharp';
import type { DecodedImage } from './decode.ts';

/** The photo at width x height (aspect as given by the caller); its own alpha, if any, scaled with it. */
export async function resizeDecoded(image: DecodedImage, width: number, height: number): Promise<DecodedImage> {
  if (width === image.width && height === image.height) return image;
  const channels = image.alpha ? 4 : 3;
  let pixels: Uint8Array = image.rgb;
  if (image.alpha) {
    pixels = new Uint8Array(image.width * image.height * 4);
    for (let i = 0, j = 0; i < image.alpha.length; i++, j += 4) {
      pixels[j] = image.rgb[i * 3]!;
      pixels[j + 1] = image.rgb[i * 3 + 1]!;
      pixels[j + 2] = image.rgb[i * 3 + 2]!;
      pixels[j + 3] = image.alpha[i]!;
    }
  }
  const { data } = await sharp(pixels, { raw: { width: image.width, height: image.height, channels } })
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const out = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (!image.alpha) return { ...image, width, height, rgb: out };
  const rgb = new Uint8Array(width * height * 3);
  const alpha = new Uint8Array(width * height);
  for (let i = 0, j = 0; i < alpha.length; i++, j += 4) {
    rgb[i * 3] = out[j]!;
    rgb[i * 3 + 1] = out[j + 1]!;
    rgb[i * 3 + 2] = out[j + 2]!;
    alpha[i] = out[j + 3]!;
  }
  return { ...image, width, height, rgb, alpha };
}
