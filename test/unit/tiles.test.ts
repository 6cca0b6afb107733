/** Where a cutout's pixels need work: tiles of a matte, their reach, and the parts they are split into. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { forEachSpan, splitRows, tilesFromAlpha, tilesFromMatte, TILE_MIXED, TILE_ONE, TILE_ZERO, snapAlpha } from '../../src/matte/tiles.ts';
import { resizeBilinear } from '../../src/matte/resample.ts';

/** A 64x64 matte holding a disc (1 inside, 0 outside, a 2-pixel ramp), upsampled to 640x640 bilinearly. */
function disc(): { matte: { data: Float32Array; width: number; height: number }; full: Float32Array } {
  const data = new Float32Array(64 * 64);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) data[y * 64 + x] = Math.min(1, Math.max(0, (20 - Math.hypot(x + 0.5 - 32, y + 0.5 - 32)) / 2 + 0.5));
  return { matte: { data, width: 64, height: 64 }, full: resizeBilinear(data, 64, 64, 640, 640) };
}

describe('tiles', () => {
  test('a tile is transparent or opaque only when every upsampled pixel in it rounds so; mixed tiles hold the outline', () => {
    const { matte, full } = disc();
    const t = tilesFromMatte(matte, 640, 640, 0);
    for (let r = 0; r < t.rows; r++) {
      for (let c = 0; c < t.cols; c++) {
        let lo = 255, hi = 0;
        for (let y = r * t.size; y < (r + 1) * t.size; y++) for (let x = c * t.size; x < (c + 1) * t.size; x++) {
          const a = snapAlpha(Math.round(full[y * 640 + x]! * 255));
          lo = Math.min(lo, a);
          hi = Math.max(hi, a);
        }
        const k = t.kind[r * t.cols + c];
        if (k === TILE_ZERO) assert.equal(hi, 0, `tile ${c},${r} said transparent`);
        if (k === TILE_ONE) assert.equal(lo, 255, `tile ${c},${r} said opaque`);
        if (lo === 0 && hi === 255) assert.equal(k, TILE_MIXED);
      }
    }
    const mixed = t.kind.filter((k) => k === TILE_MIXED).length;
    assert.ok(mixed > 0 && mixed < t.kind.length * 0.35, `${mixed} mixed tiles of ${t.kind.length}`);
  });

  test('work tiles are the mixed ones grown by the reach; from the 8-bit matte, the same or fewer mixed tiles (the matte\'s view is conservative)', () => {
    const { matte, full } = disc();
    const near = tilesFromMatte(matte, 640, 640, 0);
    const far = tilesFromMatte(matte, 640, 640, 40);
    const count = (w: Uint8Array) => w.reduce((s, v) => s + v, 0);
    assert.equal(count(near.work), near.kind.filter((k) => k === TILE_MIXED).length);
    assert.ok(count(far.work) > count(near.work));
    const bytes = Uint8Array.from(full, (v) => snapAlpha(Math.round(v * 255)));
    const exact = tilesFromAlpha(bytes, 640, 640, 0).kind;
    for (let i = 0; i < exact.length; i++) {
      if (exact[i] === TILE_MIXED) assert.equal(near.kind[i], TILE_MIXED, `tile ${i}`);
      if (near.kind[i] !== TILE_MIXED) assert.equal(exact[i], near.kind[i], `tile ${i}`);
    }
  });

  test('the parts cover every row once, in order, and split the work about evenly', () => {
    const { matte } = disc();
    const t = tilesFromMatte(matte, 640, 640, 20);
    const parts = splitRows(t, 640, 2);
    assert.equal(parts.length, 2);
    assert.equal(parts[0]![0], 0);
    assert.equal(parts[0]![1], parts[1]![0]);
    assert.equal(parts[1]![1], 640);
    const work = parts.map(([y0, y1]) => {
      let n = 0;
      forEachSpan(t, 640, y0, y1, (x0, x1) => (n += x1 - x0));
      return n;
    });
    assert.ok(Math.abs(work[0]! - work[1]!) <= 0.25 * (work[0]! + work[1]!), `work per part ${work}`);
  });

  test('alpha 1-2 of 255 is cleared and 253-254 made opaque; the rest is kept', () => {
    assert.deepEqual([0, 1, 2, 3, 128, 252, 253, 254, 255].map(snapAlpha), [0, 0, 0, 3, 128, 252, 255, 255, 255]);
  });
});
