/**
 * Touch-up hints through the API (app.inject, a stand-in segmenter): /v1/cutout and /v1/edit
 * take hints as JSON strokes, a hints image or a JSON file, with the previous cutout as
 * matte_file so the network does not run again; the matte they return is the one the page's
 * solver computes; bad hints get their coded 4xx.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import { applyHints } from '../../src/matte/touchup.ts';
import type { Studio } from '../../src/studio.ts';
import { clutterScene } from '../helpers/touchup-scenes.ts';
import { multipart, openFakeStudio, tempDataDir, testApp } from './helpers.ts';

let studio: Studio;
let app: FastifyInstance;
const dataDir = tempDataDir();
const scene = clutterScene(8);
const { w, h } = scene;
let photoPng: Buffer;
let cutoutPng: Buffer;
const STROKES = [{ mode: 'erase', radius: 6, points: [[143, 78], [166, 78]] }];

before(async () => {
  studio = await openFakeStudio(dataDir);
  app = testApp(studio);
  photoPng = await sharp(scene.rgb, { raw: { width: w, height: h, channels: 3 } }).png().toBuffer();
  // A previous cutout as greenroom writes it: the photo's colours, black where transparent, and the matte.
  const rgba = Buffer.alloc(w * h * 4);
  for (let i = 0; i < w * h; i++) {
    const a = scene.alpha0[i]!;
    for (let k = 0; k < 3; k++) rgba[i * 4 + k] = a === 0 ? 0 : scene.rgb[i * 3 + k]!;
    rgba[i * 4 + 3] = a;
  }
  cutoutPng = await sharp(rgba, { raw: { width: w, height: h, channels: 4 } }).png().toBuffer();
});
after(async () => {
  await app.close();
  await studio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const post = (url: string, fields: Parameters<typeof multipart>[0]) => app.inject({ method: 'POST', url, ...multipart(fields) });
const file = (data: Uint8Array, filename: string) => ({ data, filename });
const alphaOf = async (png: Uint8Array) => new Uint8Array(await sharp(png).ensureAlpha().extractChannel(3).raw().toBuffer());

/** The matte the page's solver makes of the same strokes. */
function expected(strokes = STROKES): Uint8Array {
  const alpha = Uint8Array.from(scene.alpha0);
  applyHints({ rgb: scene.rgb, width: w, height: h }, alpha, { strokes: strokes.map((s) => ({ mode: s.mode as 'erase', radius: s.radius, points: s.points.flat() })) });
  return alpha;
}

/** A hints image: red over the box (erase), the rest white (no opinion), at `scale` of the photo. */
async function hintsImage(scale = 1, colour: [number, number, number] = [255, 0, 0]): Promise<Buffer> {
  const W = Math.round(w * scale), H = Math.round(h * scale);
  const rgb = Buffer.alloc(W * H * 3, 255);
  for (let y = Math.round(72 * scale); y < Math.round(84 * scale); y++) {
    for (let x = Math.round(140 * scale); x < Math.round(170 * scale); x++) rgb.set(colour, (y * W + x) * 3);
  }
  return sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
}

describe('POST /v1/cutout with hints', () => {
  test('JSON strokes on the previous cutout: no network, the page solver\'s matte, X-Hints, a hints stage in the receipt', async () => {
    const res = await post('/v1/cutout', { image_file: file(photoPng, 'photo.png'), matte_file: file(cutoutPng, 'cutout.png'), hints: JSON.stringify(STROKES) });
    assert.equal(res.statusCode, 200, res.body);
    assert.doesNotMatch(String(res.headers['server-timing']), /segment/);
    assert.match(String(res.headers['server-timing']), /hints;dur=[\d.]+/);
    assert.match(String(res.headers['x-energy-stages']), /hints=[\d.]+/);
    assert.match(String(res.headers['x-hints']), /^steps=1, changed=\d+, solved=\d+, matte=previous-cutout$/);
    assert.deepEqual(await alphaOf(res.rawPayload), expected());
  });

  test('a hints image (red: erase), at the photo\'s size or scaled, and a JSON file of strokes', async () => {
    for (const scale of [1, 0.5]) {
      const res = await post('/v1/cutout', { image_file: file(photoPng, 'photo.png'), matte_file: file(cutoutPng, 'cutout.png'), hints: file(await hintsImage(scale), 'hints.png') });
      assert.equal(res.statusCode, 200, res.body);
      const alpha = await alphaOf(res.rawPayload);
      let left = 0;
      for (let i = 0; i < alpha.length; i++) if (scene.box[i]! > 0 && scene.subject[i] === 0) left = Math.max(left, alpha[i]!);
      assert.ok(left <= 16, `scale ${scale}: the box is erased (largest alpha left ${left})`);
    }
    const json = await post('/v1/cutout', { image_file: file(photoPng, 'photo.png'), matte_file: file(cutoutPng, 'cutout.png'), hints: file(Buffer.from(JSON.stringify({ strokes: STROKES })), 'strokes.json') });
    assert.equal(json.statusCode, 200, json.body);
    assert.deepEqual(await alphaOf(json.rawPayload), expected());
  });

  test('other colours for a hints image; strokes drawn on a half-size preview are scaled', async () => {
    const blue = await post('/v1/cutout', { image_file: file(photoPng, 'photo.png'), matte_file: file(cutoutPng, 'c.png'), hints: file(await hintsImage(1, [0, 0, 255]), 'h.png'), erase_color: '#0000ff' });
    assert.equal(blue.statusCode, 200, blue.body);
    const half = { strokes: [{ mode: 'erase', radius: 3, points: [[71.5, 39], [83, 39]] }], width: w / 2, height: h / 2 };
    const res = await post('/v1/cutout', { image_file: file(photoPng, 'photo.png'), matte_file: file(cutoutPng, 'c.png'), hints: JSON.stringify(half) });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(await alphaOf(res.rawPayload), expected());
  });

  test('without a previous cutout, the network runs once and the hints apply to its matte', async () => {
    const res = await post('/v1/cutout', { image_file: file(photoPng, 'photo.png'), hints: JSON.stringify(STROKES) });
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['server-timing']), /segment;dur=.*refine;dur=.*hints;dur=/);
    assert.match(String(res.headers['x-hints']), /matte=network/);
  });
});

describe('POST /v1/edit with hints', () => {
  test('as a field or in the spec, on the previous cutout, laid on a background', async () => {
    const field = await post('/v1/edit', { image_file: file(photoPng, 'photo.png'), matte_file: file(cutoutPng, 'c.png'), hints: JSON.stringify(STROKES), background: 'white', size: 'original', padding: '0' });
    assert.equal(field.statusCode, 200, field.body);
    assert.match(String(field.headers['x-hints']), /steps=1/);
    assert.doesNotMatch(String(field.headers['server-timing']), /segment/);
    const inSpec = await post('/v1/edit', { image_file: file(photoPng, 'photo.png'), matte_file: file(cutoutPng, 'c.png'), spec: JSON.stringify({ cutout: { hints: STROKES }, background: 'white', layout: { outputSize: 'original', padding: 0 } }) });
    assert.equal(inSpec.statusCode, 200, inSpec.body);
    assert.deepEqual(await sharp(inSpec.rawPayload).raw().toBuffer(), await sharp(field.rawPayload).raw().toBuffer());
  });

  test('hints twice, a matte inside the spec, and a bad stroke in the spec are refused by name', async () => {
    const twice = await post('/v1/edit', { image_file: file(photoPng, 'p.png'), hints: JSON.stringify(STROKES), spec: JSON.stringify({ cutout: { hints: STROKES } }) });
    assert.equal(twice.statusCode, 400, twice.body);
    assert.equal(twice.json().code, 'GREENROOM_ERR_INVALID_HINTS');
    const matte = await post('/v1/edit', { image_file: file(photoPng, 'p.png'), spec: JSON.stringify({ cutout: { matte: '/etc/passwd' } }) });
    assert.equal(matte.statusCode, 400, matte.body);
    assert.equal(matte.json().details.field, 'cutout.matte');
    const bounds = await post('/v1/edit', { image_file: file(photoPng, 'p.png'), matte_file: file(cutoutPng, 'c.png'), spec: JSON.stringify({ cutout: { hints: [{ mode: 'erase', radius: 4, points: [[500, 10]] }] } }) });
    assert.equal(bounds.statusCode, 400, bounds.body);
    assert.equal(bounds.json().code, 'GREENROOM_ERR_INVALID_HINTS');
    assert.equal(bounds.json().details.field, 'cutout.hints.strokes.0.points.0');
  });
});

describe('bad hints get their coded 4xx', () => {
  const cases: Array<[string, () => Promise<Parameters<typeof multipart>[0]>, number, string, string, string]> = [
    ['a hints image of another shape', async () => ({ hints: file(await sharp({ create: { width: 100, height: 100, channels: 3, background: '#ff0000' } }).png().toBuffer(), 'h.png') }), 400, 'GREENROOM_ERR_INVALID_HINTS', 'size', 'hints.image'],
    ['an empty stroke list', async () => ({ hints: '[]' }), 400, 'GREENROOM_ERR_INVALID_HINTS', 'empty', 'hints.strokes'],
    ['a hints image with neither colour', async () => ({ hints: file(await sharp({ create: { width: w, height: h, channels: 3, background: '#777777' } }).png().toBuffer(), 'h.png') }), 400, 'GREENROOM_ERR_INVALID_HINTS', 'empty', 'hints.image'],
    ['an unknown colour', async () => ({ hints: file(await hintsImage(), 'h.png'), keep_color: 'blurple' }), 400, 'GREENROOM_ERR_INVALID_HINTS', 'colour', 'hints.keepColor'],
    ['a stroke out of bounds', async () => ({ hints: JSON.stringify([{ mode: 'erase', radius: 4, points: [[10, 10], [10, 900]] }]) }), 400, 'GREENROOM_ERR_INVALID_HINTS', 'bounds', 'hints.strokes.0.points.1'],
    ['a huge stroke list', async () => ({ hints: JSON.stringify(Array.from({ length: 300 }, () => ({ mode: 'erase', radius: 2, points: [[10, 10]] }))) }), 413, 'GREENROOM_ERR_HINTS_TOO_LARGE', '', 'hints.strokes'],
    ['megabytes of strokes', async () => ({ hints: `[${'{"mode":"erase","radius":2,"points":[[10,10]]},'.repeat(100_000)}{"mode":"erase","radius":2,"points":[[10,10]]}]` }), 413, 'GREENROOM_ERR_HINTS_TOO_LARGE', '', 'hints'],
    ['text that is not JSON', async () => ({ hints: 'erase the box please' }), 400, 'GREENROOM_ERR_INVALID_HINTS', 'format', 'hints'],
    ['a stroke without its mode', async () => ({ hints: JSON.stringify([{ radius: 3, points: [[5, 5]] }]) }), 400, 'GREENROOM_ERR_INVALID_HINTS', 'format', 'hints.strokes.0.mode'],
    ['strokes drawn on a frame of another shape', async () => ({ hints: JSON.stringify({ strokes: STROKES, width: 100, height: 100 }) }), 400, 'GREENROOM_ERR_INVALID_HINTS', 'size', 'hints.width'],
    ['a previous cutout of another shape', async () => ({ hints: JSON.stringify(STROKES), matte_file: file(await sharp({ create: { width: 50, height: 80, channels: 4, background: '#00000000' } }).png().toBuffer(), 'c.png') }), 400, 'GREENROOM_ERR_INVALID_OPTION', 'size', 'matte_file'],
    ['a previous cutout that is not an image', async () => ({ hints: JSON.stringify(STROKES), matte_file: file(Buffer.from('not an image at all'), 'c.png') }), 415, 'GREENROOM_ERR_NOT_AN_IMAGE', '', 'matte_file'],
  ];
  for (const [what, fields, status, code, reason, field] of cases) {
    test(what, async () => {
      const res = await post('/v1/cutout', { image_file: file(photoPng, 'photo.png'), ...(await fields()) });
      assert.equal(res.statusCode, status, res.body);
      const body = res.json();
      assert.equal(body.code, code);
      if (reason) assert.equal(body.details.reason, reason);
      assert.equal(body.details.field, field);
      assert.ok(body.message.length > 20);
    });
  }
});
