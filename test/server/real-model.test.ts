/** The server with the real model: one cutout and one remove.bg call on a real photo. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { Studio } from '../../src/studio.ts';
import { multipart, photoFile, tempDataDir, testApp } from './helpers.ts';

let studio: Studio;
let app: FastifyInstance;
const dataDir = tempDataDir();

before(async () => {
  studio = await Studio.open({ dataDir });
  app = testApp(studio);
});
after(async () => {
  await app?.close();
  await studio?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('real model through HTTP', () => {
  test('POST /v1/cutout cuts the mug out of coffee.png: opaque subject, transparent corners', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/cutout', ...multipart({ image_file: photoFile('coffee.png'), quality: 'fast' }) });
    assert.equal(res.statusCode, 200, res.body);
    const { data, info } = await sharp(res.rawPayload).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [600, 400, 4]);
    const [x, y, w, h] = String(res.headers['x-subject-box']).split(',').map(Number) as [number, number, number, number];
    const centre = data[((y + Math.floor(h / 2)) * info.width + x + Math.floor(w / 2)) * 4 + 3]!;
    assert.ok(centre > 200, `subject centre alpha ${centre}`);
    assert.ok(data[3]! < 16, `top-left corner nearly transparent (${data[3]})`);
    assert.ok(Number(res.headers['x-energy-joules']) > 0);
  });

  test('a HEIC upload (an iPhone photo) works like a JPEG on /v1/cutout, /v1.0/removebg and /v1/convert', async () => {
    const heic = { filename: 'IMG_0042.HEIC', contentType: 'image/heic', data: fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'heic', 'coffee-p3-icc-rot90.heic')) };
    const cut = await app.inject({ method: 'POST', url: '/v1/cutout', ...multipart({ image_file: heic, quality: 'fast' }) });
    assert.equal(cut.statusCode, 200, cut.body);
    assert.deepEqual([cut.headers['x-width'], cut.headers['x-height']], ['240', '320']);
    assert.equal(cut.headers['content-disposition'], 'inline; filename="IMG_0042.png"');
    const rb = await app.inject({ method: 'POST', url: '/v1.0/removebg', ...multipart({ image_file: heic, size: 'preview', format: 'jpg', bg_color: 'white' }) });
    assert.equal(rb.statusCode, 200, rb.body);
    assert.equal((await sharp(rb.rawPayload).metadata()).format, 'jpeg');
    const conv = await app.inject({ method: 'POST', url: '/v1/convert', ...multipart({ image_file: heic, format: 'jpeg' }) });
    assert.equal(conv.statusCode, 200, conv.body);
    assert.equal(conv.headers['content-type'], 'image/jpeg');
    const meta = await sharp(conv.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [240, 320]);
    const broken = await app.inject({ method: 'POST', url: '/v1/cutout', ...multipart({ image_file: { ...heic, data: heic.data.subarray(0, 1200) } }) });
    assert.equal(broken.statusCode, 422, broken.body);
    assert.equal(JSON.parse(broken.body).code, 'GREENROOM_ERR_CORRUPT_IMAGE');
  });

  test('POST /v1.0/removebg with size=preview answers a 0.25 MP PNG', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1.0/removebg', ...multipart({ image_file: photoFile('chelsea.png'), size: 'preview' }) });
    assert.equal(res.statusCode, 200, res.body);
    const meta = await sharp(res.rawPayload).metadata();
    assert.equal(meta.format, 'png');
    assert.ok(meta.width! * meta.height! <= 250_000);
    assert.equal(res.headers['x-type'], 'product');
  });
});
