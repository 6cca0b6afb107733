/**
 * Static int8 quantisation of a float ONNX graph in QDQ form, the form onnxruntime's CPU provider
 * fuses into integer kernels (QLinearConv, QLinearAdd, QLinearConcat, uint8 MaxPool):
 *
 * - activations: uint8, asymmetric, one scale per tensor from calibrated [min, max] ranges; a
 *   QuantizeLinear -> DequantizeLinear pair right after the producer, every consumer reading
 *   the dequantised copy. uint8 (not int8) activations because only u8 x s8 convolutions have
 *   the fast VNNI kernels: with int8 activations most convolutions stayed in float and ran
 *   slower than fp16 (measured, issue 9).
 * - Conv weights: int8, symmetric, one scale per output channel; biases int32 with scale
 *   input scale x weight scale, zero point 0 (what QLinearConv expects).
 * - ranges that must not change through an op (MaxPool, Resize: the output lies within the
 *   input's range) reuse the input's parameters, so the runtime drops their Q/DQ pair and runs
 *   the op on uint8 directly;
 * - nodes named in `keepFloat` keep float weights and float outputs (the final matte's
 *   upsampling and sigmoid: quantising them cost matte accuracy).
 *
 * Pure: a graph and ranges in, a graph out. Calibration (running the float graph) is elsewhere.
 */
import {
  DataType,
  floatTensor,
  int32Tensor,
  int8Tensor,
  tensorFloats,
  uint8Tensor,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
} from './onnx-graph.ts';

export interface TensorRange {
  min: number;
  max: number;
}

export interface QuantizeOptions {
  /** Calibrated ranges of the activations, by tensor name. */
  ranges: Record<string, TensorRange>;
  /** Node names (or name prefixes ending in '*') that stay in float. */
  keepFloat?: string[];
}

/** Ops whose float inputs get a Q/DQ pair, and where each data input sits. */
const DATA_INPUTS: Record<string, (node: OnnxNode) => number[]> = {
  Conv: () => [0],
  Add: () => [0, 1],
  Concat: (n) => n.inputs.map((_, i) => i),
  MaxPool: () => [0],
  Resize: () => [0],
};

/**
 * Ops whose output keeps the input's quantisation parameters (the output lies within the input's
 * range). onnxruntime runs MaxPool on uint8 then; it keeps a float Resize between its DQ and Q
 * (1.30, checked on the optimised graph: about 17 ms of ISNet's time), but the pair on its input
 * is what lets the convolution before it run as QLinearConv.
 */
const RANGE_PRESERVING = new Set(['MaxPool', 'Resize']);

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** uint8 asymmetric parameters for a range; the range always includes 0 (so 0 is exact). */
export function uint8Params(range: TensorRange): QuantParams {
  const lo = Math.min(0, range.min);
  const hi = Math.max(0, range.max);
  const scale = hi > lo ? (hi - lo) / 255 : 1;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  return { scale: Math.fround(scale), zeroPoint };
}

/**
 * Symmetric int8 per-output-channel quantisation of a weight tensor laid out [C_out, ...].
 * Returns the int8 values and one scale per channel (max |w| / 127; 1 for an all-zero channel).
 */
export function quantizeWeightsPerChannel(weights: Float32Array, channels: number): { values: Int8Array; scales: Float32Array } {
  const per = weights.length / channels;
  if (!Number.isInteger(per)) throw new Error(`weights of length ${weights.length} do not split into ${channels} channels`);
  const values = new Int8Array(weights.length);
  const scales = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    let m = 0;
    for (let i = c * per; i < (c + 1) * per; i++) m = Math.max(m, Math.abs(weights[i]!));
    const scale = Math.fround(m > 0 ? m / 127 : 1);
    scales[c] = scale;
    for (let i = c * per; i < (c + 1) * per; i++) values[i] = Math.max(-127, Math.min(127, Math.round(weights[i]! / scale)));
  }
  return { values, scales };
}

/** int32 bias for QLinearConv: scale input scale x weight scale per channel, zero point 0. */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { values: Int32Array; scales: Float32Array } {
  const values = new Int32Array(bias.length);
  const scales = new Float32Array(bias.length);
  for (let c = 0; c < bias.length; c++) {
    const s = Math.fround(inputScale * weightScales[c]!);
    scales[c] = s;
    values[c] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, Math.round(bias[c]! / s)));
  }
  return { values, scales };
}

export interface QuantizationPlan {
  /** Nodes that will run quantised. */
  nodes: OnnxNode[];
  /** Float activations read by those nodes: the tensors that need a calibrated range. */
  activations: string[];
  floatNodes: string[];
}

/**
 * Which nodes run quantised and which activations they read. Without `ranges` every candidate
 * counts (that is the list to calibrate); with them, a node whose input has no range stays float.
 */
export function planQuantization(model: OnnxModel, options: { keepFloat?: string[]; ranges?: Record<string, TensorRange> }): QuantizationPlan {
  const initializers = new Set(model.graph.initializers.map((t) => t.name));
  const integer = integerTensors(model);
  const plan: QuantizationPlan = { nodes: [], activations: [], floatNodes: [] };
  const seen = new Set<string>();
  for (const n of model.graph.nodes) {
    const dataInputs = DATA_INPUTS[n.op]?.(n);
    if (!dataInputs) continue;
    // Concats of shapes (the Resize targets) are integer work, not activations.
    if (n.outputs.every((o) => integer.has(o))) continue;
    const names = dataInputs.map((i) => n.inputs[i]!).filter((t) => t && !initializers.has(t));
    if (isKeptFloat(n, options.keepFloat ?? []) || (options.ranges && names.some((t) => !(t in options.ranges!)))) {
      plan.floatNodes.push(n.name);
      continue;
    }
    plan.nodes.push(n);
    for (const t of names) {
      if (seen.has(t)) continue;
      seen.add(t);
      plan.activations.push(t);
    }
  }
  return plan;
}

/**
 * Tensors that hold integers (shapes and what is computed from them): produced by Shape, by an
 * integer Constant or initializer, or by a node all of whose inputs are integer.
 */
export function integerTensors(model: OnnxModel): Set<string> {
  const integer = new Set<string>();
  for (const t of model.graph.initializers) if (t.dataType !== DataType.FLOAT && t.dataType !== DataType.FLOAT16) integer.add(t.name);
  for (const n of model.graph.nodes) {
    const value = n.op === 'Constant' ? n.attributes.find((a) => a.name === 'value') : undefined;
    const isInteger =
      n.op === 'Shape' ||
      (value?.type === 'tensor' && value.t.dataType !== DataType.FLOAT && value.t.dataType !== DataType.FLOAT16) ||
      (n.op !== 'Constant' && n.inputs.some(Boolean) && n.inputs.filter(Boolean).every((i) => integer.has(i)));
    if (isInteger) for (const o of n.outputs) integer.add(o);
  }
  return integer;
}

function isKeptFloat(node: OnnxNode, patterns: string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? node.name.startsWith(p.slice(0, -1)) : node.name === p));
}

export interface QuantizeReport {
  /** Activations given a Q/DQ pair. */
  activations: number;
  /** Conv nodes with int8 weights. */
  convs: number;
  /** Nodes left in float because they are kept or an input has no range. */
  floatNodes: string[];
}

/** Quantises `model` in place; returns what it did. */
export function quantizeModel(model: OnnxModel, options: QuantizeOptions): QuantizeReport {
  const { graph } = model;
  const keepFloat = options.keepFloat ?? [];
  const initializers = new Map(graph.initializers.map((t) => [t.name, t]));
  const producer = new Map<string, OnnxNode>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const report: QuantizeReport = { activations: 0, convs: 0, floatNodes: [] };

  // 1. Which nodes run quantised, and which of their inputs need a Q/DQ pair.
  const plan = planQuantization(model, { keepFloat, ranges: options.ranges });
  const quantNodes = plan.nodes;
  const toQuantize = new Set(plan.activations);
  report.floatNodes = plan.floatNodes;
  // A range-preserving op's output is quantised whenever its input is and something reads it
  // quantised; otherwise onnxruntime cannot drop the pair around it.
  for (const n of quantNodes) if (RANGE_PRESERVING.has(n.op)) toQuantize.add(n.outputs[0]!);

  // 2. Parameters: from the calibrated range, or inherited through range-preserving ops.
  const params = new Map<string, QuantParams>();
  const paramsOf = (t: string): QuantParams => {
    const known = params.get(t);
    if (known) return known;
    const p = producer.get(t);
    let q: QuantParams;
    if (p && RANGE_PRESERVING.has(p.op) && quantNodes.includes(p)) q = paramsOf(p.inputs[0]!);
    else {
      const range = options.ranges[t];
      if (!range) throw new Error(`no calibrated range for ${t}`);
      q = uint8Params(range);
    }
    params.set(t, q);
    return q;
  };

  // 3. Q/DQ pairs after each producer; every consumer reads the dequantised copy.
  const newNodes: OnnxNode[] = [];
  const newInits: OnnxTensor[] = [];
  const dqName = new Map<string, string>();
  const qName = new Map<string, string>();
  const paramNames = new Map<QuantParams, [string, string]>();
  for (const t of toQuantize) {
    const q = paramsOf(t);
    const base = t.replace(/[^A-Za-z0-9_./:-]/g, '_');
    const [qt, dq] = [`${base}_quantized`, `${base}_dequantized`];
    // Tensors that inherit their parameters share the initializers too.
    let names = paramNames.get(q);
    if (!names) {
      names = [`${base}_scale`, `${base}_zero_point`];
      paramNames.set(q, names);
      newInits.push(floatTensor(names[0], [], [q.scale]), uint8Tensor(names[1], [], [q.zeroPoint]));
    }
    const [s, z] = names;
    newNodes.push(
      { name: `${base}_QuantizeLinear`, op: 'QuantizeLinear', domain: '', inputs: [t, s, z], outputs: [qt], attributes: [] },
      { name: `${base}_DequantizeLinear`, op: 'DequantizeLinear', domain: '', inputs: [qt, s, z], outputs: [dq], attributes: [] },
    );
    dqName.set(t, dq);
    qName.set(t, qt);
    report.activations++;
  }
  // Shape only needs the dims: it reads the uint8 tensor, so the dequantised copy keeps a single
  // reader and onnxruntime can fuse it into that reader (a DQ with two readers stays a float op).
  for (const n of graph.nodes) n.inputs = n.inputs.map((i) => (n.op === 'Shape' ? qName.get(i) : dqName.get(i)) ?? i);

  // 4. Conv weights per channel, biases to int32.
  for (const n of quantNodes) {
    if (n.op !== 'Conv') continue;
    const w = initializers.get(n.inputs[1]!);
    const b = n.inputs[2] ? initializers.get(n.inputs[2]) : undefined;
    if (!w || w.dataType !== DataType.FLOAT) continue;
    const channels = w.dims[0]!;
    const { values, scales } = quantizeWeightsPerChannel(tensorFloats(w), channels);
    const zeros = new Int8Array(channels);
    const wq = [`${w.name}_quantized`, `${w.name}_scale`, `${w.name}_zero_point`, `${w.name}_dequantized`] as const;
    newInits.push(int8Tensor(wq[0], w.dims, values), floatTensor(wq[1], [channels], scales), int8Tensor(wq[2], [channels], zeros));
    newNodes.push({ name: `${w.name}_DequantizeLinear`, op: 'DequantizeLinear', domain: '', inputs: [wq[0], wq[1], wq[2]], outputs: [wq[3]], attributes: [{ name: 'axis', type: 'int', i: 0 }] });
    n.inputs[1] = wq[3];
    if (b && b.dataType === DataType.FLOAT) {
      const inputScale = paramsOf(originalName(n.inputs[0]!, dqName)).scale;
      const bias = quantizeBias(tensorFloats(b), inputScale, scales);
      const bq = [`${b.name}_quantized`, `${b.name}_scale`, `${b.name}_zero_point`, `${b.name}_dequantized`] as const;
      newInits.push(int32Tensor(bq[0], b.dims, bias.values), floatTensor(bq[1], [channels], bias.scales), int32Tensor(bq[2], [channels], new Int32Array(channels)));
      newNodes.push({ name: `${b.name}_DequantizeLinear`, op: 'DequantizeLinear', domain: '', inputs: [bq[0], bq[1], bq[2]], outputs: [bq[3]], attributes: [{ name: 'axis', type: 'int', i: 0 }] });
      n.inputs[2] = bq[3];
    }
    report.convs++;
  }

  // Float weights that every Conv now reads quantised are no longer needed.
  const read = new Set([...graph.nodes, ...newNodes].flatMap((n) => n.inputs));
  graph.initializers = [...graph.initializers.filter((t) => read.has(t.name)), ...newInits];
  graph.nodes = topologicalOrder([...graph.nodes, ...newNodes], new Set([...graph.inputs.map((i) => i.name), ...graph.initializers.map((t) => t.name)]));
  return report;
}

function originalName(input: string, dqName: Map<string, string>): string {
  for (const [t, dq] of dqName) if (dq === input) return t;
  return input;
}

/** Orders nodes so every input is produced before it is read (ONNX requires it). */
export function topologicalOrder(nodes: OnnxNode[], available: Set<string>): OnnxNode[] {
  const ready = new Set(available);
  ready.add('');
  const out: OnnxNode[] = [];
  let pending = nodes;
  while (pending.length) {
    const next: OnnxNode[] = [];
    for (const n of pending) {
      if (n.inputs.every((i) => ready.has(i))) {
        out.push(n);
        for (const o of n.outputs) ready.add(o);
      } else next.push(n);
    }
    if (next.length === pending.length) throw new Error(`graph has a cycle or a missing input near ${next[0]!.name}`);
    pending = next;
  }
  return out;
}
