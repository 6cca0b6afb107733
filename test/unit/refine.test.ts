import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refineMatte } from '../../src/matte/refine.ts';

describe('refineMatte', () => {
  // A 40x20 photo whose left half is the subject (matte 1) and right half background (matte 0).
  const width = 40, height = 20;
  const data = new Uint8Array(width * height * 3).map((_, i) => 50 + (i % 200));
  const matte = { data: Float32Array.from({ length: width * height }, (_, i) => (i % width < 20 ? 1 : 0)), width, height };

  for (const decontaminate of [true, false]) {
    test(`keeps no background colour where alpha is 0 (decontaminate ${decontaminate})`, () => {
      const out = refineMatte({ data, width, height }, matte, undefined, { refine: true, decontaminate });
      for (let i = 0; i < width * height; i++) {
        if (out.alpha[i] === 0) assert.deepEqual([...out.rgb.subarray(i * 3, i * 3 + 3)], [0, 0, 0], `pixel ${i}`);
        if (out.alpha[i] === 255) assert.deepEqual([...out.rgb.subarray(i * 3, i * 3 + 3)], [...data.subarray(i * 3, i * 3 + 3)], `pixel ${i}`);
      }
    });
  }

  test("the input's own transparency is kept: alpha never exceeds it", () => {
    const sourceAlpha = Uint8Array.from({ length: width * height }, (_, i) => (Math.floor(i / width) < 10 ? 255 : 0));
    const out = refineMatte({ data, width, height }, matte, sourceAlpha, { refine: true, decontaminate: true });
    for (let i = 0; i < width * height; i++) assert.ok(out.alpha[i]! <= sourceAlpha[i]!, `pixel ${i}`);
  });
});
