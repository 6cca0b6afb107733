/** Shared test helpers: fixture paths, seeded randomness, hand-built PNG bytes, image measurements. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

export const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
export const PHOTOS = path.join(FIXTURES, 'photos');
export const photo = (name: string): string => path.join(PHOTOS, name);

/** A small deterministic PRNG (mulberry32): the same numbers on every run. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG uses it (node:zlib's crc32 when present, else a table). */
export function crc32(data: Uint8Array): number {
  const native = (zlib as unknown as { crc32?: (d: Uint8Array) => number }).crc32;
  if (native) return native(data) >>> 0;
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data, CRC over type and data. */
export function pngChunk(type: string, data: Uint8Array = new Uint8Array(0)): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

export function ihdr(width: number, height: number, bitDepth = 8, colorType = 2): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(width, 0);
  d.writeUInt32BE(height, 4);
  d[8] = bitDepth;
  d[9] = colorType; // 2 = RGB, 6 = RGBA
  d[10] = 0; // deflate
  d[11] = 0; // adaptive filtering
  d[12] = 0; // no interlace
  return pngChunk('IHDR', d);
}

/** A complete 8-bit RGB PNG from raw interleaved pixels, with optional extra chunks before IDAT (iCCP...). */
export function encodePngRgb(rgb: Uint8Array, width: number, height: number, extra: Buffer[] = []): Buffer {
  const stride = width * 3;
  const filtered = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    filtered[y * (stride + 1)] = 0; // filter type None
    Buffer.from(rgb.buffer, rgb.byteOffset + y * stride, stride).copy(filtered, y * (stride + 1) + 1);
  }
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height), ...extra, pngChunk('IDAT', zlib.deflateSync(filtered)), pngChunk('IEND')]);
}

/** An iCCP chunk embedding an ICC profile. */
export function iccpChunk(name: string, profile: Uint8Array): Buffer {
  return pngChunk('iCCP', Buffer.concat([Buffer.from(name, 'latin1'), Buffer.from([0, 0]), zlib.deflateSync(profile)]));
}

/**
 * Pixels with 0.05 < v < 0.95 along a row of a 0..1 plane: the width of a matte's transition.
 */
export function transitionWidth(plane: Float32Array, width: number, y: number, lo = 0.05, hi = 0.95): number {
  let count = 0;
  for (let x = 0; x < width; x++) {
    const v = plane[y * width + x]!;
    if (v > lo && v < hi) count++;
  }
  return count;
}

/** Statistics of one channel over a rectangle of an interleaved 8-bit image. */
export function patchStats(data: Uint8Array, width: number, channels: number, channel: number, x0: number, y0: number, w: number, h: number): { min: number; max: number; mean: number } {
  let min = Infinity, max = -Infinity, sum = 0;
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const v = data[(y * width + x) * channels + channel]!;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
  }
  return { min, max, mean: sum / (w * h) };
}

/** Mean absolute difference of two equally long 8-bit buffers, in 0..255. */
export function meanAbsDiff(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Resolves to the rejection of `promise`, failing when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
