/**
 * The photo as the network sees it: resized (aspect ignored, as the network was trained) to
 * size x size RGB, with any transparent parts laid on white, ready for its normalisation. Plain
 * bilinear, as in training (see resizeRgbBilinear): sharp's antialiased kernels gave the network
 * blurrier input. Pure: the pixel pool runs it (src/pixels/tasks.ts).
 */
import { layOnWhite, resizeRgbBilinear } from '../matte/resample.ts';

export function resizeForNetwork(image: { rgb: Uint8Array; alpha?: Uint8Array; width: number; height: number }, size: number): Uint8Array {
  const rgb = image.alpha ? layOnWhite(image.rgb, image.alpha) : image.rgb;
  return resizeRgbBilinear(rgb, image.width, image.height, size, size);
}
