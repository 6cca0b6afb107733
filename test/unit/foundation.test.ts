/** Small pure pieces: coded errors, config, manifest, stage timing, the network's input tensor, reading inputs. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCodes, GreenroomError, isGreenroomError } from '../../src/errors.ts';
import { DEFAULT_MAX_PIXELS, loadConfig } from '../../src/config.ts';
import { getModelSpec, loadManifest, mirrorSize, wantsMirroredPass, workingSize, QUALITIES } from '../../src/models/manifest.ts';
import { StageRecorder, type Clock } from '../../src/pipeline/stages.ts';
import { normalizeToTensor } from '../../src/models/normalize.ts';
import { readInput } from '../../src/image/read-input.ts';

describe('GreenroomError', () => {
  test('carries a stable code, its HTTP status and title, frozen details, and a cause', () => {
    const cause = new Error('inner');
    const err = new GreenroomError('IMAGE_TOO_LARGE', 'too big', { width: 1 }, { cause });
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'GreenroomError');
    assert.equal(err.code, 'GREENROOM_ERR_IMAGE_TOO_LARGE');
    assert.equal(err.status, 413);
    assert.equal(err.title, 'Image too large');
    assert.equal(err.cause, cause);
    assert.ok(Object.isFrozen(err.details));
    assert.deepEqual(err.toJSON(), { code: 'GREENROOM_ERR_IMAGE_TOO_LARGE', title: 'Image too large', message: 'too big', details: { width: 1 } });
    assert.deepEqual(JSON.parse(JSON.stringify(err)), err.toJSON());
  });

  test('every code has a 4xx/5xx status and a title', () => {
    for (const [key, { status, title }] of Object.entries(ErrorCodes)) {
      assert.ok(status >= 400 && status < 600, key);
      assert.ok(title.length > 0, key);
      assert.equal(new GreenroomError(key as keyof typeof ErrorCodes, 'm').code, `GREENROOM_ERR_${key}`);
    }
  });

  test('isGreenroomError checks the class and, when given, the code', () => {
    const err = new GreenroomError('EMPTY_INPUT', 'empty');
    assert.equal(isGreenroomError(err), true);
    assert.equal(isGreenroomError(err, 'EMPTY_INPUT'), true);
    assert.equal(isGreenroomError(err, 'NOT_AN_IMAGE'), false);
    assert.equal(isGreenroomError(new Error('x')), false);
    assert.equal(isGreenroomError({ code: 'GREENROOM_ERR_EMPTY_INPUT' }), false);
  });
});

describe('loadConfig', () => {
  test('defaults: ~/.cache/greenroom, every core, 50 MP, isnet-int8', () => {
    const c = loadConfig({});
    assert.equal(c.cacheDir, path.join(os.homedir(), '.cache', 'greenroom'));
    assert.equal(c.threads, os.availableParallelism());
    assert.equal(c.maxPixels, DEFAULT_MAX_PIXELS);
    assert.equal(c.defaultModel, 'isnet-int8');
    assert.ok(Object.isFrozen(c));
  });

  test('reads GREENROOM_* and XDG_CACHE_HOME', () => {
    assert.equal(loadConfig({ XDG_CACHE_HOME: '/x' }).cacheDir, path.join('/x', 'greenroom'));
    const c = loadConfig({ GREENROOM_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', GREENROOM_THREADS: '3', GREENROOM_MAX_PIXELS: '1000', GREENROOM_MODEL: 'isnet_quint8' });
    const { cacheDir, threads, maxPixels, defaultModel } = c;
    assert.deepEqual({ cacheDir, threads, maxPixels, defaultModel }, { cacheDir: '/c', threads: 3, maxPixels: 1000, defaultModel: 'isnet_quint8' });
  });

  test('refuses bad numbers, naming the variable', () => {
    for (const [name, value] of [['GREENROOM_THREADS', '0'], ['GREENROOM_THREADS', 'many'], ['GREENROOM_MAX_PIXELS', '-5'], ['GREENROOM_MAX_PIXELS', '1.5']]) {
      assert.throws(() => loadConfig({ [name!]: value }), new RegExp(name!), `${name}=${value}`);
    }
  });
});

describe('manifest', () => {
  test('names a default model that exists, with a valid spec', () => {
    const m = loadManifest();
    const spec = getModelSpec(m.default);
    assert.equal(spec.id, m.default);
    assert.match(spec.sha256, /^[0-9a-f]{64}$/);
    assert.equal(spec.input.layout, 'NCHW');
  });

  test('working sizes are multiples of the model\'s step, growing with quality', () => {
    const spec = getModelSpec('isnet');
    const sizes = QUALITIES.map((q) => workingSize(spec, q));
    assert.deepEqual(sizes, [512, 768, 1024, 1024], 'max works at best\'s size');
    for (const s of sizes) assert.equal(s % spec.input.multipleOf, 0);
  });

  test('the mirrored pass: at max only, at 1024 from 1x, only for an undecided matte', () => {
    const spec = getModelSpec('isnet-int8');
    const { best, max } = loadManifest().mirroredPass.qualities;
    assert.ok(!best && max);
    assert.equal(mirrorSize(spec, 'best', 6), undefined, 'best: one pass (a coarser mirrored pass left ghosts on real photos)');
    assert.equal(mirrorSize(spec, 'max', max.minFactor), 1024);
    assert.equal(mirrorSize(spec, 'max', max.minFactor * 0.9), undefined, 'a photo below the working size: one pass');
    assert.equal(wantsMirroredPass('max', max.minSoftness, max.minFactor), true);
    assert.equal(wantsMirroredPass('max', max.minSoftness * 0.9, 6), false, 'a decided matte: one pass');
    assert.equal(wantsMirroredPass('best', 0.5, 6), false);
    assert.equal(wantsMirroredPass('balanced', 0.5, 6), false);
    assert.equal(wantsMirroredPass('fast', 0.5, 6), false);
    assert.equal(mirrorSize(spec, 'fast', 6), undefined);
  });

  test('an unknown model is UNKNOWN_MODEL, listing the known ones', () => {
    assert.throws(() => getModelSpec('nope'), (err: unknown) => isGreenroomError(err, 'UNKNOWN_MODEL') && /isnet/.test(err.message) && err.details.model === 'nope');
  });
});

describe('StageRecorder', () => {
  test('records wall and CPU time per stage from its clock, also when the stage throws', async () => {
    let t = 0, cpu = 0;
    const clock: Clock = { now: () => t, cpu: () => cpu };
    const rec = new StageRecorder(clock);
    const v = await rec.time('decode', () => {
      t += 10;
      cpu += 15;
      return 42;
    });
    assert.equal(v, 42);
    await assert.rejects(
      rec.time('segment', async () => {
        t += 2.345;
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.deepEqual(rec.stages, [
      { stage: 'decode', ms: 10, cpuMs: 15, where: 'main' },
      { stage: 'segment', ms: 2.35, cpuMs: 0, where: 'main' },
    ]);
    assert.equal(rec.totalMs, 12.35);
  });

  test('says where each stage ran: main unless its work reported another place', async () => {
    const rec = new StageRecorder();
    await rec.time('refine', (control) => {
      control.ranOn('pool');
      control.ranOn('libvips');
      control.ranOn('pool');
    });
    await rec.time('encode', () => undefined);
    assert.deepEqual(
      rec.stages.map((s) => [s.stage, s.where]),
      [
        ['refine', 'libvips+pool'],
        ['encode', 'main'],
      ],
    );
  });
});

describe('normalizeToTensor', () => {
  test('interleaved RGB to planar (x - mean) / std', () => {
    // 2x2 image: pixels (0,128,255), (10,20,30), (40,50,60), (70,80,90)
    const rgb = Uint8Array.from([0, 128, 255, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    const t = normalizeToTensor(rgb, 2, { mean: [128, 128, 128], std: [256, 256, 256] });
    assert.equal(t.length, 12);
    const want = [0, 10, 40, 70, 128, 20, 50, 80, 255, 30, 60, 90].map((v) => (v - 128) / 256);
    for (let i = 0; i < 12; i++) assert.ok(Math.abs(t[i]! - want[i]!) < 1e-7, `index ${i}: ${t[i]} vs ${want[i]}`);
  });
});

describe('readInput', () => {
  test('passes bytes through and reads files', async () => {
    const bytes = Uint8Array.from([1, 2, 3]);
    assert.equal(await readInput(bytes), bytes);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-read-')), 'x.bin');
    fs.writeFileSync(file, Buffer.from([9, 8, 7]));
    assert.deepEqual([...(await readInput(file))], [9, 8, 7]);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  test('a missing file is INPUT_NOT_FOUND, a folder INVALID_OPTION', async () => {
    await assert.rejects(readInput('/definitely/not/here.png'), (err: unknown) => isGreenroomError(err, 'INPUT_NOT_FOUND') && err.details.path === '/definitely/not/here.png');
    await assert.rejects(readInput(os.tmpdir()), (err: unknown) => isGreenroomError(err, 'INVALID_OPTION'));
  });
});
