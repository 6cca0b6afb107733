/** The ONNX rewrite checked by the runtime itself, on tiny hand-built models (no weights needed). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { prepareModel } from '../../src/models/onnx-proto.ts';
import { fp16AddModel, tracedResizeModel } from '../helpers/onnx.ts';

async function run(model: Uint8Array, height: number, width: number): Promise<ort.Tensor> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  try {
    const n = 3 * height * width;
    // Quarter steps: exact in fp16.
    const data = Float32Array.from({ length: n }, (_, i) => (i % 16) / 4);
    const out = await session.run({ input: new ort.Tensor('float32', data, [1, 3, height, width]) });
    return out.output!;
  } finally {
    await session.release();
  }
}

describe('prepared models run at any resolution', () => {
  test('the fp16 model as exported only takes its traced size', async () => {
    const out = await run(fp16AddModel(), 64, 64);
    assert.deepEqual(out.dims, [1, 3, 64, 64]);
    await assert.rejects(run(fp16AddModel(), 32, 32));
  });

  for (const options of [
    { symbolicSpatialDims: true, widenFp16: false },
    { symbolicSpatialDims: true, widenFp16: true },
  ]) {
    test(`symbolic dims${options.widenFp16 ? ' and widened weights' : ''}: other sizes run and compute the same`, async () => {
      const prepared = prepareModel(fp16AddModel(), options);
      for (const [h, w] of [[32, 32], [48, 80], [64, 64]] as const) {
        const out = await run(prepared, h, w);
        assert.deepEqual(out.dims, [1, 3, h, w]);
        const data = out.data as Float32Array;
        let worst = 0;
        for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i]! - ((i % 16) / 4 + 0.5)));
        assert.ok(worst < 1e-6, `${h}x${w}: off by ${worst}`);
      }
    });
  }

  test('a Resize traced to a constant size follows the input size after the rewrite', async () => {
    await assert.rejects(run(tracedResizeModel(), 48, 48));
    const prepared = prepareModel(tracedResizeModel(), { symbolicSpatialDims: true, widenFp16: false });
    for (const [h, w] of [[48, 48], [64, 96], [64, 64]] as const) {
      const out = await run(prepared, h, w);
      assert.deepEqual(out.dims, [1, 3, h, w], `${h}x${w} input gave ${out.dims.join('x')}`);
    }
  });
});
