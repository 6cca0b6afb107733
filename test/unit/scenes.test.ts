import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TEMPLATES, getTemplate, renderBackground, type RenderedBackground } from '../../src/scenes/index.ts';

const REQUIRED = ['white-seamless', 'studio-grey', 'pastel', 'deep-navy', 'warm-paper', 'white-marble', 'light-oak', 'concrete', 'linen', 'terrazzo', 'golden-hour', 'alpine'];
const TEXTURED = ['white-marble', 'light-oak', 'concrete', 'linen', 'terrazzo', 'alpine', 'beach-sand', 'bokeh-lights', 'eucalyptus-morning', 'warm-paper'];

function stats(r: RenderedBackground): { mean: number; std: number; min: number; max: number } {
  let sum = 0, sq = 0, min = 255, max = 0, n = 0;
  for (let i = 0; i < r.rgb.length; i += 3 * 31) {
    const l = 0.2126 * r.rgb[i]! + 0.7152 * r.rgb[i + 1]! + 0.0722 * r.rgb[i + 2]!;
    sum += l; sq += l * l; n++;
    min = Math.min(min, l); max = Math.max(max, l);
  }
  const mean = sum / n;
  return { mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)), min, max };
}

function assertLight(r: RenderedBackground): void {
  const l = r.light;
  assert.ok(l.shadowDirection >= 0 && l.shadowDirection < 360, `shadowDirection ${l.shadowDirection}`);
  for (const k of ['softness', 'intensity', 'exposure'] as const) assert.ok(l[k] >= 0 && l[k] <= 1, `${k} ${l[k]}`);
  for (const c of [...l.color, ...r.surface]) assert.ok(Number.isInteger(c) && c >= 0 && c <= 255);
  if (r.horizon !== null) assert.ok(r.horizon > 0.2 && r.horizon < 0.9, `horizon ${r.horizon}`);
}

describe('templates', () => {
  test('the required names exist, at least 14, unique kebab-case, with a scene that is plain JSON', () => {
    assert.ok(TEMPLATES.length >= 14);
    const names = TEMPLATES.map((t) => t.name);
    for (const n of REQUIRED) assert.ok(names.includes(n), n);
    assert.equal(new Set(names).size, names.length);
    for (const t of TEMPLATES) {
      assert.match(t.name, /^[a-z]+(-[a-z]+)*$/);
      assert.deepEqual(JSON.parse(JSON.stringify(t.scene)), t.scene);
      assert.ok(t.title && t.description && t.tags.length > 0);
      assert.equal(getTemplate(t.name), t);
    }
    assert.equal(getTemplate('no-such-template'), undefined);
    assert.throws(() => renderBackground({ type: 'template', name: 'no-such-template' }, 10, 10, 1));
  });

  for (const t of TEMPLATES) {
    test(`${t.name} renders at 2000x2000 with plausible content and light`, () => {
      const r = renderBackground({ type: 'template', name: t.name }, 2000, 2000, 3);
      assert.equal(r.width, 2000);
      assert.equal(r.height, 2000);
      assert.equal(r.rgb.length, 2000 * 2000 * 3);
      const s = stats(r);
      assert.ok(s.mean > 10 && s.mean < 254.9 || t.name === 'white-seamless', `mean ${s.mean}`);
      assert.ok(s.max - s.min > 2, 'not a flat fill');
      assertLight(r);
      assert.ok(r.horizon !== null, 'scenes have a horizon');
      // Light summary roughly agrees with the pixels.
      assert.ok(Math.abs(r.light.exposure - s.mean / 255) < 0.12, `exposure ${r.light.exposure} vs ${s.mean / 255}`);
    });
  }

  test('white-seamless is essentially pure white over most of the frame', () => {
    const r = renderBackground({ type: 'template', name: 'white-seamless' }, 1000, 1000, 1);
    let white = 0, n = 0;
    for (let i = 0; i < r.rgb.length; i += 3) { n++; if (r.rgb[i]! >= 250 && r.rgb[i + 1]! >= 250 && r.rgb[i + 2]! >= 250) white++; }
    assert.ok(white / n > 0.8, `white fraction ${white / n}`);
  });

  test('same seed gives identical bytes; another seed changes textured scenes', () => {
    for (const name of TEXTURED) {
      const a = renderBackground({ type: 'template', name }, 400, 300, 11);
      const b = renderBackground({ type: 'template', name }, 400, 300, 11);
      const c = renderBackground({ type: 'template', name }, 400, 300, 12);
      assert.deepEqual(a.rgb, b.rgb, name);
      let diff = 0;
      for (let i = 0; i < a.rgb.length; i++) if (a.rgb[i] !== c.rgb[i]) diff++;
      assert.ok(diff > a.rgb.length * 0.1, `${name}: ${diff} bytes differ`);
    }
  });

  test('odd sizes and extreme aspect ratios render', () => {
    for (const [w, h] of [[1, 1], [3, 7], [641, 479], [1500, 200], [200, 1500]] as const) {
      for (const name of ['white-marble', 'pastel', 'alpine']) {
        const r = renderBackground({ type: 'template', name }, w, h, 5);
        assert.equal(r.rgb.length, w * h * 3);
      }
    }
  });

  test('lighting is consistent with the scene: golden hour is warm and harder than an overcast studio', () => {
    const g = renderBackground({ type: 'template', name: 'golden-hour' }, 200, 200, 1).light;
    const s = renderBackground({ type: 'template', name: 'studio-grey' }, 200, 200, 1).light;
    assert.ok(g.color[0] > g.color[2] + 60, 'warm key');
    assert.ok(g.softness < 0.5 && s.softness > 0.7);
    assert.ok(g.shadowDirection > 90 && g.shadowDirection < 270, 'backlit sun: shadow falls toward the camera');
    assert.deepEqual(s.color, [255, 255, 255]);
  });

  test('glossy surfaces are flagged', () => {
    assert.equal(renderBackground({ type: 'template', name: 'white-marble' }, 100, 100, 1).glossy, true);
    assert.equal(renderBackground({ type: 'template', name: 'linen' }, 100, 100, 1).glossy, false);
  });
});

describe('flat backgrounds', () => {
  test('transparent is white with no horizon', () => {
    const r = renderBackground({ type: 'transparent' }, 64, 32, 1);
    assert.ok(r.rgb.every((v) => v === 255));
    assert.equal(r.horizon, null);
  });

  test('colour is exact', () => {
    const r = renderBackground({ type: 'color', color: [12, 200, 99] }, 50, 40, 1);
    for (let i = 0; i < r.rgb.length; i += 3) assert.deepEqual([r.rgb[i], r.rgb[i + 1], r.rgb[i + 2]], [12, 200, 99]);
    assert.equal(r.horizon, null);
    assert.deepEqual(r.surface, [12, 200, 99]);
  });
});
