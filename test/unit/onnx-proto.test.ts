import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { prepareModel, readFields, summarizeModel, ONNX_FLOAT, ONNX_FLOAT16 } from '../../src/models/onnx-proto.ts';
import { fp16AddModel, pb, tracedResizeModel } from '../helpers/onnx.ts';

type Fields = ReturnType<typeof readFields>;
const text = (buf: Uint8Array, f: Fields[number]) => new TextDecoder().decode(buf.subarray(f.payloadStart, f.payloadEnd));
const sub = (buf: Uint8Array, f: Fields[number]) => readFields(buf, f.payloadStart, f.payloadEnd);

/** The dims of a graph input/output as numbers or names. */
function ioDims(model: Uint8Array, fieldNum: number, name: string): (number | string)[] {
  const graph = readFields(model).find((f) => f.num === 7)!;
  for (const io of sub(model, graph).filter((f) => f.num === fieldNum)) {
    const fields = sub(model, io);
    if (text(model, fields.find((f) => f.num === 1)!) !== name) continue;
    const tensor = sub(model, sub(model, fields.find((f) => f.num === 2)!).find((f) => f.num === 1)!);
    const shape = tensor.find((f) => f.num === 2)!;
    return sub(model, shape)
      .filter((f) => f.num === 1)
      .map((d) => {
        const inner = sub(model, d)[0]!;
        return inner.num === 1 ? Number(inner.value) : text(model, inner);
      });
  }
  throw new Error(`no graph io ${name}`);
}

function graphFieldCount(model: Uint8Array, num: number): number {
  const graph = readFields(model).find((f) => f.num === 7)!;
  return sub(model, graph).filter((f) => f.num === num).length;
}

function nodesByOp(model: Uint8Array, op: string): Fields[] {
  const graph = readFields(model).find((f) => f.num === 7)!;
  return sub(model, graph)
    .filter((f) => f.num === 1)
    .map((n) => sub(model, n))
    .filter((fields) => fields.some((f) => f.num === 4 && text(model, f) === op));
}

describe('readFields', () => {
  test('reads every wire type with its payload, in order', () => {
    const f64 = Buffer.alloc(8);
    f64.writeDoubleLE(1.5);
    const f32 = Buffer.alloc(4);
    f32.writeFloatLE(2.25);
    const buf = pb.cat([pb.varint(1, 150), pb.str(2, 'hello'), pb.i64(3, f64), pb.i32(4, f32), pb.varint(20, 1n << 40n), pb.varint(5, -1)]);
    const fields = readFields(buf);
    assert.deepEqual(
      fields.map((f) => [f.num, f.wire]),
      [[1, 0], [2, 2], [3, 1], [4, 5], [20, 0], [5, 0]],
    );
    assert.equal(fields[0]!.value, 150n);
    assert.equal(text(buf, fields[1]!), 'hello');
    assert.equal(Buffer.from(buf.subarray(fields[2]!.payloadStart, fields[2]!.payloadEnd)).readDoubleLE(), 1.5);
    assert.equal(Buffer.from(buf.subarray(fields[3]!.payloadStart, fields[3]!.payloadEnd)).readFloatLE(), 2.25);
    assert.equal(fields[4]!.value, 1n << 40n);
    assert.equal(fields[5]!.value, (1n << 64n) - 1n, 'a negative int64 is ten bytes of varint');
    // Fields tile the buffer: each starts where the last ended.
    assert.equal(fields[0]!.start, 0);
    for (let i = 1; i < fields.length; i++) assert.equal(fields[i]!.start, fields[i - 1]!.end);
    assert.equal(fields.at(-1)!.end, buf.length);
  });

  test('reads nested messages within bounds', () => {
    const buf = pb.cat([pb.msg(7, pb.str(1, 'a'), pb.msg(2, pb.varint(1, 3))), pb.varint(9, 1)]);
    const [outer, after] = readFields(buf);
    assert.equal(outer!.num, 7);
    assert.equal(after!.num, 9);
    const inner = readFields(buf, outer!.payloadStart, outer!.payloadEnd);
    assert.deepEqual(inner.map((f) => f.num), [1, 2]);
    assert.equal(readFields(buf, inner[1]!.payloadStart, inner[1]!.payloadEnd)[0]!.value, 3n);
  });

  test('an empty range has no fields', () => {
    assert.deepEqual(readFields(new Uint8Array(0)), []);
  });

  test('throws on truncated and malformed input', () => {
    const str = pb.str(2, 'hello');
    assert.throws(() => readFields(str.subarray(0, str.length - 1)), /past the end/);
    assert.throws(() => readFields(Uint8Array.from([0x08, 0x80])), /truncated varint/);
    assert.throws(() => readFields(Uint8Array.from([0x80])), /truncated varint/);
    // wire type 3 (start group) is not supported
    assert.throws(() => readFields(Uint8Array.from([(1 << 3) | 3])), /wire type 3/);
    // a field running past the end of its parent message, though not of the buffer
    const buf = pb.cat([pb.msg(1, pb.str(2, 'abcdef')), pb.varint(3, 0)]);
    const outer = readFields(buf)[0]!;
    assert.throws(() => readFields(buf, outer.payloadStart, outer.payloadEnd - 2), /past the end/);
  });
});

describe('summarizeModel', () => {
  test('counts ops, initializer types and names the io', () => {
    const s = summarizeModel(fp16AddModel());
    assert.deepEqual(s.opCounts, { Cast: 2, Add: 1 });
    assert.deepEqual(s.initializerTypes, { [ONNX_FLOAT16]: 1 });
    assert.deepEqual(s.inputs, ['input']);
    assert.deepEqual(s.outputs, ['output']);
  });

  test('refuses bytes with no graph', () => {
    assert.throws(() => summarizeModel(pb.varint(1, 8)), /no graph/);
  });
});

describe('prepareModel', () => {
  test('symbolic spatial dims: input and output H, W become names, N and C stay; recorded shapes go', () => {
    const original = fp16AddModel();
    assert.deepEqual(ioDims(original, 11, 'input'), [1, 3, 64, 64]);
    const prepared = prepareModel(original, { symbolicSpatialDims: true, widenFp16: false });
    assert.deepEqual(ioDims(prepared, 11, 'input'), [1, 3, 'height', 'width']);
    assert.deepEqual(ioDims(prepared, 12, 'output'), [1, 3, 'height', 'width']);
    assert.equal(graphFieldCount(original, 13), 1);
    assert.equal(graphFieldCount(prepared, 13), 0);
    // Nothing else changes: same ops, weights still fp16.
    assert.deepEqual(summarizeModel(prepared), summarizeModel(original));
  });

  test('with nothing to do, the model comes back byte for byte', () => {
    const original = fp16AddModel();
    const prepared = prepareModel(original, { symbolicSpatialDims: false, widenFp16: false });
    assert.equal(Buffer.compare(prepared, original), 0);
  });

  test('widening fp16: the initializer becomes fp32 with the same value, and casts to fp16 cast to fp32', () => {
    const prepared = prepareModel(fp16AddModel(), { symbolicSpatialDims: false, widenFp16: true });
    const s = summarizeModel(prepared);
    assert.deepEqual(s.initializerTypes, { [ONNX_FLOAT]: 1 });
    assert.deepEqual(ioDims(prepared, 11, 'input'), [1, 3, 64, 64]);
    const graph = readFields(prepared).find((f) => f.num === 7)!;
    const init = sub(prepared, sub(prepared, graph).find((f) => f.num === 5)!);
    const raw = init.find((f) => f.num === 9)!;
    assert.equal(raw.payloadEnd - raw.payloadStart, 4);
    assert.equal(Buffer.from(prepared.subarray(raw.payloadStart, raw.payloadEnd)).readFloatLE(), 0.5);
    assert.equal(text(prepared, init.find((f) => f.num === 8)!), 'bias');
    const castTargets = nodesByOp(prepared, 'Cast').map((fields) => {
      const attr = sub(prepared, fields.find((f) => f.num === 5)!);
      return Number(attr.find((f) => f.num === 3)!.value);
    });
    assert.deepEqual(castTargets, [ONNX_FLOAT, ONNX_FLOAT]);
  });

  test('a Resize to a traced constant size gets its size from the image input at run time', () => {
    const original = tracedResizeModel();
    assert.equal(summarizeModel(original).opCounts.Constant, 3);
    const prepared = prepareModel(original, { symbolicSpatialDims: true, widenFp16: false });
    const ops = summarizeModel(prepared).opCounts;
    assert.equal(ops.Constant, 2, 'only the traced size constant is replaced');
    assert.equal(ops.Shape, 2);
    const shapes = nodesByOp(prepared, 'Shape').map((fields) => ({
      input: text(prepared, fields.find((f) => f.num === 1)!),
      output: text(prepared, fields.find((f) => f.num === 2)!),
      attrs: fields.filter((f) => f.num === 5).map((a) => {
        const af = sub(prepared, a);
        return [text(prepared, af.find((f) => f.num === 1)!), Number(af.find((f) => f.num === 3)!.value)];
      }),
    }));
    assert.deepEqual(shapes.find((s) => s.output === 'traced_hw'), { input: 'input', output: 'traced_hw', attrs: [['start', 2], ['end', 4]] });
  });
});
