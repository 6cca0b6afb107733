/** Every kind of input the decoder accepts, made with real sharp at test time. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
process.env.GREENROOM_DATA_DIR ??= path.join(os.tmpdir(), 'greenroom-test-data');

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Studio } from '../../src/studio.ts';
import { decodeImage, type DecodedImage } from '../../src/image/decode.ts';
import { sniffFormat } from '../../src/image/sniff.ts';
import { GreenroomError } from '../../src/errors.ts';
import { meanAbsDiff, patchStats, photo } from '../helpers/images.ts';

const LIMITS = { maxPixels: 50e6 };
const W = 150, H = 100;

/** coffee.png at 150x100: the reference sRGB pixels every encoded copy is compared with. */
const source = () => sharp(photo('coffee.png')).resize(W, H);
let original: Buffer;

before(async () => {
  original = await source().raw().toBuffer();
  assert.equal(original.length, W * H * 3);
});

function assertRgb(d: DecodedImage, width = W, height = H): void {
  assert.equal(d.width, width);
  assert.equal(d.height, height);
  assert.equal(d.rgb.length, width * height * 3, 'not 3 channels');
  assert.equal(d.alpha, undefined, 'an opaque input should have no alpha');
  assert.equal(d.orientation, 1);
}

describe('decodeImage: each supported format', () => {
  const cases: [string, () => Promise<Buffer>, string, number][] = [
    ['JPEG', () => source().jpeg({ quality: 95 }).toBuffer(), 'jpeg', 6],
    ['PNG', () => source().png().toBuffer(), 'png', 0],
    ['WebP (lossy)', () => source().webp({ quality: 95 }).toBuffer(), 'webp', 6],
    ['WebP (lossless)', () => source().webp({ lossless: true }).toBuffer(), 'webp', 0],
    ['AVIF', () => source().avif({ quality: 80 }).toBuffer(), 'avif', 6],
    ['TIFF (LZW)', () => source().tiff({ compression: 'lzw' }).toBuffer(), 'tiff', 0],
    ['TIFF (JPEG-compressed)', () => source().tiff({ compression: 'jpeg', quality: 90 }).toBuffer(), 'tiff', 8],
    ['GIF', () => source().gif().toBuffer(), 'gif', 6],
  ];
  for (const [name, make, format, tolerance] of cases) {
    test(`${name} decodes to ${W}x${H} sRGB close to the original (mean error <= ${tolerance})`, async () => {
      const bytes = await make();
      assert.deepEqual(sniffFormat(bytes), { kind: 'supported', format });
      const d = await decodeImage(bytes, LIMITS);
      assert.equal(d.format, format);
      assertRgb(d);
      const err = meanAbsDiff(d.rgb, original);
      assert.ok(err <= tolerance, `mean error ${err.toFixed(2)}`);
    });
  }

  test('an animated GIF decodes to its first frame only', async () => {
    const frame = (colour: string) => sharp({ create: { width: 40, height: 30, channels: 3, background: colour } }).png().toBuffer();
    const gif = await sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } }).gif().toBuffer();
    const meta = await sharp(gif).metadata();
    assert.equal(meta.pages, 2, 'the test GIF is not animated');
    const d = await decodeImage(gif, LIMITS);
    assertRgb(d, 40, 30);
    for (let c = 0; c < 3; c++) {
      const s = patchStats(d.rgb, 40, 3, c, 0, 0, 40, 30);
      const want = c === 0 ? 255 : 0;
      assert.ok(Math.abs(s.min - want) <= 2 && Math.abs(s.max - want) <= 2, `channel ${c} is ${s.min}..${s.max}, not the first frame's red`);
    }
  });
});

describe('decodeImage: colour and depth conversions', () => {
  test('a grayscale PNG becomes 3-channel RGB with equal channels', async () => {
    const grey = await source().greyscale().toColourspace('b-w').png().toBuffer();
    assert.equal((await sharp(grey).metadata()).channels, 1);
    const d = await decodeImage(grey, LIMITS);
    assertRgb(d);
    const want = await sharp(grey).extractChannel(0).raw().toBuffer();
    for (let i = 0; i < W * H; i++) {
      assert.ok(d.rgb[i * 3] === want[i] && d.rgb[i * 3 + 1] === want[i] && d.rgb[i * 3 + 2] === want[i], `pixel ${i}`);
    }
  });

  test('a grayscale PNG with alpha becomes RGB plus its alpha', async () => {
    const ga = await source().greyscale().toColourspace('b-w').ensureAlpha(0.5).png().toBuffer();
    assert.equal((await sharp(ga).metadata()).channels, 2);
    const d = await decodeImage(ga, LIMITS);
    assert.equal(d.rgb.length, W * H * 3);
    assert.ok(d.alpha, 'alpha lost');
    assert.equal(d.alpha.length, W * H);
    assert.ok(d.alpha.every((a) => Math.abs(a - 128) <= 1));
  });

  test('a CMYK JPEG decodes to sRGB close to the original', async () => {
    const cmyk = await source().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    const meta = await sharp(cmyk).metadata();
    assert.deepEqual([meta.space, meta.channels], ['cmyk', 4], 'the test file is not CMYK');
    const d = await decodeImage(cmyk, LIMITS);
    assertRgb(d);
    const err = meanAbsDiff(d.rgb, original);
    assert.ok(err < 10, `mean error ${err.toFixed(2)}`);
  });

  test('a 16-bit PNG decodes to 8-bit', async () => {
    const png16 = await source().toColourspace('rgb16').png().toBuffer();
    const meta = await sharp(png16).metadata();
    assert.deepEqual([meta.depth, meta.space], ['ushort', 'rgb16'], 'the test file is not 16-bit');
    const d = await decodeImage(png16, LIMITS);
    assertRgb(d);
    assert.ok(d.rgb instanceof Uint8Array);
    const err = meanAbsDiff(d.rgb, original);
    assert.ok(err <= 1, `mean error ${err.toFixed(2)}`);
  });

  test('a 16-bit grayscale PNG decodes to 8-bit RGB', async () => {
    const g16 = await source().greyscale().toColourspace('grey16').png().toBuffer();
    assert.equal((await sharp(g16).metadata()).depth, 'ushort');
    const d = await decodeImage(g16, LIMITS);
    assertRgb(d);
    const want = await source().greyscale().toColourspace('b-w').raw().toBuffer();
    let worst = 0;
    for (let i = 0; i < W * H; i++) worst = Math.max(worst, Math.abs(d.rgb[i * 3]! - want[i]!));
    assert.ok(worst <= 2, `off by ${worst}`);
  });

  test('a Display P3 image is converted to sRGB through its embedded profile', async () => {
    const p3 = await source().withIccProfile('p3').png().toBuffer();
    const meta = await sharp(p3).metadata();
    assert.ok(meta.icc, 'no embedded profile');
    // The numbers stored in the file are P3 numbers, noticeably different from the sRGB ones...
    const stored = await sharp(p3, { ignoreIcc: true }).raw().toBuffer();
    const storedErr = meanAbsDiff(stored, original);
    assert.ok(storedErr > 4, `P3 numbers are only ${storedErr.toFixed(2)} from the sRGB ones; the test says nothing`);
    // ...and decoding converts them back to sRGB, instead of reading them as if they were sRGB.
    const d = await decodeImage(p3, LIMITS);
    assertRgb(d);
    const err = meanAbsDiff(d.rgb, original);
    assert.ok(err < 1.5, `decoded P3 is ${err.toFixed(2)} from the sRGB original (stored numbers: ${storedErr.toFixed(2)})`);
  });

  test('an opaque alpha channel is dropped; a real one is kept', async () => {
    const opaque = await decodeImage(await source().ensureAlpha(1).png().toBuffer(), LIMITS);
    assertRgb(opaque);
    const translucent = await decodeImage(await source().ensureAlpha(0.25).png().toBuffer(), LIMITS);
    assert.ok(translucent.alpha);
    assert.ok(translucent.alpha.every((a) => Math.abs(a - 64) <= 1));
    // Straight (unpremultiplied) colour is kept under partial alpha.
    assert.ok(meanAbsDiff(translucent.rgb, original) <= 1);
  });
});

describe('decodeImage: orientation and limits', () => {
  for (const [orientation, rotate, flop] of [[3, 180, false], [6, 90, false], [8, 270, false], [2, 0, true]] as const) {
    test(`EXIF orientation ${orientation} is applied to the pixels`, async () => {
      const bytes = await source().png().withMetadata({ orientation }).toBuffer();
      const d = await decodeImage(bytes, LIMITS);
      assert.equal(d.orientation, orientation);
      const turned = rotate === 90 || rotate === 270;
      assert.deepEqual([d.width, d.height], turned ? [H, W] : [W, H]);
      let want = sharp(original, { raw: { width: W, height: H, channels: 3 } });
      want = flop ? want.flop() : want.rotate(rotate);
      assert.equal(meanAbsDiff(d.rgb, await want.raw().toBuffer()), 0);
    });
  }

  test('fitPixels decodes a larger photo scaled down (a JPEG by DCT scaling), orientation applied first', async () => {
    const bytes = await sharp(original, { raw: { width: W, height: H, channels: 3 } }).resize(W * 8, H * 8).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const cap = W * H;
    const d = await decodeImage(bytes, LIMITS, undefined, { fitPixels: cap });
    assert.ok(d.width * d.height <= cap && d.width * d.height > cap * 0.95, `${d.width}x${d.height}`);
    assert.ok(d.height > d.width, 'the orientation turned it upright first');
    const small = await decodeImage(await source().png().toBuffer(), LIMITS, undefined, { fitPixels: W * H * 4 });
    assert.deepEqual([small.width, small.height], [W, H], 'a photo already under the cap is left as it is');
  });

  test('the pixel limit is checked: at the limit passes, above it is IMAGE_TOO_LARGE', async () => {
    const bytes = await source().png().toBuffer();
    assert.equal((await decodeImage(bytes, { maxPixels: W * H })).width, W);
    await assert.rejects(decodeImage(bytes, { maxPixels: W * H - 1 }), (err: unknown) => {
      assert.ok(err instanceof GreenroomError);
      assert.equal(err.code, 'GREENROOM_ERR_IMAGE_TOO_LARGE');
      assert.deepEqual(err.details, { width: W, height: H, maxPixels: W * H - 1 });
      return true;
    });
  });
});

describe('through the Studio', () => {
  let studio: Studio;
  before(async () => {
    studio = await Studio.open();
  });
  after(async () => {
    await studio?.close();
  });

  test('an already-transparent PNG stays transparent where it was, and never gains opacity', async () => {
    // coffee.png with its left third cut away, a hole in the cup, and a half-transparent band.
    const rgb = await sharp(photo('coffee.png')).removeAlpha().raw().toBuffer();
    const w = 600, h = 400;
    const rgba = Buffer.alloc(w * h * 4);
    const inputAlpha = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const hole = Math.hypot(x - 290, y - 230) < 25;
        inputAlpha[i] = x < 200 || hole ? 0 : x < 220 ? 128 : 255;
        rgb.copy(rgba, i * 4, i * 3, i * 3 + 3);
        rgba[i * 4 + 3] = inputAlpha[i]!;
      }
    }
    const png = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer();
    const r = await studio.cutout(png, { quality: 'fast', channels: 'alpha' });
    assert.deepEqual([r.image.width, r.image.height], [w, h]);
    const out = await sharp(r.image.data).extractChannel(0).raw().toBuffer();
    let leaked = 0, gained = 0;
    for (let i = 0; i < w * h; i++) {
      if (inputAlpha[i] === 0 && out[i] !== 0) leaked++;
      if (out[i]! > inputAlpha[i]! + 1) gained++;
    }
    assert.equal(leaked, 0, `${leaked} pixels transparent in the input are not in the output`);
    assert.equal(gained, 0, `${gained} pixels more opaque than the input`);
    // The rest of the subject is still there.
    for (const [x, y] of [[290, 130], [430, 250], [250, 370]] as const) assert.ok(out[y * w + x]! > 200, `(${x}, ${y}): ${out[y * w + x]}`);
    const half = patchStats(out, w, 1, 0, 205, 250, 10, 20);
    assert.ok(half.max <= 129 && half.min > 60, `half-transparent saucer band: ${half.min}..${half.max}`);
    // The subject box ignores what the input had already removed.
    assert.ok(r.subject && r.subject.x >= 200, `subject box ${JSON.stringify(r.subject)}`);
  });

  test('a CMYK JPEG cuts out like the original', async () => {
    const cmyk = await sharp(photo('coffee.png')).toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    const r = await studio.cutout(cmyk, { quality: 'fast', channels: 'alpha' });
    assert.deepEqual(r.source, { width: 600, height: 400, format: 'jpeg', orientation: 1 });
    const out = await sharp(r.image.data).extractChannel(0).raw().toBuffer();
    for (const [x, y] of [[290, 230], [120, 300]] as const) assert.ok(out[y * 600 + x]! > 200, `(${x}, ${y}): ${out[y * 600 + x]}`);
    assert.ok(patchStats(out, 600, 1, 0, 0, 0, 20, 20).max < 20);
  });
});
