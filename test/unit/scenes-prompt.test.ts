import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrompt, renderBackground } from '../../src/scenes/index.ts';

function fields(p: ReturnType<typeof parsePrompt>): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const u of p.understood) m.set(u.field, [...(m.get(u.field) ?? []), u.value]);
  return m;
}

describe('parsePrompt', () => {
  test('the brief example: white marble counter, soft morning light, eucalyptus shadows', () => {
    const p = parsePrompt('white marble counter, soft morning light, eucalyptus shadows');
    assert.equal(p.scene.surface.material, 'marble');
    assert.ok(p.scene.surface.color.every((c) => c > 220), 'white stone');
    assert.equal(p.scene.time, 'morning');
    assert.ok(p.scene.light.softness >= 0.7);
    assert.equal(p.scene.props.gobo, 'eucalyptus');
    assert.equal(p.scene.setting, 'kitchen');
    assert.notEqual(p.scene.backdrop.kind, 'sweep');
    const f = fields(p);
    assert.deepEqual(f.get('surface.material'), ['marble']);
    assert.deepEqual(f.get('props.gobo'), ['eucalyptus']);
    assert.ok(p.understood.some((u) => u.phrase === 'counter'));
    assert.deepEqual(p.unknown, []);
  });

  test('stop words are ignored; meaningful unknown words are listed', () => {
    const p = parsePrompt('a flux capacitor with the oak and a podium');
    assert.deepEqual(p.unknown, ['flux', 'capacitor']);
    assert.equal(p.scene.surface.material, 'oak');
    assert.ok(p.scene.props.podium);
  });

  test('nothing understood still gives a neutral studio', () => {
    const p = parsePrompt('quantum spaceship');
    assert.deepEqual(p.unknown, ['quantum', 'spaceship']);
    assert.equal(p.scene.backdrop.kind, 'sweep');
    const r = renderBackground({ type: 'prompt', prompt: 'quantum spaceship' }, 200, 200, 1);
    let sum = 0;
    for (let i = 0; i < r.rgb.length; i++) sum += r.rgb[i]!;
    assert.ok(sum / r.rgb.length > 180, 'light neutral');
    assert.deepEqual(parsePrompt('').unknown, []);
  });

  test('time of day, directions and softness', () => {
    assert.equal(parsePrompt('golden hour').scene.time, 'golden-hour');
    assert.equal(parsePrompt('golden-hour glow').scene.time, 'golden-hour');
    assert.equal(parsePrompt('sunset').scene.time, 'sunset');
    assert.equal(parsePrompt('at dusk').scene.time, 'dusk');
    assert.equal(parsePrompt('night').scene.time, 'night');
    assert.equal(parsePrompt('noon').scene.time, 'noon');
    assert.equal(parsePrompt('light from the left').scene.light.from, 'left');
    assert.equal(parsePrompt('lit from the right').scene.light.from, 'right');
    assert.equal(parsePrompt('backlit bottle').scene.light.from, 'back');
    assert.equal(parsePrompt('side light').scene.light.from, 'left');
    assert.equal(parsePrompt('window light').scene.props.gobo, 'window');
    assert.ok(parsePrompt('harsh sun').scene.light.softness < 0.3);
    assert.ok(parsePrompt('dramatic').scene.light.intensity > 0.7);
    const r = renderBackground({ type: 'prompt', prompt: 'light from the left' }, 50, 50, 1);
    assert.equal(r.light.shadowDirection, 270, 'shadow falls to the right');
  });

  test('materials, colours, moods, settings and props', () => {
    const cases: [string, string, string][] = [
      ['walnut', 'surface.material', 'walnut'], ['wooden table', 'surface.material', 'oak'], ['concrete', 'surface.material', 'concrete'],
      ['linen', 'surface.material', 'linen'], ['terrazzo', 'surface.material', 'terrazzo'], ['paper', 'surface.material', 'paper'],
      ['sand', 'surface.material', 'sand'], ['stone', 'surface.material', 'stone'], ['slate', 'surface.material', 'slate'], ['velvet', 'surface.material', 'velvet'],
      ['sage', 'color', 'sage'], ['terracotta', 'color', 'terracotta'], ['blush', 'color', 'blush'], ['navy', 'color', 'navy'], ['cream', 'color', 'cream'], ['charcoal', 'color', 'charcoal'],
      ['airy', 'mood', 'airy'], ['moody', 'mood', 'moody'], ['minimal', 'mood', 'minimal'], ['luxury', 'mood', 'luxury'], ['cozy', 'mood', 'cozy'], ['fresh', 'mood', 'fresh'],
      ['studio', 'setting', 'studio'], ['kitchen', 'setting', 'kitchen'], ['bathroom', 'setting', 'bathroom'], ['beach', 'setting', 'beach'], ['forest', 'setting', 'forest'],
      ['mountains', 'setting', 'mountains'], ['desert', 'setting', 'desert'], ['garden', 'setting', 'garden'], ['cafe', 'setting', 'cafe'], ['coffee shop', 'setting', 'cafe'],
      ['podium', 'props.podium', 'cylinder'], ['plinth', 'props.podium', 'block'], ['pedestal', 'props.podium', 'cylinder'], ['bokeh', 'props.bokeh', 'true'],
      ['palm shadows', 'props.gobo', 'palm'], ['leaves', 'props.gobo', 'leaves'], ['eucalyptus', 'props.gobo', 'eucalyptus'],
    ];
    for (const [prompt, field, value] of cases) {
      const p = parsePrompt(prompt);
      assert.ok(p.understood.some((u) => u.field === field && u.value === value), `${prompt} -> ${field}=${value}: ${JSON.stringify(p.understood)}`);
      assert.deepEqual(p.unknown, [], prompt);
    }
  });

  test('colours attach to what they describe', () => {
    const p = parsePrompt('sage podium on a blush backdrop');
    assert.deepEqual(p.scene.props.podium?.color, [176, 190, 168]);
    assert.deepEqual(p.scene.backdrop.color, [240, 206, 204]);
    const q = parsePrompt('black marble');
    assert.ok(q.scene.surface.color.every((c) => c < 60));
    assert.ok(q.scene.surface.accent.some((c) => c > 120), 'light veins on black marble');
    const w = parsePrompt('terracotta wall with oak');
    assert.deepEqual(w.scene.backdrop.color, [196, 110, 80]);
    assert.equal(w.scene.surface.material, 'oak');
  });

  test('settings choose fitting backdrops', () => {
    assert.equal(parsePrompt('beach').scene.backdrop.kind, 'sea');
    assert.equal(parsePrompt('mountains').scene.backdrop.kind, 'mountains');
    assert.equal(parsePrompt('cafe').scene.backdrop.kind, 'bokeh');
  });

  test('every prompt scene renders', () => {
    for (const prompt of ['dark moody slate with dramatic side light from the right', 'pastel blue podium on pink backdrop', 'desert sunset', 'forest moss', 'luxury velvet', 'airy white linen bedroom', 'glass plinth, christmas lights']) {
      const r = renderBackground({ type: 'prompt', prompt }, 120, 90, 2);
      assert.equal(r.rgb.length, 120 * 90 * 3, prompt);
    }
  });
});
