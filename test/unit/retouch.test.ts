/**
 * The retouch engine on synthetic photos with known truth: a stripe pattern is continued through
 * the hole; pixels outside the mask are unchanged bit for bit beyond the blend band; the result is
 * the same whatever threads and grouping run the phases; a matte keeps the sources on the hole's
 * side. Plus the pieces: masks from images and strokes, expand lengths, the options' coded errors.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isGreenroomError } from '../../src/errors.ts';
import { distanceTo } from '../../src/retouch/distance.ts';
import { runRetouchPhase } from '../../src/retouch/engine.ts';
import type { PhaseRunner } from '../../src/retouch/schedule.ts';
import { expandSides, parseExpand } from '../../src/retouch/expand.ts';
import { maskFromImage, maskFromRaw, maskFromStrokes, maskStats } from '../../src/retouch/mask.ts';
import { applyRetouch, retouch } from '../../src/retouch/retouch.ts';
import { smoothFill } from '../../src/retouch/smooth-fill.ts';
import type { RetouchTuning } from '../../src/retouch/types.ts';
import { parseRetouchOptions } from '../../src/pipeline/retouch-options.ts';
import { seeded } from '../helpers/images.ts';

const W = 160, H = 120;

/** Vertical stripes, 4 px dark and 4 px light, with a little noise (a real photo is never flat). */
function stripes(seed = 1): Uint8Array {
  const rand = seeded(seed);
  const rgb = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const v = (x >> 2) % 2 === 0 ? 40 : 210;
      for (let c = 0; c < 3; c++) rgb[(y * W + x) * 3 + c] = Math.max(0, Math.min(255, v + c * 5 + Math.round((rand() - 0.5) * 8)));
    }
  }
  return rgb;
}

/** A noisy texture: every pixel different, so a fill can only copy it, never repeat one value. */
function noise(seed: number, tint: [number, number, number] = [1, 1, 1]): Uint8Array {
  const rand = seeded(seed);
  const rgb = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = Math.round((60 + rand() * 150) * tint[c]!);
  return rgb;
}

function rect(x0: number, y0: number, w: number, h: number): Uint8Array {
  const mask = new Uint8Array(W * H);
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) mask[y * W + x] = 1;
  return mask;
}

function maeInside(a: Uint8Array, b: Uint8Array, mask: Uint8Array): number {
  let sum = 0, n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    n++;
    for (let c = 0; c < 3; c++) sum += Math.abs(a[i * 3 + c]! - b[i * 3 + c]!);
  }
  return sum / (3 * n);
}

async function fill(rgb: Uint8Array, mask: Uint8Array, extra: { matte?: Uint8Array; run?: PhaseRunner; tuning?: Partial<RetouchTuning> } = {}): Promise<Uint8Array> {
  const image = { rgb, width: W, height: H };
  const result = await retouch({ image, mask, ...(extra.matte ? { matte: extra.matte } : {}), ...(extra.tuning ? { tuning: extra.tuning } : {}) }, extra.run);
  assert.ok(result, 'a non-empty mask gives a result');
  return applyRetouch(image, result);
}

describe('retouch: completion', () => {
  test('a stripe pattern is continued through the hole, in phase (a smooth fill greys it out)', async () => {
    const truth = stripes();
    const mask = rect(60, 40, 30, 30);
    const filled = await fill(truth, mask);
    const patch = maeInside(filled, truth, mask);
    const smooth = maeInside(smoothFill(truth, mask, W, H), truth, mask);
    assert.ok(patch < 12, `the stripes come back where they were (MAE ${patch.toFixed(1)})`);
    assert.ok(smooth > 40, `a smooth fill loses them (MAE ${smooth.toFixed(1)})`);
    // Every filled column keeps its stripe: dark columns dark, light columns light.
    for (let x = 60; x < 90; x++) {
      let sum = 0;
      for (let y = 40; y < 70; y++) sum += filled[(y * W + x) * 3]!;
      const mean = sum / 30;
      assert.ok((x >> 2) % 2 === 0 ? mean < 100 : mean > 150, `column ${x} keeps its stripe (mean ${mean.toFixed(0)})`);
    }
  });

  test('pixels outside the mask are unchanged bit for bit beyond the 2 px blend band, and nothing 3 px or more away changes', async () => {
    const photo = noise(7);
    const mask = new Uint8Array(W * H);
    // An irregular hole: a disc and a stroke.
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((x - 70) ** 2 + (y - 60) ** 2 < 18 ** 2 || (Math.abs(y - x * 0.5 - 20) < 3 && x > 90 && x < 140)) mask[y * W + x] = 1;
    const filled = await fill(photo, mask);
    const d = distanceTo(mask, W, H);
    let inBand = 0;
    for (let i = 0; i < mask.length; i++) {
      if (mask[i]) continue;
      const same = filled[i * 3] === photo[i * 3] && filled[i * 3 + 1] === photo[i * 3 + 1] && filled[i * 3 + 2] === photo[i * 3 + 2];
      if (d[i]! > 2) assert.ok(same, `pixel ${i % W},${Math.floor(i / W)} (${d[i]!.toFixed(1)} px from the mask) is unchanged`);
      else if (!same) inBand++;
    }
    assert.ok(inBand > 0, 'the band next to the mask is blended');
  });

  test('the same input gives the same fill, whatever grouping and order the phases\' bands run in', async () => {
    const photo = noise(11, [1, 0.8, 0.6]);
    const mask = rect(30, 20, 50, 40);
    const here = await fill(photo, mask);
    const again = await fill(photo, mask);
    assert.deepEqual(again, here, 'twice on one thread');
    // As the pool runs them: bands split into groups, the groups run in reverse order.
    const split: PhaseRunner = async (phase, levels) => {
      if (phase.kind === 'init' || phase.kind === 'levels') return runRetouchPhase(levels, phase, 3);
      const groups = [phase.bands.slice(0, 1), phase.bands.slice(1, 3), phase.bands.slice(3)].filter((g) => g.length > 0).reverse();
      let hist: Uint32Array | null = null;
      for (const bands of groups) {
        const h = (await runRetouchPhase(levels, { ...phase, bands }, 3))?.hist;
        if (h) hist = hist ? hist.map((v, i) => v + h[i]!) : h;
      }
      return hist ? { hist } : null;
    };
    // Every level as its own phases (none run together as the small coarse levels are), split and out of order.
    assert.deepEqual(await fill(photo, mask, { run: split, tuning: { localCentres: 0 } }), here, 'bands in groups, out of order');
  });

  test('with a matte, a hole on the subject is filled from the subject only', async () => {
    // A green subject (a square) on a red background; the hole lies inside the subject, near its edge.
    const red = noise(3, [1, 0.25, 0.25]), green = noise(5, [0.25, 1, 0.25]);
    const photo = Uint8Array.from(red);
    const matte = new Uint8Array(W * H);
    for (let y = 30; y < 100; y++) {
      for (let x = 40; x < 120; x++) {
        matte[y * W + x] = 255;
        for (let c = 0; c < 3; c++) photo[(y * W + x) * 3 + c] = green[(y * W + x) * 3 + c]!;
      }
    }
    const mask = rect(46, 36, 30, 30);
    const filled = await fill(photo, mask, { matte });
    let reddish = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i] && filled[i * 3]! > filled[i * 3 + 1]!) reddish++;
    assert.equal(reddish, 0, 'no background colour in the fill');
  });

  test('an empty mask gives nothing to do', async () => {
    assert.equal(await retouch({ image: { rgb: noise(1), width: W, height: H }, mask: new Uint8Array(W * H) }), null);
  });
});

describe('retouch: masks and expand', () => {
  test('a mask image: white means fill on an opaque image, opaque means fill on a transparent one; any size of the photo\'s shape', () => {
    // 4x3 mask image for a 8x6 photo: its top-left pixel white.
    const rgb = new Uint8Array(4 * 3 * 3);
    rgb.fill(255, 0, 3);
    const mask = maskFromImage({ rgb, width: 4, height: 3 }, { width: 8, height: 6 });
    assert.deepEqual(maskStats(mask, 8, 6), { pixels: 4, share: 4 / 48, box: { x: 0, y: 0, width: 2, height: 2 } });
    // Black strokes on a clear layer: the opaque pixels count, whatever their colour.
    const alpha = new Uint8Array(12);
    alpha[5] = 255;
    const layered = maskFromImage({ rgb: new Uint8Array(36), alpha, width: 4, height: 3 }, { width: 4, height: 3 });
    assert.deepEqual(Array.from(layered), [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  test('a mask image as libvips decodes it (grey, grey and alpha, RGB, RGBA) gives the same mask, scaled to the photo', () => {
    // A 2x2 mask image, its top-right pixel marked, for a 4x4 photo.
    const expected = [0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const cases: Array<[number, number[]]> = [
      [1, [0, 255, 0, 0]],
      [2, [0, 0, 9, 255, 0, 0, 0, 0]], // clear layer: the opaque pixel counts, whatever its grey
      [3, [0, 0, 0, 255, 255, 255, 0, 0, 0, 0, 0, 0]],
      [4, [255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0, 0].map((v, i) => (i < 8 ? [0, 0, 0, 0, 1, 1, 1, 255][i]! : v))],
    ];
    for (const [channels, data] of cases) {
      const mask = new Uint8Array(16);
      const pixels = maskFromRaw(Uint8Array.from(data), channels, 2, 2, { width: 4, height: 4 }, mask);
      assert.deepEqual(Array.from(mask), expected, `${channels} channels`);
      assert.equal(pixels, 4);
    }
  });

  test('strokes: erase paints the mask, a later keep takes pixels back', () => {
    const mask = maskFromStrokes([{ mode: 'erase', radius: 3, points: [10, 10, 30, 10] }, { mode: 'keep', radius: 3, points: [20, 10] }], 40, 20);
    assert.equal(mask[10 * 40 + 12], 1);
    assert.equal(mask[10 * 40 + 20], 0, 'taken back by the keep');
    assert.equal(mask[0], 0);
  });

  test('expand: pixels, shares of the sides, 2 or 4 values, a canvas size; bounded', () => {
    const photo = { width: 400, height: 300 };
    assert.deepEqual(expandSides(parseExpand('50px'), photo), { top: 50, right: 50, bottom: 50, left: 50 });
    assert.deepEqual(expandSides(parseExpand(20), photo), { top: 20, right: 20, bottom: 20, left: 20 });
    assert.deepEqual(expandSides(parseExpand('10%'), photo), { top: 30, right: 40, bottom: 30, left: 40 });
    assert.deepEqual(expandSides(parseExpand('0 10%'), photo), { top: 0, right: 40, bottom: 0, left: 40 });
    assert.deepEqual(expandSides(parseExpand('501x300'), photo), { top: 0, bottom: 0, left: 50, right: 51 });
    for (const bad of ['', 'wide', '10% 5px', '150%', '1 2 3']) assert.throws(() => parseExpand(bad), (e: unknown) => isGreenroomError(e, 'INVALID_OPTION'), bad);
    assert.throws(() => expandSides(parseExpand('300x300'), photo), (e: unknown) => isGreenroomError(e, 'INVALID_OPTION'), 'a smaller canvas');
    assert.throws(() => expandSides(parseExpand('500px'), photo), (e: unknown) => isGreenroomError(e, 'INVALID_OPTION'), 'more than the photo on a side');
    assert.throws(() => expandSides(parseExpand('0'), photo), (e: unknown) => isGreenroomError(e, 'INVALID_OPTION'), 'no growth');
  });

  test('options: a mask or strokes (not both), or an expand; coded errors naming the field', () => {
    const code = (input: unknown) => {
      try {
        parseRetouchOptions(input);
        return 'ok';
      } catch (err) {
        assert.ok(isGreenroomError(err));
        return `${err.code} ${String(err.details.field)}`;
      }
    };
    assert.equal(code({ mask: new Uint8Array([1]) }), 'ok');
    assert.equal(code({ expand: '10%' }), 'ok');
    assert.equal(code({ strokes: [{ mode: 'erase', radius: 5, points: [[1, 2]] }] }), 'ok');
    assert.equal(code({}), 'GREENROOM_ERR_INVALID_MASK mask');
    assert.equal(code({ mask: new Uint8Array(0) }), 'GREENROOM_ERR_INVALID_MASK mask');
    assert.equal(code({ mask: new Uint8Array([1]), strokes: [] }), 'GREENROOM_ERR_INVALID_MASK strokes');
    assert.equal(code({ strokes: [] }), 'GREENROOM_ERR_INVALID_MASK strokes.strokes');
    assert.equal(code({ strokes: { image: new Uint8Array([1]) } }), 'GREENROOM_ERR_INVALID_MASK strokes');
    assert.equal(code({ mask: 'mask.png' }), 'GREENROOM_ERR_INVALID_OPTION mask');
    assert.equal(code({ expand: '10 pixels' }), 'GREENROOM_ERR_INVALID_OPTION expand');
    assert.equal(code({ expand: '10%', format: 'gif' }), 'GREENROOM_ERR_INVALID_OPTION format');
  });
});
