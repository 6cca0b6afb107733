/** Each kind of bad input gets its own coded error through studio.cutout, and breaks nothing. */
import os from 'node:os';
import path from 'node:path';
process.env.GREENROOM_CACHE_DIR = path.join(os.tmpdir(), 'greenroom-test-cache');
process.env.GREENROOM_DATA_DIR ??= path.join(os.tmpdir(), 'greenroom-test-data');

import fs from 'node:fs';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { Studio } from '../../src/studio.ts';
import { GreenroomError, isGreenroomError, type ErrorCode } from '../../src/errors.ts';
import { sniffFormat } from '../../src/image/sniff.ts';
import { ihdr, patchStats, photo, PNG_SIGNATURE, pngChunk, rejectionOf, seeded } from '../helpers/images.ts';

let studio: Studio;
let dir: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-bad-'));
  studio = await Studio.open();
});

after(async () => {
  await studio?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** studio.cutout(input) must reject with `code` (and the status that goes with it). */
async function expectCode(input: Uint8Array | string, code: ErrorCode, status: number): Promise<GreenroomError> {
  const err = await rejectionOf(studio.cutout(input, { quality: 'fast' }));
  assert.ok(err instanceof GreenroomError, `not a GreenroomError: ${err instanceof Error ? err.stack : String(err)}`);
  assert.equal(err.code, code, `got ${err.code}: ${err.message}`);
  assert.equal(err.status, status);
  assert.ok(err.message.length > 20, 'the message should say what to do');
  assert.deepEqual(Object.keys(err.toJSON()).sort(), ['code', 'details', 'message', 'title']);
  return err;
}

/** A PNG whose IHDR (with a correct CRC) claims width x height, followed by a token IDAT and IEND. */
function pngClaiming(width: number, height: number): Buffer {
  return Buffer.concat([PNG_SIGNATURE, ihdr(width, height), pngChunk('IDAT', zlib.deflateSync(Buffer.from([0, 0, 0, 0]))), pngChunk('IEND')]);
}

/** A valid 2x2 24-bit BMP, written by hand. */
function bmp2x2(): Buffer {
  const rowSize = 8; // 2 px * 3 bytes, padded to 4
  const pixels = Buffer.alloc(rowSize * 2, 0x80);
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + pixels.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14); // BITMAPINFOHEADER
  header.writeInt32LE(2, 18);
  header.writeInt32LE(2, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  header.writeUInt32LE(pixels.length, 34);
  return Buffer.concat([header, pixels]);
}

/** The start of a HEIC file: an ftyp box with major brand heic. */
function heicHeader(): Buffer {
  const box = Buffer.alloc(24);
  box.writeUInt32BE(24, 0);
  box.write('ftypheic', 4, 'latin1');
  box.write('mif1heic', 16, 'latin1');
  return Buffer.concat([box, Buffer.alloc(200)]);
}

describe('bad inputs through studio.cutout', () => {
  test('an empty file is EMPTY_INPUT', async () => {
    await expectCode(write('empty.jpg', new Uint8Array(0)), 'GREENROOM_ERR_EMPTY_INPUT', 400);
    await expectCode(new Uint8Array(0), 'GREENROOM_ERR_EMPTY_INPUT', 400);
  });

  test('a truncated JPEG (first half of a real one) is CORRUPT_IMAGE', async () => {
    const jpeg = fs.readFileSync(photo('rocket.jpg'));
    const half = jpeg.subarray(0, Math.floor(jpeg.length / 2));
    const err = await expectCode(write('half.jpg', half), 'GREENROOM_ERR_CORRUPT_IMAGE', 422);
    assert.equal(err.details.format, 'jpeg');
    // Cut inside the header too.
    await expectCode(jpeg.subarray(0, 40), 'GREENROOM_ERR_CORRUPT_IMAGE', 422);
  });

  test('a truncated PNG and a PNG with garbage after its signature are CORRUPT_IMAGE', async () => {
    const png = fs.readFileSync(photo('coffee.png'));
    const err = await expectCode(png.subarray(0, Math.floor(png.length / 2)), 'GREENROOM_ERR_CORRUPT_IMAGE', 422);
    assert.equal(err.details.format, 'png');
    const rand = seeded(3);
    const garbage = Buffer.concat([PNG_SIGNATURE, Buffer.from(Array.from({ length: 500 }, () => Math.floor(rand() * 256)))]);
    await expectCode(garbage, 'GREENROOM_ERR_CORRUPT_IMAGE', 422);
  });

  test('a PNG with a bad IHDR CRC is CORRUPT_IMAGE', async () => {
    const png = pngClaiming(64, 64);
    png[29] ^= 0xff; // last CRC byte of IHDR (8 signature + 8 chunk head + 13 data)
    await expectCode(png, 'GREENROOM_ERR_CORRUPT_IMAGE', 422);
  });

  test('random bytes are NOT_AN_IMAGE', async () => {
    const rand = seeded(1234);
    const bytes = Uint8Array.from({ length: 4096 }, () => Math.floor(rand() * 256));
    assert.deepEqual(sniffFormat(bytes), { kind: 'unknown' }, 'the random bytes happen to look like a format');
    await expectCode(write('random.jpg', bytes), 'GREENROOM_ERR_NOT_AN_IMAGE', 415);
    await expectCode(Buffer.from('{"not": "an image"}\n'), 'GREENROOM_ERR_NOT_AN_IMAGE', 415);
  });

  test('a PNG whose header claims 30000x30000 is IMAGE_TOO_LARGE, refused from the header alone', async () => {
    const png = pngClaiming(30000, 30000);
    assert.ok(png.length < 100);
    const meta = await sharp(png, { limitInputPixels: false }).metadata();
    assert.deepEqual([meta.width, meta.height], [30000, 30000], 'the test PNG header is not readable');
    const err = await expectCode(write('huge.png', png), 'GREENROOM_ERR_IMAGE_TOO_LARGE', 413);
    // The pixel data is a token 4 bytes: any attempt to decode would have failed as CORRUPT_IMAGE.
    assert.deepEqual(err.details, { width: 30000, height: 30000, maxPixels: studio.config.maxPixels });
    assert.match(err.message, /30000x30000/);
  });

  test('a JPEG whose frame header claims 30000x30000 is IMAGE_TOO_LARGE', async () => {
    const jpeg = Buffer.from(await sharp({ create: { width: 16, height: 16, channels: 3, background: '#888' } }).jpeg({ mozjpeg: false }).toBuffer());
    let sof = -1;
    for (let i = 2; i + 1 < jpeg.length; i++) if (jpeg[i] === 0xff && (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2)) (sof = i), (i = jpeg.length);
    assert.ok(sof > 0, 'no SOF marker');
    jpeg.writeUInt16BE(30000, sof + 5); // height
    jpeg.writeUInt16BE(30000, sof + 7); // width
    const err = await expectCode(jpeg, 'GREENROOM_ERR_IMAGE_TOO_LARGE', 413);
    assert.deepEqual([err.details.width, err.details.height], [30000, 30000]);
  });

  test('recognised but unsupported formats are UNSUPPORTED_FORMAT, naming the format', async () => {
    const cases: [string, Buffer][] = [
      ['bmp', bmp2x2()],
      ['pdf', Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n')],
      ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="red"/></svg>')],
      ['jp2', Buffer.concat([Buffer.from([0, 0, 0, 12]), Buffer.from('jP  \r\n\x87\n', 'latin1'), Buffer.alloc(64)])],
    ];
    for (const [format, bytes] of cases) {
      const err = await expectCode(write(`file.${format}`, bytes), 'GREENROOM_ERR_UNSUPPORTED_FORMAT', 415);
      assert.equal(err.details.format, format, `${format}: ${err.message}`);
      assert.match(err.message, new RegExp(format, 'i'));
    }
  });

  test('a HEIC that is only its header is CORRUPT_IMAGE, naming HEIC', async () => {
    const err = await expectCode(write('header-only.heic', heicHeader()), 'GREENROOM_ERR_CORRUPT_IMAGE', 422);
    assert.equal(err.details.format, 'heic');
  });

  test('a missing path is INPUT_NOT_FOUND; a folder is INVALID_OPTION', async () => {
    const missing = path.join(dir, 'no', 'such', 'photo.jpg');
    const err = await expectCode(missing, 'GREENROOM_ERR_INPUT_NOT_FOUND', 404);
    assert.equal(err.details.path, missing);
    await expectCode(dir, 'GREENROOM_ERR_INVALID_OPTION', 400);
  });

  test('bad options and unknown models are refused before any work', async () => {
    const bad = await rejectionOf(studio.cutout(photo('coffee.png'), { quality: 'ultra' } as never));
    assert.ok(isGreenroomError(bad, 'INVALID_OPTION'));
    assert.equal(bad.details.field, 'quality');
    const unknown = await rejectionOf(studio.cutout(photo('coffee.png'), { model: 'no-such-model' }));
    assert.ok(isGreenroomError(unknown, 'UNKNOWN_MODEL'), String(unknown));
  });

  test('after all that, the same Studio still cuts out a good image', async () => {
    const r = await studio.cutout(photo('coffee.png'), { quality: 'fast', channels: 'alpha' });
    assert.deepEqual([r.image.width, r.image.height], [600, 400]);
    const alpha = await sharp(r.image.data).extractChannel(0).raw().toBuffer();
    for (const [x, y] of [[290, 230], [120, 300], [430, 250]] as const) assert.ok(alpha[y * 600 + x]! > 200, `(${x}, ${y}): ${alpha[y * 600 + x]}`);
    for (const [x, y] of [[0, 0], [580, 0], [0, 380], [580, 380]] as const) assert.ok(patchStats(alpha, 600, 1, 0, x, y, 20, 20).max < 20, `corner (${x}, ${y})`);
  });
});

describe('a closed Studio', () => {
  test('refuses work with STUDIO_CLOSED', async () => {
    const s = await Studio.open({ segmenterFactory: async () => ({ model: (await studio.segmenter()).model, segment: async () => new Float32Array(0), close: async () => {} }) });
    await s.close();
    const err = await rejectionOf(s.cutout(photo('coffee.png')));
    assert.ok(isGreenroomError(err, 'STUDIO_CLOSED'), String(err));
    await s.close(); // closing twice is harmless
  });
});
