import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { boxMean } from '../../src/matte/box.ts';
import { blockAveragePlanes, resizeBilinear, resizeRgbBilinear } from '../../src/matte/resample.ts';
import { seeded } from '../helpers/images.ts';

/** The definition: the mean over the (2r+1)^2 window clipped to the frame. */
function naiveBoxMean(src: Float32Array, width: number, height: number, r: number): Float64Array {
  const out = new Float64Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0, count = 0;
      for (let v = Math.max(0, y - r); v <= Math.min(height - 1, y + r); v++) {
        for (let u = Math.max(0, x - r); u <= Math.min(width - 1, x + r); u++) {
          sum += src[v * width + u]!;
          count++;
        }
      }
      out[y * width + x] = sum / count;
    }
  }
  return out;
}

function randomPlane(n: number, seed: number, scale = 1): Float32Array {
  const rand = seeded(seed);
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) p[i] = rand() * scale;
  return p;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('boxMean', () => {
  const sizes: [number, number][] = [[1, 1], [1, 9], [9, 1], [7, 5], [13, 29], [40, 3], [64, 48]];
  const radii = [0, 1, 2, 3, 5, 20, 100];
  for (const [w, h] of sizes) {
    test(`matches the naive window mean on random ${w}x${h} data, radii ${radii.join(', ')}`, () => {
      const src = randomPlane(w * h, w * 100 + h);
      for (const r of radii) {
        const got = boxMean(src, w, h, r);
        const want = naiveBoxMean(src, w, h, r);
        const d = maxDiff(got, want);
        assert.ok(d < 1e-5, `${w}x${h} r=${r}: off by ${d}`);
      }
    });
  }

  test('writes into the given output and leaves the source alone', () => {
    const src = randomPlane(20 * 10, 3);
    const copy = Float32Array.from(src);
    const out = new Float32Array(200);
    const scratch = new Float32Array(200);
    const ret = boxMean(src, 20, 10, 2, out, scratch);
    assert.equal(ret, out);
    assert.deepEqual(src, copy);
    assert.ok(maxDiff(out, naiveBoxMean(src, 20, 10, 2)) < 1e-5);
  });

  test('a fractional radius acts as its floor, a negative one as 0', () => {
    const src = randomPlane(15 * 11, 4);
    assert.ok(maxDiff(boxMean(src, 15, 11, 2.7), naiveBoxMean(src, 15, 11, 2)) < 1e-5);
    assert.ok(maxDiff(boxMean(src, 15, 11, -3), src) < 1e-6);
  });

  test('keeps a constant plane constant and is accurate on large values', () => {
    const w = 300, h = 200;
    const constant = new Float32Array(w * h).fill(0.37);
    assert.ok(maxDiff(boxMean(constant, w, h, 7), constant) < 1e-6);
    const big = randomPlane(w * h, 8, 255);
    const d = maxDiff(boxMean(big, w, h, 9), naiveBoxMean(big, w, h, 9));
    assert.ok(d < 1e-3, `off by ${d} on values up to 255`);
  });
});

describe('resizeBilinear', () => {
  test('is the identity when the sizes are equal', () => {
    for (const [w, h] of [[1, 1], [5, 3], [64, 47]] as const) {
      const src = randomPlane(w * h, w + h);
      assert.deepEqual(resizeBilinear(src, w, h, w, h), src);
    }
  });

  test('preserves a constant plane, up or down, to any aspect', () => {
    const src = new Float32Array(13 * 7).fill(0.625);
    for (const [dw, dh] of [[1, 1], [26, 14], [5, 40], [100, 3]] as const) {
      const out = resizeBilinear(src, 13, 7, dw, dh);
      assert.equal(out.length, dw * dh);
      assert.ok(maxDiff(out, new Float32Array(dw * dh).fill(0.625)) < 1e-6);
    }
  });

  test('aligns pixel centres: 2 -> 4 pixels gives 0, 1/4, 3/4, 1', () => {
    const out = resizeBilinear(Float32Array.from([0, 1]), 2, 1, 4, 1);
    assert.ok(maxDiff(out, [0, 0.25, 0.75, 1]) < 1e-6, `got ${[...out]}`);
    const col = resizeBilinear(Float32Array.from([0, 1]), 1, 2, 1, 4);
    assert.ok(maxDiff(col, [0, 0.25, 0.75, 1]) < 1e-6, `got ${[...col]}`);
  });

  test('halving averages neighbouring pairs; output stays within the input range', () => {
    const out = resizeBilinear(Float32Array.from([0, 1, 2, 3]), 4, 1, 2, 1);
    assert.ok(maxDiff(out, [0.5, 2.5]) < 1e-6, `got ${[...out]}`);
    const src = randomPlane(31 * 17, 12);
    const up = resizeBilinear(src, 31, 17, 97, 50);
    let min = Infinity, max = -Infinity;
    for (const v of up) (min = Math.min(min, v)), (max = Math.max(max, v));
    assert.ok(min >= Math.min(...src) - 1e-6 && max <= Math.max(...src) + 1e-6);
  });

  test('uses the given output buffer', () => {
    const out = new Float32Array(6);
    assert.equal(resizeBilinear(new Float32Array(4).fill(1), 2, 2, 3, 2, out), out);
    assert.ok(maxDiff(out, new Float32Array(6).fill(1)) < 1e-6);
  });
});

describe('blockAveragePlanes', () => {
  test('averages factor x factor blocks per channel into 0..1, partial edge blocks by their own count', () => {
    // 3x2 RGB image, factor 2: blocks are columns {0,1} and {2}.
    const src = Uint8Array.from([
      0, 10, 255, 100, 20, 255, 50, 0, 0,
      200, 30, 255, 100, 40, 255, 150, 0, 255,
    ]);
    const { planes, width, height } = blockAveragePlanes(src, 3, 2, 3, 2);
    assert.equal(width, 2);
    assert.equal(height, 1);
    assert.ok(maxDiff(planes[0]!, [100 / 255, 100 / 255]) < 1e-6);
    assert.ok(maxDiff(planes[1]!, [25 / 255, 0]) < 1e-6);
    assert.ok(maxDiff(planes[2]!, [1, 127.5 / 255]) < 1e-6);
  });

  test('factor 1 is a plain conversion to 0..1 planes', () => {
    const src = Uint8Array.from([0, 51, 102, 153, 204, 255]);
    const { planes, width, height } = blockAveragePlanes(src, 2, 1, 3, 1);
    assert.equal(width, 2);
    assert.equal(height, 1);
    assert.ok(maxDiff(planes[0]!, [0, 0.6]) < 1e-6);
    assert.ok(maxDiff(planes[2]!, [0.4, 1]) < 1e-6);
  });
});

describe('resizeRgbBilinear', () => {
  test('matches per-channel resizeBilinear, rounded, for down- and upscaling', () => {
    const w = 37, h = 23;
    const src = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 97) % 256);
    for (const [dw, dh] of [[16, 16], [64, 48], [37, 23]] as const) {
      const out = resizeRgbBilinear(src, w, h, dw, dh);
      for (let c = 0; c < 3; c++) {
        const plane = Float32Array.from({ length: w * h }, (_, i) => src[i * 3 + c]!);
        const ref = resizeBilinear(plane, w, h, dw, dh);
        for (let i = 0; i < dw * dh; i++) assert.ok(Math.abs(out[i * 3 + c]! - ref[i]!) <= 0.5 + 1e-3, `${dw}x${dh} channel ${c} pixel ${i}`);
      }
    }
  });

  test('the same size is the identity', () => {
    const src = Uint8Array.from({ length: 9 * 5 * 3 }, (_, i) => (i * 31) % 256);
    assert.deepEqual(resizeRgbBilinear(src, 9, 5, 9, 5), src);
  });
});
