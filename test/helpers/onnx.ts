/**
 * A tiny protobuf writer and hand-built ONNX models (field numbers from onnx.proto), for testing
 * the model rewriter without the real 88 MB network.
 */

export type Part = Uint8Array;

export function varint(value: number | bigint): Uint8Array {
  const out: number[] = [];
  let v = BigInt.asUintN(64, BigInt(value));
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

const cat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);

export const pb = {
  varint: (num: number, value: number | bigint): Part => cat([varint((num << 3) | 0), varint(value)]),
  i64: (num: number, bytes8: Uint8Array): Part => cat([varint((num << 3) | 1), bytes8]),
  i32: (num: number, bytes4: Uint8Array): Part => cat([varint((num << 3) | 5), bytes4]),
  bytes: (num: number, payload: Uint8Array): Part => cat([varint((num << 3) | 2), varint(payload.length), payload]),
  str: (num: number, s: string): Part => pb.bytes(num, new TextEncoder().encode(s)),
  msg: (num: number, ...fields: Part[]): Part => pb.bytes(num, cat(fields)),
  cat,
};

export const FLOAT = 1;
export const INT64 = 7;
export const FLOAT16 = 10;

/** Dimension: a number (dim_value) or a name (dim_param). */
function dim(d: number | string): Part {
  return typeof d === 'number' ? pb.msg(1, pb.varint(1, d)) : pb.msg(1, pb.str(2, d));
}

/** ValueInfoProto under field `num` (11 input, 12 output, 13 value_info). */
export function valueInfo(num: number, name: string, elemType: number, dims: (number | string)[]): Part {
  const shape = pb.msg(2, ...dims.map(dim));
  return pb.msg(num, pb.str(1, name), pb.msg(2, pb.msg(1, pb.varint(1, elemType), shape)));
}

/** TensorProto body (not wrapped): dims, data_type, name, raw_data. */
export function tensorBody(name: string, dataType: number, dims: number[], raw: Uint8Array): Part {
  return cat([...dims.map((d) => pb.varint(1, d)), pb.varint(2, dataType), pb.str(8, name), pb.bytes(9, raw)]);
}

export function int64Raw(values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => b.writeBigInt64LE(BigInt(v), i * 8));
  return b;
}

/** IEEE half-precision bytes (little endian) for values exactly representable in fp16. */
export function float16Raw(values: number[]): Uint8Array {
  const b = Buffer.alloc(values.length * 2);
  values.forEach((v, i) => {
    const f = new Float32Array([v]);
    const u = new Uint32Array(f.buffer)[0]!;
    const sign = (u >>> 16) & 0x8000;
    const exp = ((u >>> 23) & 0xff) - 127 + 15;
    const frac = (u >>> 13) & 0x3ff;
    const h = v === 0 ? sign : sign | (exp << 10) | frac;
    b.writeUInt16LE(h, i * 2);
  });
  return b;
}

type Attr = { name: string; i: number } | { name: string; ints: number[] } | { name: string; t: Part } | { name: string; s: string };

function attribute(a: Attr): Part {
  // AttributeProto: name 1, i 3, s 4, t 5, ints 8, type 20 (INT 2, STRING 3, TENSOR 4, INTS 7)
  if ('i' in a) return pb.msg(5, pb.str(1, a.name), pb.varint(3, a.i), pb.varint(20, 2));
  if ('s' in a) return pb.msg(5, pb.str(1, a.name), pb.str(4, a.s), pb.varint(20, 3));
  if ('t' in a) return pb.msg(5, pb.str(1, a.name), pb.bytes(5, a.t), pb.varint(20, 4));
  return pb.msg(5, pb.str(1, a.name), ...a.ints.map((v) => pb.varint(8, v)), pb.varint(20, 7));
}

export function node(op: string, inputs: string[], outputs: string[], name: string, attrs: Attr[] = []): Part {
  return pb.msg(1, ...inputs.map((i) => pb.str(1, i)), ...outputs.map((o) => pb.str(2, o)), pb.str(3, name), pb.str(4, op), ...attrs.map(attribute));
}

export function model(graphFields: Part[], opset = 17): Uint8Array {
  return cat([
    pb.varint(1, 8), // ir_version
    pb.str(2, 'greenroom-test'), // producer_name
    pb.msg(7, pb.str(2, 'g'), ...graphFields),
    pb.msg(8, pb.str(1, ''), pb.varint(2, opset)), // opset_import
  ]);
}

/**
 * input [1,3,64,64] float -> Cast(fp16) -> Add(fp16 initializer "bias" = 0.5) -> Cast(float) -> output,
 * with a value_info recording the fixed intermediate shape: the shape of an fp16 export traced at 64x64.
 */
export function fp16AddModel(size = 64): Uint8Array {
  return model([
    node('Cast', ['input'], ['x16'], 'to_half', [{ name: 'to', i: FLOAT16 }]),
    node('Add', ['x16', 'bias'], ['y16'], 'add'),
    node('Cast', ['y16'], ['output'], 'to_float', [{ name: 'to', i: FLOAT }]),
    pb.msg(5, tensorBody('bias', FLOAT16, [1], float16Raw([0.5]))),
    valueInfo(11, 'input', FLOAT, [1, 3, size, size]),
    valueInfo(12, 'output', FLOAT, [1, 3, size, size]),
    valueInfo(13, 'x16', FLOAT16, [1, 3, size, size]),
  ]);
}

/**
 * input [1,3,64,64] -> AveragePool 2x2 -> Resize back with sizes = Concat(Slice(Shape(pooled), 0, 2),
 * Constant [64, 64]) -> output: a side output upsampled to a size the exporter traced as a constant.
 */
export function tracedResizeModel(size = 64): Uint8Array {
  return model([
    node('AveragePool', ['input'], ['pooled'], 'pool', [{ name: 'kernel_shape', ints: [2, 2] }, { name: 'strides', ints: [2, 2] }]),
    node('Shape', ['pooled'], ['pooled_shape'], 'shape'),
    node('Constant', [], ['starts'], 'c_starts', [{ name: 'value', t: tensorBody('', INT64, [1], int64Raw([0])) }]),
    node('Constant', [], ['ends'], 'c_ends', [{ name: 'value', t: tensorBody('', INT64, [1], int64Raw([2])) }]),
    node('Slice', ['pooled_shape', 'starts', 'ends'], ['nc'], 'slice'),
    node('Constant', [], ['traced_hw'], 'traced', [{ name: 'value', t: tensorBody('', INT64, [2], int64Raw([size, size])) }]),
    node('Concat', ['nc', 'traced_hw'], ['sizes'], 'concat', [{ name: 'axis', i: 0 }]),
    node('Resize', ['pooled', '', '', 'sizes'], ['output'], 'resize', [{ name: 'mode', s: 'nearest' }]),
    valueInfo(11, 'input', FLOAT, [1, 3, size, size]),
    valueInfo(12, 'output', FLOAT, [1, 3, size, size]),
    valueInfo(13, 'pooled', FLOAT, [1, 3, size / 2, size / 2]),
  ]);
}
