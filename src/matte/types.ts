/** The shapes the matte code passes around: plain typed arrays with their size. */

/** One channel of floats (a matte: 0..1). */
export interface Plane {
  data: Float32Array;
  width: number;
  height: number;
}

export interface RgbImage {
  /** Interleaved 8-bit RGB. */
  data: Uint8Array;
  width: number;
  height: number;
}
