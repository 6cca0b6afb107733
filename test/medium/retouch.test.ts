/**
 * Retouch on a real photo with real sharp: studio.retouch with a mask image, with strokes and a
 * matte, with an expand; an edit whose spec retouches before the real network cuts out; a batch
 * job (embedded queue) with a retouch step.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
process.env.GREENROOM_DATA_DIR ??= path.join(os.tmpdir(), 'greenroom-test-data');

import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Studio } from '../../src/studio.ts';
import { openEmbeddedQueue } from '../../src/jobs/embedded.ts';
import { isGreenroomError } from '../../src/errors.ts';
import { distanceTo } from '../../src/retouch/distance.ts';
import { fakeSegmenterFactory, streamToBuffer, waitForEnd } from '../helpers/jobs.ts';
import { photo, rejectionOf } from '../helpers/images.ts';

const COFFEE = photo('coffee.png'); // 600x400
const MOTORCYCLE = photo('motorcycle_left.png'); // 741x500
let studio: Studio;
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-retouch-'));

before(async () => {
  studio = await Studio.open({ dataDir: root });
});
after(async () => {
  await studio.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const rgbOf = async (input: string | Buffer) => {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

/** A mask image at the photo's size: white where `inside(x, y)`. */
async function maskImage(width: number, height: number, inside: (x: number, y: number) => boolean): Promise<{ png: Buffer; mask: Uint8Array }> {
  const mask = new Uint8Array(width * height);
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inside(x, y)) (mask[y * width + x] = 1), rgb.fill(255, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { png: await sharp(rgb, { raw: { width, height, channels: 3 } }).png().toBuffer(), mask };
}

describe('studio.retouch on real photos', () => {
  test('a price sticker on the mug: the photo comes back its own size, filled where the mask was, unchanged beyond 2 px of it; the stages and the receipt say retouch, in the pool', async () => {
    const before = await rgbOf(COFFEE);
    // A white label drawn onto the mug, then masked out: the photo itself is the truth.
    const sticker = { x: 290, y: 232, w: 46, h: 28 };
    const stuck = Buffer.from(before.data);
    for (let y = sticker.y; y < sticker.y + sticker.h; y++) for (let x = sticker.x; x < sticker.x + sticker.w; x++) stuck.fill(250, (y * 600 + x) * 3, (y * 600 + x) * 3 + 3);
    const withSticker = await sharp(stuck, { raw: { width: 600, height: 400, channels: 3 } }).png().toBuffer();
    const { png, mask } = await maskImage(600, 400, (x, y) => x >= sticker.x - 3 && x < sticker.x + sticker.w + 3 && y >= sticker.y - 3 && y < sticker.y + sticker.h + 3);
    const r = await studio.retouch(withSticker, { mask: png });
    assert.deepEqual(r.stages.map((s) => [s.stage, s.where]), [['decode', 'libvips'], ['retouch', 'pool'], ['encode', 'libvips']]);
    assert.ok(r.energy && r.energy.stages.some((s) => s.stage === 'retouch' && s.joules > 0));
    assert.equal(r.retouch.filledPixels, 52 * 34);
    const after = await rgbOf(r.image.data);
    assert.deepEqual([after.width, after.height], [600, 400]);
    const near = distanceTo(mask, 600, 400);
    let white = 0, err = 0, n = 0;
    for (let i = 0; i < mask.length; i++) {
      const same = after.data[i * 3] === stuck[i * 3] && after.data[i * 3 + 1] === stuck[i * 3 + 1] && after.data[i * 3 + 2] === stuck[i * 3 + 2];
      if (!mask[i]) {
        if (near[i]! > 2) assert.ok(same, `pixel ${i} outside the band unchanged`);
        continue;
      }
      if (after.data[i * 3]! > 230 && after.data[i * 3 + 1]! > 230) white++;
      for (let c = 0; c < 3; c++) err += Math.abs(after.data[i * 3 + c]! - before.data[i * 3 + c]!);
      n++;
    }
    assert.ok(white < n * 0.02, `the sticker is gone (${white} white pixels left)`);
    assert.ok(err / (3 * n) < 40, `the fill looks like the mug around it (MAE ${(err / (3 * n)).toFixed(1)} against the photo without the sticker)`);
    const ledger = await studio.energy.ledger.entries();
    assert.ok(ledger.some((e) => e.operation === 'retouch'), 'the ledger counts the retouch');
  });

  test('strokes with the cutout as matte: the stroke on the product is filled from the product', async () => {
    const cut = await studio.cutout(COFFEE, { quality: 'fast' });
    const strokes = [{ mode: 'erase' as const, radius: 8, points: [[250, 330], [320, 340]] as [number, number][] }];
    const r = await studio.retouch(COFFEE, { strokes, matte: cut.image.data });
    assert.equal(r.retouch.matteFrom, 'previous-cutout');
    assert.ok(r.retouch.filledPixels > 1000);
  });

  test('expand 20% of the width on the left and right: the canvas grows, the border is filled', async () => {
    const r = await studio.retouch(MOTORCYCLE, { expand: '0 20%' });
    assert.deepEqual([r.image.width, r.image.height], [741 + 2 * 148, 500]);
    assert.deepEqual(r.retouch.expanded, { top: 0, right: 148, bottom: 0, left: 148 });
    const out = await rgbOf(r.image.data);
    let black = 0;
    for (let y = 0; y < 500; y++) for (let x = 0; x < 148; x++) if (out.data[(y * out.width + x) * 3]! + out.data[(y * out.width + x) * 3 + 1]! + out.data[(y * out.width + x) * 3 + 2]! === 0) black++;
    assert.ok(black < 100, `the new border is filled (${black} black pixels)`);
  });

  test('a bad mask fails before any work, with its code', async () => {
    const { png } = await maskImage(300, 300, () => false);
    const err = await rejectionOf(studio.retouch(COFFEE, { mask: png }));
    assert.ok(isGreenroomError(err, 'INVALID_MASK'), String(err));
    assert.equal(err.details.reason, 'size');
  });
});

describe('a retouch step before the cutout', () => {
  test('an edit with the real network: the stroke is filled first, then the photo is cut out and laid on white', async () => {
    const r = await studio.edit(COFFEE, { retouch: { strokes: [{ mode: 'erase', radius: 10, points: [[40, 360], [120, 370]] }] }, background: 'white', cutout: { quality: 'fast' } });
    assert.deepEqual(r.stages.slice(0, 3).map((s) => s.stage), ['decode', 'retouch', 'segment']);
    assert.ok(r.retouch && r.retouch.filledPixels > 1000);
  });

  test('a batch job (embedded queue) with an expand step: every output is the grown canvas', async () => {
    const fake = await Studio.open({ segmenterFactory: fakeSegmenterFactory(), dataDir: fs.mkdtempSync(path.join(root, 'q-')) });
    const queue = await openEmbeddedQueue({ studio: fake, dataDir: fs.mkdtempSync(path.join(root, 'jobs-')) });
    try {
      const files = [{ name: 'coffee.png', bytes: fs.readFileSync(COFFEE) }, { name: 'motorcycle.png', bytes: fs.readFileSync(MOTORCYCLE) }];
      const { id } = await queue.submit({ files, spec: { retouch: { expand: '40px' }, background: 'white', export: { format: 'png' } } });
      const s = await waitForEnd(queue, id, 120_000);
      assert.equal(s.state, 'done', JSON.stringify(s.items.map((i) => i.error)));
      const sizes = s.items.map((i) => [i.output!.width, i.output!.height]);
      assert.deepEqual(sizes, [[680, 480], [821, 580]]);
      const first = await streamToBuffer((await queue.openOutput(id, 0))!);
      assert.equal((await sharp(first).metadata()).width, 680);
    } finally {
      await queue.close();
      await fake.close();
    }
  });
});
