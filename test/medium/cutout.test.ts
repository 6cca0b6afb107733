/** The whole cutout on real photos with the real model and sharp. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
process.env.GREENROOM_DATA_DIR ??= path.join(os.tmpdir(), 'greenroom-test-data');

import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Studio } from '../../src/studio.ts';
import { getModelSpec } from '../../src/models/manifest.ts';
import { cachedModelPath, ensureModelFile } from '../../src/models/store.ts';
import { summarizeModel } from '../../src/models/onnx-proto.ts';
import { subjectBox } from '../../src/matte/bbox.ts';
import { patchStats, photo, PHOTOS } from '../helpers/images.ts';

const CACHE_DIR = process.env.GREENROOM_CACHE_DIR!;
const COFFEE = photo('coffee.png');

/** Points inside the subject of coffee.png (600x400), picked on the photo. */
const COFFEE_FOREGROUND: [string, number, number][] = [
  ['cup body', 290, 230],
  ['coffee in the cup', 290, 130],
  ['saucer, left', 120, 300],
  ['saucer, right', 430, 250],
  ['saucer, front', 250, 370],
  ['cup handle', 225, 270],
];
/** Table, outside the saucer. */
const COFFEE_BACKGROUND: [string, number, number][] = [
  ['table above the saucer, left', 90, 120],
  ['table right of the cup', 470, 90],
];
const CORNERS = (w: number, h: number, size = 20): [string, number, number][] => [
  ['top left', 0, 0],
  ['top right', w - size, 0],
  ['bottom left', 0, h - size],
  ['bottom right', w - size, h - size],
];

interface Raw {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

async function raw(image: Buffer | sharp.Sharp): Promise<Raw> {
  const { data, info } = await (Buffer.isBuffer(image) ? sharp(image) : image).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** The alpha plane of an RGBA output, or the single channel of a matte output. */
async function alphaOf(encoded: Buffer): Promise<Raw> {
  const meta = await sharp(encoded).metadata();
  const img = meta.channels === 1 ? sharp(encoded).extractChannel(0) : sharp(encoded).extractChannel(3);
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.channels, 1);
  return { data, width: info.width, height: info.height, channels: 1 };
}

const at = (r: Raw, x: number, y: number, c = 0) => r.data[(y * r.width + x) * r.channels + c]!;

let studio: Studio;

before(async () => {
  studio = await Studio.open();
});

after(async () => {
  await studio?.close();
});

describe('cutout of coffee.png', () => {
  let rgba: Awaited<ReturnType<Studio['cutout']>>;
  let alpha: Raw;

  before(async () => {
    rgba = await studio.cutout(COFFEE, { quality: 'fast' });
    alpha = await alphaOf(rgba.image.data);
  });

  test('is an RGBA PNG the size of the photo, with the result described', async () => {
    const meta = await sharp(rgba.image.data).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.channels, 4);
    assert.equal(meta.width, 600);
    assert.equal(meta.height, 400);
    assert.deepEqual([rgba.image.width, rgba.image.height, rgba.image.format, rgba.image.mime], [600, 400, 'png', 'image/png']);
    assert.deepEqual(rgba.source, { width: 600, height: 400, format: 'png', orientation: 1 });
    assert.equal(rgba.model, 'isnet-int8');
    assert.equal(rgba.quality, 'fast');
    assert.equal(rgba.workingSize, 512);
    assert.deepEqual(rgba.stages.map((s) => s.stage), ['decode', 'segment', 'refine', 'encode']);
    assert.equal(rgba.region, undefined);
  });

  test('the cup and saucer are foreground', () => {
    for (const [name, x, y] of COFFEE_FOREGROUND) assert.ok(at(alpha, x, y) > 200, `${name} (${x}, ${y}): alpha ${at(alpha, x, y)}`);
  });

  test('the table is background, in all four corners and beside the saucer', () => {
    for (const [name, x, y] of CORNERS(600, 400)) {
      const s = patchStats(alpha.data, 600, 1, 0, x, y, 20, 20);
      assert.ok(s.max < 20, `${name} corner: alpha up to ${s.max}`);
    }
    for (const [name, x, y] of COFFEE_BACKGROUND) assert.ok(at(alpha, x, y) < 20, `${name} (${x}, ${y}): alpha ${at(alpha, x, y)}`);
  });

  test('opaque pixels keep the photo\'s colours', async () => {
    const rgb = await raw(sharp(rgba.image.data).removeAlpha());
    const original = await raw(sharp(COFFEE).removeAlpha());
    let compared = 0, worst = 0;
    for (let i = 0; i < 600 * 400; i++) {
      if (alpha.data[i] !== 255) continue;
      compared++;
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(rgb.data[i * 3 + c]! - original.data[i * 3 + c]!));
    }
    assert.ok(compared > 600 * 400 * 0.4, `only ${compared} opaque pixels`);
    assert.equal(worst, 0, `opaque pixels differ by up to ${worst}`);
  });

  test('the subject box is inside the frame, contains the cup and saucer, and is the matte\'s box', () => {
    const s = rgba.subject;
    assert.ok(s, 'no subject found');
    assert.ok(s.x >= 0 && s.y >= 0 && s.x + s.width <= 600 && s.y + s.height <= 400, `box ${JSON.stringify(s)} leaves the frame`);
    for (const [name, x, y] of COFFEE_FOREGROUND) {
      assert.ok(x >= s.x && x < s.x + s.width && y >= s.y && y < s.y + s.height, `${name} outside ${JSON.stringify(s)}`);
    }
    // The saucer spans about x 75..480: the box neither misses it nor takes in the whole table.
    assert.ok(s.x > 30 && s.x < 100 && s.x + s.width > 460 && s.x + s.width < 540, `box ${JSON.stringify(s)}`);
    assert.deepEqual(s, subjectBox(alpha.data, 600, 400));
  });

  test('channels "alpha" gives a single-channel matte equal to the cutout\'s alpha', async () => {
    const r = await studio.cutout(COFFEE, { quality: 'fast', channels: 'alpha' });
    const meta = await sharp(r.image.data).metadata();
    assert.equal(meta.channels, 1);
    assert.equal(meta.hasAlpha, false);
    assert.deepEqual([meta.width, meta.height], [600, 400]);
    const matte = await alphaOf(r.image.data);
    let worst = 0;
    for (let i = 0; i < matte.data.length; i++) worst = Math.max(worst, Math.abs(matte.data[i]! - alpha.data[i]!));
    assert.ok(worst <= 1, `matte differs from the cutout's alpha by up to ${worst}`);
  });

  test('format jpeg has no alpha and lays the cutout on bgColor', async () => {
    const r = await studio.cutout(COFFEE, { quality: 'fast', format: 'jpeg', bgColor: '#00ff00' });
    assert.equal(r.image.mime, 'image/jpeg');
    const meta = await sharp(r.image.data).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.channels, 3);
    assert.equal(meta.hasAlpha, false);
    const img = await raw(r.image.data);
    assert.deepEqual([img.width, img.height], [600, 400]);
    for (const [name, x, y] of CORNERS(600, 400)) {
      const [red, green, blue] = [0, 1, 2].map((c) => patchStats(img.data, 600, 3, c, x, y, 20, 20).mean);
      assert.ok(red! < 12 && green! > 243 && blue! < 12, `${name} corner is (${red}, ${green}, ${blue}), not green`);
    }
    // The cup stays the cup's colour.
    const original = await raw(sharp(COFFEE).removeAlpha());
    for (const [name, x, y] of COFFEE_FOREGROUND.slice(0, 2)) {
      for (let c = 0; c < 3; c++) {
        const got = patchStats(img.data, 600, 3, c, x - 3, y - 3, 7, 7).mean;
        const want = patchStats(original.data, 600, 3, c, x - 3, y - 3, 7, 7).mean;
        assert.ok(Math.abs(got - want) < 12, `${name} channel ${c}: ${got} vs ${want}`);
      }
    }
  });

  test('crop: true gives an image the size of the subject box', async () => {
    const r = await studio.cutout(COFFEE, { quality: 'fast', crop: true });
    const box = rgba.subject!;
    assert.deepEqual([r.image.width, r.image.height], [box.width, box.height]);
    assert.deepEqual(r.region, box);
    assert.deepEqual(r.subject, { x: 0, y: 0, width: box.width, height: box.height });
    const meta = await sharp(r.image.data).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [box.width, box.height, 4]);
    // The crop is the same pixels as the full cutout's.
    const a = await alphaOf(r.image.data);
    let worst = 0;
    for (let y = 0; y < box.height; y++) {
      for (let x = 0; x < box.width; x++) worst = Math.max(worst, Math.abs(at(a, x, y) - at(alpha, x + box.x, y + box.y)));
    }
    assert.ok(worst <= 1, `cropped alpha differs by up to ${worst}`);
  });

  test('crop with a margin pads the box, transparently where it reaches outside the frame', async () => {
    const box = rgba.subject!;
    const r = await studio.cutout(COFFEE, { quality: 'fast', crop: true, cropMargin: '20px' });
    assert.deepEqual([r.image.width, r.image.height], [box.width + 40, box.height + 40]);
    assert.deepEqual(r.subject, { x: 20, y: 20, width: box.width, height: box.height });
    assert.deepEqual(r.region, { x: box.x - 20, y: box.y - 20, width: box.width + 40, height: box.height + 40 });
    const a = await alphaOf(r.image.data);
    assert.deepEqual([a.width, a.height], [box.width + 40, box.height + 40]);
    // The margin is background: transparent along the top rows and left columns.
    assert.ok(patchStats(a.data, a.width, 1, 0, 0, 0, a.width, 10).max < 20, 'top margin is not transparent');
    assert.ok(patchStats(a.data, a.width, 1, 0, 0, 0, 10, a.height).max < 20, 'left margin is not transparent');
    // The saucer touches the photo's bottom edge; rows below the frame are padding, fully transparent.
    const outside = box.y + box.height + 20 - 400;
    if (outside > 0) assert.equal(patchStats(a.data, a.width, 1, 0, 0, a.height - outside, a.width, outside).max, 0, 'padding outside the frame is not transparent');
  });
});

describe('a photo larger than the working size (guided refinement)', () => {
  test('keeps the subject, and stays close to the plain bilinear matte', async () => {
    // coffee.png at 1200x800 is larger than the 512x512 working size, so refine takes the guided path.
    const big = await sharp(COFFEE).resize(1200, 800).png().toBuffer();
    const refined = await studio.cutout(big, { quality: 'fast', channels: 'alpha' });
    const plain = await studio.cutout(big, { quality: 'fast', channels: 'alpha', refine: false });
    const a = await alphaOf(refined.image.data);
    const b = await alphaOf(plain.image.data);
    assert.deepEqual([a.width, a.height], [1200, 800]);
    for (const [name, x, y] of COFFEE_FOREGROUND) assert.ok(at(a, 2 * x, 2 * y) > 200, `${name}: alpha ${at(a, 2 * x, 2 * y)}`);
    for (const [name, x, y] of CORNERS(1200, 800, 40)) assert.ok(patchStats(a.data, 1200, 1, 0, x, y, 40, 40).max < 20, `${name} corner`);
    let sum = 0;
    for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
    const mad = sum / a.data.length / 255;
    assert.ok(mad < 0.01, `guided and bilinear mattes differ by ${mad.toFixed(4)} on average`);
  });
});

describe('every fixture photo', () => {
  test('comes out the size it went in, with a subject inside the frame', async () => {
    // coffee.png is checked above.
    const names = fs.readdirSync(PHOTOS).filter((f) => /\.(png|jpe?g)$/i.test(f) && f !== 'coffee.png');
    assert.ok(names.length >= 4);
    for (const name of names) {
      const meta = await sharp(photo(name)).metadata();
      const r = await studio.cutout(photo(name), { quality: 'fast' });
      const out = await sharp(r.image.data).metadata();
      assert.deepEqual([out.width, out.height, out.channels], [meta.width, meta.height, 4], name);
      assert.deepEqual([r.image.width, r.image.height], [meta.width, meta.height], name);
      const s = r.subject;
      assert.ok(s, `${name}: no subject`);
      assert.ok(s.x >= 0 && s.y >= 0 && s.width > 0 && s.height > 0 && s.x + s.width <= meta.width! && s.y + s.height <= meta.height!, `${name}: box ${JSON.stringify(s)}`);
      // A subject, not the whole frame and not a speck.
      const share = (s.width * s.height) / (meta.width! * meta.height!);
      assert.ok(share > 0.05, `${name}: subject box covers only ${share} of the frame`);
    }
  });
});

describe('default options and EXIF orientation (best quality)', () => {
  let upright: Buffer;
  let best: Awaited<ReturnType<Studio['cutout']>>;
  let bestAlpha: Raw;

  before(async () => {
    upright = await sharp(COFFEE).jpeg({ quality: 95 }).toBuffer();
    best = await studio.cutout(upright);
    bestAlpha = await alphaOf(best.image.data);
  });

  test('default options: best quality at 1024, RGBA PNG, the same subject', async () => {
    assert.equal(best.quality, 'best');
    assert.equal(best.workingSize, 1024);
    assert.equal(best.image.format, 'png');
    assert.equal((await sharp(best.image.data).metadata()).channels, 4);
    const a = bestAlpha;
    for (const [name, x, y] of COFFEE_FOREGROUND) assert.ok(at(a, x, y) > 200, `${name} (${x}, ${y}): alpha ${at(a, x, y)}`);
    for (const [name, x, y] of CORNERS(600, 400)) assert.ok(patchStats(a.data, 600, 1, 0, x, y, 20, 20).max < 20, `${name} corner`);
  });

  test('an orientation-6 JPEG comes out rotated, with the upright matte rotated 90° clockwise', async () => {
    const rotated = await sharp(COFFEE).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const rmeta = await sharp(rotated).metadata();
    assert.deepEqual([rmeta.width, rmeta.height, rmeta.orientation], [600, 400, 6], 'test input is not what it should be');

    const b = await studio.cutout(rotated, { channels: 'alpha' });
    assert.deepEqual(b.source, { width: 400, height: 600, format: 'jpeg', orientation: 6 });
    assert.deepEqual([b.image.width, b.image.height], [400, 600]);
    const got = await raw(sharp(b.image.data).extractChannel(0));
    assert.deepEqual([got.width, got.height], [400, 600]);
    const want = await raw(sharp(best.image.data).extractChannel(3).rotate(90));
    assert.deepEqual([want.width, want.height], [400, 600]);
    let sum = 0;
    for (let i = 0; i < got.data.length; i++) sum += Math.abs(got.data[i]! - want.data[i]!);
    const mad = sum / got.data.length / 255;
    assert.ok(mad < 0.05, `rotated matte differs from the upright one rotated by ${mad.toFixed(4)} on average`);
    // The cup body (290, 230) upright is at (400 - 1 - 230, 290) after a clockwise quarter turn.
    assert.ok(at(got, 169, 290) > 200, `cup body in the rotated output: ${at(got, 169, 290)}`);
  });
});

describe('model store', () => {
  test('the prepared default model is in the cache after Studio.open, with symbolic spatial dims', () => {
    const spec = getModelSpec(studio.config.defaultModel);
    const file = cachedModelPath(spec, CACHE_DIR);
    assert.equal(studio.config.cacheDir, CACHE_DIR);
    assert.ok(fs.existsSync(file), `${file} is missing`);
    const size = fs.statSync(file).size;
    // int8 weights take a byte each, fp16 two
    assert.ok(size > spec.bytes * (spec.precision === 'int8' ? 0.45 : 0.9), `cached model is only ${size} bytes`);
    const summary = summarizeModel(fs.readFileSync(file));
    assert.deepEqual(summary.inputs, [spec.input.name]);
    assert.ok(summary.outputs.includes(spec.output.name));
    assert.ok((summary.opCounts.Conv ?? 0) > 50, 'not a convolutional network');
    // No temporary files left behind.
    assert.deepEqual(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp')), []);
  });

  test('a second Studio reuses the cached file instead of assembling it again', async () => {
    const spec = getModelSpec(studio.config.defaultModel);
    const file = cachedModelPath(spec, CACHE_DIR);
    const before = fs.statSync(file);
    assert.deepEqual(ensureModelFile(spec, CACHE_DIR), { path: file, assembled: false });
    const second = await Studio.open();
    await second.close();
    const afterStat = fs.statSync(file);
    assert.equal(afterStat.ino, before.ino, 'the cached model was replaced');
    assert.equal(afterStat.mtimeMs, before.mtimeMs, 'the cached model was rewritten');
  });
});
