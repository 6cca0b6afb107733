import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backgroundShorthand, parseEditSpec } from '../../src/pipeline/spec.ts';

/** Asserts a coded INVALID_OPTION that names `field` and says what was expected. */
function refuses(spec: unknown, field: string, expected?: RegExp) {
  assert.throws(
    () => parseEditSpec(spec),
    (e: any) => {
      assert.equal(e.code, 'GREENROOM_ERR_INVALID_OPTION', e.message);
      assert.equal(e.details.field, field, e.message);
      assert.ok(e.message.startsWith(`${field}:`), e.message);
      if (expected) assert.match(String(e.details.expected), expected, e.message);
      return true;
    },
  );
}

describe('job spec: every bad field gets its coded error', () => {
  const cases: [string, unknown, string, RegExp?][] = [
    ['unknown top-level field', { backgroud: 'white' }, 'backgroud'],
    ['background type', { background: { type: 'video' } }, 'background.type'],
    ['background colour', { background: { type: 'color', color: 'blurple' } }, 'background.color', /hex colour/],
    ['translucent background colour', { background: { type: 'color', color: '#ffffff80' } }, 'background.color', /opaque/],
    ['gradient with one colour', { background: { type: 'gradient', colors: ['red'] } }, 'background.colors', /at least 2/],
    ['gradient stop position', { background: { type: 'gradient', stops: [{ color: 'red', at: 0 }, { color: 'blue', at: 2 }] } }, 'background.stops.1.at', /<= 1/],
    ['gradient colour', { background: { type: 'gradient', colors: ['red', 'nope'] } }, 'background.colors.1'],
    ['template name', { background: 'template:moon-base' }, 'background.name', /template name/],
    ['template seed', { background: { type: 'template', name: 'white-seamless', seed: -1 } }, 'background.seed'],
    ['empty prompt', { background: { type: 'prompt', prompt: '' } }, 'background.prompt'],
    ['image scaling', { background: { type: 'image', file: 'x.jpg', scaling: 'stretch' } }, 'background.scaling', /"fill"/],
    ['image blur', { background: { type: 'image', file: 'x.jpg', blur: 3 } }, 'background.blur'],
    ['shadow mode', { shadow: 'blurry' }, 'shadow.mode', /"soft"/],
    ['shadow softness', { shadow: { mode: 'soft', softness: 2 } }, 'shadow.softness', /<= 1/],
    ['shadow direction', { shadow: { mode: 'hard', direction: 400 } }, 'shadow.direction', /<= 360/],
    ['shadow spread', { shadow: { mode: 'hard', spread: 120 } }, 'shadow.spread', /<= 90/],
    ['shadow intensity type', { shadow: { mode: 'hard', intensity: 'dark' } }, 'shadow.intensity', /number/],
    ['lighting mode', { lighting: 'dramatic' }, 'lighting.mode'],
    ['output size', { layout: { outputSize: '20x' } }, 'layout.outputSize', /WxH/],
    ['output size too large', { layout: { outputSize: '20000x100' } }, 'layout.outputSize'],
    ['padding ratio', { layout: { padding: 0.6 } }, 'layout.padding', /ratio/],
    ['padding text', { layout: { paddingTop: 'lots' } }, 'layout.paddingTop', /percentage/],
    ['margin', { layout: { marginLeft: '60%' } }, 'layout.marginLeft'],
    ['alignment', { layout: { horizontalAlignment: 'middle' } }, 'layout.horizontalAlignment', /"center"/],
    ['preset', { layout: { preset: 'tiktok' } }, 'layout.preset', /amazon-main/],
    ['scaling', { layout: { scaling: 'stretch' } }, 'layout.scaling'],
    ['export format', { export: { format: 'gif' } }, 'export.format', /"png"/],
    ['export quality', { export: { quality: 0 } }, 'export.quality', />= 1/],
    ['export background colour', { export: { backgroundColor: 'nope' } }, 'export.backgroundColor'],
    ['cutout quality', { cutout: { quality: 'ultra' } }, 'cutout.quality', /"best"/],
    ['energy budget', { energy: { budgetJ: -1 } }, 'energy.budgetJ', /> 0/],
  ];
  for (const [name, spec, field, expected] of cases) it(name, () => refuses(spec, field, expected));

  it('says what came', () => {
    assert.throws(() => parseEditSpec({ shadow: { mode: 'soft', softness: 2 } }), (e: any) => e.details.got === 2 && /got 2/.test(e.message));
  });
});

describe('job spec: shorthands and defaults', () => {
  it('reads background shorthands the way the CLI writes them', () => {
    assert.deepEqual(backgroundShorthand('white'), { type: 'color', color: 'white' });
    assert.deepEqual(backgroundShorthand('#f4efe6'), { type: 'color', color: '#f4efe6' });
    assert.deepEqual(backgroundShorthand('template:white-marble'), { type: 'template', name: 'white-marble' });
    assert.deepEqual(backgroundShorthand('image:/tmp/a b.jpg'), { type: 'image', file: '/tmp/a b.jpg' });
    assert.deepEqual(backgroundShorthand('transparent'), { type: 'transparent' });
    assert.deepEqual(backgroundShorthand('white marble counter, soft morning light'), { type: 'prompt', prompt: 'white marble counter, soft morning light' });
  });

  it('defaults: transparent, no shadow, original size, 10% padding, PNG', () => {
    const job = parseEditSpec({});
    assert.deepEqual(job.background, { type: 'transparent' });
    assert.equal(job.shadow.mode, 'none');
    assert.deepEqual(job.layout.outputSize, { kind: 'original' });
    assert.deepEqual(job.layout.padding.top, { unit: 'ratio', value: 0.1 });
    assert.equal(job.export.format, 'png');
    assert.equal(job.cutout.quality, 'best');
  });

  it('amazon-main: 2000x2000, pure white, 85% fill, JPEG, and a warning when the background is not white', () => {
    const job = parseEditSpec({ layout: { preset: 'amazon-main' } });
    assert.deepEqual(job.layout.outputSize, { kind: 'fixed', width: 2000, height: 2000 });
    assert.deepEqual(job.background, { type: 'color', color: [255, 255, 255] });
    assert.equal(1 - 2 * (job.layout.padding.left as { value: number }).value, 0.85);
    assert.equal(job.export.format, 'jpeg');
    assert.deepEqual(job.warnings, []);
    const off = parseEditSpec({ layout: { preset: 'amazon-main' }, background: 'template:white-marble' });
    assert.equal(off.warnings.length, 1);
    assert.match(off.warnings[0]!, /pure white/);
  });

  it('explicit fields override the preset', () => {
    const job = parseEditSpec({ layout: { preset: 'amazon-main', outputSize: '1000x1000', padding: '5%' }, export: { format: 'png' } });
    assert.deepEqual(job.layout.outputSize, { kind: 'fixed', width: 1000, height: 1000 });
    assert.deepEqual(job.layout.padding.left, { unit: 'ratio', value: 0.05 });
    assert.equal(job.export.format, 'png');
  });

  it("Photoroom's names are accepted: ai.soft, ai.auto, originalImage, croppedSubject", () => {
    const job = parseEditSpec({ shadow: { mode: 'ai.soft' }, lighting: { mode: 'ai.auto' }, layout: { outputSize: 'croppedSubject' } });
    assert.equal(job.shadow.mode, 'soft');
    assert.equal(job.lighting.mode, 'harmonize');
    assert.deepEqual(job.layout.outputSize, { kind: 'cropped' });
    assert.deepEqual(parseEditSpec({ layout: { outputSize: 'originalImage' } }).layout.outputSize, { kind: 'original' });
  });

  it('a prompt or template gets a stable seed from its text unless one is given', () => {
    const a = parseEditSpec({ background: 'marble counter' }).background;
    const b = parseEditSpec({ background: 'marble counter' }).background;
    assert.deepEqual(a, b);
    assert.equal(parseEditSpec({ background: { type: 'prompt', prompt: 'marble counter', seed: 7 } }).background.type === 'prompt' && (parseEditSpec({ background: { type: 'prompt', prompt: 'marble counter', seed: 7 } }).background as { seed: number }).seed, 7);
  });

  it("a template brings its suggested shadow; a colour brings none", () => {
    assert.notEqual(parseEditSpec({ background: 'template:white-marble' }).shadow.mode, 'none');
    assert.equal(parseEditSpec({ background: 'white' }).shadow.mode, 'none');
    assert.equal(parseEditSpec({ background: 'white', shadow: 'hard' }).shadow.mode, 'hard');
  });

  it('gradients take even colours or explicit stops, sorted', () => {
    const g = parseEditSpec({ background: { type: 'gradient', colors: ['white', 'black', 'red'] } }).background;
    assert.deepEqual(g, { type: 'gradient', kind: 'linear', angle: 180, stops: [{ color: [255, 255, 255], at: 0 }, { color: [0, 0, 0], at: 0.5 }, { color: [255, 0, 0], at: 1 }] });
  });
});
