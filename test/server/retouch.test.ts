/**
 * Retouch through the API (app.inject): POST /v1/retouch with a mask image (any size of the
 * photo's shape) or strokes, an expand, a matte; the answer is the photo with the mask filled and
 * nothing else changed beyond the 2 px band; bad masks and bad photos get coded 4xx; the route
 * is in the OpenAPI document; an edit's spec takes a retouch step before its cutout.
 */
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
const coffee = photoFile('coffee.png'); // 600x400
let photoRgb: Buffer;

/** A mask image: white in an ellipse (cx, cy, rx, ry in the photo's pixels), black elsewhere, drawn at `scale`. */
function maskPng(cx: number, cy: number, rx: number, ry: number, scale = 1, size = { width: 600, height: 400 }): Promise<Buffer> {
  const w = Math.round(size.width * scale), h = Math.round(size.height * scale);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" fill="black"/><ellipse cx="${cx * scale}" cy="${cy * scale}" rx="${rx * scale}" ry="${ry * scale}" fill="white"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

before(async () => {
  studio = await openFakeStudio(dataDir);
  app = testApp(studio);
  photoRgb = await sharp(coffee.data).removeAlpha().raw().toBuffer();
});
after(async () => {
  await app.close();
  await studio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const post = (url: string, fields: Parameters<typeof multipart>[0]) => app.inject({ method: 'POST', url, ...multipart(fields) });
const file = (data: Uint8Array, filename: string) => ({ data, filename });

/** Pixels that differ from the photo, inside and outside an ellipse grown by `grow` px. */
async function changes(png: Buffer, cx: number, cy: number, rx: number, ry: number, grow: number): Promise<{ inside: number; outside: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 600);
  let inside = 0, outside = 0;
  for (let y = 0; y < 400; y++) {
    for (let x = 0; x < 600; x++) {
      const i = (y * 600 + x) * 3;
      if (data[i] === photoRgb[i] && data[i + 1] === photoRgb[i + 1] && data[i + 2] === photoRgb[i + 2]) continue;
      const u = (x + 0.5 - cx) / (rx + grow), v = (y + 0.5 - cy) / (ry + grow);
      if (u * u + v * v <= 1) inside++;
      else outside++;
    }
  }
  return { inside, outside };
}

describe('POST /v1/retouch', () => {
  test('a mask image at half size: the photo comes back with the mask filled, nothing changed 3 px or more outside it, a retouch stage in the pool', async () => {
    const res = await post('/v1/retouch', { image_file: coffee, mask_file: file(await maskPng(470, 280, 40, 30, 0.5), 'mask.png') });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'image/png');
    assert.equal(res.headers['x-width'], '600');
    assert.match(String(res.headers['x-retouch']), /^filled=\d+, share=0\.0\d+, changed=\d+,\d+,\d+,\d+, matte=none$/);
    assert.match(String(res.headers['server-timing']), /decode;dur=.*retouch;dur=.*encode;dur=/);
    assert.ok(Number(res.headers['x-energy-joules']) > 0);
    const c = await changes(res.rawPayload, 470, 280, 40, 30, 3);
    assert.ok(c.inside > 2000, `the masked region was filled (${c.inside} pixels changed)`);
    assert.equal(c.outside, 0, 'nothing changed 3 px or more outside the mask');
  });

  test('strokes instead of a mask (JSON text), JPEG out', async () => {
    const strokes = JSON.stringify([{ mode: 'erase', radius: 10, points: [[430, 300], [500, 310]] }]);
    const res = await post('/v1/retouch', { image_file: coffee, strokes, format: 'jpeg' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'image/jpeg');
    assert.match(String(res.headers['x-retouch']), /filled=\d{3,}/);
  });

  test('expand: the canvas grows by 10% on each side, the photo inside it unchanged', async () => {
    const res = await post('/v1/retouch', { image_file: coffee, expand: '10%' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-width'], '720');
    assert.equal(res.headers['x-height'], '480');
    assert.match(String(res.headers['x-retouch']), /expanded=40,60,40,60, matte=frame/);
    const { data } = await sharp(res.rawPayload).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let moved = 0;
    // The photo sits at (60, 40); beyond the 2 px band inside its edge, it is unchanged.
    for (let y = 3; y < 397; y++) for (let x = 3; x < 597; x++) for (let c = 0; c < 3; c++) if (data[((y + 40) * 720 + x + 60) * 3 + c] !== photoRgb[(y * 600 + x) * 3 + c]) moved++;
    assert.equal(moved, 0);
    // The border is filled from the photo, not left black.
    let dark = 0;
    for (let x = 0; x < 720; x++) if (data[x * 3]! + data[x * 3 + 1]! + data[x * 3 + 2]! < 30) dark++;
    assert.ok(dark < 200, `the top row is filled (${dark} near-black pixels)`);
  });

  test('bad masks and bad photos: coded errors, nothing answered as an image', async () => {
    const cases: Array<[string, Parameters<typeof multipart>[0], number, string, string?]> = [
      ['empty mask', { image_file: coffee, mask_file: file(await maskPng(0, 0, 0, 0), 'mask.png') }, 400, 'GREENROOM_ERR_INVALID_MASK', 'mask_file'],
      ['mask of another shape', { image_file: coffee, mask_file: file(await maskPng(100, 100, 30, 30, 1, { width: 400, height: 400 }), 'mask.png') }, 400, 'GREENROOM_ERR_INVALID_MASK', 'mask_file'],
      ['mask over most of the photo', { image_file: coffee, mask_file: file(await maskPng(300, 200, 400, 300), 'mask.png') }, 422, 'GREENROOM_ERR_MASK_TOO_LARGE', 'mask_file'],
      ['corrupt mask', { image_file: coffee, mask_file: file((await maskPng(300, 200, 30, 30)).subarray(0, 60), 'mask.png') }, 400, 'GREENROOM_ERR_INVALID_MASK', 'mask_file'],
      ['corrupt photo', { image_file: file(coffee.data.subarray(0, 2000), 'coffee.png'), mask_file: file(await maskPng(300, 200, 30, 30), 'mask.png') }, 422, 'GREENROOM_ERR_CORRUPT_IMAGE'],
      ['not JSON strokes', { image_file: coffee, strokes: '[{"mode": "erase",' }, 400, 'GREENROOM_ERR_INVALID_MASK', 'strokes'],
      ['strokes outside the photo', { image_file: coffee, strokes: JSON.stringify([{ mode: 'erase', radius: 5, points: [[900, 100]] }]) }, 400, 'GREENROOM_ERR_INVALID_MASK', 'strokes.strokes.0.points.0'],
      ['a mask and strokes', { image_file: coffee, mask_file: file(await maskPng(300, 200, 30, 30), 'mask.png'), strokes: '[]' }, 400, 'GREENROOM_ERR_INVALID_MASK', 'strokes'],
      ['nothing to do', { image_file: coffee }, 400, 'GREENROOM_ERR_INVALID_MASK'],
      ['a bad expand', { image_file: coffee, expand: 'wide' }, 400, 'GREENROOM_ERR_INVALID_OPTION', 'expand'],
    ];
    for (const [name, fields, status, code, field] of cases) {
      const res = await post('/v1/retouch', fields);
      assert.equal(res.statusCode, status, `${name}: ${res.body}`);
      const body = res.json();
      assert.equal(body.code, code, name);
      if (field) assert.equal(body.details.field, field, name);
      assert.match(res.headers['content-type'] as string, /json/, name);
    }
  });

  test('in the OpenAPI document, with its fields', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
    const op = doc.paths['/v1/retouch'].post;
    const props = op.requestBody.content['multipart/form-data'].schema.properties;
    for (const k of ['image_file', 'mask_file', 'strokes', 'expand', 'matte_file', 'format']) assert.ok(props[k], k);
    assert.deepEqual(props.mask_file, { ...props.mask_file, type: 'string', format: 'binary' });
    assert.match(op.description, /INVALID_MASK/);
  });
});

describe('a retouch step in an edit\'s spec', () => {
  test('strokes in spec.retouch are filled before the cutout; the receipt has a retouch stage', async () => {
    const spec = { retouch: { strokes: [{ mode: 'erase', radius: 8, points: [[40, 40], [80, 40]] }] }, background: 'white' };
    const res = await post('/v1/edit', { image_file: coffee, spec: JSON.stringify(spec) });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['server-timing']), /^decode;dur=[\d.]+, retouch;dur=/);
    assert.match(String(res.headers['x-energy-stages']), /retouch=/);
  });

  test('an expand in spec.retouch grows the photo the edit lays out', async () => {
    const res = await post('/v1/edit', { image_file: coffee, spec: JSON.stringify({ retouch: { expand: '50px' }, background: 'white' }) });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['x-width'], '700');
    assert.equal(res.headers['x-height'], '500');
  });

  test('a bad retouch step is a coded error naming its field', async () => {
    const res = await post('/v1/edit', { image_file: coffee, spec: JSON.stringify({ retouch: { mask: 'mask.png' } }) });
    assert.equal(res.statusCode, 400);
    assert.equal(res.json().details.field, 'retouch.mask');
  });
});
