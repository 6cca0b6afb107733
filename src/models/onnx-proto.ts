/**
 * A minimal reader and rewriter for the protobuf wire format of ONNX models.
 *
 * Only what the model store needs to prepare a shipped graph for this runtime:
 * - make the image input's and outputs' spatial dimensions symbolic, so the working
 *   resolution can be chosen per run (the graph's resize ops already take their sizes
 *   from the data);
 * - widen fp16 weights to fp32, so the CPU runs the graph without a Cast around every op.
 *
 * Field numbers come from onnx.proto (ModelProto, GraphProto, NodeProto, ...).
 */

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

export interface Field {
  num: number;
  wire: number;
  /** The whole field, key included. */
  start: number;
  end: number;
  /** The payload: bytes of a length-delimited field, or the varint's value. */
  payloadStart: number;
  payloadEnd: number;
  value: bigint;
}

export function readVarint(buf: Uint8Array, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('protobuf: truncated varint');
    const byte = buf[pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, pos];
    shift += 7n;
  }
}

export function encodeVarint(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

/** Lists the fields of one message lying in buf[start, end). */
export function readFields(buf: Uint8Array, start = 0, end = buf.length): Field[] {
  const fields: Field[] = [];
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [key, afterKey] = readVarint(buf, pos);
    const num = Number(key >> 3n);
    const wire = Number(key & 7n);
    pos = afterKey;
    let payloadStart = pos;
    let payloadEnd: number;
    let value = 0n;
    switch (wire) {
      case WIRE_VARINT:
        [value, payloadEnd] = readVarint(buf, pos);
        break;
      case WIRE_I64:
        payloadEnd = pos + 8;
        break;
      case WIRE_LEN: {
        const [len, afterLen] = readVarint(buf, pos);
        payloadStart = afterLen;
        payloadEnd = afterLen + Number(len);
        break;
      }
      case WIRE_I32:
        payloadEnd = pos + 4;
        break;
      default:
        throw new Error(`protobuf: unsupported wire type ${wire} at byte ${fieldStart}`);
    }
    if (payloadEnd > end) throw new Error('protobuf: field runs past the end of its message');
    pos = payloadEnd;
    fields.push({ num, wire, start: fieldStart, end: pos, payloadStart, payloadEnd, value });
  }
  return fields;
}

function lenField(num: number, payload: Uint8Array[]): Uint8Array[] {
  const size = payload.reduce((n, part) => n + part.length, 0);
  return [encodeVarint(BigInt((num << 3) | WIRE_LEN)), encodeVarint(BigInt(size)), ...payload];
}

function varintField(num: number, value: bigint): Uint8Array[] {
  return [encodeVarint(BigInt((num << 3) | WIRE_VARINT)), encodeVarint(value)];
}

const utf8 = new TextDecoder();
function text(buf: Uint8Array, f: Field): string {
  return utf8.decode(buf.subarray(f.payloadStart, f.payloadEnd));
}

/**
 * What a rewrite does with one field: keep it as it is (undefined), drop it (null),
 * or replace it with new bytes (key included).
 */
type FieldEdit = Uint8Array[] | null | undefined;

function rewrite(buf: Uint8Array, start: number, end: number, edit: (f: Field) => FieldEdit): Uint8Array[] {
  const parts: Uint8Array[] = [];
  for (const f of readFields(buf, start, end)) {
    const change = edit(f);
    if (change === undefined) parts.push(buf.subarray(f.start, f.end));
    else if (change !== null) parts.push(...change);
  }
  return parts;
}

// onnx.proto field numbers
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const GRAPH_INITIALIZER = 5;
const GRAPH_INPUT = 11;
const GRAPH_OUTPUT = 12;
const GRAPH_VALUE_INFO = 13;
const NODE_INPUT = 1;
const NODE_OUTPUT = 2;
const NODE_NAME = 3;
const NODE_OP_TYPE = 4;
const NODE_ATTRIBUTE = 5;
const ATTR_NAME = 1;
const ATTR_I = 3;
const ATTR_T = 5;
const ATTR_TYPE = 20;
const ATTR_TYPE_INT = 2;
const VALUE_INFO_TYPE = 2;
const TYPE_TENSOR = 1;
const TENSOR_TYPE_SHAPE = 2;
const SHAPE_DIM = 1;
const DIM_PARAM = 2;
const TENSOR_DATA_TYPE = 2;
const TENSOR_INT32_DATA = 5;
const TENSOR_RAW_DATA = 9;

export const ONNX_FLOAT = 1;
export const ONNX_FLOAT16 = 10;

export interface PrepareOptions {
  /**
   * Make the input's and outputs' spatial dimensions (NCHW indices 2 and 3) symbolic, and
   * take every Resize's target size from the tensor it is joined with instead of the
   * constant the exporter traced at its fixed input size.
   */
  symbolicSpatialDims: boolean;
  /** Widen fp16 initializers, constants and casts to fp32. */
  widenFp16: boolean;
}

export interface GraphSummary {
  opCounts: Record<string, number>;
  initializerTypes: Record<number, number>;
  inputs: string[];
  outputs: string[];
}

/** Op counts, weight types and io names: enough to check what a model is without a runtime. */
export function summarizeModel(model: Uint8Array): GraphSummary {
  const graph = readFields(model).find((f) => f.num === MODEL_GRAPH);
  if (!graph) throw new Error('ONNX model has no graph');
  const summary: GraphSummary = { opCounts: {}, initializerTypes: {}, inputs: [], outputs: [] };
  for (const f of readFields(model, graph.payloadStart, graph.payloadEnd)) {
    if (f.num === GRAPH_NODE) {
      const op = readFields(model, f.payloadStart, f.payloadEnd).find((g) => g.num === NODE_OP_TYPE);
      if (op) summary.opCounts[text(model, op)] = (summary.opCounts[text(model, op)] ?? 0) + 1;
    } else if (f.num === GRAPH_INITIALIZER) {
      const type = readFields(model, f.payloadStart, f.payloadEnd).find((g) => g.num === TENSOR_DATA_TYPE);
      const t = Number(type?.value ?? 0n);
      summary.initializerTypes[t] = (summary.initializerTypes[t] ?? 0) + 1;
    } else if (f.num === GRAPH_INPUT || f.num === GRAPH_OUTPUT) {
      const name = readFields(model, f.payloadStart, f.payloadEnd).find((g) => g.num === 1);
      (f.num === GRAPH_INPUT ? summary.inputs : summary.outputs).push(name ? text(model, name) : '');
    }
  }
  return summary;
}

/** Rewrites a model for this runtime; returns the new model's bytes. */
export function prepareModel(model: Uint8Array, options: PrepareOptions): Buffer {
  const parts = rewrite(model, 0, model.length, (f) => {
    if (f.num !== MODEL_GRAPH) return undefined;
    return lenField(MODEL_GRAPH, rewriteGraph(model, f, options));
  });
  return Buffer.concat(parts);
}

interface NodeInfo {
  field: Field;
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
}

function readNodes(buf: Uint8Array, graph: Field): NodeInfo[] {
  const nodes: NodeInfo[] = [];
  for (const f of readFields(buf, graph.payloadStart, graph.payloadEnd)) {
    if (f.num !== GRAPH_NODE) continue;
    const node: NodeInfo = { field: f, name: '', op: '', inputs: [], outputs: [] };
    for (const g of readFields(buf, f.payloadStart, f.payloadEnd)) {
      if (g.num === NODE_INPUT) node.inputs.push(text(buf, g));
      else if (g.num === NODE_OUTPUT) node.outputs.push(text(buf, g));
      else if (g.num === NODE_NAME) node.name = text(buf, g);
      else if (g.num === NODE_OP_TYPE) node.op = text(buf, g);
    }
    nodes.push(node);
  }
  return nodes;
}

/**
 * For each Resize whose output size ends in a traced constant (Concat(Slice(Shape(x)), Constant)),
 * the tensor whose spatial size it should take: the other input of the Concat that joins the
 * resized map (skipping Casts), or the graph's image input for side outputs. Keyed by the
 * Constant node's output name.
 */
function findTracedResizeSizes(nodes: NodeInfo[], imageInput: string): Map<string, string> {
  const producer = new Map<string, NodeInfo>();
  const consumers = new Map<string, NodeInfo[]>();
  for (const n of nodes) {
    for (const o of n.outputs) producer.set(o, n);
    for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  }
  const targets = new Map<string, string>();
  for (const resize of nodes.filter((n) => n.op === 'Resize')) {
    const sizes = producer.get(resize.inputs[3] ?? '');
    if (!sizes || sizes.op !== 'Concat') continue;
    const constant = sizes.inputs.map((i) => producer.get(i)).find((p) => p?.op === 'Constant');
    if (!constant) continue;
    let out = resize.outputs[0]!;
    let next = consumers.get(out)?.[0];
    while (next?.op === 'Cast') {
      out = next.outputs[0]!;
      next = consumers.get(out)?.[0];
    }
    const target = next?.op === 'Concat' ? next.inputs.find((i) => i !== out) : imageInput;
    if (target && !targets.has(constant.outputs[0]!)) targets.set(constant.outputs[0]!, target);
  }
  return targets;
}

/** Shape(target, start=2, end=4) -> output: the spatial size of an NCHW tensor, at run time. */
function spatialShapeNode(name: string, target: string, output: string): Uint8Array[] {
  const enc = new TextEncoder();
  const intAttr = (attrName: string, value: number) =>
    lenField(NODE_ATTRIBUTE, [...lenField(ATTR_NAME, [enc.encode(attrName)]), ...varintField(ATTR_I, BigInt(value)), ...varintField(ATTR_TYPE, BigInt(ATTR_TYPE_INT))]);
  return lenField(GRAPH_NODE, [
    ...lenField(NODE_INPUT, [enc.encode(target)]),
    ...lenField(NODE_OUTPUT, [enc.encode(output)]),
    ...lenField(NODE_NAME, [enc.encode(name)]),
    ...lenField(NODE_OP_TYPE, [enc.encode('Shape')]),
    ...intAttr('start', 2),
    ...intAttr('end', 4),
  ]);
}

function rewriteGraph(buf: Uint8Array, graph: Field, options: PrepareOptions): Uint8Array[] {
  const nodes = readNodes(buf, graph);
  const inputField = readFields(buf, graph.payloadStart, graph.payloadEnd).find((f) => f.num === GRAPH_INPUT);
  const inputNameField = inputField && readFields(buf, inputField.payloadStart, inputField.payloadEnd).find((f) => f.num === 1);
  const imageInput = inputNameField ? text(buf, inputNameField) : 'input';
  const tracedSizes = options.symbolicSpatialDims ? findTracedResizeSizes(nodes, imageInput) : new Map<string, string>();
  const nodeAt = new Map(nodes.map((n) => [n.field.start, n]));
  return rewrite(buf, graph.payloadStart, graph.payloadEnd, (f) => {
    switch (f.num) {
      case GRAPH_INPUT:
      case GRAPH_OUTPUT:
        return options.symbolicSpatialDims ? lenField(f.num, rewriteValueInfo(buf, f)) : undefined;
      // Recorded intermediate shapes would contradict the symbolic dims (and fp16 types); the
      // runtime infers them again.
      case GRAPH_VALUE_INFO:
        return options.symbolicSpatialDims || options.widenFp16 ? null : undefined;
      case GRAPH_INITIALIZER:
        return options.widenFp16 ? widenTensor(buf, f, GRAPH_INITIALIZER) : undefined;
      case GRAPH_NODE: {
        const node = nodeAt.get(f.start)!;
        const target = node.op === 'Constant' ? tracedSizes.get(node.outputs[0]!) : undefined;
        if (target) return spatialShapeNode(`${node.name}/spatial_shape`, target, node.outputs[0]!);
        return options.widenFp16 ? widenNode(buf, f) : undefined;
      }
      default:
        return undefined;
    }
  });
}

function rewriteValueInfo(buf: Uint8Array, info: Field): Uint8Array[] {
  return rewrite(buf, info.payloadStart, info.payloadEnd, (f) => {
    if (f.num !== VALUE_INFO_TYPE) return undefined;
    return lenField(VALUE_INFO_TYPE, rewrite(buf, f.payloadStart, f.payloadEnd, (t) => {
      if (t.num !== TYPE_TENSOR) return undefined;
      return lenField(TYPE_TENSOR, rewrite(buf, t.payloadStart, t.payloadEnd, (s) => {
        if (s.num !== TENSOR_TYPE_SHAPE) return undefined;
        let dimIndex = 0;
        return lenField(TENSOR_TYPE_SHAPE, rewrite(buf, s.payloadStart, s.payloadEnd, (d) => {
          if (d.num !== SHAPE_DIM) return undefined;
          const index = dimIndex++;
          if (index === 2) return lenField(SHAPE_DIM, lenField(DIM_PARAM, [new TextEncoder().encode('height')]));
          if (index === 3) return lenField(SHAPE_DIM, lenField(DIM_PARAM, [new TextEncoder().encode('width')]));
          return undefined;
        }));
      }));
    }));
  });
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

let halfTable: Float32Array | undefined;
/** Every fp16 bit pattern's value, so widening 44 M weights is a table lookup each. */
function halfToFloatTable(): Float32Array {
  if (!halfTable) {
    halfTable = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) halfTable[h] = halfToFloat(h);
  }
  return halfTable;
}

/** A TensorProto field; if it holds fp16 data, the same tensor as fp32. */
function widenTensor(buf: Uint8Array, tensor: Field, fieldNum: number): FieldEdit {
  const fields = readFields(buf, tensor.payloadStart, tensor.payloadEnd);
  const type = fields.find((g) => g.num === TENSOR_DATA_TYPE);
  if (!type || Number(type.value) !== ONNX_FLOAT16) return undefined;
  const table = halfToFloatTable();
  const parts: Float32Array[] = [];
  for (const g of fields) {
    if (g.num === TENSOR_RAW_DATA) {
      const n = (g.payloadEnd - g.payloadStart) >> 1;
      const floats = new Float32Array(n);
      for (let i = 0, p = g.payloadStart; i < n; i++, p += 2) floats[i] = table[buf[p]! | (buf[p + 1]! << 8)]!;
      parts.push(floats);
    } else if (g.num === TENSOR_INT32_DATA) {
      // fp16 values may also be stored one per int32, packed or not
      const halves: number[] = [];
      if (g.wire === WIRE_LEN) {
        let pos = g.payloadStart;
        while (pos < g.payloadEnd) {
          const [v, next] = readVarint(buf, pos);
          halves.push(Number(v & 0xffffn));
          pos = next;
        }
      } else halves.push(Number(g.value & 0xffffn));
      parts.push(Float32Array.from(halves, (h) => table[h]!));
    }
  }
  const payload = rewrite(buf, tensor.payloadStart, tensor.payloadEnd, (g) => {
    if (g.num === TENSOR_DATA_TYPE) return varintField(TENSOR_DATA_TYPE, BigInt(ONNX_FLOAT));
    if (g.num === TENSOR_RAW_DATA || g.num === TENSOR_INT32_DATA) return null;
    return undefined;
  });
  payload.push(...lenField(TENSOR_RAW_DATA, parts.map((f) => new Uint8Array(f.buffer))));
  return lenField(fieldNum, payload);
}

/** A NodeProto field with fp16 constants widened and casts to fp16 turned into casts to fp32. */
function widenNode(buf: Uint8Array, node: Field): FieldEdit {
  const fields = readFields(buf, node.payloadStart, node.payloadEnd);
  const opField = fields.find((g) => g.num === NODE_OP_TYPE);
  const op = opField ? text(buf, opField) : '';
  if (op !== 'Cast' && op !== 'Constant') return undefined;
  return lenField(GRAPH_NODE, rewrite(buf, node.payloadStart, node.payloadEnd, (g) => {
    if (g.num !== NODE_ATTRIBUTE) return undefined;
    const attr = readFields(buf, g.payloadStart, g.payloadEnd);
    const nameField = attr.find((a) => a.num === ATTR_NAME);
    const name = nameField ? text(buf, nameField) : '';
    if (op === 'Cast' && name === 'to') {
      const to = attr.find((a) => a.num === ATTR_I);
      if (!to || Number(to.value) !== ONNX_FLOAT16) return undefined;
      return lenField(NODE_ATTRIBUTE, rewrite(buf, g.payloadStart, g.payloadEnd, (a) =>
        a.num === ATTR_I ? varintField(ATTR_I, BigInt(ONNX_FLOAT)) : undefined));
    }
    if (op === 'Constant' && name === 'value') {
      return lenField(NODE_ATTRIBUTE, rewrite(buf, g.payloadStart, g.payloadEnd, (a) =>
        a.num === ATTR_T ? widenTensor(buf, a, ATTR_T) : undefined));
    }
    return undefined;
  }));
}

