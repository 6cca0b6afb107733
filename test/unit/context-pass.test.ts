import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { contextFrame, contextInput, contextMatte, frameEvidence, fuseContext, pictureHug, wantsContextPass } from '../../src/matte/context-pass.ts';

const S = 64;

/** A matte of size S with `value(x, y)`. */
function plane(value: (x: number, y: number) => number, size = S): { data: Float32Array; width: number; height: number } {
  const data = new Float32Array(size * size);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x] = value(x, y);
  return { data, width: size, height: size };
}

describe('context pass', () => {
  test('the bordered input keeps the photo in the middle and grey around it', () => {
    const frame = contextFrame(96);
    assert.equal(frame.inner, 64);
    assert.equal(frame.pad, 16);
    const rgb = new Uint8Array(32 * 32 * 3).fill(200);
    const input = contextInput(rgb, 32, 32, frame);
    assert.equal(input.length, 96 * 96 * 3);
    assert.equal(input[(5 * 96 + 5) * 3], 128, 'border is mid-grey');
    assert.equal(input[(48 * 96 + 48) * 3], 200, 'photo in the middle');
  });

  test('the context matte is cropped back to the photo and resampled to the first matte', () => {
    const frame = contextFrame(96);
    // Alpha 1 exactly over the photo's square in the bordered view, 0 on the border.
    const second = plane((x, y) => (x >= frame.pad && x < frame.pad + frame.inner && y >= frame.pad && y < frame.pad + frame.inner ? 1 : 0), 96);
    const back = contextMatte(second.data, frame, S);
    assert.equal(back.length, S * S);
    assert.ok(back.every((v) => v === 1), 'the whole photo');
  });

  test('not applied to a photo whose subject does not touch the frame', () => {
    // A grey, undecided subject in the middle: unsure, but nowhere near the frame.
    const matte = plane((x, y) => (Math.hypot(x - 32, y - 32) < 18 ? 0.45 : 0));
    const evidence = frameEvidence(matte);
    assert.equal(evidence.touch, 0);
    assert.ok(evidence.unsure > 0.2);
    assert.equal(wantsContextPass(evidence, { minTouch: 0.03, minUnsure: 0.08 }), false);
    // The same grey subject run off the bottom of the frame: the pass runs.
    const cut = plane((x, y) => (Math.abs(x - 32) < 14 && y > 20 ? 0.45 : 0));
    const cutEvidence = frameEvidence(cut);
    assert.ok(cutEvidence.touch >= 0.03, `touch ${cutEvidence.touch}`);
    assert.equal(wantsContextPass(cutEvidence, { minTouch: 0.03, minUnsure: 0.08 }), true);
    // A subject that touches the frame but is decided everywhere: no second pass either.
    const decided = plane((x, y) => (Math.abs(x - 32) < 14 && y > 20 ? 1 : 0));
    assert.equal(wantsContextPass(frameEvidence(decided), { minTouch: 0.03, minUnsure: 0.08 }), false);
  });

  test('the fusion keeps every confident pixel of the first matte', () => {
    // First: sure background left, sure subject right, an undecided band in the middle.
    const first = plane((x) => (x < 20 ? 0 : x >= 44 ? 1 : 0.5));
    // The context pass says the opposite everywhere (a picture of the photo would say 1 everywhere).
    const context = plane((x) => (x < 20 ? 1 : x >= 44 ? 0 : 0.9));
    const fused = fuseContext(first.data, context.data);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const i = y * S + x;
        if (x < 20) assert.equal(fused[i], 0, 'confident background stays background');
        else if (x >= 44) assert.equal(fused[i], 1, 'confident subject stays subject');
        else assert.ok(Math.abs(fused[i]! - 0.9) < 1e-6, 'undecided pixels take the context matte');
      }
    }
  });

  test('the hand-over between the mattes is continuous', () => {
    const first = new Float32Array([0.09, 0.1, 0.12, 0.15, 0.5, 0.85, 0.88, 0.9, 0.95]);
    const context = new Float32Array(first.length).fill(0.6);
    const fused = fuseContext(first, context);
    assert.equal(fused[0], first[0]);
    assert.ok(Math.abs(fused[1]! - first[1]!) < 1e-6);
    assert.ok(fused[2]! > first[2]! && fused[2]! < 0.6, 'partly');
    assert.ok(Math.abs(fused[4]! - 0.6) < 1e-6);
    assert.ok(Math.abs(fused[7]! - first[7]!) < 1e-6);
    assert.equal(fused[8], first[8]);
  });

  test('a context matte that hugs the photo rectangle reads as a picture', () => {
    assert.equal(pictureHug(plane(() => 1)), 1);
    assert.ok(pictureHug(plane((x, y) => (y > 40 && Math.abs(x - 32) < 10 ? 1 : 0))) < 0.2);
  });
});
