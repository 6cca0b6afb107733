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

  test('POST /v1.0/removebg with size=preview answers a 0.25 MP PNG', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1.0/removebg', ...multipart({ image_file: photoFile('chelsea.png'), size: 'preview' }) });
    assert.equal(res.statusCode, 200, res.body);
    const meta = await sharp(res.rawPayload).metadata();
    assert.equal(meta.format, 'png');
    assert.ok(meta.width! * meta.height! <= 250_000);
    assert.equal(res.headers['x-type'], 'product');
  });
});
