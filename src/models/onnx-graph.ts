/**
 * An ONNX model as plain objects: nodes, initializers, graph inputs and outputs, decoded from the
 * protobuf wire format and encoded back. onnx-proto.ts rewrites fields in place; this is for
 * rewrites that add and remove many nodes and tensors (quantisation, calibration graphs).
 *
 * Fields it does not model (doc strings, metadata, a graph's value_info) are kept as raw bytes
 * where they are harmless, and value_info is dropped (the runtime infers shapes again).
 * Field numbers come from onnx.proto.
 */
import { encodeVarint, readFields, readVarint, type Field } from './onnx-proto.ts';

export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10 } as const;

export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Little-endian element bytes (what TensorProto.raw_data holds). */
  raw: Uint8Array;
}

export type OnnxAttribute =
  | { name: string; type: 'int'; i: number }
  | { name: string; type: 'float'; f: number }
  | { name: string; type: 'string'; s: string }
  | { name: string; type: 'ints'; ints: number[] }
  | { name: string; type: 'floats'; floats: number[] }
  | { name: string; type: 'tensor'; t: OnnxTensor }
  /** Any other kind, kept as the AttributeProto's bytes. */
  | { name: string; type: 'raw'; bytes: Uint8Array };

export interface OnnxNode {
  name: string;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

export interface OnnxValueInfo {
  name: string;
  elemType: number;
  /** Per dimension a size, a symbolic name, or undefined; undefined when the rank is unknown. */
  dims?: (number | string | undefined)[];
}

export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  graph: OnnxGraph;
}

// ---------------------------------------------------------------- decoding

const utf8Decoder = new TextDecoder();
const text = (buf: Uint8Array, f: Field) => utf8Decoder.decode(buf.subarray(f.payloadStart, f.payloadEnd));
const sub = (buf: Uint8Array, f: Field) => readFields(buf, f.payloadStart, f.payloadEnd);

/** A copy of buf[start, end) that owns its buffer (Buffer.slice would only be a view). */
function copyBytes(buf: Uint8Array, start: number, end: number): Uint8Array {
  return Uint8Array.prototype.slice.call(buf, start, end);
}

/** Repeated varints, packed (one length-delimited field) or not. */
function varints(buf: Uint8Array, fields: Field[], num: number): bigint[] {
  const out: bigint[] = [];
  for (const f of fields) {
    if (f.num !== num) continue;
    if (f.wire !== 2) {
      out.push(f.value);
      continue;
    }
    let pos = f.payloadStart;
    while (pos < f.payloadEnd) {
      const [v, next] = readVarint(buf, pos);
      out.push(v);
      pos = next;
    }
  }
  return out;
}

const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 6: 4, 7: 8, 10: 2 };

export function elementBytes(dataType: number): number {
  const n = ELEMENT_BYTES[dataType];
  if (!n) throw new Error(`ONNX data type ${dataType} is not supported here`);
  return n;
}

function decodeTensor(buf: Uint8Array, fields: Field[]): OnnxTensor {
  const dims = varints(buf, fields, 1).map((d) => Number(BigInt.asIntN(64, d)));
  const dataType = Number(fields.find((f) => f.num === 2)?.value ?? 0n);
  const nameField = fields.find((f) => f.num === 8);
  const name = nameField ? text(buf, nameField) : '';
  const rawField = fields.find((f) => f.num === 9);
  if (fields.some((f) => f.num === 13 || (f.num === 14 && f.value === 1n))) throw new Error(`tensor ${name}: external data is not supported`);
  const count = dims.reduce((a, b) => a * b, 1);
  if (rawField) return { name, dataType, dims, raw: copyBytes(buf, rawField.payloadStart, rawField.payloadEnd) };
  // Typed fields: float_data (4), int32_data (5: also int8/uint8/fp16), int64_data (7).
  const raw = new Uint8Array(count * elementBytes(dataType));
  const view = new DataView(raw.buffer);
  if (dataType === DataType.FLOAT) {
    let i = 0;
    for (const f of fields.filter((g) => g.num === 4)) {
      const dv = new DataView(buf.buffer, buf.byteOffset + f.payloadStart, f.payloadEnd - f.payloadStart);
      for (let p = 0; p + 3 < dv.byteLength; p += 4) view.setFloat32(4 * i++, dv.getFloat32(p, true), true);
    }
  } else if (dataType === DataType.INT64) {
    varints(buf, fields, 7).forEach((v, i) => view.setBigInt64(8 * i, BigInt.asIntN(64, v), true));
  } else {
    const size = elementBytes(dataType);
    varints(buf, fields, 5).forEach((v, i) => {
      const n = Number(BigInt.asIntN(32, v));
      if (size === 4) view.setInt32(4 * i, n, true);
      else if (size === 2) view.setUint16(2 * i, n & 0xffff, true);
      else view.setUint8(i, n & 0xff);
    });
  }
  return { name, dataType, dims, raw };
}

function decodeAttribute(buf: Uint8Array, f: Field): OnnxAttribute {
  const fields = sub(buf, f);
  const nameField = fields.find((g) => g.num === 1);
  const name = nameField ? text(buf, nameField) : '';
  const type = Number(fields.find((g) => g.num === 20)?.value ?? 0n);
  switch (type) {
    case 1: {
      const g = fields.find((x) => x.num === 2);
      const f32 = g ? new DataView(buf.buffer, buf.byteOffset + g.payloadStart, 4).getFloat32(0, true) : 0;
      return { name, type: 'float', f: f32 };
    }
    case 2:
      return { name, type: 'int', i: Number(BigInt.asIntN(64, fields.find((g) => g.num === 3)?.value ?? 0n)) };
    case 3: {
      const g = fields.find((x) => x.num === 4);
      return { name, type: 'string', s: g ? text(buf, g) : '' };
    }
    case 4:
      return { name, type: 'tensor', t: decodeTensor(buf, sub(buf, fields.find((g) => g.num === 5)!)) };
    case 7:
      return { name, type: 'ints', ints: varints(buf, fields, 8).map((v) => Number(BigInt.asIntN(64, v))) };
    case 6: {
      const floats: number[] = [];
      for (const g of fields.filter((x) => x.num === 7)) {
        const dv = new DataView(buf.buffer, buf.byteOffset + g.payloadStart, g.payloadEnd - g.payloadStart);
        for (let p = 0; p + 3 < dv.byteLength; p += 4) floats.push(dv.getFloat32(p, true));
      }
      return { name, type: 'floats', floats };
    }
    default:
      return { name, type: 'raw', bytes: copyBytes(buf, f.payloadStart, f.payloadEnd) };
  }
}

function decodeNode(buf: Uint8Array, f: Field): OnnxNode {
  const node: OnnxNode = { name: '', op: '', domain: '', inputs: [], outputs: [], attributes: [] };
  for (const g of sub(buf, f)) {
    if (g.num === 1) node.inputs.push(text(buf, g));
    else if (g.num === 2) node.outputs.push(text(buf, g));
    else if (g.num === 3) node.name = text(buf, g);
    else if (g.num === 4) node.op = text(buf, g);
    else if (g.num === 5) node.attributes.push(decodeAttribute(buf, g));
    else if (g.num === 7) node.domain = text(buf, g);
  }
  return node;
}

function decodeValueInfo(buf: Uint8Array, f: Field): OnnxValueInfo {
  const fields = sub(buf, f);
  const nameField = fields.find((g) => g.num === 1);
  const info: OnnxValueInfo = { name: nameField ? text(buf, nameField) : '', elemType: 0 };
  const typeField = fields.find((g) => g.num === 2);
  const tensor = typeField && sub(buf, typeField).find((g) => g.num === 1);
  if (!tensor) return info;
  const tensorFields = sub(buf, tensor);
  info.elemType = Number(tensorFields.find((g) => g.num === 1)?.value ?? 0n);
  const shape = tensorFields.find((g) => g.num === 2);
  if (shape) {
    info.dims = sub(buf, shape)
      .filter((d) => d.num === 1)
      .map((d) => {
        const inner = sub(buf, d).find((x) => x.num === 1 || x.num === 2);
        if (!inner) return undefined;
        return inner.num === 1 ? Number(inner.value) : text(buf, inner);
      });
  }
  return info;
}

export function decodeModel(buf: Uint8Array): OnnxModel {
  const model: OnnxModel = {
    irVersion: 8,
    opsets: [],
    producerName: '',
    producerVersion: '',
    graph: { name: '', nodes: [], initializers: [], inputs: [], outputs: [] },
  };
  for (const f of readFields(buf)) {
    if (f.num === 1) model.irVersion = Number(f.value);
    else if (f.num === 2) model.producerName = text(buf, f);
    else if (f.num === 3) model.producerVersion = text(buf, f);
    else if (f.num === 8) {
      const fields = sub(buf, f);
      const domain = fields.find((g) => g.num === 1);
      model.opsets.push({ domain: domain ? text(buf, domain) : '', version: Number(fields.find((g) => g.num === 2)?.value ?? 0n) });
    } else if (f.num === 7) {
      for (const g of sub(buf, f)) {
        if (g.num === 1) model.graph.nodes.push(decodeNode(buf, g));
        else if (g.num === 2) model.graph.name = text(buf, g);
        else if (g.num === 5) model.graph.initializers.push(decodeTensor(buf, sub(buf, g)));
        else if (g.num === 11) model.graph.inputs.push(decodeValueInfo(buf, g));
        else if (g.num === 12) model.graph.outputs.push(decodeValueInfo(buf, g));
        else if (g.num === 15) throw new Error('sparse initializers are not supported');
      }
    }
  }
  return model;
}

// ---------------------------------------------------------------- encoding

const utf8Encoder = new TextEncoder();

/** Accumulates protobuf fields; `bytes()` joins them. */
class Writer {
  readonly parts: Uint8Array[] = [];
  #size = 0;

  #push(part: Uint8Array): void {
    this.parts.push(part);
    this.#size += part.length;
  }

  get size(): number {
    return this.#size;
  }

  varint(num: number, value: number | bigint): this {
    this.#push(encodeVarint(BigInt(num << 3)));
    this.#push(encodeVarint(BigInt(value)));
    return this;
  }

  bytes(num: number, payload: Uint8Array): this {
    this.#push(encodeVarint(BigInt((num << 3) | 2)));
    this.#push(encodeVarint(BigInt(payload.length)));
    this.#push(payload);
    return this;
  }

  string(num: number, s: string): this {
    return this.bytes(num, utf8Encoder.encode(s));
  }

  message(num: number, inner: Writer): this {
    this.#push(encodeVarint(BigInt((num << 3) | 2)));
    this.#push(encodeVarint(BigInt(inner.size)));
    for (const p of inner.parts) this.#push(p);
    return this;
  }

  /** Bytes that are already encoded fields. */
  verbatim(encoded: Uint8Array): this {
    this.#push(encoded);
    return this;
  }

  float(num: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.#push(encodeVarint(BigInt((num << 3) | 5)));
    this.#push(b);
    return this;
  }
}

function encodeTensor(t: OnnxTensor): Writer {
  const w = new Writer();
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, t.dataType);
  if (t.name) w.string(8, t.name);
  w.bytes(9, t.raw);
  return w;
}

function encodeAttribute(a: OnnxAttribute): Writer {
  if (a.type === 'raw') return new Writer().verbatim(a.bytes);
  const w = new Writer().string(1, a.name);
  switch (a.type) {
    case 'float':
      return w.float(2, a.f).varint(20, 1);
    case 'int':
      return w.varint(3, BigInt.asUintN(64, BigInt(a.i))).varint(20, 2);
    case 'string':
      return w.string(4, a.s).varint(20, 3);
    case 'tensor':
      return w.message(5, encodeTensor(a.t)).varint(20, 4);
    case 'floats':
      for (const f of a.floats) w.float(7, f);
      return w.varint(20, 6);
    case 'ints':
      for (const i of a.ints) w.varint(8, BigInt.asUintN(64, BigInt(i)));
      return w.varint(20, 7);
  }
}

function encodeNode(n: OnnxNode): Writer {
  const w = new Writer();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.op);
  for (const a of n.attributes) w.message(5, encodeAttribute(a));
  if (n.domain) w.string(7, n.domain);
  return w;
}

function encodeValueInfo(v: OnnxValueInfo): Writer {
  const tensor = new Writer().varint(1, v.elemType);
  if (v.dims) {
    const shape = new Writer();
    for (const d of v.dims) {
      const dim = new Writer();
      if (typeof d === 'number') dim.varint(1, d);
      else if (typeof d === 'string') dim.string(2, d);
      shape.message(1, dim);
    }
    tensor.message(2, shape);
  }
  return new Writer().string(1, v.name).message(2, new Writer().message(1, tensor));
}

export function encodeModel(model: OnnxModel): Buffer {
  const graph = new Writer();
  for (const n of model.graph.nodes) graph.message(1, encodeNode(n));
  graph.string(2, model.graph.name || 'graph');
  for (const t of model.graph.initializers) graph.message(5, encodeTensor(t));
  for (const v of model.graph.inputs) graph.message(11, encodeValueInfo(v));
  for (const v of model.graph.outputs) graph.message(12, encodeValueInfo(v));
  const w = new Writer().varint(1, model.irVersion);
  if (model.producerName) w.string(2, model.producerName);
  if (model.producerVersion) w.string(3, model.producerVersion);
  w.message(7, graph);
  for (const o of model.opsets) w.message(8, new Writer().string(1, o.domain).varint(2, o.version));
  return Buffer.concat(w.parts);
}

// ---------------------------------------------------------------- tensor helpers

export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  const data = Float32Array.from(values);
  return { name, dataType: DataType.FLOAT, dims, raw: new Uint8Array(data.buffer) };
}

export function int8Tensor(name: string, dims: number[], values: Int8Array): OnnxTensor {
  return { name, dataType: DataType.INT8, dims, raw: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function uint8Tensor(name: string, dims: number[], values: ArrayLike<number>): OnnxTensor {
  return { name, dataType: DataType.UINT8, dims, raw: Uint8Array.from(values) };
}

export function int32Tensor(name: string, dims: number[], values: Int32Array): OnnxTensor {
  return { name, dataType: DataType.INT32, dims, raw: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** A float tensor's values (copied, so the result is aligned whatever the source buffer). */
export function tensorFloats(t: OnnxTensor): Float32Array {
  if (t.dataType !== DataType.FLOAT) throw new Error(`tensor ${t.name} is not float (type ${t.dataType})`);
  const bytes = Uint8Array.prototype.slice.call(t.raw);
  return new Float32Array(bytes.buffer, 0, bytes.length / 4);
}

export function attr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.find((a) => a.name === name);
}
