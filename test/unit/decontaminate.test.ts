import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decontaminate, decontaminateRadiiFor } from '../../src/matte/decontaminate.ts';
import { seeded } from '../helpers/images.ts';

const F = [200, 30, 40] as const;

/** The matte as the pipeline passes it: 8-bit. */
const bytes = (alpha: Float32Array) => Uint8Array.from(alpha, (a) => Math.round(a * 255));

interface Composite {
  image: { data: Uint8Array; width: number; height: number };
  alpha: Float32Array;
}

/**
 * I = aF + (1 - a)B: a red disc whose edge is a soft ramp `soft` px wide, over a background
 * from `background(x, y)`. Alpha is quantised to 8 bits, as the pipeline's is.
 */
function composite(width: number, height: number, radius: number, soft: number, background: (x: number, y: number) => [number, number, number]): Composite {
  const data = new Uint8Array(width * height * 3);
  const alpha = new Float32Array(width * height);
  const cx = width / 2, cy = height / 2;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
      const a = Math.round(Math.max(0, Math.min(1, (radius - d) / soft + 0.5)) * 255) / 255;
      const i = y * width + x;
      alpha[i] = a;
      const b = background(x, y);
      for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(a * F[c]! + (1 - a) * b[c]!);
    }
  }
  return { image: { data, width, height }, alpha };
}

/** Mean absolute error (0..255) of the recovered colour against F over pixels with lo < alpha < hi. */
function foregroundError(rgb: Uint8Array, alpha: Float32Array, lo = 0.1, hi = 0.9): { mae: number; count: number } {
  let sum = 0, count = 0;
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i]!;
    if (a <= lo || a >= hi) continue;
    for (let c = 0; c < 3; c++) sum += Math.abs(rgb[i * 3 + c]! - F[c]!);
    count++;
  }
  return { mae: sum / (count * 3), count };
}

const gradient = (w: number, h: number) => (x: number, y: number): [number, number, number] => [
  Math.round(10 + (40 * x) / w),
  Math.round(90 + (120 * y) / h),
  Math.round(200 - (80 * x) / w),
];

describe('decontaminate', () => {
  // Soft edges ~10 px wide at 600x400 (radii 40 and 3 px): about what a cutout's edges are.
  test('recovers the foreground colour over a blue-green gradient at soft edges', () => {
    const w = 600, h = 400;
    const { image, alpha } = composite(w, h, 120, 10, gradient(w, h));
    const out = decontaminate(image, bytes(alpha), decontaminateRadiiFor(w, h));
    assert.equal(out.length, w * h * 3);
    const { mae, count } = foregroundError(out, alpha);
    const raw = foregroundError(image.data, alpha);
    assert.ok(count > 500, `only ${count} soft pixels`);
    assert.ok(mae < 8, `foreground error ${mae.toFixed(2)}/255 (photo's own colours: ${raw.mae.toFixed(2)})`);
    assert.ok(raw.mae > 4 * mae, `decontamination did not help: ${mae} vs ${raw.mae}`);
  });

  test('recovers the foreground colour over a noisy background', () => {
    const w = 600, h = 400;
    const rand = seeded(5);
    const { image, alpha } = composite(w, h, 120, 8, () => [30 + Math.floor(rand() * 50), 120 + Math.floor(rand() * 60), 140 + Math.floor(rand() * 60)]);
    const out = decontaminate(image, bytes(alpha), decontaminateRadiiFor(w, h));
    const { mae } = foregroundError(out, alpha);
    const raw = foregroundError(image.data, alpha);
    assert.ok(mae < 8, `foreground error ${mae.toFixed(2)}/255 (photo's own colours: ${raw.mae.toFixed(2)})`);
    assert.ok(raw.mae > 4 * mae, `decontamination did not help: ${mae} vs ${raw.mae}`);
  });

  test('opaque pixels keep exactly the input colour', () => {
    const w = 200, h = 160;
    const rand = seeded(11);
    // Texture inside the subject too, so "exactly the input" is not the same as "F".
    const { image, alpha } = composite(w, h, 50, 16, gradient(w, h));
    for (let i = 0; i < alpha.length; i++) {
      if (alpha[i] === 1) for (let c = 0; c < 3; c++) image.data[i * 3 + c] = Math.floor(rand() * 256);
    }
    const out = decontaminate(image, bytes(alpha), decontaminateRadiiFor(w, h));
    let opaque = 0, differ = 0;
    for (let i = 0; i < alpha.length; i++) {
      if (alpha[i] !== 1) continue;
      opaque++;
      for (let c = 0; c < 3; c++) if (out[i * 3 + c] !== image.data[i * 3 + c]) differ++;
    }
    assert.ok(opaque > 1000);
    assert.equal(differ, 0, `${differ} opaque channel values changed`);
  });

  test('a fully opaque matte returns the photo unchanged, a fully transparent one nothing of it', () => {
    const w = 64, h = 48;
    const rand = seeded(2);
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
    const image = { data, width: w, height: h };
    const opaque = decontaminate(image, new Uint8Array(w * h).fill(255), decontaminateRadiiFor(w, h));
    assert.deepEqual(opaque, data);
    const clear = decontaminate(image, new Uint8Array(w * h), decontaminateRadiiFor(w, h));
    assert.equal(clear.length, w * h * 3);
    // Colours under alpha 0 are never seen; they must at least not be the old background verbatim.
    let same = 0;
    for (let i = 0; i < clear.length; i++) if (clear[i] === data[i]) same++;
    assert.ok(same < clear.length / 10, `${same} of ${clear.length} values are the removed background's`);
  });

  test('works on frames smaller than the radii and on odd sizes', () => {
    for (const [w, h] of [[7, 5], [1, 40], [33, 1], [97, 61]] as const) {
      const { image, alpha } = composite(w, h, Math.min(w, h) / 3, 3, gradient(w, h));
      const out = decontaminate(image, bytes(alpha), { coarseRadius: 90, fineRadius: 6 });
      assert.equal(out.length, w * h * 3);
      for (let i = 0; i < alpha.length; i++) {
        if (alpha[i] === 1) for (let c = 0; c < 3; c++) assert.equal(out[i * 3 + c], image.data[i * 3 + c]);
      }
    }
  });
});

describe('decontaminateRadiiFor', () => {
  test('is the paper\'s 90 and 6 px at 1.2 MP, with floors for small images', () => {
    assert.deepEqual(decontaminateRadiiFor(1100, 1100), { coarseRadius: 90, fineRadius: 6 });
    assert.deepEqual(decontaminateRadiiFor(50, 50), { coarseRadius: 8, fineRadius: 2 });
    const big = decontaminateRadiiFor(4400, 4400);
    assert.ok(big.coarseRadius > 300 && big.fineRadius > 20);
  });
});
