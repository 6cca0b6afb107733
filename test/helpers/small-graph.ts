/**
 * A small float ONNX graph with ISNet's ingredients, built as objects (src/models/onnx-graph.ts):
 *
 *   input [1,3,H,W] ─► conv_a (3->8, 3x3) ─► relu_a ─► pool (2x2) ─► conv_b (8->8) ─► relu_b ─┐
 *        └──────────────────────────────────────────► conv_c (3->8, 3x3, stride 2) ─► relu_c ─┴► concat
 *   concat ─► conv_d (16->8) ─► relu_d ─► add(relu_d, relu_b) ─► head (8->1) ─► resize x2 ─► sigmoid ─► output
 *
 * The resize takes its size from Shape(input), as ISNet's side outputs do after preparation.
 */
import { DataType, floatTensor, type OnnxModel, type OnnxNode, type OnnxTensor } from '../../src/models/onnx-graph.ts';

/** Deterministic pseudo-random numbers in [-1, 1). */
export function noise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = ((s >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

function conv(name: string, input: string, cin: number, cout: number, k: number, stride: number, seed: number): { node: OnnxNode; inits: OnnxTensor[] } {
  const w = noise(cout * cin * k * k, seed).map((v) => v * Math.sqrt(2 / (cin * k * k)));
  const b = noise(cout, seed + 1).map((v) => v * 0.1);
  return {
    node: {
      name,
      op: 'Conv',
      domain: '',
      inputs: [input, `${name}.weight`, `${name}.bias`],
      outputs: [`${name}_out`],
      attributes: [
        { name: 'kernel_shape', type: 'ints', ints: [k, k] },
        { name: 'pads', type: 'ints', ints: Array(4).fill((k - 1) >> 1) },
        { name: 'strides', type: 'ints', ints: [stride, stride] },
      ],
    },
    inits: [floatTensor(`${name}.weight`, [cout, cin, k, k], w), floatTensor(`${name}.bias`, [cout], b)],
  };
}

const op = (name: string, type: string, inputs: string[], outputs: string[], attributes: OnnxNode['attributes'] = []): OnnxNode => ({ name, op: type, domain: '', inputs, outputs, attributes });

export function smallFloatGraph(): OnnxModel {
  const a = conv('conv_a', 'input', 3, 8, 3, 1, 11);
  const b = conv('conv_b', 'pool_out', 8, 8, 3, 1, 21);
  const c = conv('conv_c', 'input', 3, 8, 3, 2, 31);
  const d = conv('conv_d', 'concat_out', 16, 8, 3, 1, 41);
  const head = conv('head', 'add_out', 8, 1, 3, 1, 51);
  const nodes: OnnxNode[] = [
    a.node,
    op('relu_a', 'Relu', ['conv_a_out'], ['relu_a_out']),
    op('pool', 'MaxPool', ['relu_a_out'], ['pool_out'], [{ name: 'kernel_shape', type: 'ints', ints: [2, 2] }, { name: 'strides', type: 'ints', ints: [2, 2] }]),
    b.node,
    op('relu_b', 'Relu', ['conv_b_out'], ['relu_b_out']),
    c.node,
    op('relu_c', 'Relu', ['conv_c_out'], ['relu_c_out']),
    op('concat', 'Concat', ['relu_b_out', 'relu_c_out'], ['concat_out'], [{ name: 'axis', type: 'int', i: 1 }]),
    d.node,
    op('relu_d', 'Relu', ['conv_d_out'], ['relu_d_out']),
    op('add', 'Add', ['relu_d_out', 'relu_b_out'], ['add_out']),
    head.node,
    op('head_shape', 'Shape', ['head_out'], ['head_shape_out'], [{ name: 'end', type: 'int', i: 2 }]),
    op('input_hw', 'Shape', ['input'], ['input_hw_out'], [{ name: 'start', type: 'int', i: 2 }]),
    op('sizes', 'Concat', ['head_shape_out', 'input_hw_out'], ['sizes_out'], [{ name: 'axis', type: 'int', i: 0 }]),
    op('resize', 'Resize', ['head_out', '', '', 'sizes_out'], ['resize_out'], [{ name: 'mode', type: 'string', s: 'linear' }]),
    op('sigmoid', 'Sigmoid', ['resize_out'], ['output']),
  ];
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: 15 }],
    producerName: 'greenroom-test',
    producerVersion: '',
    graph: {
      name: 'small',
      nodes,
      initializers: [a, b, c, d, head].flatMap((x) => x.inits),
      inputs: [{ name: 'input', elemType: DataType.FLOAT, dims: [1, 3, 'height', 'width'] }],
      outputs: [{ name: 'output', elemType: DataType.FLOAT, dims: [1, 1, 'height', 'width'] }],
    },
  };
}
