import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cropRegion, subjectBox, type Margin } from '../../src/matte/bbox.ts';

function matte(width: number, height: number, paint: (x: number, y: number) => number): Uint8Array {
  const a = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) a[y * width + x] = paint(x, y);
  return a;
}

describe('subjectBox', () => {
  test('is null for an empty matte and for faint haze under the threshold', () => {
    assert.equal(subjectBox(new Uint8Array(50 * 40), 50, 40), null);
    assert.equal(subjectBox(new Uint8Array(50 * 40).fill(12), 50, 40), null);
  });

  test('is the whole frame for an opaque matte', () => {
    assert.deepEqual(subjectBox(new Uint8Array(50 * 40).fill(255), 50, 40), { x: 0, y: 0, width: 50, height: 40 });
  });

  test('bounds a rectangle exactly, and a single pixel as 1x1', () => {
    const rect = matte(60, 45, (x, y) => (x >= 10 && x < 35 && y >= 5 && y < 30 ? 255 : 0));
    assert.deepEqual(subjectBox(rect, 60, 45), { x: 10, y: 5, width: 25, height: 25 });
    const dot = matte(60, 45, (x, y) => (x === 59 && y === 44 ? 200 : 0));
    assert.deepEqual(subjectBox(dot, 60, 45), { x: 59, y: 44, width: 1, height: 1 });
  });

  test('bounds a disjoint shape (an L and a far dot) as one box', () => {
    const m = matte(80, 60, (x, y) => ((x >= 5 && x < 8 && y >= 10 && y < 50) || (y >= 47 && y < 50 && x >= 5 && x < 30) || (x === 70 && y === 3) ? 255 : 0));
    assert.deepEqual(subjectBox(m, 80, 60), { x: 5, y: 3, width: 66, height: 47 });
  });

  test('counts pixels strictly above the threshold (default 12), and honours a custom one', () => {
    const m = matte(10, 10, (x, y) => (x === 2 && y === 3 ? 12 : x === 7 && y === 8 ? 13 : 0));
    assert.deepEqual(subjectBox(m, 10, 10), { x: 7, y: 8, width: 1, height: 1 });
    assert.deepEqual(subjectBox(m, 10, 10, 11), { x: 2, y: 3, width: 6, height: 6 });
    assert.equal(subjectBox(m, 10, 10, 13), null);
  });
});

describe('cropRegion', () => {
  const box = { x: 100, y: 50, width: 200, height: 80 };
  const px = (top: number, right: number, bottom: number, left: number): Margin => ({ top, right, bottom, left, unit: 'px' });

  test('zero margin is the box itself', () => {
    assert.deepEqual(cropRegion(box, px(0, 0, 0, 0)), box);
  });

  test('pixel margins grow each side', () => {
    assert.deepEqual(cropRegion(box, px(10, 20, 30, 40)), { x: 60, y: 40, width: 260, height: 120 });
  });

  test('percentages are of the subject\'s width (left, right) and height (top, bottom)', () => {
    assert.deepEqual(cropRegion(box, { top: 10, right: 10, bottom: 10, left: 10, unit: '%' }), { x: 80, y: 42, width: 240, height: 96 });
    assert.deepEqual(cropRegion(box, { top: 50, right: 0, bottom: 25, left: 5, unit: '%' }), { x: 90, y: 10, width: 210, height: 140 });
  });

  test('rounds to whole pixels and may reach outside the frame', () => {
    const r = cropRegion({ x: 2, y: 1, width: 33, height: 17 }, { top: 10, right: 10, bottom: 10, left: 10, unit: '%' });
    for (const v of Object.values(r)) assert.ok(Number.isInteger(v), `${JSON.stringify(r)}`);
    assert.deepEqual(r, { x: -1, y: -1, width: 39, height: 21 });
  });
});
