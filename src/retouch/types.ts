/**
 * The shapes the retouch engine passes around: plain typed arrays with their size. The engine is
 * pure TypeScript (no Node, no DOM): the server's pixel pool and the web studio run the same code.
 */

/** A box of pixels: [x, x + width) x [y, y + height). */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Interleaved 8-bit RGB. */
export interface RgbImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

/** Makes the engine's big arrays: plain memory in a page, shared memory in the pixel pool. */
export type Allocator = (bytes: number) => ArrayBufferLike;

export const plainMemory: Allocator = (bytes) => new ArrayBuffer(bytes);

/** How the engine works; the defaults were chosen on the bench's known-truth cases (bench/retouch.ts). */
export interface RetouchTuning {
  /** Patches are (2r + 1) squared pixels. */
  patchRadius: number;
  /** Expectation-maximisation rounds (nearest-neighbour search, then vote) at the coarsest level. */
  coarseIterations: number;
  /** Rounds at the finest level that gets full rounds. */
  fineIterations: number;
  /**
   * Most patch centres (the hole grown by a patch radius) a level may have and still get full
   * rounds; finer levels than that get one light round (their field is the coarser one's, scaled,
   * refined by propagation and a small search), so the cost stays bounded on 12 MP photos.
   */
  budgetCentres: number;
  /** Levels (from the coarsest) with at most this many patch centres run as one phase on one thread. */
  localCentres: number;
  /** Pixels outside the mask within this distance are blended with the fill (never 4 or more). */
  blendBand: number;
  /** Window (half-width, photo pixels) of the texture features' local means. */
  textureRadius: number;
  /** Weight of the texture features against the colours (0: colours alone). */
  textureWeight: number;
  /** The quantile of the level's patch distances that sets the vote's sigma^2 (lower: sharper votes). */
  voteQuantile: number;
  /** Random search at levels finer than the coarsest reaches at least this far (pixels of the level). */
  searchFloor: number;
  /** The margin of sources around the hole's box: this many times the hole's thickness... */
  marginThickness: number;
  /** ...plus this much of the box's longer side. */
  marginLength: number;
  /** Width of the ring around the hole whose mismatch with the fill is spread over it as a smooth colour correction (0: none). */
  adaptRing: number;
  /** The finest levels whose rounds vote by the best patch instead of the weighted mean. */
  sharpLevels: number;
  /** Whether the finest level (the photo's own scale) may get full rounds, when it is not the only level. */
  fullFinest: boolean;
  /** How the hole's final pixels are voted: the best-matching patch's (keeps the grain) or the weighted mean. */
  finalVote: 'best' | 'mean';
  /** Seed of the random search (the result is a function of the input and the seed). */
  seed: number;
}

export const DEFAULT_TUNING: RetouchTuning = {
  patchRadius: 3,
  coarseIterations: 8,
  fineIterations: 3,
  budgetCentres: 160_000,
  localCentres: 30_000,
  blendBand: 2,
  textureRadius: 4,
  textureWeight: 2,
  voteQuantile: 0.25,
  searchFloor: 0,
  adaptRing: 4,
  sharpLevels: 0,
  fullFinest: false,
  finalVote: 'best',
  marginThickness: 0.5,
  marginLength: 0.1,
  seed: 0x5eed,
};
