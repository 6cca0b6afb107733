/**
 * Cutouts on colours that show halos: each photo cut out at `best` with plain bilinear upsampling
 * (refine off) and with greenroom's refinement (the default), on magenta and on green, whole and
 * as a 3x crop of the subject's left edge at mid-height. Writes bench/gallery/cutouts-on-colours.jpg.
 *
 *   node --import tsx bench/halo-gallery.ts
 *
 * Photos: the real fixture photos (0.2-0.4 MP) and two 12-19 MP images of the hires-thin proxy
 * set (bench/proxies/), where the refinement does most.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { contactSheet, type Tile } from '../src/image/contact-sheet.ts';
import { Studio } from '../src/studio.ts';
import { BENCH_DIR, PHOTOS_DIR } from './paths.ts';
import { buildProxySet } from './proxies/sets.ts';

const OUT = path.join(BENCH_DIR, 'gallery', 'cutouts-on-colours.jpg');
const COLOURS = { magenta: { r: 255, g: 0, b: 255 }, green: { r: 0, g: 200, b: 0 } } as const;

/** The cutout (RGBA PNG bytes) flattened on a colour, optionally a 3x crop around (cx, cy). */
async function onColour(png: Uint8Array, colour: keyof typeof COLOURS, crop?: { cx: number; cy: number; size: number }): Promise<Tile> {
  let img = sharp(png).flatten({ background: COLOURS[colour] });
  if (crop) {
    const meta = await sharp(png).metadata();
    const left = Math.max(0, Math.min(meta.width! - crop.size, Math.round(crop.cx - crop.size / 2)));
    const top = Math.max(0, Math.min(meta.height! - crop.size, Math.round(crop.cy - crop.size / 2)));
    img = sharp(await img.extract({ left, top, width: crop.size, height: crop.size }).toBuffer()).resize(crop.size * 3, crop.size * 3, { kernel: 'nearest' });
  }
  const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: 3, caption: '' };
}

/** The leftmost subject pixel on the middle row of the subject's box. */
async function leftEdge(png: Uint8Array): Promise<{ cx: number; cy: number }> {
  const { data, info } = await sharp(png).extractChannel(3).raw().toBuffer({ resolveWithObject: true });
  let y0 = info.height, y1 = 0;
  for (let y = 0; y < info.height; y++) for (let x = 0; x < info.width; x++) if (data[y * info.width + x]! > 127) { y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  const cy = Math.round((y0 + y1) / 2);
  let cx = 0;
  while (cx < info.width - 1 && data[cy * info.width + cx]! <= 127) cx++;
  return { cx, cy };
}

async function main(): Promise<void> {
  const hires = await buildProxySet('hires-thin');
  const photos = [
    ...['coffee.png', 'motorcycle_left.png', 'chelsea.png', 'rocket.jpg', 'astronaut.png'].map((f) => path.join(PHOTOS_DIR, f)),
    ...hires.images.slice(0, 2).map((i) => i.file),
  ];
  const studio = await Studio.open();
  const tiles: Tile[] = [];
  for (const file of photos) {
    const name = path.basename(file).replace(/\.\w+$/, '');
    const plain = (await studio.cutout(file, { quality: 'best', refine: false })).image.data;
    const refined = (await studio.cutout(file, { quality: 'best' })).image.data;
    const meta = await sharp(refined).metadata();
    const crop = { ...(await leftEdge(refined)), size: Math.max(48, Math.round(Math.max(meta.width!, meta.height!) / 12)) };
    for (const [label, png] of [['bilinear', plain], ['greenroom', refined]] as const) {
      tiles.push({ ...(await onColour(png, 'magenta')), caption: `${name}: ${label}` });
      tiles.push({ ...(await onColour(png, 'green', crop)), caption: `${label}, left edge 3x` });
    }
  }
  await studio.close();
  const sheet = await contactSheet(tiles, { columns: 4, cell: 420, title: 'Cutouts at best on colours that show halos: bilinear (refine off) against greenroom (default)' });
  await fs.mkdir(path.dirname(OUT), { recursive: true });
  await sharp(sheet).jpeg({ quality: 85 }).toFile(OUT);
  process.stderr.write(`wrote ${path.relative(process.cwd(), OUT)}\n`);
}

await main();
