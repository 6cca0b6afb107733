/**
 * The network's coarse matte (its working size, values 0..1) as a 16-bit grey PNG, and back: a
 * preview answer hands it to the client, which sends it back with the photo to get the
 * full-resolution cutout, or an edit, without running the network again. A preview refines the
 * matte as quantised to these 16 bits (quantiseCoarse), so the full cutout made from the PNG
 * later is the one that goes with the preview, exactly. (The network's raw float32 values are
 * incompressible: 3 MB at 1024 x 1024 against about 0.2 MB.) Written here because sharp takes raw
 * input as 8-bit samples only.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import sharp from 'sharp';
import { GreenroomError } from '../errors.ts';
import type { Plane } from '../matte/types.ts';

/** Working sizes are multiples of 64 (the network's six 2x poolings); this is the largest taken back. */
const MAX_SIDE = 4096;
const LEVELS = 65535;
const deflate = promisify(zlib.deflate);

/** Rounds a 0..1 plane, in place, to the values its 16-bit PNG holds. */
export function quantiseCoarse<P extends Plane>(matte: P): P {
  const d = matte.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    d[i] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * LEVELS) / LEVELS;
  }
  return matte;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

/** A 16-bit grey PNG of a 0..1 plane (rows filtered with Up: smooth mattes compress well); deflated in libuv's threads. */
export async function encodeCoarseMatte(matte: Plane): Promise<Buffer> {
  const { width, height, data } = matte;
  const stride = width * 2;
  const raw = Buffer.alloc((stride + 1) * height);
  const row = Buffer.alloc(stride);
  const prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[y * width + x]!;
      row.writeUInt16BE(Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * LEVELS), x * 2);
    }
    const o = y * (stride + 1);
    raw[o] = 2; // Up
    for (let i = 0; i < stride; i++) raw[o + 1 + i] = (row[i]! - prev[i]!) & 0xff;
    row.copy(prev);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 16; // bit depth
  ihdr[9] = 0; // grey
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', await deflate(raw, { level: 6 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * A coarse matte sent back: a square 16-bit grey PNG whose side is a multiple of 64 (the
 * network's working sizes). INVALID_OPTION naming the field otherwise.
 */
export async function decodeCoarseMatte(bytes: Uint8Array, field = 'coarse_matte'): Promise<Plane> {
  const bad = (why: string, cause?: unknown) =>
    new GreenroomError('INVALID_OPTION', `${field}: ${why}; send the coarse-matte.png of a preview answer unchanged.`, { field, expected: 'the coarse matte of a preview answer' }, cause === undefined ? undefined : { cause });
  let meta: sharp.Metadata;
  try {
    meta = await sharp(bytes).metadata();
  } catch (err) {
    throw bad('not a PNG', err);
  }
  const { width = 0, height = 0 } = meta;
  if (meta.format !== 'png' || meta.channels !== 1 || meta.depth !== 'ushort') throw bad('not a coarse matte (a 16-bit grey PNG)');
  if (width !== height || width < 64 || width > MAX_SIDE || width % 64 !== 0) throw bad(`a ${width}x${height} image, not the network's square working size`);
  const data = await sharp(bytes)
    .toColourspace('grey16')
    .raw({ depth: 'ushort' })
    .toBuffer()
    .catch((err: unknown) => {
      throw bad('unreadable', err);
    });
  const n = width * height;
  const v = new Uint16Array(data.buffer, data.byteOffset, n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = v[i]! / LEVELS;
  return { data: out, width, height };
}
