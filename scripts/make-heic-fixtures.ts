/**
 * Writes the HEIC test fixtures (test/fixtures/heic/) from the committed photos, with Debian's
 * heif-enc (apt-get install libheif-examples): what an iPhone sends, small.
 *
 * - coffee-p3-icc-rot90.heic: the photo in Display P3 with its ICC profile (as iPhones embed it),
 *   rotated by the container's `irot` property (90 degrees anticlockwise), as iPhones store a
 *   portrait shot; heif-enc cannot write irot, so the box is inserted here.
 * - coffee-p3-nclx.heic: the same colours signalled by an nclx colour box (primaries 12, Display
 *   P3; transfer 13, sRGB), no ICC profile.
 * The tests compare the decoded pixels with the photo resized as here (SIZE, fit cover) by sharp.
 *
 * Run: node --import tsx scripts/make-heic-fixtures.ts (deterministic for a given heif-enc).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

const OUT = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'heic');
const PHOTO = path.join(import.meta.dirname, '..', 'test', 'fixtures', 'photos', 'coffee.png');
const SIZE = { width: 320, height: 240 };

/** The child boxes of [start, end) as [type, offset, size]. */
function boxes(b: Buffer, start: number, end: number): Array<[string, number, number]> {
  const out: Array<[string, number, number]> = [];
  for (let o = start; o + 8 <= end; ) {
    const size = b.readUInt32BE(o);
    out.push([b.toString('latin1', o + 4, o + 8), o, size]);
    if (size < 8) throw new Error('box sizes of 0 or 1 are not handled');
    o += size;
  }
  return out;
}

/** An `irot` property box: angle x 90 degrees anticlockwise. */
function irotBox(angle: 1 | 2 | 3): Buffer {
  return Buffer.from([0, 0, 0, 9, ...Buffer.from('irot', 'latin1'), angle]);
}

/** An nclx `colr` property box (ITU-T H.273 codes), full range. */
function nclxBox(primaries: number, transfer: number, matrix: number): Buffer {
  const b = Buffer.alloc(19);
  b.writeUInt32BE(19, 0);
  b.write('colrnclx', 4, 'latin1');
  b.writeUInt16BE(primaries, 12);
  b.writeUInt16BE(transfer, 14);
  b.writeUInt16BE(matrix, 16);
  b[18] = 0x80;
  return b;
}

/**
 * The file with one more property associated with the primary item (essential): the box appended
 * to ipco, the association to ipma, the sizes of the boxes that hold them, and every iloc offset
 * into the file moved by the bytes inserted before it.
 */
function withProperty(file: Buffer, property: Buffer): Buffer {
  const top = boxes(file, 0, file.length);
  const [, metaAt, metaSize] = top.find(([t]) => t === 'meta')!;
  if (top.findIndex(([t]) => t === 'mdat') < top.findIndex(([t]) => t === 'meta')) throw new Error('mdat before meta is not handled');
  const inMeta = boxes(file, metaAt + 12, metaAt + metaSize);
  const [, pitmAt] = inMeta.find(([t]) => t === 'pitm')!;
  const primary = file.readUInt16BE(pitmAt + 12);
  const [, iprpAt, iprpSize] = inMeta.find(([t]) => t === 'iprp')!;
  const inIprp = boxes(file, iprpAt + 8, iprpAt + iprpSize);
  const [, ipcoAt, ipcoSize] = inIprp.find(([t]) => t === 'ipco')!;
  const [, ipmaAt, ipmaSize] = inIprp.find(([t]) => t === 'ipma')!;
  const properties = boxes(file, ipcoAt + 8, ipcoAt + ipcoSize).length;
  const ipmaVersion = file[ipmaAt + 8]!, ipmaFlags = file.readUIntBE(ipmaAt + 9, 3);
  if (ipmaVersion !== 0 || ipmaFlags & 1) throw new Error('only ipma version 0 with 1-byte associations is handled');

  const irot = property;
  // ipma: find the primary item's entry, add one essential association to the new property.
  const entries = file.readUInt32BE(ipmaAt + 12);
  let o = ipmaAt + 16;
  let countAt = -1;
  for (let e = 0; e < entries; e++) {
    const item = file.readUInt16BE(o);
    const count = file[o + 2]!;
    if (item === primary) countAt = o + 2;
    o += 3 + count;
  }
  if (countAt < 0) throw new Error('primary item has no ipma entry');
  const assocAt = countAt + 1 + file[countAt]!;
  const inserted = irot.length + 1;

  const parts = [file.subarray(0, ipcoAt + ipcoSize), irot, file.subarray(ipcoAt + ipcoSize, assocAt), Buffer.from([0x80 | (properties + 1)]), file.subarray(assocAt)];
  const out = Buffer.concat(parts);
  /** Where a byte of the original file is in the new one. */
  const moved = (at: number) => (at < ipcoAt + ipcoSize ? at : at < assocAt ? at + irot.length : at + inserted);
  const grow = (at: number, by: number) => out.writeUInt32BE(out.readUInt32BE(moved(at)) + by, moved(at));
  grow(metaAt, inserted);
  grow(iprpAt, inserted);
  grow(ipcoAt, irot.length);
  grow(ipmaAt, 1);
  out[moved(countAt)]! += 1;

  // iloc: offsets into the file (construction method 0) move by the bytes inserted before mdat.
  const [, ilocAt] = inMeta.find(([t]) => t === 'iloc')!;
  const v = out[ilocAt + 8]!;
  const sizes = out[ilocAt + 12]!, more = out[ilocAt + 13]!;
  const offsetSize = sizes >> 4, lengthSize = sizes & 15, baseSize = more >> 4, indexSize = v >= 1 ? more & 15 : 0;
  let p = ilocAt + 14;
  const itemCount = v < 2 ? out.readUInt16BE(p) : out.readUInt32BE(p);
  p += v < 2 ? 2 : 4;
  const move = (at: number, size: number) => {
    if (size === 4) out.writeUInt32BE(out.readUInt32BE(at) + inserted, at);
    else if (size === 8) out.writeBigUInt64BE(out.readBigUInt64BE(at) + BigInt(inserted), at);
    else if (size !== 0) throw new Error(`iloc field size ${size}`);
  };
  for (let i = 0; i < itemCount; i++) {
    p += v < 2 ? 2 : 4;
    const method = v >= 1 ? out.readUInt16BE(p) & 15 : 0;
    if (v >= 1) p += 2;
    p += 2; // data reference index
    const base = baseSize ? Number(baseSize === 4 ? out.readUInt32BE(p) : out.readBigUInt64BE(p)) : 0;
    if (method === 0 && base) move(p, baseSize);
    p += baseSize;
    const extents = out.readUInt16BE(p);
    p += 2;
    for (let e = 0; e < extents; e++) {
      p += indexSize;
      if (method === 0 && !base) move(p, offsetSize);
      p += offsetSize + lengthSize;
    }
  }
  return out;
}

async function main(): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heic-fixtures-'));
  const srgb = sharp(PHOTO).removeAlpha().resize(SIZE.width, SIZE.height, { fit: 'cover' });
  // Display P3 pixels with the profile, and the same pixels without it (for the nclx file).
  const p3 = await srgb.clone().withIccProfile('p3').png().toBuffer();
  fs.writeFileSync(path.join(tmp, 'p3-icc.png'), p3);
  // (raw output of the converted pipeline: decoding the P3 PNG again would convert it back to sRGB)
  await sharp(await srgb.clone().withIccProfile('p3').raw().toBuffer(), { raw: { ...SIZE, channels: 3 } }).png().toFile(path.join(tmp, 'p3-bare.png'));

  execFileSync('heif-enc', ['-q', '85', path.join(tmp, 'p3-icc.png'), '-o', path.join(tmp, 'p3-icc.heic')]);
  execFileSync('heif-enc', ['-q', '85', path.join(tmp, 'p3-bare.png'), '-o', path.join(tmp, 'p3-bare.heic')]);
  fs.writeFileSync(path.join(OUT, 'coffee-p3-icc-rot90.heic'), withProperty(fs.readFileSync(path.join(tmp, 'p3-icc.heic')), irotBox(1)));
  // heif-enc 1.15 writes no nclx box for a PNG: it is added here (P3 primaries 12, sRGB transfer 13, BT.601 matrix 6).
  fs.writeFileSync(path.join(OUT, 'coffee-p3-nclx.heic'), withProperty(fs.readFileSync(path.join(tmp, 'p3-bare.heic')), nclxBox(12, 13, 6)));
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const f of fs.readdirSync(OUT)) process.stdout.write(`${f} ${fs.statSync(path.join(OUT, f)).size} bytes\n`);
}

await main();
