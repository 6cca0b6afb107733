/**
 * HEIC input, an iPhone's default: real HEIC files (test/fixtures/heic, made by Debian's heif-enc
 * with scripts/make-heic-fixtures.ts) decoded by libheif in WebAssembly on the pixel pool, the
 * container's rotation applied, Display P3 converted to sRGB, through the studio like a JPEG.
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
import { decodeImage } from '../../src/image/decode.ts';
import { iccToSrgb, isSrgb, nclxToSrgb } from '../../src/image/icc.ts';
import { isGreenroomError } from '../../src/errors.ts';
import { photo } from '../helpers/images.ts';

const HEIC = path.join(import.meta.dirname, '..', 'fixtures', 'heic');
const ROTATED = path.join(HEIC, 'coffee-p3-icc-rot90.heic');
const NCLX = path.join(HEIC, 'coffee-p3-nclx.heic');
const LIMITS = { maxPixels: 50_000_000 };

/** The photo the fixtures were made from, as scripts/make-heic-fixtures.ts sized it, in sRGB. */
async function source(rotateAnticlockwise: boolean): Promise<Buffer> {
  const s = sharp(photo('coffee.png')).removeAlpha().resize(320, 240, { fit: 'cover' });
  const raw = await s.raw().toBuffer();
  return rotateAnticlockwise ? sharp(raw, { raw: { width: 320, height: 240, channels: 3 } }).rotate(270).raw().toBuffer() : raw;
}

function meanAbs(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

let studio: Studio;
before(async () => {
  studio = await Studio.open();
});
after(() => studio.close());

describe('decodeImage: HEIC', () => {
  test('the container rotation (irot 90 anticlockwise) is applied: 320x240 stored, 240x320 decoded', async () => {
    const d = await decodeImage(fs.readFileSync(ROTATED), LIMITS, studio.pixels);
    assert.equal(d.format, 'heic');
    assert.deepEqual([d.width, d.height], [240, 320]);
    assert.equal(d.alpha, undefined);
    assert.ok(d.rgb.buffer instanceof SharedArrayBuffer, 'decoded onto shared memory for the pool');
  });

  test('Display P3 (an ICC profile, and an nclx box) comes out as sRGB: within HEVC error of the sRGB photo, far from the unconverted P3 values', async () => {
    for (const [file, rotated] of [[ROTATED, true], [NCLX, false]] as const) {
      const d = await decodeImage(fs.readFileSync(file), LIMITS, studio.pixels);
      const srgb = await source(rotated);
      const p3 = await sharp(srgb, { raw: { width: d.width, height: d.height, channels: 3 } }).withIccProfile('p3').raw().toBuffer();
      const converted = meanAbs(d.rgb, srgb), unconverted = meanAbs(d.rgb, p3);
      assert.ok(converted < 3.5, `${path.basename(file)}: mean error ${converted.toFixed(2)} against the sRGB photo`);
      assert.ok(unconverted > 2 * converted, `${path.basename(file)}: the P3 values are ${unconverted.toFixed(2)} away, converted ${converted.toFixed(2)}`);
    }
  });

  test('decoded in this thread when no pool is given, with the same pixels', async () => {
    const pooled = await decodeImage(fs.readFileSync(NCLX), LIMITS, studio.pixels);
    const here = await decodeImage(fs.readFileSync(NCLX), LIMITS);
    assert.deepEqual([here.width, here.height], [pooled.width, pooled.height]);
    assert.equal(meanAbs(here.rgb, pooled.rgb), 0);
  });

  test('the pixel limit is checked from the container, before decoding: IMAGE_TOO_LARGE', async () => {
    await assert.rejects(decodeImage(fs.readFileSync(ROTATED), { maxPixels: 50_000 }, studio.pixels), (err) => isGreenroomError(err, 'IMAGE_TOO_LARGE') && (err.details.width as number) * (err.details.height as number) === 320 * 240);
  });

  test('a truncated HEIC is CORRUPT_IMAGE naming HEIC, and the pool keeps working', async () => {
    const whole = fs.readFileSync(NCLX);
    for (const cut of [whole.length - 20_000, 900]) {
      await assert.rejects(decodeImage(whole.subarray(0, cut), LIMITS, studio.pixels), (err) => isGreenroomError(err, 'CORRUPT_IMAGE') && err.details.format === 'heic', `cut at ${cut}`);
    }
    const d = await decodeImage(whole, LIMITS, studio.pixels);
    assert.equal(d.width, 320);
  });
});

describe('HEIC through the studio', () => {
  test('a cutout of a HEIC works like a JPEG: the rotated size, the subject found, every stage off the main thread', async () => {
    const r = await studio.cutout(ROTATED, { quality: 'fast' });
    assert.equal(r.source.format, 'heic');
    assert.deepEqual([r.image.width, r.image.height], [240, 320]);
    assert.ok(r.subject && r.subject.width > 100 && r.subject.height > 100, `subject ${JSON.stringify(r.subject)}`);
    const decode = r.stages.find((s) => s.stage === 'decode')!;
    assert.match(decode.where, /pool/);
    for (const s of r.stages) assert.notEqual(s.where, 'main', `${s.stage} ran on the main thread`);
  });

  test('an edit of a HEIC lays it on a scene; studio.convert gives a JPEG the browser can show', async () => {
    const e = await studio.edit(NCLX, { background: 'template:studio-grey', layout: { outputSize: '400x400' }, cutout: { quality: 'fast' } });
    assert.deepEqual([e.image.width, e.image.height], [400, 400]);
    const c = await studio.convert(ROTATED, { format: 'jpeg', quality: 95 });
    const meta = await sharp(c.image.data).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 240, 320]);
    const small = await studio.convert(ROTATED, { format: 'png', maxPixels: 240 * 320 / 4 });
    assert.deepEqual([small.image.width, small.image.height], [120, 160]);
  });

  test('the colour conversions agree: an ICC Display P3 profile and an nclx P3 box give the same matrix; sRGB is left alone', async () => {
    const png = await sharp(photo('coffee.png')).resize(16, 12).withIccProfile('p3').png().toBuffer();
    const icc = iccToSrgb(new Uint8Array((await sharp(png).metadata()).icc!))!;
    const nclx = nclxToSrgb(12, 13)!;
    for (let i = 0; i < 9; i++) assert.ok(Math.abs(icc.matrix[i]! - nclx.matrix[i]!) < 3e-3, `matrix[${i}] ${icc.matrix[i]} vs ${nclx.matrix[i]}`);
    assert.ok(!isSrgb(icc));
    assert.ok(isSrgb(nclxToSrgb(1, 13)!));
    const srgbPng = await sharp(photo('coffee.png')).resize(16, 12).withIccProfile('srgb').png().toBuffer();
    assert.ok(isSrgb(iccToSrgb(new Uint8Array((await sharp(srgbPng).metadata()).icc!))!));
  });
});
