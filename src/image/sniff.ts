/**
 * Identifies an image format from its first bytes, so greenroom trusts content rather than a
 * file name or a client's content type, and can name a format it recognises but cannot decode.
 */

export const SUPPORTED_INPUT_FORMATS = ['jpeg', 'png', 'webp', 'avif', 'heic', 'tiff', 'gif'] as const;
export type InputFormat = (typeof SUPPORTED_INPUT_FORMATS)[number];

/** Formats recognised but refused, with the reason a user sees. */
const REFUSED: Record<string, string> = {
  bmp: 'BMP is not supported; convert it to PNG',
  psd: 'Photoshop documents are not supported; export a PNG or JPEG',
  ico: 'icons are not supported; convert to PNG',
  jxl: 'JPEG XL is not supported by this build; export a JPEG or PNG',
  jp2: 'JPEG 2000 is not supported; export a JPEG or PNG',
  pdf: 'PDF documents are not images; export the page as PNG',
  svg: 'vector images (SVG) are not accepted; export a PNG',
};

export type Sniffed =
  | { kind: 'supported'; format: InputFormat }
  | { kind: 'refused'; format: string; reason: string }
  | { kind: 'unknown' };

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

function isoBmffBrands(bytes: Uint8Array): string[] {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return [];
  const boxSize = Math.min(((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0, bytes.length, 256);
  const brands = [ascii(bytes, 8, 12)];
  for (let i = 16; i + 4 <= boxSize; i += 4) brands.push(ascii(bytes, i, i + 4));
  return brands;
}

export function sniffFormat(bytes: Uint8Array): Sniffed {
  const b = bytes;
  const refused = (format: string): Sniffed => ({ kind: 'refused', format, reason: REFUSED[format]! });
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { kind: 'supported', format: 'jpeg' };
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 4) === 'PNG') return { kind: 'supported', format: 'png' };
  if (ascii(b, 0, 4) === 'GIF8') return { kind: 'supported', format: 'gif' };
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return { kind: 'supported', format: 'webp' };
  if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*') return { kind: 'supported', format: 'tiff' };
  const brands = isoBmffBrands(b);
  if (brands.length > 0) {
    if (brands.includes('avif') || brands.includes('avis')) return { kind: 'supported', format: 'avif' };
    // HEIC (HEVC inside a HEIF container), and other HEIF that libheif decodes
    if (brands.some((x) => ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(x))) return { kind: 'supported', format: 'heic' };
    if (brands.includes('jp2 ')) return refused('jp2');
  }
  if (ascii(b, 0, 2) === 'BM') return refused('bmp');
  if (ascii(b, 0, 4) === '8BPS') return refused('psd');
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) return refused('ico');
  if ((b[0] === 0xff && b[1] === 0x0a) || ascii(b, 4, 8) === 'JXL ') return refused('jxl');
  if (ascii(b, 0, 12) === '\0\0\0\x0cjP  \r\n\x87\n') return refused('jp2');
  if (ascii(b, 0, 5) === '%PDF-') return refused('pdf');
  // SVG: markup (after an optional UTF-8 byte-order mark, XML declaration, DOCTYPE or comments)
  // whose first kilobyte holds an <svg element.
  const head = ascii(b, b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0, 1024).trimStart().toLowerCase();
  if (head.startsWith('<') && head.includes('<svg')) return refused('svg');
  return { kind: 'unknown' };
}
