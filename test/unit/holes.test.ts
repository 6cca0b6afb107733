import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fillFalseHoles, fillFromFrame, findDips } from '../../src/matte/holes.ts';

const S = 512;
const PALE = [220, 218, 212] as const;
const DARK = [60, 40, 30] as const;

/** A matte and a photo (interleaved RGB) drawn from per-pixel functions. */
function scene(alpha: (x: number, y: number) => number, colour: (x: number, y: number) => readonly [number, number, number]) {
  const data = new Float32Array(S * S);
  const rgb = new Uint8Array(S * S * 3);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const i = y * S + x;
      data[i] = alpha(x, y);
      rgb.set(colour(x, y), i * 3);
    }
  }
  return { matte: { data, width: S, height: S }, rgb };
}

describe('false holes', () => {
  test('filling from the frame raises enclosed basins to their rim and leaves open ground alone', () => {
    // A ring of 1 around a basin of 0.2, on 0 outside.
    const { matte } = scene((x, y) => {
      const d = Math.hypot(x - 256, y - 256);
      return d < 10 ? 0.2 : d < 20 ? 1 : 0;
    }, () => PALE);
    const filled = fillFromFrame(matte);
    assert.equal(filled[256 * S + 256], 1, 'the basin fills to the ring');
    assert.equal(filled[10 * S + 10], 0, 'outside stays');
    assert.equal(filled[256 * S + 270], 1);
  });

  test('a highlight hole inside a dark bead is lifted; a true see-through hole over the background stays transparent', () => {
    const bead = { x: 150, y: 256, r: 40 };
    const ring = { x: 360, y: 256, outer: 60, inner: 25 };
    const { matte } = scene(
      (x, y) => {
        const db = Math.hypot(x - bead.x, y - bead.y);
        if (db < bead.r) return Math.hypot(x - (bead.x - 12), y - (bead.y - 12)) < 3 ? 0.4 : 1; // the network dips on the highlight
        const dr = Math.hypot(x - ring.x, y - ring.y);
        if (dr < ring.outer) return dr < ring.inner ? 0 : 1; // it sees through the ring's middle
        return 0;
      },
      (x, y) => {
        const db = Math.hypot(x - bead.x, y - bead.y);
        // The highlight reflects the pale backdrop: the same colour as the background.
        if (db < bead.r) return Math.hypot(x - (bead.x - 12), y - (bead.y - 12)) < 3 ? PALE : DARK;
        const dr = Math.hypot(x - ring.x, y - ring.y);
        if (dr < ring.outer && dr >= ring.inner) return DARK;
        return PALE;
      },
    );
    const { dips } = findDips(matte);
    assert.equal(dips.length, 2, 'two enclosed dips: the highlight and the ring hole');
    const out = fillFalseHoles(matte);
    assert.equal(out.filled, 1);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const i = y * S + x;
        if (Math.hypot(x - (bead.x - 12), y - (bead.y - 12)) < 3) assert.equal(out.data[i], 1, 'the highlight is opaque subject');
        else assert.equal(out.data[i], matte.data[i], 'everything else as the network said');
      }
    }
    assert.equal(out.data[ring.y * S + ring.x], 0, 'the background seen through the ring stays transparent');
  });

  test('a gap among soft fringes that opens onto the background is left alone', () => {
    // A soft, fur-like region (alpha 0.6) with a gap of alpha 0.3 that runs out to the background
    // through background-coloured, low-alpha pixels.
    const { matte } = scene(
      (x, y) => {
        if (Math.abs(x - 256) < 40 && Math.abs(y - 256) < 40) {
          if (Math.abs(y - 256) < 2 && x > 250) return 0.3; // a channel to the right edge of the patch
          return 0.95;
        }
        return 0;
      },
      (x, y) => (Math.abs(x - 256) < 40 && Math.abs(y - 256) < 40 && !(Math.abs(y - 256) < 2 && x > 250) ? DARK : PALE),
    );
    const out = fillFalseHoles(matte);
    assert.equal(out.filled, 0);
  });
});
