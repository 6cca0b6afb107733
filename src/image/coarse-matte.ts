/**
 * The network's coarse matte (its working size, float values 0..1) as a PNG, and back: a preview
 * answer hands it to the client, which sends it back with the photo to get the full-resolution
 * cutout, or an edit, without running the network again. Each pixel's four bytes (R, G, B, A) are
 * the float32 value's bytes, little-endian: exact, so refining it again gives the very cutout the
 * network's own matte gives (16-bit grey moved a few edge pixels by up to 20 levels, where the
 * refinement's gates sit on a threshold). It is data in a PNG envelope (size, checksum), not a
 * picture to look at: it must come back unchanged.
 */
import sharp from 'sharp';
import { GreenroomError } from '../errors.ts';
import type { Plane } from '../matte/types.ts';

/** Working sizes are multiples of 64 (the network's six 2x poolings); this is the largest taken back. */
const MAX_SIDE = 4096;

export async function encodeCoarseMatte(matte: Plane): Promise<Buffer> {
  const le = new Uint8Array(matte.data.length * 4);
  const view = new DataView(le.buffer);
  for (let i = 0; i < matte.data.length; i++) view.setFloat32(i * 4, matte.data[i]!, true);
  return sharp(le, { raw: { width: matte.width, height: matte.height, channels: 4 } }).png({ compressionLevel: 6, adaptiveFiltering: false, palette: false }).toBuffer();
}

/**
 * A coarse matte sent back: a square 8-bit RGBA PNG whose side is a multiple of 64 (the network's
 * working sizes) holding values in 0..1. INVALID_OPTION naming the field otherwise.
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
  if (meta.format !== 'png' || meta.channels !== 4 || meta.depth !== 'uchar') throw bad('not a coarse matte (an 8-bit RGBA PNG)');
  if (width !== height || width < 64 || width > MAX_SIDE || width % 64 !== 0) throw bad(`a ${width}x${height} image, not the network's square working size`);
  const data = await sharp(bytes)
    .raw()
    .toBuffer()
    .catch((err: unknown) => {
      throw bad('unreadable', err);
    });
  const n = width * height;
  const view = new DataView(data.buffer, data.byteOffset, n * 4);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = view.getFloat32(i * 4, true);
    if (!(v >= 0 && v <= 1)) throw bad('values outside 0..1 (a changed file)');
    out[i] = v;
  }
  return { data: out, width, height };
}
