/**
 * The retouch gallery, written to bench/gallery/:
 *
 * - retouch-mug-sticker.png: a price sticker stuck on the mug (drawn here, so the photo without
 *   it is the truth), masked and removed with the cutout as matte (filled from the mug);
 * - retouch-motorcycle-clutter.png: the bench behind the motorcycle's seat, masked where the
 *   cutout says background, removed (filled from the garage behind);
 * - retouch-expand.png: the coffee photo expanded by 15% on every side, with its cutout;
 * - retouch-cases.png: some of the known-truth cases (masked, filled, smooth fill, truth).
 *
 * Crops are enlarged 3x (nearest neighbour) so the fill's texture and seams can be seen.
 * `node --import tsx bench/retouch-gallery.ts` writes them alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Studio } from '../src/index.ts';
import { dilate } from '../src/retouch/distance.ts';
import { smoothFill } from '../src/retouch/smooth-fill.ts';
import { BENCH_DIR, FG_DIR, isMain, PHOTOS_DIR, WORK_DIR } from './paths.ts';
import { buildRetouchCases } from './retouch-cases.ts';

export const GALLERY_DIR = path.join(BENCH_DIR, 'gallery');

interface Raster {
  data: Uint8Array;
  width: number;
  height: number;
}

const raw = (r: Raster) => sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } });

async function rgbOf(input: string | Buffer): Promise<Raster> {
  const { data, info } = await sharp(input).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

async function alphaOf(file: string): Promise<Uint8Array> {
  return new Uint8Array(await sharp(file).ensureAlpha().extractChannel(3).raw().toBuffer());
}

/** The photo with the mask tinted magenta over it. */
function tinted(photo: Raster, mask: Uint8Array): Raster {
  const out = Uint8Array.from(photo.data);
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    out[i * 3] = Math.round(out[i * 3]! * 0.4 + 255 * 0.6);
    out[i * 3 + 1] = Math.round(out[i * 3 + 1]! * 0.4);
    out[i * 3 + 2] = Math.round(out[i * 3 + 2]! * 0.4 + 255 * 0.6);
  }
  return { ...photo, data: out };
}

async function maskPng(mask: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(mask.map((v) => (v ? 255 : 0))), { raw: { width, height, channels: 1 } }).png().toBuffer();
}

/** Panels side by side with captions underneath (drawn as SVG text). */
async function sheet(panels: Array<{ image: Buffer; caption: string }>, file: string): Promise<string> {
  const metas = await Promise.all(panels.map((p) => sharp(p.image).metadata()));
  const gap = 12, captionH = 26;
  const width = metas.reduce((s, m) => s + m.width!, 0) + gap * (panels.length + 1);
  const height = Math.max(...metas.map((m) => m.height!)) + captionH + 2 * gap;
  let x = gap;
  const layers: sharp.OverlayOptions[] = [];
  const captions: string[] = [];
  panels.forEach((p, i) => {
    layers.push({ input: p.image, left: x, top: gap });
    captions.push(`<text x="${x}" y="${gap + metas[i]!.height! + 19}" font-family="sans-serif" font-size="15" fill="#222">${p.caption}</text>`);
    x += metas[i]!.width! + gap;
  });
  layers.push({ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${captions.join('')}</svg>`), left: 0, top: 0 });
  await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(layers).png({ compressionLevel: 9 }).toFile(file);
  return file;
}

const crop = (r: Raster, box: { x: number; y: number; width: number; height: number }, zoom = 3) => raw(r).extract({ left: box.x, top: box.y, width: box.width, height: box.height }).resize(box.width * zoom, box.height * zoom, { kernel: 'nearest' }).png().toBuffer();

/** The sticker: a white price label with a barcode and a red band, on the mug's side. */
export const STICKER = { x: 290, y: 232, width: 46, height: 28 };

async function mugSticker(studio: Studio): Promise<string> {
  const photoFile = path.join(PHOTOS_DIR, 'coffee.png');
  const truth = await rgbOf(photoFile);
  const s = STICKER;
  const bars = Array.from({ length: 14 }, (_, i) => `<rect x="${s.x + 4 + i * 2.8}" y="${s.y + 12}" width="${i % 3 === 0 ? 1.8 : 1}" height="12" fill="#111"/>`).join('');
  const label = `<svg xmlns="http://www.w3.org/2000/svg" width="${truth.width}" height="${truth.height}"><rect x="${s.x}" y="${s.y}" width="${s.width}" height="${s.height}" rx="3" fill="#f7f7f2"/><rect x="${s.x}" y="${s.y}" width="${s.width}" height="8" rx="3" fill="#d4202a"/>${bars}</svg>`;
  const stuck = await rgbOf(await raw(truth).composite([{ input: Buffer.from(label) }]).png().toBuffer());
  const mask = new Uint8Array(truth.width * truth.height);
  for (let y = s.y - 3; y < s.y + s.height + 3; y++) for (let x = s.x - 3; x < s.x + s.width + 3; x++) mask[y * truth.width + x] = 1;
  const cutout = fs.readFileSync(path.join(FG_DIR, 'coffee.png'));
  const stuckPng = await raw(stuck).png().toBuffer();
  const r = await studio.retouch(stuckPng, { mask: await maskPng(mask, truth.width, truth.height), matte: cutout });
  const after = await rgbOf(r.image.data);
  const box = { x: s.x - 50, y: s.y - 40, width: s.width + 100, height: s.height + 80 };
  return sheet(
    [
      { image: await crop(stuck, box), caption: 'a price sticker on the mug' },
      { image: await crop(tinted(stuck, mask), box), caption: 'the mask' },
      { image: await crop(after, box), caption: `retouched (${r.retouch.filledPixels} px, cutout as matte)` },
      { image: await crop(truth, box), caption: 'the photo without the sticker' },
    ],
    path.join(GALLERY_DIR, 'retouch-mug-sticker.png'),
  );
}

/** The bench's back behind the seat: this box, where the cutout says background. */
export const CLUTTER = { x: 44, y: 100, width: 242, height: 100 };

async function motorcycleClutter(studio: Studio): Promise<string> {
  const photoFile = path.join(PHOTOS_DIR, 'motorcycle_left.png');
  const photo = await rgbOf(photoFile);
  const alpha = await alphaOf(path.join(FG_DIR, 'motorcycle_left.png'));
  const { width, height } = photo;
  // The motorcycle grown by 2 px stays: the mask stops short of its edge.
  const bike = dilate(alpha.map((a) => (a >= 8 ? 1 : 0)), width, height, 2);
  const mask = new Uint8Array(width * height);
  const c = CLUTTER;
  for (let y = c.y; y < c.y + c.height; y++) for (let x = c.x; x < c.x + c.width; x++) if (!bike[y * width + x]) mask[y * width + x] = 1;
  const r = await studio.retouch(fs.readFileSync(photoFile), { mask: await maskPng(mask, width, height), matte: fs.readFileSync(path.join(FG_DIR, 'motorcycle_left.png')) });
  const after = await rgbOf(r.image.data);
  const box = { x: 0, y: 60, width: 360, height: 210 };
  return sheet(
    [
      { image: await crop(tinted(photo, mask), box, 2), caption: 'the bench behind the seat, masked where the cutout is background' },
      { image: await crop(after, box, 2), caption: `retouched (${r.retouch.filledPixels} px, filled from the background)` },
      { image: await crop(photo, box, 2), caption: 'the photo' },
    ],
    path.join(GALLERY_DIR, 'retouch-motorcycle-clutter.png'),
  );
}

async function expand(studio: Studio): Promise<string> {
  const photoFile = path.join(PHOTOS_DIR, 'coffee.png');
  const r = await studio.retouch(photoFile, { expand: '15%', matte: fs.readFileSync(path.join(FG_DIR, 'coffee.png')) });
  const bare = await studio.retouch(photoFile, { expand: '15%' });
  const padded = await sharp(photoFile).removeAlpha().extend({ top: 60, bottom: 60, left: 90, right: 90, background: '#ff00ff' }).png().toBuffer();
  return sheet(
    [
      { image: padded, caption: 'the photo on a canvas 15% larger on every side' },
      { image: r.image.data, caption: 'expanded, the cutout as matte (border from the background)' },
      { image: bare.image.data, caption: "expanded without a matte (the photo's outer frame as background)" },
    ],
    path.join(GALLERY_DIR, 'retouch-expand.png'),
  );
}

async function cases(studio: Studio): Promise<string> {
  const all = await buildRetouchCases();
  const picked = ['coffee-background-blob1', 'coffee-product-label1', 'motorcycle_left-background-stroke1', 'rocket-background-blob1', 'chelsea-anywhere-blob2', 'astronaut-anywhere-stroke2'].map((n) => all.find((c) => c.name === n)).filter((c) => c !== undefined);
  const rows: Buffer[] = [];
  for (const c of picked) {
    const photo = { data: c.rgb, width: c.width, height: c.height };
    const png = await raw(photo).png().toBuffer();
    const r = await studio.retouch(png, { mask: await maskPng(c.mask, c.width, c.height), ...(c.matte ? { matte: await sharp(Buffer.from(c.matte), { raw: { width: c.width, height: c.height, channels: 1 } }).png().toBuffer() } : {}) });
    const filled = await rgbOf(r.image.data);
    const smooth = { data: smoothFill(c.rgb, c.mask, c.width, c.height), width: c.width, height: c.height };
    let x0 = c.width, y0 = c.height, x1 = 0, y1 = 0;
    for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) if (c.mask[y * c.width + x]) (x0 = Math.min(x0, x)), (x1 = Math.max(x1, x)), (y0 = Math.min(y0, y)), (y1 = Math.max(y1, y));
    const pad = 20;
    const box = { x: Math.max(0, x0 - pad), y: Math.max(0, y0 - pad), width: 0, height: 0 };
    box.width = Math.min(c.width, x1 + pad) - box.x;
    box.height = Math.min(c.height, y1 + pad) - box.y;
    const zoom = Math.max(1, Math.min(3, Math.floor(220 / Math.max(box.width, box.height))));
    const panels = await Promise.all([tinted(photo, c.mask), filled, smooth, photo].map((p) => crop(p, box, zoom)));
    const metas = await Promise.all(panels.map((p) => sharp(p).metadata()));
    const w = metas.reduce((s, m) => s + m.width! + 8, 0);
    let x = 0;
    rows.push(await sharp({ create: { width: w, height: metas[0]!.height!, channels: 3, background: '#ffffff' } }).composite(panels.map((p, i) => ({ input: p, left: (x += i ? metas[i - 1]!.width! + 8 : 0), top: 0 }))).png().toBuffer());
  }
  const metas = await Promise.all(rows.map((r) => sharp(r).metadata()));
  const width = Math.max(...metas.map((m) => m.width!)), height = metas.reduce((s, m) => s + m.height! + 8, 0);
  let y = 0;
  const stacked = await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).composite(rows.map((r, i) => ({ input: r, left: 0, top: (y += i ? metas[i - 1]!.height! + 8 : 0) }))).png().toBuffer();
  return sheet([{ image: stacked, caption: 'known-truth cases: masked, retouched, smooth fill (push-pull), truth' }], path.join(GALLERY_DIR, 'retouch-cases.png'));
}

export async function writeRetouchGallery(studio: Studio, log: (s: string) => void = () => {}): Promise<string[]> {
  fs.mkdirSync(GALLERY_DIR, { recursive: true });
  const out = [await mugSticker(studio), await motorcycleClutter(studio), await expand(studio), await cases(studio)];
  for (const f of out) log(`  wrote ${path.relative(process.cwd(), f)}`);
  return out;
}

if (isMain(import.meta.url)) {
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data'), warm: false });
  try {
    await writeRetouchGallery(studio, console.log);
  } finally {
    await studio.close();
  }
}
