/**
 * The refinement in proportion to the edge, on the pool, against the whole-frame refinement
 * (refineMatte) it replaces: a 12 MP phone photo with the real network's matte. Stated
 * tolerance: alpha within 3 levels, on at most 0.01% of the pixels; colours within 3 levels on
 * at most 0.01% of the channels.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
process.env.GREENROOM_DATA_DIR ??= path.join(os.tmpdir(), 'greenroom-test-data');

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Studio } from '../../src/studio.ts';
import { decodeImage, resizeForNetwork } from '../../src/image/decode.ts';
import { refineMatte } from '../../src/matte/refine.ts';
import { planBand, workShareOf } from '../../src/matte/band-refine.ts';
import { sharedFloats } from '../../src/pixels/transfer.ts';
import { refineInParts } from '../../src/pipeline/refine-parts.ts';
import { photo } from '../helpers/images.ts';

let studio: Studio;
before(async () => {
  studio = await Studio.open();
});
after(() => studio.close());

function differences(a: Uint8Array, b: Uint8Array): { count: number; max: number } {
  let count = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d) count++;
    if (d > max) max = d;
  }
  return { count, max };
}

describe('band refinement on the pool', () => {
  for (const name of ['coffee.png', 'motorcycle_left.png']) {
    test(`${name} at 12 MP: the same cutout as the whole-frame refinement, from a fraction of the frame's tiles`, async () => {
      const jpeg = await sharp(photo(name)).removeAlpha().resize(4032, 3024, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
      const decoded = await decodeImage(jpeg, { maxPixels: 50_000_000 }, studio.pixels);
      const segmenter = await studio.segmenter();
      const matte = { data: sharedFloats(await segmenter.segment(resizeForNetwork(decoded, 1024), 1024)), width: 1024, height: 1024 };
      const image = { data: decoded.rgb, width: decoded.width, height: decoded.height };
      const options = { refine: true, decontaminate: true };
      const reference = refineMatte(image, matte, undefined, options);
      const pooled = await refineInParts(studio.pixels, image, matte, undefined, options);
      const a = differences(pooled.alpha, reference.alpha), c = differences(pooled.rgb, reference.rgb);
      assert.ok(a.max <= 3 && a.count <= image.width * image.height * 1e-4, `alpha: ${a.count} pixels differ, by up to ${a.max}`);
      assert.ok(c.max <= 3 && c.count <= image.data.length * 1e-4, `colour: ${c.count} channels differ, by up to ${c.max}`);
      const share = workShareOf(planBand(matte, image.width, image.height, options, 2));
      assert.ok(share < 0.5, `work tiles: ${(share * 100).toFixed(1)}% of the frame`);
    });
  }
});
