/** The compatibility routes: remove.bg's /v1.0/removebg and Photoroom's /v1/segment, their fields, headers and error shapes. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import fs from 'node:fs';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import type { Studio } from '../../src/studio.ts';
import { ihdr, PNG_SIGNATURE, pngChunk } from '../helpers/images.ts';
import { multipart, openFakeStudio, photoFile, tempDataDir, testApp } from './helpers.ts';
import { readZip } from '../helpers/zip.ts';

/**
 * The largest channel difference allowed between the zip's colour JPEG and the PNG answer where
 * alpha > 0 (JPEG quality 95, full-resolution chroma), in levels of 255; the mean is held to 2.
 */
const ZIP_MAX_CHANNEL_DIFF = 32;

let studio: Studio;
let app: FastifyInstance;
let small: FastifyInstance;
let fetching: FastifyInstance;
const dataDir = tempDataDir();
const coffee = () => photoFile('coffee.png');

before(async () => {
  studio = await openFakeStudio(dataDir);
  app = testApp(studio);
  small = testApp(studio, { maxUploadBytes: 50_000 });
  fetching = testApp(studio, { allowUrlFetch: true });
});
after(async () => {
  await Promise.all([app.close(), small.close(), fetching.close()]);
  await studio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const removebg = (fields: Parameters<typeof multipart>[0], target = app) => target.inject({ method: 'POST', url: '/v1.0/removebg', ...multipart(fields) });
const segment = (fields: Parameters<typeof multipart>[0]) => app.inject({ method: 'POST', url: '/v1/segment', ...multipart(fields) });

function removebgError(res: { statusCode: number; json(): any; body: string }, status: number, code: string): void {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['errors']);
  assert.equal(body.errors.length, 1);
  assert.deepEqual(Object.keys(body.errors[0]).sort(), ['code', 'detail', 'title']);
  assert.equal(body.errors[0].code, code, body.errors[0].detail);
}

describe('POST /v1.0/removebg', () => {
  test('multipart image_file with size=full: a PNG the photo\'s size and remove.bg\'s headers', async () => {
    const res = await removebg({ image_file: coffee(), size: 'full', type: 'person' });
    assert.equal(res.statusCode, 200, res.body);
    const meta = await sharp(res.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height, meta.channels], ['png', 600, 400, 4]);
    assert.equal(res.headers['x-width'], '600');
    assert.equal(res.headers['x-height'], '400');
    assert.equal(res.headers['x-type'], 'product');
    assert.equal(res.headers['x-credits-charged'], '0');
    assert.ok(Number(res.headers['x-foreground-width']) > 0);
    assert.ok(Number(res.headers['x-energy-joules']) > 0);
    assert.ok(res.headers['x-ratelimit-limit']);
  });

  test('the default size (preview) caps the result at 0.25 MP; medium keeps a smaller photo as it is', async () => {
    const res = await removebg({ image_file: coffee() });
    assert.equal(res.statusCode, 200, res.body);
    const meta = await sharp(res.rawPayload).metadata();
    assert.ok(meta.width! * meta.height! <= 250_000, `${meta.width}x${meta.height}`);
    assert.ok(Math.abs(meta.width! / meta.height! - 1.5) < 0.02);
    const medium = await removebg({ image_file: coffee(), size: 'medium' });
    assert.equal((await sharp(medium.rawPayload).metadata()).width, 600);
  });

  test('JSON with image_file_b64; format auto gives JPG on an opaque bg_color, crop with crop_margin', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1.0/removebg', payload: { image_file_b64: coffee().data.toString('base64'), size: 'auto', bg_color: '81d4fa', crop: true, crop_margin: '10px' } });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'image/jpeg');
    const meta = await sharp(res.rawPayload).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.equal(meta.width, Number(res.headers['x-foreground-width']) + 20);
  });

  test('form-encoded fields are accepted too, and channels=alpha gives the matte', async () => {
    const body = new URLSearchParams({ image_file_b64: coffee().data.toString('base64'), size: 'full', channels: 'alpha' }).toString();
    const res = await app.inject({ method: 'POST', url: '/v1.0/removebg', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await sharp(res.rawPayload).metadata()).channels, 1);
  });

  test('format=zip: color.jpg and alpha.png with the PNG answer\'s headers; recombined they are the PNG answer within JPEG error', async () => {
    const fields = { image_file: coffee(), size: 'full', type: 'product', type_level: 'latest', semitransparency: 'true', add_shadow: 'false' };
    const [zip, png] = await Promise.all([removebg({ ...fields, format: 'zip' }), removebg({ ...fields, format: 'png' })]);
    assert.equal(zip.statusCode, 200, zip.body);
    assert.equal(zip.headers['content-type'], 'application/zip');
    for (const h of ['x-width', 'x-height', 'x-type', 'x-credits-charged', 'x-foreground-width', 'x-ratelimit-limit', 'x-ratelimit-remaining', 'x-energy-joules']) assert.equal(typeof zip.headers[h], 'string', h);
    for (const h of ['x-width', 'x-height', 'x-type', 'x-credits-charged', 'x-foreground-top', 'x-foreground-left', 'x-foreground-width', 'x-foreground-height']) assert.equal(zip.headers[h], png.headers[h], h);
    const entries = readZip(zip.rawPayload);
    assert.deepEqual(entries.map((e) => e.name), ['color.jpg', 'alpha.png']);
    const color = await sharp(entries[0]!.data).raw().toBuffer({ resolveWithObject: true });
    const alpha = await sharp(entries[1]!.data).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([(await sharp(entries[1]!.data).metadata()).format, (await sharp(entries[1]!.data).metadata()).channels], ['png', 1], 'a grey PNG');
    const answer = await sharp(png.rawPayload).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([color.info.width, color.info.height, color.info.channels], [600, 400, 3], 'an opaque colour JPEG');
    assert.equal((await sharp(entries[0]!.data).metadata()).format, 'jpeg');
    assert.deepEqual([alpha.info.width, alpha.info.height, alpha.info.channels], [600, 400, 1], 'a grey matte');
    assert.equal(answer.info.channels, 4);
    let max = 0, sum = 0, count = 0, alphaDiff = 0;
    for (let i = 0; i < 600 * 400; i++) {
      const a = answer.data[i * 4 + 3]!;
      alphaDiff = Math.max(alphaDiff, Math.abs(alpha.data[i]! - a));
      if (a === 0) continue;
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(color.data[i * 3 + c]! - answer.data[i * 4 + c]!);
        max = Math.max(max, d);
        sum += d;
        count++;
      }
    }
    assert.equal(alphaDiff, 0, 'alpha.png is the answer\'s alpha, exactly');
    // JPEG at quality 95, full-resolution chroma, over every channel of every pixel with alpha > 0.
    // Measured on this photo: mean 1.57, max 21 (JPEG error on its texture).
    assert.ok(sum / count <= 2, `mean channel difference ${(sum / count).toFixed(2)}`);
    assert.ok(max <= ZIP_MAX_CHANNEL_DIFF, `max channel difference ${max}`);
  });

  test('format=zip with bg_color and crop: both parts cropped alike, the colour laid on it, alpha opaque', async () => {
    const res = await removebg({ image_file: coffee(), size: 'full', format: 'zip', bg_color: '336699', crop: 'true', crop_margin: '10px' });
    assert.equal(res.statusCode, 200, res.body);
    const [color, alpha] = readZip(res.rawPayload);
    const c = await sharp(color!.data).metadata();
    const a = await sharp(alpha!.data).stats();
    assert.equal(c.width, Number(res.headers['x-width']));
    assert.equal((await sharp(alpha!.data).metadata()).width, c.width);
    assert.equal(a.channels[0]!.min, 255, 'an opaque answer has an opaque matte');
  });

  const cases: Array<[string, () => Promise<any>, number, string]> = [
    ['bad bg_color', () => removebg({ image_file: coffee(), bg_color: 'nope' }), 400, 'invalid_bg_color'],
    ['bad crop_margin', () => removebg({ image_file: coffee(), crop: 'true', crop_margin: '60%' }), 400, 'invalid_crop_margin'],
    ['semitransparency false', () => removebg({ image_file: coffee(), semitransparency: 'false' }), 400, 'invalid_semitransparency'],
    ['add_shadow true', () => removebg({ image_file: coffee(), add_shadow: 'true' }), 400, 'invalid_add_shadow'],
    ['bad type_level', () => removebg({ image_file: coffee(), type_level: '9' }), 400, 'invalid_type_level'],
    ['format gif', () => removebg({ image_file: coffee(), format: 'gif' }), 400, 'invalid_format'],
    ['bad size', () => removebg({ image_file: coffee(), size: 'gigantic' }), 400, 'invalid_size'],
    ['bad channels', () => removebg({ image_file: coffee(), channels: 'rgb' }), 400, 'invalid_channels'],
    ['roi', () => removebg({ image_file: coffee(), roi: '10% 10% 90% 90%' }), 400, 'invalid_roi'],
    ['scale', () => removebg({ image_file: coffee(), scale: '50%' }), 400, 'invalid_scale'],
    ['no source', () => removebg({ size: 'full' }), 400, 'missing_source'],
    ['empty JSON', () => app.inject({ method: 'POST', url: '/v1.0/removebg', payload: {} }), 400, 'missing_source'],
    ['two sources', () => removebg({ image_file: coffee(), image_file_b64: 'aGVsbG8=' }), 400, 'multiple_sources'],
    ['text bytes', () => removebg({ image_file: { data: Buffer.from('hello, not an image'), filename: 'x.jpg' } }), 415, 'invalid_file_type'],
    ['truncated PNG', () => removebg({ image_file: { data: coffee().data.subarray(0, 5000), filename: 'x.png' } }), 422, 'failed_to_read_image'],
    ['upload too large', () => removebg({ image_file: coffee() }, small), 413, 'file_too_large'],
    ['30000x30000 header', () => removebg({ image_file: { data: Buffer.concat([PNG_SIGNATURE, ihdr(30000, 30000), pngChunk('IDAT', zlib.deflateSync(Buffer.from([0, 0, 0, 0]))), pngChunk('IEND')]), filename: 'huge.png' }, size: 'full' }), 413, 'resolution_too_high'],
    ['image_url while fetching is off', () => removebg({ image_url: 'https://example.com/a.jpg' }), 400, 'invalid_image_url'],
    ['image_url to loopback', () => removebg({ image_url: 'http://127.0.0.1:9/a.jpg' }, fetching), 400, 'invalid_image_url'],
    ['image_url to localhost (after DNS)', () => removebg({ image_url: 'http://localhost/a.jpg' }, fetching), 400, 'invalid_image_url'],
    ['image_url to cloud metadata', () => removebg({ image_url: 'http://169.254.169.254/latest/meta-data' }, fetching), 400, 'invalid_image_url'],
    ['image_url to IPv6 loopback', () => removebg({ image_url: 'http://[::1]/a.png' }, fetching), 400, 'invalid_image_url'],
    ['image_url not http', () => removebg({ image_url: 'file:///etc/passwd' }, fetching), 400, 'invalid_image_url'],
  ];
  for (const [name, send, status, code] of cases) {
    test(`${name}: ${status} ${code} in remove.bg's shape`, async () => {
      const res = await send();
      removebgError(res, status, code);
    });
  }

  test('URL errors carry greenroom\'s code in X-Greenroom-Error', async () => {
    const off = await removebg({ image_url: 'https://example.com/a.jpg' });
    assert.equal(off.headers['x-greenroom-error'], 'GREENROOM_ERR_URL_FETCH_DISABLED');
    const local = await removebg({ image_url: 'http://localhost/a.jpg' }, fetching);
    assert.equal(local.headers['x-greenroom-error'], 'GREENROOM_ERR_URL_NOT_ALLOWED');
  });
});

describe('POST /v1/segment', () => {
  test('Photoroom fields: webp at size preview, despill off', async () => {
    const res = await segment({ image_file: coffee(), format: 'webp', size: 'preview', despill: 'false' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'image/webp');
    const meta = await sharp(res.rawPayload).metadata();
    assert.equal(meta.format, 'webp');
    assert.ok(meta.width! * meta.height! <= 250_000);
    assert.equal(res.headers['x-width'], String(meta.width));
    assert.ok(Number(res.headers['x-energy-joules']) > 0);
  });

  test('jpg on a colour, cropped; the default size (full) keeps the photo\'s size', async () => {
    const full = await segment({ image_file: coffee() });
    assert.deepEqual([(await sharp(full.rawPayload).metadata()).width], [600]);
    const res = await segment({ image_file: coffee(), format: 'jpg', bg_color: 'FFFFFF', crop: 'true' });
    assert.equal(res.statusCode, 200, res.body);
    const meta = await sharp(res.rawPayload).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.ok(meta.width! < 600);
  });

  const cases: Array<[string, Record<string, any>, number, RegExp]> = [
    ['bad format', { image_file: coffee(), format: 'avif' }, 400, /^format:/],
    ['bad size', { image_file: coffee(), size: 'huge' }, 400, /^size:/],
    ['bad channels', { image_file: coffee(), channels: 'x' }, 400, /^channels:/],
    ['bad bg_color', { image_file: coffee(), bg_color: 'zzz' }, 400, /^bg_color:/],
    ['bad crop', { image_file: coffee(), crop: 'perhaps' }, 400, /^crop:/],
    ['no image', { format: 'png' }, 400, /image_file/],
    ['text bytes', { image_file: { data: Buffer.from('plain text'), filename: 'a.png' } }, 415, /not a recognisable image/],
    ['truncated PNG', { image_file: { data: coffee().data.subarray(0, 5000), filename: 'a.png' } }, 422, /damaged or truncated/],
  ];
  for (const [name, fields, status, detail] of cases) {
    test(`${name}: ${status} in Photoroom's shape`, async () => {
      const res = await segment(fields);
      assert.equal(res.statusCode, status, res.body);
      const body = res.json();
      assert.deepEqual(Object.keys(body).sort(), ['detail', 'status_code', 'type']);
      assert.equal(body.status_code, status);
      assert.match(body.detail, detail);
      assert.match(body.type, /^[a-z_]+$/);
    });
  }
});
