/** POST /v1/cutout through app.inject(): happy paths, every field's validation, 413/415/422. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import type { Studio } from '../../src/studio.ts';
import { multipart, openFakeStudio, photoFile, tempDataDir, testApp } from './helpers.ts';

let studio: Studio;
let app: FastifyInstance;
let small: FastifyInstance;
const dataDir = tempDataDir();

before(async () => {
  studio = await openFakeStudio(dataDir);
  app = testApp(studio);
  small = testApp(studio, { maxUploadBytes: 50_000 });
});
after(async () => {
  await app.close();
  await small.close();
  await studio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const cutout = (fields: Parameters<typeof multipart>[0], target = () => app) => target().inject({ method: 'POST', url: '/v1/cutout', ...multipart(fields) });

describe('POST /v1/cutout', () => {
  test('answers a PNG the size of the photo, with size, subject, timing and energy headers', async () => {
    const res = await cutout({ image_file: photoFile('coffee.png'), quality: 'fast' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'image/png');
    const meta = await sharp(res.rawPayload).metadata();
    assert.equal(meta.format, 'png');
    assert.equal(meta.channels, 4);
    const src = await sharp(photoFile('coffee.png').data).metadata();
    assert.deepEqual([meta.width, meta.height], [src.width, src.height]);
    assert.equal(res.headers['x-width'], String(src.width));
    assert.equal(res.headers['x-height'], String(src.height));
    assert.match(String(res.headers['x-subject-box']), /^\d+,\d+,\d+,\d+$/);
    assert.match(String(res.headers['server-timing']), /decode;dur=[\d.]+, segment;dur=[\d.]+, refine;dur=[\d.]+, encode;dur=[\d.]+.*total;dur=[\d.]+/);
    assert.ok(Number(res.headers['x-energy-joules']) > 0);
    assert.equal(res.headers['x-energy-method'], 'estimated');
    assert.ok(Number(res.headers['x-co2e-grams']) > 0);
    assert.equal(res.headers['content-disposition'], 'inline; filename="coffee.png"');
  });

  test('format, channels, bg_color, crop and crop_margin are applied', async () => {
    const webp = await cutout({ image_file: photoFile('coffee.png'), quality: 'fast', format: 'webp' });
    assert.equal(webp.statusCode, 200, webp.body);
    assert.equal(webp.headers['content-type'], 'image/webp');
    assert.equal((await sharp(webp.rawPayload).metadata()).format, 'webp');

    const jpg = await cutout({ image_file: photoFile('coffee.png'), quality: 'fast', format: 'jpg', bg_color: '#336699' });
    assert.equal(jpg.statusCode, 200, jpg.body);
    assert.equal((await sharp(jpg.rawPayload).metadata()).format, 'jpeg');
    const corner = await sharp(jpg.rawPayload).extract({ left: 0, top: 0, width: 4, height: 4 }).raw().toBuffer();
    assert.ok(Math.abs(corner[0]! - 0x33) < 8 && Math.abs(corner[2]! - 0x99) < 8, `corner ${[...corner.subarray(0, 3)]}`);

    const alpha = await cutout({ image_file: photoFile('coffee.png'), quality: 'fast', channels: 'alpha' });
    assert.equal((await sharp(alpha.rawPayload).metadata()).channels, 1);

    const cropped = await cutout({ image_file: photoFile('coffee.png'), quality: 'fast', crop: 'true', refine: 'false', decontaminate: 'false' });
    assert.equal(cropped.statusCode, 200, cropped.body);
    const [, , w, h] = String(cropped.headers['x-subject-box']).split(',').map(Number);
    const cm = await sharp(cropped.rawPayload).metadata();
    assert.deepEqual([cm.width, cm.height], [w, h]);

    const margin = await cutout({ image_file: photoFile('coffee.png'), quality: 'fast', crop_margin: '10px' });
    const mm = await sharp(margin.rawPayload).metadata();
    assert.deepEqual([mm.width, mm.height], [w! + 20, h! + 20]);
  });

  test('the download name is reduced to safe characters', async () => {
    const res = await cutout({ image_file: { data: photoFile('coffee.png').data, filename: '../../etc/évil <name>;.png' }, quality: 'fast' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-disposition'], 'inline; filename="evil_name_.png"');
  });

  const bad: Array<[string, Record<string, string>]> = [
    ['quality', { quality: 'slow' }],
    ['format', { format: 'gif' }],
    ['channels', { channels: 'rgb' }],
    ['bg_color', { bg_color: 'not-a-colour' }],
    ['crop', { crop: 'maybe' }],
    ['crop_margin', { crop_margin: '900px' }],
    ['refine', { refine: 'sometimes' }],
    ['decontaminate', { decontaminate: '2' }],
    ['export_quality', { export_quality: '101' }],
    ['bg-color', { 'bg-color': 'white' }],
  ];
  for (const [field, fields] of bad) {
    test(`a bad ${field} is 400 INVALID_OPTION naming the field`, async () => {
      const res = await cutout({ image_file: photoFile('coffee.png'), ...fields });
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json();
      assert.equal(body.code, 'GREENROOM_ERR_INVALID_OPTION');
      assert.equal(body.details.field, field);
      assert.match(body.message, new RegExp(`^${field}:`));
      assert.equal(typeof body.title, 'string');
      assert.ok(!/at \w+ \(|node_modules/.test(res.body), 'no stack trace');
    });
  }

  test('no image is 400 MISSING_IMAGE (multipart without the file, an image sent as a text field, JSON, no body)', async () => {
    for (const res of [
      await cutout({ quality: 'fast' }),
      await app.inject({ method: 'POST', url: '/v1/cutout', payload: { quality: 'fast' } }),
      await app.inject({ method: 'POST', url: '/v1/cutout' }),
    ]) {
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'GREENROOM_ERR_MISSING_IMAGE');
      assert.equal(res.json().details.field, 'image_file');
    }
    const text = await cutout({ image_file: 'hello' });
    assert.equal(text.statusCode, 400);
    assert.equal(text.json().details.field, 'image_file');
  });

  test('an upload over the limit is 413 UPLOAD_TOO_LARGE', async () => {
    const res = await cutout({ image_file: photoFile('coffee.png') }, () => small);
    assert.equal(res.statusCode, 413, res.body);
    assert.equal(res.json().code, 'GREENROOM_ERR_UPLOAD_TOO_LARGE');
    assert.equal(res.json().details.limitBytes, 50_000);
  });

  test('text bytes are 415 NOT_AN_IMAGE, whatever the client says the type is', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/cutout', ...multipart([{ name: 'image_file', value: Buffer.from('just some text, not a photo\n'.repeat(20)), filename: 'photo.png', type: 'image/png' }]) });
    assert.equal(res.statusCode, 415, res.body);
    assert.equal(res.json().code, 'GREENROOM_ERR_NOT_AN_IMAGE');
  });

  test('a truncated PNG is 422 CORRUPT_IMAGE', async () => {
    const png = photoFile('coffee.png').data;
    const res = await cutout({ image_file: { data: png.subarray(0, Math.floor(png.length / 2)), filename: 'half.png' } });
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().code, 'GREENROOM_ERR_CORRUPT_IMAGE');
  });

  test('a broken multipart body is 400, and the server keeps answering', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/cutout', headers: { 'content-type': 'multipart/form-data; boundary=xyz' }, payload: '--xyz\r\nContent-Disposition: form-data; name="image_file"; filename="a.png"\r\n\r\nabc' });
    assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} ${res.body}`);
    assert.match(res.json().code, /^GREENROOM_ERR_/);
    const again = await cutout({ image_file: photoFile('coffee.png'), quality: 'fast' });
    assert.equal(again.statusCode, 200);
  });

  test('an unsupported request content type is 415 with a hint', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/cutout', headers: { 'content-type': 'image/png' }, payload: photoFile('coffee.png').data });
    assert.equal(res.statusCode, 415, res.body);
    assert.match(res.json().message, /multipart\/form-data/);
  });
});
