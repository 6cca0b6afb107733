import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { averageRanges, calibrationModel, MAX_SUFFIX, MIN_SUFFIX } from '../../src/models/calibrate.ts';
import { pruneToOutputs, removeFloatCasts } from '../../src/models/graph-tidy.ts';
import { DataType, decodeModel, encodeModel, floatTensor, tensorFloats } from '../../src/models/onnx-graph.ts';
import { integerTensors, planQuantization, quantizeBias, quantizeModel, quantizeWeightsPerChannel, uint8Params } from '../../src/models/quantize.ts';
import { noise, smallFloatGraph } from '../helpers/small-graph.ts';

const wideRanges = (names: string[]) => Object.fromEntries(names.map((n) => [n, { min: -1, max: 4 }]));

describe('onnx-graph', () => {
  test('a model survives decode(encode(model)) field for field', () => {
    const model = smallFloatGraph();
    const again = decodeModel(encodeModel(model));
    assert.deepEqual(again.graph.nodes, model.graph.nodes);
    assert.deepEqual(again.graph.inputs, model.graph.inputs);
    assert.deepEqual(again.graph.outputs, model.graph.outputs);
    assert.deepEqual(again.opsets, model.opsets);
    assert.equal(again.graph.initializers.length, model.graph.initializers.length);
    for (const [i, t] of model.graph.initializers.entries()) assert.deepEqual(tensorFloats(again.graph.initializers[i]!), tensorFloats(t));
  });
});

describe('weights and parameters', () => {
  test('per-channel int8 weights round-trip within half a step of their channel scale', () => {
    const channels = 4;
    const w = noise(4 * 27, 7);
    for (let i = 27; i < 54; i++) w[i] = w[i]! * 100; // a channel 100x larger must not crush the others
    for (let i = 54; i < 81; i++) w[i] = 0; // an all-zero channel
    const { values, scales } = quantizeWeightsPerChannel(w, channels);
    assert.equal(scales.length, channels);
    for (let c = 0; c < channels; c++) {
      for (let i = c * 27; i < (c + 1) * 27; i++) {
        assert.ok(Math.abs(values[i]! * scales[c]! - w[i]!) <= scales[c]! / 2 + 1e-7, `channel ${c} element ${i}`);
        assert.ok(Math.abs(values[i]!) <= 127);
      }
    }
    assert.ok(scales[1]! > 50 * scales[0]!, 'each channel has its own scale');
    assert.deepEqual([...values.subarray(54, 81)], Array(27).fill(0));
    assert.equal(Math.max(...[...values.subarray(0, 27)].map(Math.abs)), 127, 'the largest weight uses the full range');
  });

  test('biases are int32 at input scale x weight scale', () => {
    const { values, scales } = quantizeBias(Float32Array.from([0.5, -0.25]), 0.01, Float32Array.from([0.1, 0.02]));
    assert.deepEqual([...scales].map((s) => +s.toFixed(6)), [0.001, 0.0002]);
    assert.deepEqual([...values], [500, -1250]);
  });

  test('uint8 parameters keep zero exact; a ReLU range gets zero point 0', () => {
    assert.deepEqual(uint8Params({ min: 0, max: 2.55 }), { scale: Math.fround(0.01), zeroPoint: 0 });
    const p = uint8Params({ min: -0.5, max: 0.49609375 });
    assert.equal(p.scale, 1 / 256);
    assert.equal(p.zeroPoint, 128);
    assert.equal(uint8Params({ min: 0.2, max: 1 }).zeroPoint, 0, 'the range is widened to include 0');
  });

  test('ranges are the mean of the samples\' extremes', () => {
    const r = averageRanges([{ t: { min: -1, max: 2 } }, { t: { min: -3, max: 6 } }]);
    assert.deepEqual(r, { t: { min: -2, max: 4 } });
  });
});

describe('planQuantization and quantizeModel', () => {
  test('activations read by Conv, MaxPool, Concat, Add and Resize are planned; shape arithmetic is not', () => {
    const model = smallFloatGraph();
    const integer = integerTensors(model);
    assert.ok(integer.has('sizes_out') && integer.has('input_hw_out') && !integer.has('add_out'));
    const plan = planQuantization(model, {});
    assert.deepEqual(plan.activations.sort(), ['add_out', 'concat_out', 'head_out', 'input', 'pool_out', 'relu_a_out', 'relu_b_out', 'relu_c_out', 'relu_d_out']);
    assert.ok(!planQuantization(model, { keepFloat: ['resize'] }).activations.includes('head_out'), 'a kept-float reader does not ask for a range');
    assert.ok(!plan.nodes.some((n) => n.name === 'sizes'), 'the Concat of shapes is not quantised');
  });

  test('every quantised Conv reads int8 weights per channel and an int32 bias; readers of a quantised tensor read its dequantised copy; Shape reads the uint8 tensor', () => {
    const model = smallFloatGraph();
    // as in ISNet: the final upsampling stays float
    const report = quantizeModel(model, { ranges: wideRanges(planQuantization(model, {}).activations), keepFloat: ['resize'] });
    assert.equal(report.convs, 5);
    const byName = new Map(model.graph.nodes.map((n) => [n.name, n]));
    const inits = new Map(model.graph.initializers.map((t) => [t.name, t]));
    for (const c of ['conv_a', 'conv_b', 'conv_c', 'conv_d', 'head']) {
      const conv = byName.get(c)!;
      assert.match(conv.inputs[0]!, /_dequantized$/);
      const wdq = model.graph.nodes.find((n) => n.outputs[0] === conv.inputs[1])!;
      assert.equal(wdq.op, 'DequantizeLinear');
      assert.equal(inits.get(wdq.inputs[0]!)!.dataType, DataType.INT8);
      assert.equal(inits.get(wdq.inputs[1]!)!.dims[0], c === 'head' ? 1 : 8, 'one scale per output channel');
      const bdq = model.graph.nodes.find((n) => n.outputs[0] === conv.inputs[2])!;
      assert.equal(inits.get(bdq.inputs[0]!)!.dataType, DataType.INT32);
      assert.ok(!inits.has(`${c}.weight`), 'the float weights are gone');
    }
    assert.equal(byName.get('head_shape')!.inputs[0], 'head_out', 'head_out is not quantised (its reader Resize stays float)');
    const pool = byName.get('pool')!;
    const poolIn = model.graph.nodes.find((n) => n.outputs[0] === pool.inputs[0])!;
    const poolOutQ = model.graph.nodes.find((n) => n.op === 'QuantizeLinear' && n.inputs[0] === 'pool_out')!;
    assert.deepEqual(poolOutQ.inputs.slice(1), poolIn.inputs.slice(1), 'MaxPool output shares its input\'s scale and zero point');
  });

  test('nodes kept in float keep float weights and float inputs', () => {
    const model = smallFloatGraph();
    const keepFloat = ['conv_d', 'head', 'resize'];
    const plan = planQuantization(model, { keepFloat });
    const report = quantizeModel(model, { ranges: wideRanges(plan.activations), keepFloat });
    assert.equal(report.convs, 3);
    assert.deepEqual(report.floatNodes.sort(), ['conv_d', 'head', 'resize']);
    const byName = new Map(model.graph.nodes.map((n) => [n.name, n]));
    assert.equal(byName.get('conv_d')!.inputs[1], 'conv_d.weight');
    assert.equal(byName.get('head')!.inputs[1], 'head.weight');
    assert.ok(!byName.get('head')!.inputs[0]!.endsWith('_dequantized'), 'a float node\'s input with no quantised reader stays float');
    assert.ok(model.graph.initializers.some((t) => t.name === 'conv_d.weight' && t.dataType === DataType.FLOAT));
  });

  test('a node whose input has no calibrated range stays float instead of failing', () => {
    const model = smallFloatGraph();
    const ranges = wideRanges(planQuantization(model, {}).activations);
    delete ranges['concat_out'];
    const report = quantizeModel(model, { ranges });
    assert.ok(report.floatNodes.includes('conv_d'));
  });
});

describe('graph tidying and calibration graphs', () => {
  test('float-to-float casts disappear without renaming graph outputs; unused branches are pruned', () => {
    const model = smallFloatGraph();
    // output -> Cast -> output_cast (a second graph output), and a dead branch
    model.graph.nodes.push(
      { name: 'cast', op: 'Cast', domain: '', inputs: ['relu_d_out'], outputs: ['side'], attributes: [{ name: 'to', type: 'int', i: DataType.FLOAT }] },
      { name: 'dead', op: 'Relu', domain: '', inputs: ['relu_a_out'], outputs: ['dead_out'] , attributes: [] },
    );
    model.graph.outputs.push({ name: 'side', elemType: DataType.FLOAT }, { name: 'dead_out', elemType: DataType.FLOAT });
    model.graph.initializers.push(floatTensor('unused', [1], [1]));
    removeFloatCasts(model);
    assert.ok(!model.graph.nodes.some((n) => n.op === 'Cast'));
    assert.ok(model.graph.nodes.some((n) => n.outputs.includes('side')), 'the producer now writes the graph output directly');
    pruneToOutputs(model, ['output']);
    assert.ok(!model.graph.nodes.some((n) => n.name === 'dead'));
    assert.ok(!model.graph.initializers.some((t) => t.name === 'unused'));
    assert.deepEqual(model.graph.outputs.map((o) => o.name), ['output']);
  });

  test('the calibration graph adds a min and a max output per tensor and leaves the model alone', () => {
    const model = smallFloatGraph();
    const cal = calibrationModel(model, ['relu_a_out', 'add_out']);
    assert.deepEqual(cal.graph.outputs.map((o) => o.name), ['output', `relu_a_out${MIN_SUFFIX}`, `relu_a_out${MAX_SUFFIX}`, `add_out${MIN_SUFFIX}`, `add_out${MAX_SUFFIX}`]);
    assert.equal(model.graph.outputs.length, 1);
  });
});
