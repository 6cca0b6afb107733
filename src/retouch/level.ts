/**
 * One level of the retouch pyramid: the work region at 1/2^k of the photo's resolution, its hole,
 * which patches may be copied from (sources), which patches must be explained (targets: every
 * patch that overlaps the hole), and the nearest-neighbour field between them.
 *
 * Known pixels are averaged down with the hole left out, so the removed object's colours never
 * reach a coarser level; a coarse pixel is a hole when any pixel under it is.
 */
import { dilate } from './distance.ts';
import type { Allocator } from './types.ts';

/** Source classes: which side of the matte a patch centre lies on. */
export const CLASS_ANY = 0;
export const CLASS_BACKGROUND = 1;
export const CLASS_SUBJECT = 2;

/**
 * Channels per pixel of a level's image: R, G, B (0..255), then two texture features (the local
 * mean of the horizontal and vertical gradient magnitudes, Newson et al. 2014), so a textured
 * target is not matched to a smooth source just because the averaged colours agree.
 */
export const CHANNELS = 5; // vote.ts unrolls its loops for these five

export interface Level {
  width: number;
  height: number;
  /** Photo pixels per pixel of this level (1, 2, 4...). */
  factor: number;
  /** CHANNELS floats per pixel: known pixels fixed, hole pixels the current estimate. */
  img: Float32Array;
  /** 1 where the pixel is to be filled. */
  hole: Uint8Array;
  /** Where a patch centred here may be copied from: 0 not a source, else its class (CLASS_*). */
  source: Uint8Array;
  /** The class of source a target centred here must take (CLASS_ANY when any will do). */
  want: Uint8Array;
  /** 1 where a patch centred here overlaps the hole: a target. */
  target: Uint8Array;
  /** The target centres' indices, in scan order. */
  targets: Int32Array;
  /** Per pixel: the index of the source centre matched to the target centred here (-1 when none yet). */
  nnf: Int32Array;
  /** Per pixel: the mean squared difference per channel between the two patches. */
  dist: Float32Array;
  /** Source centres per class (index CLASS_*; CLASS_ANY holds all), for random picks. */
  sources: [Int32Array, Int32Array, Int32Array];
}

export interface LevelInput {
  width: number;
  height: number;
  img: Float32Array;
  hole: Uint8Array;
  /** 1 where the matte says subject; absent when there is no matte. */
  subject?: Uint8Array;
}

const floats = (alloc: Allocator, n: number) => new Float32Array(alloc(n * 4));
const bytes = (alloc: Allocator, n: number) => new Uint8Array(alloc(n));
const ints = (alloc: Allocator, n: number) => new Int32Array(alloc(n * 4));

/** A level from its pixels, hole and (optional) subject map: sources, targets and an empty field. */
export function makeLevel(input: LevelInput, factor: number, r: number, alloc: Allocator): Level {
  const { width, height } = input;
  const n = width * height;
  // A patch centred within r of a hole pixel overlaps the hole: a target, and not a source.
  const near = dilate(input.hole, width, height, r);
  const source = bytes(alloc, n), target = bytes(alloc, n), want = bytes(alloc, n);
  const counts = [0, 0, 0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (near[i]) {
        target[i] = 1;
        continue;
      }
      if (x < r || y < r || x >= width - r || y >= height - r) continue;
      const cls = input.subject ? (input.subject[i] ? CLASS_SUBJECT : CLASS_BACKGROUND) : CLASS_BACKGROUND;
      source[i] = cls;
      counts[cls]!++;
    }
  }
  const all = ints(alloc, counts[1]! + counts[2]!);
  const byClass = [all, ints(alloc, counts[1]!), ints(alloc, counts[2]!)] as [Int32Array, Int32Array, Int32Array];
  const fill = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const cls = source[i]!;
    if (!cls) continue;
    all[fill[0]!++] = i;
    byClass[cls]![fill[cls]!++] = i;
  }
  let targetCount = 0;
  for (let i = 0; i < n; i++) if (target[i]) targetCount++;
  const targets = ints(alloc, targetCount);
  for (let i = 0, k = 0; i < n; i++) if (target[i]) targets[k++] = i;
  // A target takes sources of its own side of the matte, when that side has any.
  for (let i = 0; i < n; i++) {
    if (!target[i] || !input.subject) continue;
    const cls = input.subject[i] ? CLASS_SUBJECT : CLASS_BACKGROUND;
    want[i] = byClass[cls]!.length > 0 ? cls : CLASS_ANY;
  }
  const img = floats(alloc, n * CHANNELS);
  img.set(input.img);
  const hole = bytes(alloc, n);
  hole.set(input.hole);
  const nnf = ints(alloc, n).fill(-1);
  const dist = floats(alloc, n).fill(Infinity);
  return { width, height, factor, img, hole, source, want, target, targets, nnf, dist, sources: byClass };
}

/** The next coarser level's pixels: known pixels averaged 2x2 (hole left out), a hole where any pixel under it is. */
export function downsample(level: LevelInput): LevelInput {
  const width = Math.max(1, Math.ceil(level.width / 2)), height = Math.max(1, Math.ceil(level.height / 2));
  const img = new Float32Array(width * height * CHANNELS), hole = new Uint8Array(width * height);
  const subject = level.subject ? new Uint8Array(width * height) : undefined;
  const sum = new Float64Array(CHANNELS);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let known = 0, inside = 0, sub = 0, isHole = 0;
      sum.fill(0);
      for (let dy = 0; dy < 2; dy++) {
        const fy = 2 * y + dy;
        if (fy >= level.height) continue;
        for (let dx = 0; dx < 2; dx++) {
          const fx = 2 * x + dx;
          if (fx >= level.width) continue;
          const j = fy * level.width + fx;
          inside++;
          if (level.subject?.[j]) sub++;
          if (level.hole[j]) {
            isHole = 1;
            continue;
          }
          known++;
          for (let c = 0; c < CHANNELS; c++) sum[c]! += level.img[j * CHANNELS + c]!;
        }
      }
      const i = y * width + x;
      hole[i] = isHole;
      if (subject) subject[i] = 2 * sub >= inside ? 1 : 0;
      if (known > 0) for (let c = 0; c < CHANNELS; c++) img[i * CHANNELS + c] = sum[c]! / known;
    }
  }
  return { width, height, img, hole, ...(subject ? { subject } : {}) };
}

/** Whether a source centred at `q` may explain the target centred at `p`. */
export function accepts(level: Level, p: number, q: number): boolean {
  // (an index outside the level reads undefined: not a source)
  const cls = level.source[q];
  if (!cls) return false;
  const want = level.want[p]!;
  return want === CLASS_ANY || want === cls;
}

/** The source centres a target centred at `p` may take. */
export function sourcesFor(level: Level, p: number): Int32Array {
  return level.sources[level.want[p]!]!;
}
