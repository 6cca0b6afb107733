/**
 * Touch-up hints on synthetic photos with known truth: an erase removes a wrongly kept region
 * (and its soft fringe) up to the photo's edge and nothing else; a keep restores a missed part
 * with an edge that follows the photo; strokes do not leak across strong edges; no stroke, no
 * change; undo and redo are exact. Plus the pieces: stroke rasterisation, hint images, geodesic
 * distance.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyHintStep, DEFAULT_TUNING, HINT_SOLVERS } from '../../src/matte/edge-solve.ts';
import { geodesicDistance, stepCosts } from '../../src/matte/geodesic.ts';
import { LABEL_ERASE, LABEL_KEEP, labelsFromRgba, rasterizeStrokes, type Stroke } from '../../src/matte/hints.ts';
import { applyHints, TouchupSession } from '../../src/matte/touchup.ts';
import { clutterScene, missedScene, near } from '../helpers/touchup-scenes.ts';

describe('touch-up: erase', () => {
  test('an erase stroke inside a wrongly kept region removes it and its soft fringe, up to the photo\'s edge, and nothing else', () => {
    const s = clutterScene(8);
    const alpha = Uint8Array.from(s.alpha0);
    const report = applyHints({ rgb: s.rgb, width: s.w, height: s.h }, alpha, { strokes: [{ mode: 'erase', radius: 6, points: [135 + 8, 78, 158 + 8, 78] }] });
    assert.equal(report.steps, 1);
    let left = 0, moved = 0;
    for (let i = 0; i < alpha.length; i++) {
      if (s.box[i]! > 0 && s.subject[i] === 0) left = Math.max(left, alpha[i]!);
      if (s.box[i] === 0 && alpha[i] !== s.alpha0[i]) moved++;
    }
    assert.ok(left <= 8, `the box and its fringe are gone (largest alpha left ${left})`);
    assert.equal(moved, 0, 'nothing outside the kept box and its fringe moved');
  });

  test('the changed-pixel count is worked out over the changed boxes and equals a count over the frame, with overlapping and undone-then-redone steps', () => {
    const s = clutterScene(8);
    const alpha = Uint8Array.from(s.alpha0);
    const strokes: Stroke[] = [
      { mode: 'erase', radius: 6, points: [135 + 8, 78, 158 + 8, 78] },
      { mode: 'keep', radius: 5, points: [150, 70, 160, 90] },
      { mode: 'erase', radius: 4, points: [140, 60, 170, 95] },
    ];
    const report = applyHints({ rgb: s.rgb, width: s.w, height: s.h }, alpha, { strokes });
    let brute = 0;
    for (let i = 0; i < alpha.length; i++) if (alpha[i] !== s.alpha0[i]) brute++;
    assert.ok(brute > 0);
    assert.equal(report.changedPixels, brute);
  });

  test('an erase next to the product does not leak across its strong edge', () => {
    const s = clutterScene(-12); // the box runs behind the disc: they touch
    const alpha = Uint8Array.from(s.alpha0);
    // The stroke passes 3 px from the disc's edge.
    applyHints({ rgb: s.rgb, width: s.w, height: s.h }, alpha, { strokes: [{ mode: 'erase', radius: 5, points: [70 + 45 + 3 + 5, 60, 70 + 45 + 3 + 5, 100, 150, 100, 150, 60] }] });
    const inner = near(s.subject, s.w, s.h, 0, (v) => v >= 1);
    const edge = near(s.subject, s.w, s.h, 2, (v) => v < 1);
    let hurt = 0, leftover = 0, edgeErr = 0, edgeN = 0;
    for (let i = 0; i < alpha.length; i++) {
      if (inner[i] && !edge[i] && alpha[i]! < 255) hurt++;
      if (s.box[i]! > 0 && s.subject[i] === 0 && !edge[i]) leftover = Math.max(leftover, alpha[i]!);
      if (s.subject[i]! > 0 && s.subject[i]! < 1 && s.box[i]! > 0) {
        edgeErr += Math.abs(alpha[i]! - s.truth[i]!) / 255;
        edgeN++;
      }
    }
    assert.equal(hurt, 0, 'the product (2 px in from its edge) is untouched');
    assert.ok(leftover <= 8, `the clutter is gone (largest alpha left ${leftover})`);
    assert.ok(edgeErr / edgeN < 0.2, `the product's edge against the erased clutter follows the photo (mean error ${(edgeErr / edgeN).toFixed(3)})`);
  });

  test('an erase never raises the matte, and the stroke itself is exact', () => {
    const s = clutterScene(8);
    const alpha = Uint8Array.from(s.alpha0);
    const stroke: Stroke = { mode: 'erase', radius: 6, points: [143, 78, 166, 78] };
    applyHints({ rgb: s.rgb, width: s.w, height: s.h }, alpha, { strokes: [stroke] });
    const painted = rasterizeStrokes([stroke], s.w, s.h)!;
    for (let y = 0; y < painted.box.height; y++) for (let x = 0; x < painted.box.width; x++) {
      if (painted.labels[y * painted.box.width + x] === LABEL_ERASE) assert.equal(alpha[(y + painted.box.y) * s.w + x + painted.box.x], 0);
    }
    for (let i = 0; i < alpha.length; i++) assert.ok(alpha[i]! <= s.alpha0[i]!);
  });
});

describe('touch-up: keep', () => {
  test('a keep stroke restores a missed part, with an edge that follows the photo and no leak beyond it', () => {
    const s = missedScene();
    const alpha = Uint8Array.from(s.alpha0);
    applyHints({ rgb: s.rgb, width: s.w, height: s.h }, alpha, { strokes: [{ mode: 'keep', radius: 5, points: [130, 80, 188, 80] }] });
    const truthF = Float32Array.from(s.truth, (v) => v / 255);
    const inner = near(truthF, s.w, s.h, 0, (v) => v >= 1);
    const edge = near(truthF, s.w, s.h, 2, (v) => v < 1);
    let missing = 0, leak = 0, edgeErr = 0, edgeN = 0;
    for (let y = 0; y < s.h; y++) for (let x = 120; x < s.w; x++) {
      const i = y * s.w + x;
      if (inner[i] && !edge[i] && alpha[i]! < 250) missing++;
      if (s.truth[i] === 0 && !edge[i] && alpha[i]! > 0) leak++;
      if (s.truth[i]! > 0 && s.truth[i]! < 255) {
        edgeErr += Math.abs(alpha[i]! - s.truth[i]!) / 255;
        edgeN++;
      }
    }
    assert.equal(missing, 0, 'the whole arm is back');
    assert.equal(leak, 0, 'the background beyond the arm stays out');
    assert.ok(edgeErr / edgeN < 0.2, `the arm's anti-aliased edge follows the photo (mean error ${(edgeErr / edgeN).toFixed(3)})`);
  });

  test('a keep never lowers the matte', () => {
    const s = missedScene();
    const alpha = Uint8Array.from(s.alpha0);
    applyHints({ rgb: s.rgb, width: s.w, height: s.h }, alpha, { strokes: [{ mode: 'keep', radius: 5, points: [130, 80, 188, 80] }] });
    for (let i = 0; i < alpha.length; i++) assert.ok(alpha[i]! >= s.alpha0[i]!);
  });
});

describe('touch-up: every solver, the session', () => {
  test('no stroke means no change; a stroke outside the frame changes nothing', () => {
    const s = clutterScene(8);
    const alpha = Uint8Array.from(s.alpha0);
    const report = applyHints({ rgb: s.rgb, width: s.w, height: s.h }, alpha, { strokes: [] });
    assert.deepEqual(report, { steps: 0, changedPixels: 0, solvedPixels: 0 });
    assert.deepEqual(alpha, s.alpha0);
    const session = new TouchupSession({ rgb: s.rgb, width: s.w, height: s.h }, alpha);
    assert.equal(session.stroke({ mode: 'erase', radius: 5, points: [-50, -50] }).changed, null);
    assert.deepEqual(alpha, s.alpha0);
  });

  test('undo and redo restore the matte exactly; a new stroke clears redo', () => {
    const s = clutterScene(8);
    const alpha = Uint8Array.from(s.alpha0);
    const session = new TouchupSession({ rgb: s.rgb, width: s.w, height: s.h }, alpha);
    session.stroke({ mode: 'erase', radius: 6, points: [143, 78, 166, 78] });
    const afterOne = Uint8Array.from(alpha);
    session.stroke({ mode: 'keep', radius: 4, points: [150, 78] });
    const afterTwo = Uint8Array.from(alpha);
    assert.notDeepEqual(afterOne, s.alpha0);
    assert.ok(session.undo());
    assert.deepEqual(alpha, afterOne);
    assert.ok(session.undo());
    assert.deepEqual(alpha, s.alpha0);
    assert.equal(session.undo(), null);
    session.redo();
    session.redo();
    assert.deepEqual(alpha, afterTwo);
    session.undo();
    session.stroke({ mode: 'erase', radius: 3, points: [20, 20] });
    assert.equal(session.canRedo, false);
  });

  test('the server path (applyHints) gives the page\'s session result, byte for byte', () => {
    const s = missedScene();
    const strokes: Stroke[] = [{ mode: 'keep', radius: 5, points: [130, 80, 188, 80] }, { mode: 'erase', radius: 3, points: [60, 20, 90, 22] }];
    const a = Uint8Array.from(s.alpha0), b = Uint8Array.from(s.alpha0);
    applyHints({ rgb: s.rgb, width: s.w, height: s.h }, a, { strokes });
    const session = new TouchupSession({ rgb: s.rgb, width: s.w, height: s.h }, b);
    for (const st of strokes) session.stroke(st);
    assert.deepEqual(a, b);
  });

  test('a large region solved on a coarser grid still removes the clutter and spares the product', () => {
    const s = clutterScene(8);
    const alpha = Uint8Array.from(s.alpha0);
    const session = new TouchupSession({ rgb: s.rgb, width: s.w, height: s.h }, alpha, { tuning: { ...DEFAULT_TUNING, maxCells: 2000 } });
    session.stroke({ mode: 'erase', radius: 6, points: [143, 78, 166, 78] });
    let left = 0, moved = 0;
    const productCore = near(s.subject, s.w, s.h, 0, (v) => v >= 1);
    const productEdge = near(s.subject, s.w, s.h, 3, (v) => v < 1);
    for (let i = 0; i < alpha.length; i++) {
      if (s.box[i]! > 0.1 && s.subject[i] === 0) left = Math.max(left, alpha[i]!);
      if (productCore[i] && !productEdge[i] && alpha[i] !== 255) moved++;
    }
    assert.ok(left <= 12, `largest alpha left ${left}`);
    assert.equal(moved, 0);
  });

  for (const solver of HINT_SOLVERS) {
    test(`${solver}: seeds are exact, an erase only lowers, the change stays in the step's region`, () => {
      const s = clutterScene(8);
      const alpha = Uint8Array.from(s.alpha0);
      const seeds = rasterizeStrokes([{ mode: 'erase', radius: 6, points: [143, 78, 166, 78] }], s.w, s.h)!;
      const result = applyHintStep({ rgb: s.rgb, width: s.w, height: s.h }, alpha, { seeds, radius: 6 }, solver);
      const r = result.region;
      for (let y = 0; y < s.h; y++) for (let x = 0; x < s.w; x++) {
        const i = y * s.w + x;
        assert.ok(alpha[i]! <= s.alpha0[i]!);
        if (x < r.x || y < r.y || x >= r.x + r.width || y >= r.y + r.height) assert.equal(alpha[i], s.alpha0[i]);
      }
      assert.ok(result.changed);
    });
  }
});

describe('touch-up pieces', () => {
  test('strokes paint the pixels whose centres lie within the radius of the path, later over earlier', () => {
    const map = rasterizeStrokes([{ mode: 'keep', radius: 2, points: [5, 5, 15, 5] }, { mode: 'erase', radius: 1, points: [10, 5] }], 40, 20)!;
    const at = (x: number, y: number) => (x < map.box.x || y < map.box.y || x >= map.box.x + map.box.width || y >= map.box.y + map.box.height ? 0 : map.labels[(y - map.box.y) * map.box.width + (x - map.box.x)]);
    assert.equal(at(5, 5), LABEL_KEEP);
    assert.equal(at(14, 6), LABEL_KEEP);
    assert.equal(at(10, 5), LABEL_ERASE);
    assert.equal(at(5, 8), 0);
    assert.equal(rasterizeStrokes([{ mode: 'keep', radius: 2, points: [-30, -30] }], 40, 20), null);
  });

  test('a hints image: the keep and erase colours (within tolerance, opaque) become labels, the rest no opinion', () => {
    const w = 6, h = 2;
    const rgba = new Uint8Array(w * h * 4);
    const set = (i: number, c: number[]) => rgba.set(c, i * 4);
    set(0, [0, 250, 10, 255]);
    set(1, [250, 0, 0, 255]);
    set(2, [0, 255, 0, 0]); // transparent
    set(3, [128, 128, 128, 255]);
    set(7, [255, 0, 0, 255]);
    const map = labelsFromRgba(rgba, w, h, [0, 255, 0], [255, 0, 0])!;
    assert.deepEqual(map.box, { x: 0, y: 0, width: 2, height: 2 });
    assert.deepEqual([...map.labels], [LABEL_KEEP, LABEL_ERASE, 0, LABEL_ERASE]);
    assert.equal(labelsFromRgba(new Uint8Array(w * h * 4).fill(255), w, h, [0, 255, 0], [255, 0, 0]), null);
  });

  test('geodesic distance grows with travel in a flat region and jumps across an edge', () => {
    const w = 30, h = 5;
    const r = new Float32Array(w * h), g = new Float32Array(w * h), b = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 15; x < w; x++) r[y * w + x] = 1; // an edge at x = 15
    const dist = new Float32Array(w * h).fill(Infinity);
    dist[2 * w] = 0;
    geodesicDistance(dist, stepCosts({ r, g, b }, w, h, { spatial: 0.01, colour: 5, tolerance: 0 }), w, h);
    assert.ok(Math.abs(dist[2 * w + 10]! - 0.1) < 1e-6);
    assert.ok(dist[2 * w + 15]! > 5, 'crossing the edge costs its contrast');
    assert.ok(Math.abs(dist[2 * w + 20]! - dist[2 * w + 15]! - 0.05) < 1e-5);
  });
});
