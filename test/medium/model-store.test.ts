/** The model store's recovery: a damaged cached model is rebuilt from the package on open. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Studio } from '../../src/studio.ts';
import { getModelSpec, loadManifest } from '../../src/models/manifest.ts';
import { cachedModelPath } from '../../src/models/store.ts';
import { photo } from '../helpers/images.ts';

/** The default model: the one Studio.open prepares. */
const spec = getModelSpec(loadManifest().default);
const GARBAGE = Buffer.from('this is not an onnx model, it was damaged on disk\n'.repeat(100));
let dir: string;
let file: string;
let studio: Studio;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-store-'));
  file = cachedModelPath(spec, dir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, GARBAGE);
  studio = await Studio.open({ cacheDir: dir });
});

after(async () => {
  await studio?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('a damaged cached model', () => {
  test('is rebuilt when the studio opens, atomically (no temporary files left)', () => {
    const rebuilt = fs.readFileSync(file);
    assert.notEqual(rebuilt.length, GARBAGE.length);
    assert.ok(rebuilt.length > spec.bytes * (spec.precision === 'int8' ? 0.45 : 0.9), `rebuilt model is ${rebuilt.length} bytes`);
    assert.deepEqual(fs.readdirSync(path.dirname(file)).filter((f) => f !== path.basename(file)), []);
    // The same bytes as a cache built from scratch elsewhere, when the shared test cache has one.
    const shared = cachedModelPath(spec, path.join(os.tmpdir(), 'greenroom-test-cache'));
    if (fs.existsSync(shared)) {
      const hash = (b: Buffer) => crypto.createHash('sha256').update(b).digest('hex');
      assert.equal(hash(rebuilt), hash(fs.readFileSync(shared)));
    }
  });

  test('and the studio works', async () => {
    const r = await studio.cutout(photo('coffee.png'), { quality: 'fast', channels: 'alpha' });
    const alpha = await sharp(r.image.data).extractChannel(0).raw().toBuffer();
    assert.ok(alpha[230 * 600 + 290]! > 200);
    assert.ok(alpha[0]! < 20);
  });
});
