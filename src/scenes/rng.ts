/**
 * Small seeded random sources: a mulberry32 stream for layout decisions (where a leaf, chip or
 * bokeh disc goes) and a stateless integer hash for per-cell values. No Math.random anywhere, so
 * a seed always gives the same picture.
 */

/** A mulberry32 stream: returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Stateless hash of two integers and a seed to a uint32 (a murmur-style finaliser). */
export function hash3(x: number, y: number, seed: number): number {
  let h = (Math.imul(x | 0, 0x27d4eb2d) ^ Math.imul(y | 0, 0x165667b1) ^ Math.imul(seed | 0, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** hash3 mapped to [0, 1). */
export function hash01(x: number, y: number, seed: number): number {
  return hash3(x, y, seed) / 4294967296;
}

/** A float in [lo, hi) from a stream. */
export function range(rand: () => number, lo: number, hi: number): number {
  return lo + (hi - lo) * rand();
}
