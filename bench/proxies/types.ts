/** One generated proxy image with its exact alpha. */
export interface ProxyImage {
  name: string;
  ext: 'png' | 'jpg';
  image: Buffer;
  /** 8-bit grayscale PNG of the alpha the image was composited with. */
  gt: Buffer;
  width: number;
  height: number;
  meta: Record<string, string | number>;
}
