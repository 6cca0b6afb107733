import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sniffFormat } from '../../src/image/sniff.ts';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** An ISO BMFF ftyp box: size, 'ftyp', major brand, minor version, compatible brands. */
function ftyp(major: string, compatible: string[], trailing = 16): Uint8Array {
  const size = 16 + 4 * compatible.length;
  const head = Buffer.alloc(8);
  head.writeUInt32BE(size, 0);
  head.write('ftyp', 4, 'latin1');
  return bytes([...head], major, [0, 0, 0, 0], compatible.join(''), new Array(trailing).fill(0));
}

describe('sniffFormat: supported', () => {
  const cases: [string, Uint8Array][] = [
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], 'JFIF')],
    ['jpeg', bytes([0xff, 0xd8, 0xff, 0xe1, 0, 16], 'Exif')],
    ['png', bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR')],
    ['gif', bytes('GIF89a', [1, 0, 1, 0])],
    ['gif', bytes('GIF87a', [1, 0, 1, 0])],
    ['webp', bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 ')],
    ['tiff', bytes('II*', [0, 8, 0, 0, 0])],
    ['tiff', bytes('MM', [0, 42, 0, 0, 0, 8])],
    ['avif', ftyp('avif', ['mif1', 'miaf', 'avif'])],
    ['avif', ftyp('avis', ['avis', 'msf1'])],
    ['avif', ftyp('mif1', ['mif1', 'avif', 'miaf'])],
    ['heic', ftyp('heic', ['mif1', 'heic'])],
    ['heic', ftyp('mif1', ['mif1', 'heic'])],
    ['heic', ftyp('hevc', ['msf1', 'hevc'])],
  ];
  for (const [format, b] of cases) {
    test(`${format}: ${Buffer.from(b.subarray(0, 12)).toString('hex')}`, () => {
      assert.deepEqual(sniffFormat(b), { kind: 'supported', format });
    });
  }
});

describe('sniffFormat: recognised but refused', () => {
  const cases: [string, string, Uint8Array][] = [
    ['bmp', 'BMP', bytes('BM', [0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 0x28, 0, 0, 0])],
    ['pdf', 'PDF', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n')],
    ['svg', 'SVG', bytes('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>')],
    ['svg', 'SVG with an XML prolog', bytes('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['svg', 'SVG after whitespace, upper case', bytes('\n\n  <SVG></SVG>')],
    ['svg', 'SVG after a DOCTYPE and a comment', bytes('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">\n<!-- drawn by hand -->\n<svg/>')],
    ['svg', 'SVG after a UTF-8 byte-order mark', bytes([0xef, 0xbb, 0xbf], '<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['psd', 'PSD', bytes('8BPS', [0, 1, 0, 0, 0, 0, 0, 0])],
    ['ico', 'ICO', bytes([0, 0, 1, 0, 1, 0, 16, 16, 0, 0])],
    ['jxl', 'JPEG XL codestream', bytes([0xff, 0x0a, 0xfa, 0x7f, 0x01, 0x90])],
    ['jxl', 'JPEG XL container', bytes([0, 0, 0, 0x0c], 'JXL ', [0x0d, 0x0a, 0x87, 0x0a, 0, 0, 0, 0x14], 'ftypjxl ')],
    ['jp2', 'JPEG 2000 (ftyp jp2)', ftyp('jp2 ', ['jp2 '])],
    // A real JP2 file starts with its 12-byte signature box, then the ftyp box.
    ['jp2', 'JPEG 2000 signature box', bytes([0, 0, 0, 0x0c], 'jP  ', [0x0d, 0x0a, 0x87, 0x0a, 0, 0, 0, 0x14], 'ftypjp2 ', [0, 0, 0, 0], 'jp2 ')],
  ];
  for (const [format, name, b] of cases) {
    test(`${name} is refused as ${format}, with a reason`, () => {
      const s = sniffFormat(b);
      assert.equal(s.kind, 'refused', `${name} sniffed as ${JSON.stringify(s)}`);
      assert.equal(s.kind === 'refused' && s.format, format);
      assert.ok(s.kind === 'refused' && s.reason.length > 10);
    });
  }
});

describe('sniffFormat: unknown', () => {
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['one byte', bytes([0xff])],
    ['two JPEG bytes', bytes([0xff, 0xd8])],
    ['plain text', bytes('hello, this is not an image at all')],
    ['HTML', bytes('<!doctype html><html><body>404</body></html>')],
    ['XML that is not SVG', bytes('<?xml version="1.0"?><rss></rss>')],
    ['ZIP', bytes('PK', [3, 4, 20, 0, 0, 0, 8, 0])],
    ['RIFF that is not WebP (WAV)', bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt ')],
    ['ftyp of a video (mp4)', ftyp('isom', ['isom', 'iso2', 'mp41'])],
    ['short PNG-like start', bytes([0x89], 'PN')],
    ['zeros', new Uint8Array(64)],
  ];
  for (const [name, b] of cases) {
    test(name, () => {
      assert.deepEqual(sniffFormat(b), { kind: 'unknown' });
    });
  }
});
