// The proxy sets are generated deterministically from committed photos, with exact alpha (real sharp).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { buildSmall, SMALL_COUNT } from '../../bench/proxies/small.ts';
import { buildSoft } from '../../bench/proxies/soft-edge.ts';

async function gray(png: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

describe('proxy sets', () => {
  test('a small-set image is the same bytes on every build, below the working size, with its alpha the image size', async () => {
    const a = await buildSmall(1);
    const b = await buildSmall(1);
    assert.equal(Buffer.compare(a.image, b.image), 0);
    assert.equal(Buffer.compare(a.gt, b.gt), 0);
    const mp = (a.width * a.height) / 1e6;
    assert.ok(mp >= 0.05 && mp <= 0.16, `${mp} MP`);
    const meta = await sharp(a.image).metadata();
    assert.equal(meta.format, 'jpeg');
    const gt = await gray(a.gt);
    assert.deepEqual([gt.width, gt.height], [a.width, a.height]);
    assert.ok(SMALL_COUNT >= 20 && SMALL_COUNT <= 40);
  });

  test('a soft-edge image has true soft alpha: many partial pixels, not just an anti-aliased rim', async () => {
    const im = await buildSoft(0);
    const gt = await gray(im.gt);
    let soft = 0;
    let fore = 0;
    for (const v of gt.data) {
      if (v > 0 && v < 255) soft++;
      if (v >= 128) fore++;
    }
    assert.ok(soft > 0.08 * fore, `soft ${soft} vs foreground ${fore}`);
    assert.ok(fore / gt.data.length > 0.05);
    const mp = (im.width * im.height) / 1e6;
    assert.ok(mp >= 0.4 && mp <= 1.5);
  });
});
