import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sharpenEdges, sharpenOptionsFor } from '../../src/matte/edge-sharpen.ts';
import { resizeBilinear } from '../../src/matte/resample.ts';

const W = 240;
const H = 120;

/** A photo with exact coverage `cover(x, y)` of a red subject over a blue-grey background, with mild texture. */
function photo(cover: (x: number, y: number) => number) {
  const data = new Uint8Array(W * H * 3);
  const truth = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const a = cover(x, y);
      const tex = ((x * 7 + y * 13) % 9) - 4; // a little texture on both sides
      const f = [200 + tex, 40, 30], b = [60, 90 + tex, 140];
      for (let c = 0; c < 3; c++) data[(y * W + x) * 3 + c] = Math.round(a * f[c]! + (1 - a) * b[c]!);
      truth[y * W + x] = a;
    }
  }
  return { image: { data, width: W, height: H }, truth };
}

/** What the network sees: the truth averaged to a 6x smaller matte, then bilinearly upsampled back. */
function networkLike(truth: Float32Array, factor: number): Float32Array {
  const w = W / factor, h = H / factor;
  const small = new Float32Array(w * h);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) small[Math.floor(y / factor) * w + Math.floor(x / factor)]! += truth[y * W + x]! / (factor * factor);
  return resizeBilinear(small, w, h, W, H);
}

const mae = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

describe('sharpenEdges', () => {
  test('a 2-px line survives 6x upsampling: the line comes back near 1, its surroundings near 0', () => {
    const { image, truth } = photo((x) => (x >= 100 && x < 102 ? 1 : 0));
    const up = networkLike(truth, 6);
    assert.ok(Math.max(...up) < 0.4, 'the upsampled matte has lost the line');
    const out = sharpenEdges(image, up, sharpenOptionsFor(6));
    const row = 60 * W;
    assert.ok(out[row + 100]! > 0.85 && out[row + 101]! > 0.85, `line ${out[row + 100]} ${out[row + 101]}`);
    assert.ok(out[row + 97]! < 0.1 && out[row + 104]! < 0.1, `beside it ${out[row + 97]} ${out[row + 104]}`);
    assert.ok(mae(out, truth) < mae(up, truth) / 3);
  });

  test('a step edge stays a step: one pixel wide, not six', () => {
    const { image, truth } = photo((x) => (x < 120 ? 1 : 0));
    const up = networkLike(truth, 6);
    const out = sharpenEdges(image, up, sharpenOptionsFor(6));
    const row = 60 * W;
    let soft = 0;
    for (let x = 100; x < 140; x++) if (out[row + x]! > 0.05 && out[row + x]! < 0.95) soft++;
    assert.ok(soft <= 2, `${soft} soft pixels across the edge`);
  });

  test('a soft ramp in the photo stays a ramp', () => {
    const { image, truth } = photo((x) => Math.min(1, Math.max(0, (130 - x) / 20)));
    const up = networkLike(truth, 6);
    const out = sharpenEdges(image, up, sharpenOptionsFor(6));
    const row = 60 * W;
    for (const x of [112, 116, 120, 124]) assert.ok(Math.abs(out[row + x]! - truth[row + x]!) < 0.12, `x ${x}: ${out[row + x]} vs ${truth[row + x]}`);
  });

  test('a grey area far from any background is left as the network said', () => {
    // A textured subject on the left, background from x 200; the network unsure (0.8) of a whole
    // area inside the subject, x 20-150, at least 50 px from the background (reach 18, fading out at 36).
    const { image, truth } = photo((x) => (x < 200 ? 1 : 0));
    for (let i = 0; i < W * H; i++) image.data[i * 3 + 1] = ((i * 37) % 97) + 20; // busy texture everywhere
    const up = networkLike(truth, 6);
    for (let y = 0; y < H; y++) for (let x = 20; x < 150; x++) up[y * W + x] = 0.8;
    const options = sharpenOptionsFor(1);
    assert.equal(options.reach, 18);
    const out = sharpenEdges(image, up, options);
    let moved = 0;
    for (let y = 0; y < H; y++) for (let x = 20; x < 150; x++) moved = Math.max(moved, Math.abs(out[y * W + x]! - 0.8));
    assert.ok(moved < 1e-6, `the unsure area moved by up to ${moved}`);
    // while the real edge, within reach of the background, is sharpened
    let sharpened = 0;
    for (let y = 0; y < H; y++) for (let x = 190; x < 210; x++) sharpened = Math.max(sharpened, Math.abs(out[y * W + x]! - up[y * W + x]!));
    assert.ok(sharpened > 0.1, `the edge at x 200 moved by ${sharpened}`);
  });

  test('without colour evidence at or below the working size the network\'s answer stays', () => {
    const data = new Uint8Array(W * H * 3).fill(128);
    const up = networkLike(photo((x) => (x < 120 ? 1 : 0)).truth, 6);
    assert.ok(mae(sharpenEdges({ data, width: W, height: H }, up, sharpenOptionsFor(1)), up) < 1e-3);
    assert.ok(mae(sharpenEdges({ data, width: W, height: H }, up, sharpenOptionsFor(0.5)), up) < 1e-3);
  });

  test('without colour evidence after 6x upsampling the blurred edge is steepened, centred where it was', () => {
    const data = new Uint8Array(W * H * 3).fill(128);
    const up = networkLike(photo((x) => (x < 120 ? 1 : 0)).truth, 6);
    const out = sharpenEdges({ data, width: W, height: H }, up, sharpenOptionsFor(6));
    const row = 60 * W;
    const softIn = (p: Float32Array) => [...p.subarray(row + 100, row + 140)].filter((a) => a > 0.05 && a < 0.95).length;
    assert.ok(softIn(out) < softIn(up) / 2, `${softIn(out)} soft pixels, ${softIn(up)} before`);
    const crossing = (p: Float32Array) => [...p.subarray(row, row + W)].findIndex((a) => a < 0.5);
    assert.ok(Math.abs(crossing(out) - crossing(up)) <= 1, `the edge stays where it was: ${crossing(out)} vs ${crossing(up)}`);
  });
});
