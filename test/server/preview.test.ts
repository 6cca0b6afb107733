/**
 * Preview cutouts: /v1/cutout with `preview` answers a zip of a small cutout and the network's
 * coarse matte; sent back with the photo, the coarse matte gives the full-resolution cutout (the
 * very one a plain request gives) or an edit, without the network.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { FastifyInstance } from 'fastify';
import type { Studio } from '../../src/studio.ts';
import { multipart, openFakeStudio, photoFile, tempDataDir, testApp } from './helpers.ts';
import { readZip } from '../helpers/zip.ts';

let studio: Studio;
let app: FastifyInstance;
let calls = 0;
const dataDir = tempDataDir();
const bike = () => photoFile('motorcycle_left.png');

before(async () => {
  studio = await openFakeStudio(dataDir);
  // Count the network's runs: the point of the coarse matte is that it runs once.
  const segmenter = await studio.segmenter();
  const segment = segmenter.segment.bind(segmenter);
  segmenter.segment = (...args) => (calls++, segment(...args));
  app = testApp(studio);
});
after(async () => {
  await app.close();
  await studio.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const post = (url: string, fields: Parameters<typeof multipart>[0]) => app.inject({ method: 'POST', url, ...multipart(fields) });

describe('preview cutouts', () => {
  let coarse: Buffer;

  test('preview=256: a zip of preview.png (at most 256 px a side) and coarse-matte.png, the photo\'s size in X-Source-*', async () => {
    const before = calls;
    const res = await post('/v1/cutout', { image_file: bike(), preview: '256' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/zip');
    const entries = readZip(res.rawPayload);
    assert.deepEqual(entries.map((e) => e.name), ['preview.png', 'coarse-matte.png']);
    const meta = await sharp(entries[0]!.data).metadata();
    assert.equal(Math.max(meta.width!, meta.height!), 256);
    assert.equal(meta.channels, 4);
    assert.deepEqual([res.headers['x-width'], res.headers['x-height']], [String(meta.width), String(meta.height)]);
    const photo = await sharp(bike().data).metadata();
    assert.deepEqual([res.headers['x-source-width'], res.headers['x-source-height']], [String(photo.width), String(photo.height)]);
    const box = String(res.headers['x-subject-box']).split(',').map(Number);
    assert.ok(box[0]! + box[2]! <= meta.width! && box[1]! + box[3]! <= meta.height!, 'the subject box is in the preview\'s pixels');
    coarse = entries[1]!.data;
    assert.equal(calls - before, 1);
  });

  test('the coarse matte gives back the full-resolution cutout a plain request gives, without the network', async () => {
    const before = calls;
    const full = await post('/v1/cutout', { image_file: bike(), coarse_matte: { data: coarse, filename: 'coarse-matte.png' } });
    assert.equal(full.statusCode, 200, full.body);
    assert.equal(calls, before, 'no network run');
    assert.equal(full.headers['x-uncertainty-score'], undefined, 'no network, no uncertainty');
    const plain = await post('/v1/cutout', { image_file: bike() });
    const [a, b] = await Promise.all([sharp(full.rawPayload).raw().toBuffer(), sharp(plain.rawPayload).raw().toBuffer()]);
    assert.equal(a.length, b.length);
    assert.ok(a.equals(b), 'the same pixels');
  });

  test('an edit from the coarse matte: no network, the photo\'s size', async () => {
    const before = calls;
    const res = await post('/v1/edit', { image_file: bike(), coarse_matte: { data: coarse, filename: 'c.png' }, background: 'white', format: 'jpeg' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(calls, before);
    const photo = await sharp(bike().data).metadata();
    assert.equal(res.headers['x-width'], String(photo.width));
  });

  test('a coarse matte that is not one, or sent with a previous cutout: 400 naming coarse_matte', async () => {
    const notOne = await post('/v1/cutout', { image_file: bike(), coarse_matte: bike() });
    assert.equal(notOne.statusCode, 400, notOne.body);
    assert.equal(notOne.json().details.field, 'coarse_matte');
    const both = await post('/v1/cutout', { image_file: bike(), coarse_matte: { data: coarse, filename: 'c.png' }, matte_file: bike() });
    assert.equal(both.statusCode, 400);
    assert.equal(both.json().details.field, 'coarse_matte');
    const edit = await post('/v1/edit', { image_file: bike(), coarse_matte: { data: Buffer.from('nope'), filename: 'c.png' } });
    assert.equal(edit.statusCode, 400);
    assert.equal(edit.json().details.field, 'coarse_matte');
    const small = await post('/v1/cutout', { image_file: bike(), preview: '10' });
    assert.equal(small.statusCode, 400);
    assert.equal(small.json().details.field, 'preview');
  });
});
