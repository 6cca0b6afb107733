/**
 * The pixel pool: named tasks in worker threads, shared memory crossing without copies, coded
 * errors kept, a retiring worker replaced; and the rule it exists for: no stage of a 12 MP cutout
 * or edit runs its pixel work on the main thread (each stage reports where it ran), and the
 * modules the main thread runs import the per-pixel code only as types.
 */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
process.env.GREENROOM_DATA_DIR ??= path.join(os.tmpdir(), 'greenroom-test-data');

import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { PixelPool } from '../../src/pixels/pool.ts';
import { sharedBytes } from '../../src/pixels/transfer.ts';
import { Studio } from '../../src/studio.ts';
import { isGreenroomError } from '../../src/errors.ts';
import { photo } from '../helpers/images.ts';

const SRC = path.join(import.meta.dirname, '..', '..', 'src');

describe('PixelPool', () => {
  let pool: PixelPool;
  before(async () => {
    pool = new PixelPool(2);
    await pool.ready();
  });
  after(() => pool.close());

  test('runs a task on shared memory without copying it, and answers with its result', async () => {
    const width = 300, height = 200;
    const alpha = sharedBytes(width * height);
    for (let y = 50; y < 120; y++) alpha.fill(255, y * width + 40, y * width + 90);
    const copied = pool.stats().copiedBytes;
    const box = await pool.run('box', { alpha, width, height });
    assert.deepEqual(box, { x: 40, y: 50, width: 50, height: 70 });
    assert.equal(pool.stats().copiedBytes - copied, 0, 'a shared plane is not copied');
  });

  test('two tasks run at once on two workers', async () => {
    const big = sharedBytes(4000 * 3000);
    const a = pool.run('box', { alpha: big, width: 4000, height: 3000 });
    const b = pool.run('box', { alpha: big, width: 4000, height: 3000 });
    assert.equal(pool.stats().busy, 2);
    assert.deepEqual(await Promise.all([a, b]), [null, null]);
  });

  test('a coded error keeps its code; any other error names the task; the workers keep working', async () => {
    await assert.rejects(pool.run('decodeHeic', { bytes: new Uint8Array(64), maxPixels: 1e6 }), (err) => isGreenroomError(err, 'CORRUPT_IMAGE'));
    await assert.rejects(pool.run('box', { alpha: undefined as unknown as Uint8Array, width: 10, height: 10 }), /pixel task box failed/);
    assert.deepEqual(await pool.run('box', { alpha: sharedBytes(4).fill(255), width: 2, height: 2 }), { x: 0, y: 0, width: 2, height: 2 });
  });

  test('a task asking to retire its worker gets a fresh one in its place', async () => {
    const retired = pool.stats().retired;
    const heic = fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'heic', 'coffee-p3-nclx.heic'));
    const d = await pool.run('decodeHeic', { bytes: heic, maxPixels: 1e7 }, { retire: true });
    assert.equal(d.width, 320);
    assert.equal(pool.stats().retired, retired + 1);
    assert.equal(pool.stats().workers, 2);
    await pool.ready();
  });

  test('closing rejects what is still queued with STUDIO_CLOSED', async () => {
    const p = new PixelPool(1);
    const big = sharedBytes(4000 * 3000);
    const running = p.run('box', { alpha: big, width: 4000, height: 3000 });
    const queued = p.run('box', { alpha: big, width: 4000, height: 3000 });
    const closing = p.close();
    await assert.rejects(queued, (err) => isGreenroomError(err, 'STUDIO_CLOSED'));
    await running.catch(() => undefined);
    await closing;
  });
});

describe('no pixel work on the main thread', () => {
  let studio: Studio;
  let phone: Buffer;
  before(async () => {
    studio = await Studio.open();
    // A 12 MP phone photo, as sellers send them.
    phone = await sharp(photo('coffee.png')).resize(4032, 3024, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer();
  });
  after(() => studio.close());

  test('every stage of a 12 MP cutout, an edit and a touch-up reports where it ran, and none says main', async () => {
    const cut = await studio.cutout(phone, { quality: 'fast' });
    const edit = await studio.edit(phone, { background: 'template:white-marble', shadow: 'soft', layout: { outputSize: '2000x2000' }, export: { format: 'jpeg' }, cutout: { quality: 'fast' } });
    const touched = await studio.cutout(phone, { matte: cut.image.data, hints: { strokes: [{ mode: 'erase', radius: 40, points: [[200, 200], [600, 300]] }] } });
    for (const [name, r] of [['cutout', cut], ['edit', edit], ['touch-up', touched]] as const) {
      for (const s of r.stages) assert.notEqual(s.where, 'main', `${name}: stage ${s.stage} ran on the main thread`);
    }
    assert.deepEqual(
      cut.stages.map((s) => [s.stage, s.where]),
      [
        ['decode', 'libvips'],
        ['segment', 'network+pool'],
        ['refine', 'pool'],
        // a whole PNG is written in parts on the pool (png.ts)
        ['encode', 'pool'],
      ],
    );
    assert.equal(touched.stages.find((s) => s.stage === 'hints')?.where, 'pool');
  });

  test('the modules the main thread runs import the per-pixel code only as types', () => {
    // Per-pixel modules: run only in the pool's workers (src/pixels/tasks.ts imports them).
    const pixelModules = ['matte/refine', 'matte/extend-colours', 'matte/band-refine', 'matte/edge-sharpen', 'matte/decontaminate', 'matte/resample', 'matte/touchup', 'matte/edge-solve', 'matte/mirror', 'compose/place', 'compose/shadow', 'compose/blend', 'compose/harmonize', 'scenes/render', 'image/heic', 'models/network-input', 'retouch/engine', 'retouch/patchmatch', 'retouch/vote', 'retouch/onion', 'retouch/level', 'retouch/features', 'retouch/retouch', 'retouch/smooth-fill', 'retouch/mask', 'retouch/distance', 'matte/context-pass', 'matte/specks', 'matte/holes', 'matte/matte-steps'];
    const mainThread = (dir: string): string[] => fs.readdirSync(path.join(SRC, dir), { recursive: true, withFileTypes: false }).map(String).filter((f) => f.endsWith('.ts')).map((f) => path.join(dir, f));
    const files = [...mainThread('pipeline'), ...mainThread('server'), ...mainThread('jobs'), ...mainThread('cli'), 'studio.ts'];
    const offenders: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(path.join(SRC, file), 'utf8');
      for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
        if (m[1]) continue;
        const target = path.relative(SRC, path.resolve(path.join(SRC, path.dirname(file)), m[2]!)).replace(/\.ts$/, '');
        if (pixelModules.includes(target)) offenders.push(`${file} imports ${target}`);
      }
    }
    assert.deepEqual(offenders, []);
  });
});
