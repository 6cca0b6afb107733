/** POST /v1/edit through app.inject(): spec and single fields, uploaded backgrounds, seeds, warnings, and errors naming the field sent. */
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
const dataDir = tempDataDir();

before(async () => {
  studio = await openFakeStudio(dataDir);
  app = testApp(studio);
});
after(async () => {
  await app.close();
  await studio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const edit = (fields: Parameters<typeof multipart>[0]) => app.inject({ method: 'POST', url: '/v1/edit', ...multipart(fields) });
const fast = JSON.stringify({ cutout: { quality: 'fast' } });

describe('POST /v1/edit', () => {
  test('a spec field: template background at a fixed size, JPEG, with seed and energy headers', async () => {
    const spec = { cutout: { quality: 'fast' }, background: { type: 'template', name: 'studio-grey', seed: 7 }, shadow: 'soft', layout: { outputSize: '640x480' }, export: { format: 'jpeg' } };
    const res = await edit({ image_file: photoFile('coffee.png'), spec: JSON.stringify(spec) });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'image/jpeg');
    const meta = await sharp(res.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 640, 480]);
    assert.equal(res.headers['x-width'], '640');
    assert.equal(res.headers['x-seed'], '7');
    assert.match(String(res.headers['server-timing']), /scene;dur=.*compose;dur=/);
    assert.ok(Number(res.headers['x-energy-joules']) > 0);
    assert.match(String(res.headers['x-subject-box']), /^\d+,\d+,\d+,\d+$/);
  });

  test('single fields override the spec: background with seed, size, format', async () => {
    const res = await edit({ image_file: photoFile('coffee.png'), spec: JSON.stringify({ cutout: { quality: 'fast' }, layout: { outputSize: '100x100' } }), background: 'template:white-marble', seed: '3', size: '300x200', format: 'webp' });
    assert.equal(res.statusCode, 200, res.body);
    const meta = await sharp(res.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['webp', 300, 200]);
    assert.equal(res.headers['x-seed'], '3');
  });

  test('a preset with a broken rule answers with X-Warnings', async () => {
    const res = await edit({ image_file: photoFile('coffee.png'), spec: fast, preset: 'amazon-main', background: '#f4efe6' });
    assert.equal(res.statusCode, 200, res.body);
    const meta = await sharp(res.rawPayload).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 2000, 2000]);
    assert.match(String(res.headers['x-warnings']), /white/i);
    assert.equal(res.headers['x-preset'], 'amazon-main');
  });

  test('an uploaded background_file becomes the background', async () => {
    const bg = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 30, b: 40 } } }).png().toBuffer();
    const res = await edit({ image_file: photoFile('coffee.png'), spec: fast, background_file: { data: bg, filename: 'red.png' }, shadow: 'none', size: '320x240', format: 'png' });
    assert.equal(res.statusCode, 200, res.body);
    const corner = await sharp(res.rawPayload).extract({ left: 0, top: 0, width: 2, height: 2 }).removeAlpha().raw().toBuffer();
    assert.ok(corner[0]! > 180 && corner[1]! < 60, `corner ${[...corner.subarray(0, 3)]}`);
  });

  test('a server path as an image background is refused: backgrounds are uploaded', async () => {
    const attempts: Record<string, string>[] = [{ background: 'image:/etc/passwd' }, { spec: JSON.stringify({ background: { type: 'image', file: '/etc/passwd' } }) }];
    for (const fields of attempts) {
      const res = await edit({ image_file: photoFile('coffee.png'), ...fields });
      assert.equal(res.statusCode, 400, res.body);
      assert.equal(res.json().code, 'GREENROOM_ERR_INVALID_OPTION');
      assert.match(res.json().message, /background_file/);
    }
  });

  const bad: Array<[string, Record<string, string>, string?]> = [
    ['spec', { spec: '{not json' }],
    ['spec', { spec: '[1,2]' }],
    ['seed', { seed: '-1' }],
    ['seed', { seed: '5', background: 'white' }],
    ['preset', { preset: 'walmart' }],
    ['format', { format: 'bmp' }],
    ['quality', { quality: 'ultra' }],
    ['export_quality', { export_quality: '0' }],
    ['size', { size: 'huge' }],
    ['padding', { padding: '0.9' }],
    ['shadow', { shadow: 'dramatic' }],
    ['lighting', { lighting: 'neon' }],
    ['background', { background: '{"type":"gradient","colors":["red"]}' }],
    ['background_file', { background: 'white', background_file: 'x' }],
    ['shadow.softness', { spec: JSON.stringify({ shadow: { mode: 'soft', softness: 3 } }) }],
    ['colour', { colour: 'red' }],
  ];
  for (const [field, fields] of bad) {
    test(`a bad ${field} (${JSON.stringify(fields).slice(0, 60)}) is 400 naming ${field}`, async () => {
      const res = await edit({ image_file: photoFile('coffee.png'), ...fields });
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json();
      assert.equal(body.code, 'GREENROOM_ERR_INVALID_OPTION');
      assert.equal(body.details.field, field, body.message);
    });
  }

  test('no image is 400 MISSING_IMAGE', async () => {
    const res = await edit({ spec: fast });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().code, 'GREENROOM_ERR_MISSING_IMAGE');
  });

  test('an energy budget below any quality is 422 ENERGY_BUDGET_EXCEEDED', async () => {
    const res = await edit({ image_file: photoFile('coffee.png'), spec: JSON.stringify({ energy: { budgetJ: 0.0001 } }) });
    assert.equal(res.statusCode, 422, res.body);
    assert.equal(res.json().code, 'GREENROOM_ERR_ENERGY_BUDGET_EXCEEDED');
  });
});

describe('GET /v1/templates', () => {
  test('lists the templates; a thumbnail is a 192 px JPEG painted in the pixel pool; an unknown name is 404', async () => {
    const list = await app.inject({ method: 'GET', url: '/v1/templates' });
    assert.equal(list.statusCode, 200);
    const templates = JSON.parse(list.body) as Array<{ name: string }>;
    assert.ok(templates.length > 5);
    const before = studio.pixels.stats().done.scene ?? 0;
    const thumb = await app.inject({ method: 'GET', url: `/v1/templates/${templates[0]!.name}/thumbnail.jpg` });
    assert.equal(thumb.statusCode, 200);
    assert.equal(thumb.headers['content-type'], 'image/jpeg');
    const meta = await sharp(thumb.rawPayload).metadata();
    assert.deepEqual([meta.width, meta.height], [192, 192]);
    assert.equal((studio.pixels.stats().done.scene ?? 0) - before, 1);
    const again = await app.inject({ method: 'GET', url: `/v1/templates/${templates[0]!.name}/thumbnail.jpg` });
    assert.equal(again.statusCode, 200);
    assert.equal((studio.pixels.stats().done.scene ?? 0) - before, 1, 'rendered once, then kept');
    assert.equal((await app.inject({ method: 'GET', url: '/v1/templates/no-such-thing/thumbnail.jpg' })).statusCode, 404);
  });
});
