import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { labelRegions, removeSpecks } from '../../src/matte/specks.ts';

const S = 64;

function plane(value: (x: number, y: number) => number): { data: Float32Array; width: number; height: number } {
  const data = new Float32Array(S * S);
  for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) data[y * S + x] = value(x, y);
  return { data, width: S, height: S };
}

describe('specks', () => {
  test('labels 8-connected regions', () => {
    const mask = new Uint8Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    const { labels, count } = labelRegions(mask, 4, 4);
    assert.equal(count, 2);
    assert.equal(labels[0], labels[5], 'diagonal neighbours join');
    assert.equal(labels[5], labels[9]);
    assert.notEqual(labels[0], labels[15]);
    assert.equal(labels[1], 0);
  });

  test('a detached faint speck is removed, the subject and its soft fringe are kept', () => {
    const subject = (x: number, y: number) => Math.hypot(x - 24, y - 32);
    const matte = plane((x, y) => {
      const d = subject(x, y);
      if (d < 12) return 1;
      if (d < 16) return (16 - d) / 4; // soft fringe, attached
      if (Math.hypot(x - 54, y - 10) < 3) return 0.3; // a faint speck far away
      if (Math.hypot(x - 54, y - 10) < 4) return 0.03; // its faint rim
      return 0;
    });
    const out = removeSpecks(matte);
    assert.equal(out.fragments, 1);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const i = y * S + x;
        if (Math.hypot(x - 54, y - 10) < 4) assert.equal(out.data[i], 0, 'speck and rim gone');
        else assert.equal(out.data[i], matte.data[i], 'everything else untouched');
      }
    }
  });

  test('a detached part the network was sure of stays', () => {
    const matte = plane((x, y) => (Math.hypot(x - 20, y - 32) < 12 ? 1 : Math.hypot(x - 54, y - 10) < 3 ? 0.8 : 0));
    const out = removeSpecks(matte);
    assert.equal(out.fragments, 0);
    assert.deepEqual(out.data, matte.data);
  });

  test('a subject seen only faintly as a whole is not removed (it is the largest fragment)', () => {
    const matte = plane((x, y) => (y > 20 ? 0.35 : Math.hypot(x - 50, y - 6) < 2 ? 0.3 : 0));
    const out = removeSpecks(matte);
    assert.equal(out.fragments, 1, 'only the small faint fragment');
    for (let i = 21 * S; i < S * S; i++) assert.equal(out.data[i], Math.fround(0.35));
  });
});
