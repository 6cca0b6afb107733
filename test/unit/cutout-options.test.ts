import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCutoutOptions, parseMargin } from '../../src/pipeline/cutout-options.ts';
import { GreenroomError } from '../../src/errors.ts';

function assertInvalid(fn: () => unknown, field: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof GreenroomError, `not a GreenroomError: ${err}`);
    assert.equal(err.code, 'GREENROOM_ERR_INVALID_OPTION');
    assert.equal(err.status, 400);
    assert.equal(err.details.field, field);
    assert.ok(err.message.startsWith(`${field}: `), `message "${err.message}" does not start with the field`);
    return true;
  });
}

describe('parseMargin', () => {
  const px = (top: number, right: number, bottom: number, left: number) => ({ top, right, bottom, left, unit: 'px' });
  const pct = (top: number, right: number, bottom: number, left: number) => ({ top, right, bottom, left, unit: '%' });
  const good: [string | number, object][] = [
    [0, px(0, 0, 0, 0)],
    [20, px(20, 20, 20, 20)],
    ['', px(0, 0, 0, 0)],
    ['   ', px(0, 0, 0, 0)],
    ['20px', px(20, 20, 20, 20)],
    ['20', px(20, 20, 20, 20)],
    ['1.5px', px(1.5, 1.5, 1.5, 1.5)],
    ['10%', pct(10, 10, 10, 10)],
    ['10px 20px', px(10, 20, 10, 20)],
    ['10% 5%', pct(10, 5, 10, 5)],
    ['1px 2px 3px 4px', px(1, 2, 3, 4)],
    ['1,2,3,4', px(1, 2, 3, 4)],
    ['1, 2', px(1, 2, 1, 2)],
    [' 7px ', px(7, 7, 7, 7)],
    ['500px', px(500, 500, 500, 500)],
    ['50%', pct(50, 50, 50, 50)],
  ];
  for (const [input, want] of good) {
    test(`${JSON.stringify(input)}`, () => assert.deepEqual(parseMargin(input), want));
  }

  const bad = ['501px', '51%', '10px 10%', '1px 2px 3px', '1 2 3 4 5', '-5px', 'abc', '10em', '10 %', 'px', '%', '1e3'];
  for (const input of bad) {
    test(`${JSON.stringify(input)} is refused, naming the field`, () => {
      assertInvalid(() => parseMargin(input), 'cropMargin');
      assertInvalid(() => parseMargin(input, 'crop_margin'), 'crop_margin');
    });
  }
});

describe('parseCutoutOptions', () => {
  test('defaults: best quality, refine and decontaminate on, PNG RGBA, no crop', () => {
    const want = {
      quality: 'best',
      refine: true,
      decontaminate: true,
      channels: 'rgba',
      format: 'png',
      crop: false,
      cropMargin: { top: 0, right: 0, bottom: 0, left: 0, unit: 'px' },
    };
    assert.deepEqual(parseCutoutOptions(), want);
    assert.deepEqual(parseCutoutOptions({}), want);
    assert.deepEqual(parseCutoutOptions(null), want);
    assert.deepEqual(parseCutoutOptions(undefined), want);
  });

  test('a preview, a coarse matte, remove.bg\'s split (JPEG only)', () => {
    const coarse = new Uint8Array([1, 2, 3]);
    assert.deepEqual(parseCutoutOptions({ preview: 1024, coarseMatte: coarse, split: true, format: 'jpeg' }), {
      ...parseCutoutOptions({ format: 'jpeg' }),
      preview: 1024,
      coarseMatte: coarse,
      split: true,
    });
    assert.throws(() => parseCutoutOptions({ split: true }), (e: any) => e.code === 'GREENROOM_ERR_INVALID_OPTION' && e.details.field === 'split');
    assert.throws(() => parseCutoutOptions({ preview: 8 }), (e: any) => e.details.field === 'preview');
  });

  test('every option, parsed', () => {
    const o = parseCutoutOptions({
      model: 'isnet_quint8',
      quality: 'fast',
      refine: false,
      decontaminate: false,
      channels: 'alpha',
      format: 'webp',
      exportQuality: 75,
      bgColor: '#00ff0080',
      crop: true,
      cropMargin: '10px 5px',
    });
    assert.deepEqual(o, {
      model: 'isnet_quint8',
      quality: 'fast',
      refine: false,
      decontaminate: false,
      channels: 'alpha',
      format: 'webp',
      exportQuality: 75,
      background: { r: 0, g: 255, b: 0, alpha: 128 / 255 },
      crop: true,
      cropMargin: { top: 10, right: 5, bottom: 10, left: 5, unit: 'px' },
    });
  });

  test('each quality and format is accepted', () => {
    for (const quality of ['fast', 'balanced', 'best'] as const) assert.equal(parseCutoutOptions({ quality }).quality, quality);
    for (const format of ['png', 'webp', 'avif', 'jpeg'] as const) assert.equal(parseCutoutOptions({ format }).format, format);
    assert.deepEqual(parseCutoutOptions({ cropMargin: 12 }).cropMargin, { top: 12, right: 12, bottom: 12, left: 12, unit: 'px' });
    assert.deepEqual(parseCutoutOptions({ bgColor: 'white' }).background, { r: 255, g: 255, b: 255, alpha: 1 });
  });

  const bad: [string, unknown, string][] = [
    ['an unknown key', { qualty: 'fast' }, 'qualty'],
    ['a bad quality', { quality: 'ultra' }, 'quality'],
    ['a quality of the wrong type', { quality: 3 }, 'quality'],
    ['a bad format', { format: 'gif' }, 'format'],
    ['a bad channels value', { channels: 'rgb' }, 'channels'],
    ['a non-boolean refine', { refine: 'yes' }, 'refine'],
    ['a non-boolean crop', { crop: 1 }, 'crop'],
    ['exportQuality 0', { exportQuality: 0 }, 'exportQuality'],
    ['exportQuality 101', { exportQuality: 101 }, 'exportQuality'],
    ['a fractional exportQuality', { exportQuality: 50.5 }, 'exportQuality'],
    ['an empty model', { model: '' }, 'model'],
    ['a bad bgColor', { bgColor: 'blurple' }, 'bgColor'],
    ['a negative cropMargin', { cropMargin: -1 }, 'cropMargin'],
    ['a too large cropMargin', { cropMargin: '600px' }, 'cropMargin'],
    ['a too large numeric cropMargin', { cropMargin: 3000 }, 'cropMargin'],
    ['an infinite cropMargin', { cropMargin: Infinity }, 'cropMargin'],
    ['an empty bgColor', { bgColor: '' }, 'bgColor'],
    ['a malformed cropMargin', { cropMargin: '1px 2px 3px' }, 'cropMargin'],
  ];
  for (const [name, input, field] of bad) {
    test(`${name} is an INVALID_OPTION naming ${field}`, () => assertInvalid(() => parseCutoutOptions(input), field));
  }

  test('several unknown keys are all named', () => {
    assert.throws(
      () => parseCutoutOptions({ foo: 1, bar: 2 }),
      (err: unknown) => err instanceof GreenroomError && err.code === 'GREENROOM_ERR_INVALID_OPTION' && /foo/.test(String(err.details.field)) && /bar/.test(String(err.details.field)),
    );
  });

  test('options that are not an object are refused', () => {
    assert.throws(() => parseCutoutOptions('fast'), (err: unknown) => err instanceof GreenroomError && err.code === 'GREENROOM_ERR_INVALID_OPTION' && err.details.field === 'options');
  });
});
