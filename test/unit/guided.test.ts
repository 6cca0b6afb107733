import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gridFactorFor, guidedUpsample, type Plane, type RgbImage } from '../../src/matte/guided.ts';
import { GUIDED_EPS, guidedOptionsFor } from '../../src/matte/refine.ts';
import { resizeBilinear } from '../../src/matte/resample.ts';
import { seeded, transitionWidth } from '../helpers/images.ts';

const DARK_RED = [110, 25, 30] as const;
const LIGHT_BLUE = [160, 200, 240] as const;

/** A guide split at column `edge`: dark red left of it, light blue from it on, with +-noise. */
function splitGuide(width: number, height: number, edge: number, noise: number, seed = 1): RgbImage {
  const rand = seeded(seed);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const colour = x < edge ? DARK_RED : LIGHT_BLUE;
      for (let c = 0; c < 3; c++) {
        const v = colour[c]! + Math.round((rand() * 2 - 1) * noise);
        data[(y * width + x) * 3 + c] = Math.max(0, Math.min(255, v));
      }
    }
  }
  return { data, width, height };
}

/**
 * The network's view of the same frame: a low-resolution matte that is 1 left of `edge` (in
 * low-res pixels) and 0 right of it, blurred into a ramp `ramp` low-res pixels wide.
 */
function softStep(width: number, height: number, edge: number, ramp: number): Plane {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = (edge - (x + 0.5)) / ramp + 0.5;
      data[y * width + x] = Math.max(0, Math.min(1, v));
    }
  }
  return { data, width, height };
}

function defaults(guide: RgbImage, matte: Plane) {
  return guidedOptionsFor(guide, matte);
}

/** Widest count of 5%..95% alpha over all rows. */
function maxTransition5(plane: Float32Array, width: number, height: number): number {
  let worst = 0;
  for (let y = 0; y < height; y++) worst = Math.max(worst, transitionWidth(plane, width, y));
  return worst;
}

/** Widest run of partial alpha (10%..90%) over all rows: the width of the edge itself. */
function maxTransition(plane: Float32Array, width: number, height: number): number {
  let worst = 0;
  for (let y = 0; y < height; y++) worst = Math.max(worst, transitionWidth(plane, width, y, 0.1, 0.9));
  return worst;
}

describe('gridFactorFor', () => {
  test('is a whole factor of at least 1, and 1 for photos smaller than the matte', () => {
    for (const [photo, matte] of [
      [{ width: 256, height: 256 }, { width: 64, height: 64 }],
      [{ width: 4000, height: 3000 }, { width: 1024, height: 1024 }],
      [{ width: 600, height: 400 }, { width: 512, height: 512 }],
      [{ width: 17, height: 5 }, { width: 64, height: 64 }],
    ] as const) {
      const f = gridFactorFor(photo, matte);
      assert.ok(Number.isInteger(f) && f >= 1, `factor ${f} for ${photo.width}x${photo.height}`);
    }
    assert.equal(gridFactorFor({ width: 100, height: 100 }, { width: 1024, height: 1024 }), 1);
    assert.equal(gridFactorFor({ width: 64, height: 64 }, { width: 64, height: 64 }), 1);
  });

  test('makes the coarse grid as fine as a small matte', () => {
    assert.equal(gridFactorFor({ width: 256, height: 256 }, { width: 64, height: 64 }), 4);
    assert.equal(gridFactorFor({ width: 512, height: 512 }, { width: 64, height: 64 }), 8);
  });
});

describe('guidedUpsample', () => {
  // The low-resolution matte is a step softened over one low-res pixel (what downsampling a hard
  // edge gives); upsampled 8x, bilinear spreads it over ~8 photo pixels.
  for (const edge of [256, 261]) {
    test(`a step edge at x=${edge} stays sharp (<= 2 px), where bilinear upsampling smears it`, () => {
      const guide = splitGuide(512, 512, edge, 4, edge);
      const matte = softStep(64, 64, (edge * 64) / 512, 1);
      const opts = defaults(guide, matte);
      const guided = guidedUpsample(guide, matte, opts);
      const bilinear = resizeBilinear(matte.data, 64, 64, 512, 512);
      assert.equal(guided.length, 512 * 512);

      const guidedWidth = maxTransition(guided, 512, 512);
      const bilinearWidth = maxTransition(bilinear, 512, 512);
      assert.ok(guidedWidth <= 2, `guided transition ${guidedWidth} px wide`);
      assert.ok(bilinearWidth >= 2 * Math.max(guidedWidth, 3), `bilinear transition only ${bilinearWidth} px wide (guided ${guidedWidth})`);

      // The edge lands on the photo's edge: opaque over the red, clear over the blue.
      for (const y of [0, 40, 256, 400, 511]) {
        assert.ok(guided[y * 512 + edge - 2]! > 0.9, `row ${y}: alpha ${guided[y * 512 + edge - 2]} left of the edge`);
        assert.ok(guided[y * 512 + edge + 1]! < 0.1, `row ${y}: alpha ${guided[y * 512 + edge + 1]} right of the edge`);
      }
      // No halo: every pixel more than 2 px from the photo's edge is within 5% of opaque or clear
      // (the 5-95% transition is at most 4 px, centred on the edge; bilinear's is 8 or more).
      let halo = 0;
      for (let y = 0; y < 512; y++) {
        for (let x = 0; x < 512; x++) {
          const v = guided[y * 512 + x]!;
          if (x < edge - 2 && v < 0.95) halo++;
          if (x > edge + 1 && v > 0.05) halo++;
        }
      }
      assert.equal(halo, 0, `${halo} pixels more than 2 px from the edge are between 5% and 95%`);
      assert.ok(maxTransition5(bilinear, 512, 512) >= 8);
    });
  }

  test('a softer matte (3 low-res px ramp) gets its one big drop exactly at the photo\'s edge', () => {
    for (const edge of [128, 130]) {
      const guide = splitGuide(256, 256, edge, 4, edge);
      const matte = softStep(64, 64, edge / 4, 3);
      const guided = guidedUpsample(guide, matte, defaults(guide, matte));
      const bilinear = resizeBilinear(matte.data, 64, 64, 256, 256);
      for (const y of [5, 128, 250]) {
        let at = -1, drop = 0, bilinearDrop = 0;
        for (let x = 1; x < 256; x++) {
          const d = guided[y * 256 + x - 1]! - guided[y * 256 + x]!;
          if (d > drop) (drop = d), (at = x);
          bilinearDrop = Math.max(bilinearDrop, bilinear[y * 256 + x - 1]! - bilinear[y * 256 + x]!);
        }
        assert.equal(at, edge, `row ${y}: biggest drop at x=${at}, the photo's edge is at ${edge}`);
        assert.ok(drop >= 0.6, `row ${y}: drop of only ${drop} across the edge`);
        assert.ok(bilinearDrop <= 0.1, `row ${y}: bilinear drop ${bilinearDrop}`);
      }
    }
  });

  test('a non-square photo with a square matte still gets a sharp edge', () => {
    // 300x200 photo, square 64x64 matte (as the network sees it): the edge at x=150.
    const guide = splitGuide(300, 200, 150, 3, 3);
    const matte = softStep(64, 64, (150 / 300) * 64, 1);
    const guided = guidedUpsample(guide, matte, defaults(guide, matte));
    assert.equal(guided.length, 300 * 200);
    const guidedWidth = maxTransition(guided, 300, 200);
    const bilinearWidth = maxTransition(resizeBilinear(matte.data, 64, 64, 300, 200), 300, 200);
    assert.ok(guidedWidth <= 2, `guided transition ${guidedWidth} px wide`);
    assert.ok(bilinearWidth >= 3, `bilinear transition ${bilinearWidth} px wide`);
  });

  test('a flat matte stays flat on a textured guide', () => {
    const rand = seeded(42);
    const w = 200, h = 150;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
    const guide = { data, width: w, height: h };
    for (const value of [1, 0]) {
      const matte = { data: new Float32Array(50 * 50).fill(value), width: 50, height: 50 };
      const out = guidedUpsample(guide, matte, defaults(guide, matte));
      assert.equal(out.length, w * h);
      let worst = 0;
      for (const v of out) worst = Math.max(worst, Math.abs(v - value));
      assert.ok(worst < 1e-3, `flat ${value} matte drifted by ${worst}`);
    }
  });

  test('output stays within [0, 1] for a noisy matte on a noisy guide', () => {
    const rand = seeded(9);
    const w = 160, h = 120;
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
    const m = new Float32Array(40 * 40);
    for (let i = 0; i < m.length; i++) m[i] = rand();
    const guide = { data, width: w, height: h };
    const matte = { data: m, width: 40, height: 40 };
    for (const gridFactor of [1, 2, 3, gridFactorFor(guide, matte)]) {
      const out = guidedUpsample(guide, matte, { ...guidedOptionsFor(guide, matte), gridFactor });
      assert.equal(out.length, w * h);
      let bad = 0;
      for (const v of out) if (!(v >= 0 && v <= 1)) bad++;
      assert.equal(bad, 0, `${bad} values outside [0, 1] with gridFactor ${gridFactor}`);
    }
  });

  test('a uniform guide (zero variance) gives a smoothed copy of the matte, without NaN', () => {
    const w = 64, h = 64;
    const guide = { data: new Uint8Array(w * h * 3).fill(128), width: w, height: h };
    const matte = softStep(16, 16, 8, 1);
    const out = guidedUpsample(guide, matte, defaults(guide, matte));
    let nonFinite = 0;
    for (const v of out) if (!Number.isFinite(v)) nonFinite++;
    assert.equal(nonFinite, 0);
    for (const y of [0, 31, 63]) {
      for (let x = 1; x < w; x++) assert.ok(out[y * w + x]! <= out[y * w + x - 1]! + 1e-5, `row ${y} rises at x=${x}`);
      assert.ok(out[y * w]! > 0.9 && out[y * w + w - 1]! < 0.1, `row ${y} ends ${out[y * w]} .. ${out[y * w + w - 1]}`);
    }
  });
});
