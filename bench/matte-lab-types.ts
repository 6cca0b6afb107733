/**
 * What a matte candidate is, for bench/matte-lab.ts: a plain function from the photo and the
 * network's cached mattes to a full-size alpha. Add candidates in bench/matte-candidates.ts.
 */

/** Interleaved 8-bit RGB at full size. */
export interface LabPhoto {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A matte (0..1) at working size (square, size x size: the network sees the photo squashed). */
export interface LabPlane {
  data: Float32Array;
  width: number;
  height: number;
}

export interface LabNets {
  /** The model id the mattes come from (e.g. isnet, isnet-int8). */
  model: string;
  /** The primary working size. */
  size: number;
  /** The network's matte of the photo at the primary size. */
  matte: LabPlane;
  /** The network's matte of the horizontally flipped photo, flipped back (aligned with `matte`); present when the candidate asks `flip`. */
  flipped?: LabPlane;
  /** Any size the candidate lists in `sizes` (and the primary), optionally of the flipped photo (flipped back). */
  at(size: number, flip?: boolean): LabPlane;
  /** The network's raw output on another view the candidate lists in `views` (matte-lab.ts VIEW_INPUTS, e.g. `context@768`). */
  view(name: string): LabPlane;
}

export interface LabContext {
  set: string;
  /** The image's name in its set. */
  name: string;
  /** Upsampling factor: the photo's longer side / the working size (below 1: the matte is shrunk). */
  factor: number;
}

export interface Candidate {
  name: string;
  /** One line on what it does. */
  about?: string;
  /** Needs the network on the flipped photo too (a second pass per size). */
  flip?: boolean;
  /** Working sizes besides the primary one (e.g. [512]); each is one more network pass. */
  sizes?: readonly number[];
  /** Other views of the photo (matte-lab.ts VIEW_INPUTS: `context`, `context@768`); each is one more network pass. */
  views?: readonly string[];
  /** Full-size alpha 0..255, width*height. */
  predict(photo: LabPhoto, nets: LabNets, ctx: LabContext): Uint8Array | Promise<Uint8Array>;
}
