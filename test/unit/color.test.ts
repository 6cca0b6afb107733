import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseColor } from '../../src/image/color.ts';
import { GreenroomError } from '../../src/errors.ts';

describe('parseColor', () => {
  const good: [string, { r: number; g: number; b: number; alpha: number }][] = [
    ['#ffffff', { r: 255, g: 255, b: 255, alpha: 1 }],
    ['ffffff', { r: 255, g: 255, b: 255, alpha: 1 }],
    ['#FF8000', { r: 255, g: 128, b: 0, alpha: 1 }],
    ['#fff', { r: 255, g: 255, b: 255, alpha: 1 }],
    ['0a8', { r: 0, g: 170, b: 136, alpha: 1 }],
    ['#f008', { r: 255, g: 0, b: 0, alpha: 136 / 255 }],
    ['#12345678', { r: 0x12, g: 0x34, b: 0x56, alpha: 0x78 / 255 }],
    ['#00ff0000', { r: 0, g: 255, b: 0, alpha: 0 }],
    ['  #abc  ', { r: 0xaa, g: 0xbb, b: 0xcc, alpha: 1 }],
    ['white', { r: 255, g: 255, b: 255, alpha: 1 }],
    ['Black', { r: 0, g: 0, b: 0, alpha: 1 }],
    ['RED', { r: 255, g: 0, b: 0, alpha: 1 }],
    ['green', { r: 0, g: 128, b: 0, alpha: 1 }],
    ['grey', { r: 128, g: 128, b: 128, alpha: 1 }],
    ['gray', { r: 128, g: 128, b: 128, alpha: 1 }],
    ['transparent', { r: 0, g: 0, b: 0, alpha: 0 }],
  ];
  for (const [input, want] of good) {
    test(`"${input}"`, () => {
      const got = parseColor(input);
      assert.equal(got.r, want.r);
      assert.equal(got.g, want.g);
      assert.equal(got.b, want.b);
      assert.ok(Math.abs(got.alpha - want.alpha) < 1e-9, `alpha ${got.alpha}`);
    });
  }

  const bad = ['', '   ', '#', '#12', '#12345', '#1234567', '#123456789', '#ggg', 'notacolour', '#white', 'rgb(1,2,3)', '0x123456'];
  for (const input of bad) {
    test(`"${input}" is an INVALID_OPTION naming the field`, () => {
      assert.throws(
        () => parseColor(input, 'bgColor'),
        (err: unknown) => {
          assert.ok(err instanceof GreenroomError);
          assert.equal(err.code, 'GREENROOM_ERR_INVALID_OPTION');
          assert.equal(err.status, 400);
          assert.equal(err.details.field, 'bgColor');
          assert.equal(err.details.got, input);
          assert.match(err.message, /^bgColor: /);
          return true;
        },
      );
    });
  }

  test('names its default field when none is given', () => {
    assert.throws(() => parseColor('nope'), (err: unknown) => err instanceof GreenroomError && err.details.field === 'bg_color');
  });
});
