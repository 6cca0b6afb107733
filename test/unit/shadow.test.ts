import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyLayer, applyShadow, canvasFrom } from '../../src/compose/blend.ts';
import { harmonize } from '../../src/compose/harmonize.ts';
import { castShadow, reflect, type ShadowMap, type ShadowParams } from '../../src/compose/shadow.ts';
import { FLOATING_GAP } from '../../src/compose/layout.ts';
import type { Layer } from '../../src/compose/place.ts';

const frame = { width: 1000, height: 1000 };

/** A bottle-like subject: a 200x300 block with a soft 2 px edge, placed at (400, 300); its base is row 599. */
function subject(): Layer {
  const width = 204, height = 304;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = Math.min(x - 1, width - 2 - x, y - 1, height - 2 - y);
      rgba.set([200, 60, 40, inside >= 1 ? 255 : inside >= 0 ? 128 : 0], (y * width + x) * 4);
    }
  }
  return { x: 398, y: 298, width, height, rgba };
}
const BASE = 298 + 302; // first row below the subject's last opaque row

const params = (over: Partial<ShadowParams>): ShadowParams => ({ mode: 'soft', direction: 0, softness: 0.5, intensity: 1, spread: 45, ...over });

/** Opacity-weighted centroid and the extent of rows holding visible shadow. */
function stats(m: ShadowMap) {
  let sum = 0, sx = 0, sy = 0, minY = Infinity, maxY = -Infinity;
  for (let y = 0; y < m.height; y++) {
    for (let x = 0; x < m.width; x++) {
      const o = m.opacity[y * m.width + x]!;
      if (o === 0) continue;
      sum += o;
      sx += o * (m.x + x);
      sy += o * (m.y + y);
      if (o > 8) {
        minY = Math.min(minY, m.y + y);
        maxY = Math.max(maxY, m.y + y);
      }
    }
  }
  return { cx: sx / sum, cy: sy / sum, minY, maxY, sum };
}

/** The shadow's opacity at a frame pixel. */
const at = (m: ShadowMap, x: number, y: number) => (x < m.x || y < m.y || x >= m.x + m.width || y >= m.y + m.height ? 0 : m.opacity[(y - m.y) * m.width + (x - m.x)]!);

describe('shadows from the matte', () => {
  it('soft: darkest at the base, nothing above the lower part of the subject, spreading under it', () => {
    const m = castShadow(subject(), frame, params({ mode: 'soft' }))!;
    const s = stats(m);
    assert.ok(at(m, 500, BASE) > 150, `contact under the base is dark (${at(m, 500, BASE)})`);
    assert.ok(at(m, 500, BASE + 60) < at(m, 500, BASE + 2), 'it fades away from the base');
    assert.ok(s.minY > 300 + 0.5 * 300, `no shadow near the subject's top (visible from row ${s.minY})`);
    assert.ok(Math.abs(s.cx - 500) < 3, 'centred under a centred light');
    assert.ok(s.cy > 540, `mass sits at the base (centroid row ${s.cy.toFixed(0)})`);
  });

  it('hard from the front falls behind (up the frame); from behind it falls in front (down the frame)', () => {
    const behind = stats(castShadow(subject(), frame, params({ mode: 'hard', direction: 0, softness: 0.1 }))!);
    const front = stats(castShadow(subject(), frame, params({ mode: 'hard', direction: 180, softness: 0.1 }))!);
    assert.ok(behind.maxY < BASE + 15, `a shadow cast back stays above the base (to row ${behind.maxY})`);
    assert.ok(front.maxY > BASE + 60, `a shadow cast forward reaches down the frame (to row ${front.maxY})`);
    assert.ok(front.minY > BASE - 15, `and not up behind the subject (from row ${front.minY})`);
  });

  it('hard follows the direction: 270 to the right, 90 to the left', () => {
    const right = stats(castShadow(subject(), frame, params({ mode: 'hard', direction: 270 }))!);
    const left = stats(castShadow(subject(), frame, params({ mode: 'hard', direction: 90 }))!);
    assert.ok(right.cx > 520, `right: centroid x ${right.cx.toFixed(0)}`);
    assert.ok(left.cx < 480, `left: centroid x ${left.cx.toFixed(0)}`);
  });

  it('hard grows softer with distance from the base', () => {
    const m = castShadow(subject(), frame, params({ mode: 'hard', direction: 270, spread: 90, softness: 0.6 }))!;
    // Edge width: the number of partly shaded pixels crossing the shadow's top edge, near vs far.
    const ramp = (x: number) => {
      let n = 0;
      for (let y = 0; y < 1000; y++) {
        const o = at(m, x, y);
        if (o > 10 && o < 0.8 * 255 * 0.8) n++;
      }
      return n;
    };
    assert.ok(ramp(760) > ramp(620), `far ramp ${ramp(760)} > near ramp ${ramp(620)}`);
  });

  it('floating leaves a gap: light at the base, darkest below it', () => {
    const m = castShadow(subject(), frame, params({ mode: 'floating' }))!;
    const gap = FLOATING_GAP * 302;
    assert.ok(at(m, 500, BASE + 1) < at(m, 500, Math.round(BASE + gap)), 'darker under the gap than at the base');
    const s = stats(m);
    assert.ok(s.cy > BASE + gap * 0.5, `centroid ${s.cy.toFixed(0)} below the gap`);
  });

  it('intensity 0 leaves no shadow', () => {
    const m = castShadow(subject(), frame, params({ mode: 'soft', intensity: 0 }));
    assert.ok(m === null || stats(m).sum === 0);
  });

  it('reflection: a mirrored copy below the base, fading with distance', () => {
    const r = reflect(subject(), frame, 1)!;
    assert.equal(r.y, BASE);
    const near = r.rgba[(2 * r.width + 100) * 4 + 3]!, far = r.rgba[((r.height - 5) * r.width + 100) * 4 + 3]!;
    assert.ok(near > 60 && far < near / 4, `near ${near}, far ${far}`);
    assert.deepEqual([...r.rgba.subarray((2 * r.width + 100) * 4, (2 * r.width + 100) * 4 + 3)], [200, 60, 40]);
  });
});

describe('blending keeps the subject whole', () => {
  for (const mode of ['soft', 'hard', 'floating', 'reflection'] as const) {
    it(`${mode}: the subject's pixels and alpha are untouched by its shadow`, () => {
      const s = subject();
      const map = castShadow(s, frame, params({ mode, direction: 315 }))!;
      // Transparent background: output alpha equals the subject's wherever the subject is opaque or half.
      const clear = canvasFrom(1000, 1000, null);
      applyShadow(clear, map);
      if (mode === 'reflection') applyLayer(clear, reflect(s, frame, 1)!);
      applyLayer(clear, s);
      // Opaque background: subject pixels keep the subject's exact colour.
      const grey = canvasFrom(1000, 1000, new Uint8Array(1000 * 1000 * 3).fill(230));
      applyShadow(grey, map);
      applyLayer(grey, s);
      for (let y = 0; y < s.height; y++) {
        for (let x = 0; x < s.width; x++) {
          const a = s.rgba[(y * s.width + x) * 4 + 3]!;
          const i = (s.y + y) * 1000 + s.x + x;
          if (a === 255) {
            assert.equal(clear.data[i * 4 + 3], 255);
            assert.deepEqual([...grey.data.subarray(i * 3, i * 3 + 3)], [200, 60, 40]);
          } else if (a > 0) assert.ok(clear.data[i * 4 + 3]! >= a);
        }
      }
    });
  }

  it('a shadow on a transparent background is translucent black', () => {
    const map = castShadow(subject(), frame, params({ mode: 'soft' }))!;
    const clear = canvasFrom(1000, 1000, null);
    applyShadow(clear, map);
    const i = (BASE + 1) * 1000 + 500;
    assert.ok(clear.data[i * 4 + 3]! > 100);
    assert.deepEqual([...clear.data.subarray(i * 4, i * 4 + 3)], [0, 0, 0]);
  });
});

describe('harmonize', () => {
  const warm = { shadowDirection: 0, softness: 0.5, intensity: 0.5, color: [255, 200, 150] as const, exposure: 0.6 };
  it('warms the subject under a warm light and never touches alpha', () => {
    const s = subject();
    const alpha = s.rgba.filter((_, i) => i % 4 === 3);
    for (let i = 0; i < s.rgba.length; i += 4) s.rgba.set([128, 128, 128], i);
    harmonize(s, warm, 'harmonize', 1);
    assert.deepEqual(s.rgba.filter((_, i) => i % 4 === 3), alpha);
    const [r, , b] = s.rgba.subarray(0, 3);
    assert.ok(r! > b!, `red ${r} > blue ${b} after a warm light`);
  });

  it('exposure mode keeps hue: equal gains on every channel, at most a third of a stop', () => {
    const s = subject();
    for (let i = 0; i < s.rgba.length; i += 4) s.rgba.set([40, 40, 40], i);
    const result = harmonize(s, { ...warm, exposure: 0.95 }, 'exposure', 1);
    assert.equal(result.gains[0], result.gains[2]);
    assert.ok(result.stops > 0 && result.stops <= 1 / 3 + 1e-9);
  });
});
