/**
 * Seeded gradient (Perlin-style) noise in 1-D and 2-D, with fractal sums. Written for speed on a
 * coarse grid: a 512-entry permutation table, no allocation per call. Outputs are roughly in
 * [-1, 1].
 */
import { mulberry32 } from './rng.ts';

const GRAD_X = new Float32Array([1, -1, 1, -1, 1, -1, 0, 0, 0.7071, -0.7071, 0.7071, -0.7071]);
const GRAD_Y = new Float32Array([0, 0, 1, -1, 0, 0, 1, -1, 0.7071, 0.7071, -0.7071, -0.7071]);

export class Noise {
  private readonly perm = new Uint16Array(512);
  private readonly grad = new Uint8Array(512);
  private readonly slope = new Float32Array(512);

  constructor(seed: number) {
    const rand = mulberry32(seed ^ 0x5eed);
    const p = new Uint16Array(256);
    for (let i = 0; i < 256; i++) p[i] = i;
    for (let i = 255; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = p[i]!; p[i] = p[j]!; p[j] = t;
    }
    for (let i = 0; i < 512; i++) {
      this.perm[i] = p[i & 255]!;
      this.grad[i] = this.perm[i]! % 12;
      this.slope[i] = rand() * 2 - 1;
    }
  }

  /** 2-D gradient noise, about [-1, 1]. */
  noise2(x: number, y: number): number {
    const xf0 = Math.floor(x), yf0 = Math.floor(y);
    const fx = x - xf0, fy = y - yf0;
    const xi = xf0 & 255, yi = yf0 & 255;
    const perm = this.perm, grad = this.grad;
    const a = perm[xi]! + yi, b = perm[xi + 1]! + yi;
    const g00 = grad[perm[a]!]!, g01 = grad[perm[a + 1]!]!, g10 = grad[perm[b]!]!, g11 = grad[perm[b + 1]!]!;
    const n00 = GRAD_X[g00]! * fx + GRAD_Y[g00]! * fy;
    const n10 = GRAD_X[g10]! * (fx - 1) + GRAD_Y[g10]! * fy;
    const n01 = GRAD_X[g01]! * fx + GRAD_Y[g01]! * (fy - 1);
    const n11 = GRAD_X[g11]! * (fx - 1) + GRAD_Y[g11]! * (fy - 1);
    const u = fx * fx * fx * (fx * (fx * 6 - 15) + 10);
    const v = fy * fy * fy * (fy * (fy * 6 - 15) + 10);
    const nx0 = n00 + (n10 - n00) * u;
    const nx1 = n01 + (n11 - n01) * u;
    return (nx0 + (nx1 - nx0) * v) * 1.4;
  }

  /** Fractal sum of `octaves` octaves (gain 0.5, lacunarity ~2), normalised to about [-1, 1]. */
  fbm2(x: number, y: number, octaves: number): number {
    let sum = 0, amp = 1, norm = 0;
    for (let o = 0; o < octaves; o++) {
      sum += amp * this.noise2(x, y);
      norm += amp;
      amp *= 0.5;
      // Rotate a little each octave so lattice axes do not line up.
      const nx = x * 1.6 + y * 1.2 + 17.3;
      y = y * 1.6 - x * 1.2 + 5.1;
      x = nx;
    }
    return sum / norm;
  }

  /** 1-D gradient noise, about [-1, 1]. */
  noise1(x: number): number {
    const xf0 = Math.floor(x);
    const f = x - xf0;
    const i = xf0 & 255;
    const a = this.slope[this.perm[i]!]! * f;
    const b = this.slope[this.perm[i + 1]!]! * (f - 1);
    const u = f * f * f * (f * (f * 6 - 15) + 10);
    return (a + (b - a) * u) * 2;
  }

  /** 1-D fractal sum, about [-1, 1]. */
  fbm1(x: number, octaves: number, gain = 0.5): number {
    let sum = 0, amp = 1, norm = 0;
    for (let o = 0; o < octaves; o++) {
      sum += amp * this.noise1(x + o * 31.7);
      norm += amp;
      amp *= gain;
      x *= 2.03;
    }
    return sum / norm;
  }
}
