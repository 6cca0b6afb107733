/** Encoding a cutout with real sharp, on synthetic pixels (no model). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import zlib from 'node:zlib';
import { adler32, adler32Combine, assemblePng, pngPart, type PngSource } from '../../src/image/png.ts';
import { encodeCutout, type EncodeRequest } from '../../src/image/encode.ts';
import { patchStats } from '../helpers/images.ts';

const W = 120, H = 80;
const FG = [200, 40, 60] as const;

/** A red rectangle (x 30..89, y 20..59) fully opaque, with a soft 50% band around it, on alpha 0. */
function cutout(): Pick<EncodeRequest, 'width' | 'height' | 'rgb' | 'alpha'> {
  const rgb = new Uint8Array(W * H * 3);
  const alpha = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const inside = x >= 30 && x < 90 && y >= 20 && y < 60;
      const band = x >= 26 && x < 94 && y >= 16 && y < 64;
      alpha[i] = inside ? 255 : band ? 128 : 0;
      if (alpha[i]) for (let c = 0; c < 3; c++) rgb[i * 3 + c] = FG[c]!;
    }
  }
  return { width: W, height: H, rgb, alpha };
}

async function decode(data: Buffer) {
  const meta = await sharp(data).metadata();
  const { data: px, info } = await sharp(data).raw().toBuffer({ resolveWithObject: true });
  return { meta, px, info };
}

describe('encodeCutout', () => {
  test('png RGBA keeps colours and alpha exactly', async () => {
    const src = cutout();
    const out = await encodeCutout({ ...src, format: 'png', channels: 'rgba' });
    assert.deepEqual([out.width, out.height, out.format, out.mime], [W, H, 'png', 'image/png']);
    const { meta, px, info } = await decode(out.data);
    assert.deepEqual([meta.format, info.channels, info.width, info.height], ['png', 4, W, H]);
    for (let i = 0; i < W * H; i++) {
      assert.equal(px[i * 4 + 3], src.alpha[i]);
      if (src.alpha[i]) for (let c = 0; c < 3; c++) assert.equal(px[i * 4 + c], src.rgb[i * 3 + c]);
    }
  });

  test('webp and avif keep an alpha channel close to the matte', async () => {
    const src = cutout();
    for (const [format, mime, metaFormat] of [['webp', 'image/webp', 'webp'], ['avif', 'image/avif', 'heif']] as const) {
      const out = await encodeCutout({ ...src, format, channels: 'rgba' });
      assert.equal(out.mime, mime);
      const { meta, px, info } = await decode(out.data);
      assert.equal(meta.format, metaFormat);
      assert.equal(meta.hasAlpha, true, `${format} lost its alpha`);
      assert.deepEqual([info.width, info.height, info.channels], [W, H, 4]);
      assert.ok(patchStats(px, W, 4, 3, 40, 30, 20, 20).min > 245, `${format}: subject alpha`);
      assert.ok(patchStats(px, W, 4, 3, 0, 0, 15, 10).max < 10, `${format}: background alpha`);
      const red = patchStats(px, W, 4, 0, 40, 30, 20, 20).mean;
      assert.ok(Math.abs(red - FG[0]) < 12, `${format}: red ${red}`);
    }
  });

  test('channels "alpha" writes the matte alone as one grey channel, in every format', async () => {
    const src = cutout();
    for (const format of ['png', 'webp', 'jpeg'] as const) {
      const out = await encodeCutout({ ...src, format, channels: 'alpha' });
      const meta = await sharp(out.data).metadata();
      assert.equal(meta.hasAlpha, false, format);
      if (format !== 'webp') assert.equal(meta.channels, 1, `${format} matte has ${meta.channels} channels`);
      const { data } = await sharp(out.data).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
      assert.ok(patchStats(data, W, 1, 0, 40, 30, 20, 20).min > 245, format);
      assert.ok(patchStats(data, W, 1, 0, 0, 0, 15, 10).max < 10, format);
      if (format === 'png') assert.deepEqual(new Uint8Array(data), src.alpha);
    }
  });

  test('jpeg is laid on white unless a background is given', async () => {
    const src = cutout();
    const white = await decode((await encodeCutout({ ...src, format: 'jpeg', channels: 'rgba' })).data);
    assert.deepEqual([white.meta.format, white.info.channels, white.meta.hasAlpha], ['jpeg', 3, false]);
    for (let c = 0; c < 3; c++) assert.ok(patchStats(white.px, W, 3, c, 0, 0, 15, 10).mean > 245);
    const blue = await decode((await encodeCutout({ ...src, format: 'jpeg', channels: 'rgba', background: { r: 0, g: 0, b: 255, alpha: 1 } })).data);
    const bg = [0, 1, 2].map((c) => patchStats(blue.px, W, 3, c, 0, 0, 15, 10).mean);
    assert.ok(bg[0]! < 10 && bg[1]! < 10 && bg[2]! > 245, `background ${bg}`);
    // The half-transparent band is half foreground, half background.
    const band = [0, 1, 2].map((c) => patchStats(blue.px, W, 3, c, 27, 35, 2, 10).mean);
    const want = [FG[0] / 2, FG[1] / 2, (FG[2] + 255) / 2];
    for (let c = 0; c < 3; c++) assert.ok(Math.abs(band[c]! - want[c]!) < 15, `band ${band} vs ${want}`);
  });

  test('an opaque background on png flattens to RGB; a translucent one stays RGBA', async () => {
    const src = cutout();
    const flat = await decode((await encodeCutout({ ...src, format: 'png', channels: 'rgba', background: { r: 0, g: 255, b: 0, alpha: 1 } })).data);
    assert.equal(flat.info.channels, 3);
    assert.deepEqual([flat.px[0], flat.px[1], flat.px[2]], [0, 255, 0]);
    const i = (40 * W + 60) * 3;
    assert.deepEqual([flat.px[i], flat.px[i + 1], flat.px[i + 2]], [...FG]);

    const half = await decode((await encodeCutout({ ...src, format: 'png', channels: 'rgba', background: { r: 0, g: 255, b: 0, alpha: 0.5 } })).data);
    assert.equal(half.info.channels, 4);
    // Background: the colour at half opacity; subject: unchanged and opaque.
    assert.deepEqual([half.px[0], half.px[1], half.px[2]], [0, 255, 0]);
    assert.ok(Math.abs(half.px[3]! - 128) <= 1, `background alpha ${half.px[3]}`);
    const j = (40 * W + 60) * 4;
    assert.deepEqual([half.px[j], half.px[j + 1], half.px[j + 2], half.px[j + 3]], [...FG, 255]);
  });

  test('a region inside the frame crops to it', async () => {
    const src = cutout();
    const out = await encodeCutout({ ...src, format: 'png', channels: 'rgba', region: { x: 30, y: 20, width: 60, height: 40 } });
    assert.deepEqual([out.width, out.height], [60, 40]);
    const { px, info } = await decode(out.data);
    assert.deepEqual([info.width, info.height], [60, 40]);
    assert.equal(patchStats(px, 60, 4, 3, 0, 0, 60, 40).min, 255);
  });

  test('a region reaching outside the frame is padded: transparent, the background colour, or matte 0', async () => {
    const src = cutout();
    const region = { x: -10, y: -5, width: W + 20, height: H + 10 };
    const rgba = await decode((await encodeCutout({ ...src, format: 'png', channels: 'rgba', region })).data);
    assert.deepEqual([rgba.info.width, rgba.info.height, rgba.info.channels], [W + 20, H + 10, 4]);
    assert.equal(patchStats(rgba.px, W + 20, 4, 3, 0, 0, W + 20, 5).max, 0, 'top padding is not transparent');
    assert.equal(patchStats(rgba.px, W + 20, 4, 3, 0, 0, 10, H + 10).max, 0, 'left padding is not transparent');
    // The frame's content moved by the padding.
    assert.equal(rgba.px[((5 + 40) * (W + 20) + 10 + 60) * 4 + 3], 255);

    const jpeg = await decode((await encodeCutout({ ...src, format: 'jpeg', channels: 'rgba', region, background: { r: 255, g: 0, b: 0, alpha: 1 } })).data);
    assert.deepEqual([jpeg.info.width, jpeg.info.height, jpeg.info.channels], [W + 20, H + 10, 3]);
    for (const [x, y] of [[0, 0], [W + 10, H + 5], [0, H + 5]] as const) {
      const c = [0, 1, 2].map((k) => patchStats(jpeg.px, W + 20, 3, k, x, y, 10, 5).mean);
      assert.ok(c[0]! > 240 && c[1]! < 15 && c[2]! < 15, `padding at (${x}, ${y}) is ${c}, not the red background`);
    }

    const matte = await encodeCutout({ ...src, format: 'png', channels: 'alpha', region });
    const { data, info } = await sharp(matte.data).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height], [W + 20, H + 10]);
    assert.equal(patchStats(data, W + 20, 1, 0, 0, 0, W + 20, 5).max, 0);
    assert.equal(data[(45 * (W + 20) + 70)], 255);
  });

  test('with a translucent background, padding continues the same translucent colour (no seam)', async () => {
    const src = cutout();
    const region = { x: -10, y: -5, width: W + 20, height: H + 10 };
    const background = { r: 0, g: 255, b: 0, alpha: 128 / 255 };
    const out = await decode((await encodeCutout({ ...src, format: 'png', channels: 'rgba', region, background })).data);
    const at = (x: number, y: number) => [0, 1, 2, 3].map((k) => out.px[(y * (W + 20) + x) * 4 + k]);
    // (2, 2) is padding; (12, 7) is inside the frame but outside the subject: both the same colour.
    assert.deepEqual(at(2, 2), at(12, 7));
    assert.deepEqual(at(12, 7), [0, 255, 0, 128]);
  });

  test('exportQuality changes lossy output', async () => {
    const src = cutout();
    // Texture, so quality matters to the size.
    for (let i = 0; i < src.rgb.length; i++) src.rgb[i] = (i * 7919) % 251;
    const low = await encodeCutout({ ...src, format: 'jpeg', channels: 'rgba', quality: 10 });
    const high = await encodeCutout({ ...src, format: 'jpeg', channels: 'rgba', quality: 95 });
    assert.ok(low.data.length < high.data.length, `quality 10: ${low.data.length} bytes, 95: ${high.data.length}`);
  });
});

describe('PNG written in parts (png.ts)', () => {
  test('parts laid end to end decode to the exact pixels: RGBA from planes, interleaved RGB, grey; Adler-32 as zlib computes it', async () => {
    const w = 301, h = 97;
    const rgb = new Uint8Array(w * h * 3), alpha = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      rgb[i * 3] = (i * 13) % 256;
      rgb[i * 3 + 1] = (i * 7 + 40) % 256;
      rgb[i * 3 + 2] = (i >> 3) % 256;
      alpha[i] = i % 5 === 0 ? 0 : (i * 31) % 256;
    }
    const split = (source: PngSource, channels: 1 | 3 | 4) => assemblePng(w, h, channels, [pngPart(source, w, 0, 30, true, false), pngPart(source, w, 30, 61, false, false), pngPart(source, w, 61, h, false, true)]);
    const rgba = await sharp(split({ channels: 4, rgb, alpha }, 4)).ensureAlpha().raw().toBuffer();
    for (let i = 0; i < w * h; i++) assert.deepEqual([...rgba.subarray(i * 4, i * 4 + 4)], [rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], alpha[i]], `pixel ${i}`);
    const plain = await sharp(split({ channels: 3, interleaved: rgb }, 3)).raw().toBuffer();
    assert.ok(Buffer.from(rgb).equals(plain));
    const grey = await sharp(split({ channels: 1, grey: alpha }, 1)).extractChannel(0).raw().toBuffer();
    assert.ok(Buffer.from(alpha).equals(grey));
    const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 2654435761) >>> 24);
    const trailer = zlib.deflateSync(bytes).subarray(-4).readUInt32BE(0);
    assert.equal(adler32(bytes), trailer);
    assert.equal(adler32Combine(adler32(bytes.subarray(0, 70_000)), adler32(bytes.subarray(70_000)), 130_000), trailer);
  });
});
