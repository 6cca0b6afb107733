import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseLength } from '../../src/compose/lengths.ts';
import { planLayout } from '../../src/compose/layout.ts';
import type { LayoutJob } from '../../src/pipeline/spec.ts';

const ratio = (value: number) => ({ unit: 'ratio' as const, value });
const px = (value: number) => ({ unit: 'px' as const, value });
const all = <T>(v: T) => ({ top: v, right: v, bottom: v, left: v });

function job(over: Partial<LayoutJob> = {}): LayoutJob {
  return { outputSize: { kind: 'fixed', width: 2000, height: 2000 }, padding: all(ratio(0)), margin: all(ratio(0)), horizontalAlignment: 'center', scaling: 'fit', referenceBox: 'subjectBox', ...over };
}
const source = { width: 1000, height: 800 };
const subject = { x: 100, y: 200, width: 600, height: 300 };

describe('lengths', () => {
  it('reads ratios, percentages and pixels', () => {
    assert.deepEqual(parseLength(0.1, 'f'), ratio(0.1));
    assert.deepEqual(parseLength('10%', 'f'), ratio(0.1));
    assert.deepEqual(parseLength('0.25', 'f'), ratio(0.25));
    assert.deepEqual(parseLength('40px', 'f'), px(40));
  });
  for (const bad of [0.5, -0.1, '50%', 'abc', '10 em', Number.NaN]) {
    it(`refuses ${String(bad)} with a coded error naming the field`, () => {
      assert.throws(() => parseLength(bad, 'layout.padding'), (e: any) => e.code === 'GREENROOM_ERR_INVALID_OPTION' && e.details.field === 'layout.padding' && /ratio/.test(e.details.expected));
    });
  }
});

describe('planLayout', () => {
  it('makes the subject fill 85% of an Amazon frame (padding 0.075) and centres it', () => {
    const p = planLayout(job({ padding: all(ratio(0.075)) }), { source, subject });
    assert.equal(p.subject.width, 1700);
    assert.equal(p.subject.width / p.width, 0.85);
    assert.equal(p.subject.x, 150);
    assert.equal(p.subject.height, 850);
    assert.equal(p.subject.y, Math.round((2000 - 850) / 2));
  });

  it('resolves percentages per side against that side, and pixels as pixels', () => {
    const p = planLayout(job({ outputSize: { kind: 'fixed', width: 1000, height: 500 }, padding: { top: ratio(0.2), right: px(100), bottom: ratio(0), left: px(50) } }), { source, subject });
    assert.deepEqual(p.target, { x: 50, y: 100, width: 850, height: 400 });
    // 600x300 fitted in 850x400: the height limits (400/300 < 850/600), centred across.
    assert.deepEqual(p.subject, { x: 75, y: 100, width: 800, height: 400 });
  });

  it('aligns left, right, top and bottom inside the target area', () => {
    const tall = { x: 0, y: 0, width: 100, height: 400 };
    const left = planLayout(job({ padding: all(ratio(0.1)), horizontalAlignment: 'left' }), { source, subject: tall });
    assert.equal(left.subject.x, 200);
    const right = planLayout(job({ padding: all(ratio(0.1)), horizontalAlignment: 'right' }), { source, subject: tall });
    assert.equal(right.subject.x + right.subject.width, 1800);
    const wide = { x: 0, y: 0, width: 400, height: 100 };
    const top = planLayout(job({ padding: all(ratio(0.1)), verticalAlignment: 'top' }), { source, subject: wide });
    assert.equal(top.subject.y, 200);
    const bottom = planLayout(job({ padding: all(ratio(0.1)) }), { source, subject: wide, defaultVertical: 'bottom' });
    assert.equal(bottom.subject.y + bottom.subject.height, 1800);
  });

  it('fill covers the target area (the subject may overflow the frame)', () => {
    const p = planLayout(job({ scaling: 'fill' }), { source, subject });
    assert.equal(p.subject.height, 2000);
    assert.equal(p.subject.width, 4000);
    assert.equal(p.subject.x, -1000);
  });

  it('cropped frames the subject plus its margin and the padding', () => {
    const p = planLayout(job({ outputSize: { kind: 'cropped' }, margin: all(ratio(0.1)), padding: all(px(20)) }), { source, subject });
    // 600 + 2 x 60 margin + 2 x 20 padding; 300 + 2 x 30 + 2 x 20.
    assert.equal(p.width, 760);
    assert.equal(p.height, 400);
    assert.equal(p.scale, 1);
    assert.deepEqual(p.subject, { x: 80, y: 50, width: 600, height: 300 });
  });

  it('original keeps the photo size; the original image as reference keeps the photo where it was', () => {
    const p = planLayout(job({ outputSize: { kind: 'original' }, referenceBox: 'originalImage' }), { source, subject });
    assert.equal(p.width, 1000);
    assert.equal(p.height, 800);
    assert.equal(p.scale, 1);
    assert.deepEqual(p.subject, subject);
  });

  it('keeps room under the subject when asked (a floating shadow)', () => {
    const p = planLayout(job({ padding: all(ratio(0.1)) }), { source, subject: { x: 0, y: 0, width: 100, height: 400 }, reserveBelow: 0.1, defaultVertical: 'bottom' });
    assert.equal(p.subject.y + p.subject.height, 200 + Math.round(1600 * 0.9));
  });

  it('refuses padding that leaves no room, naming the field', () => {
    assert.throws(() => planLayout(job({ outputSize: { kind: 'fixed', width: 100, height: 100 }, padding: all(px(60)) }), { source, subject }), (e: any) => e.code === 'GREENROOM_ERR_INVALID_OPTION' && e.details.field === 'layout.padding');
  });
});
