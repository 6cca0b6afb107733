/**
 * The 100% gallery: edges of 7-12 MP photos at full resolution, before and after, on green and on
 * magenta (the colours that show halos, fringes, specks and holes). For each photo, crops of 256 x
 * 256 photo pixels shown 1:1: where the two cutouts differ most, and (when the photo has a ground
 * truth) where the new cutout is most wrong, so what still looks wrong is in the sheet too.
 *
 *   node --import tsx bench/edge-gallery.ts --save DIR          # write this checkout's cutouts (PNG) to DIR
 *   node --import tsx bench/edge-gallery.ts --before DIR        # sheets: DIR's cutouts against this checkout's
 *
 * "Before" is made in a checkout of the code before the change (a worktree of the older commit):
 * --save writes the photo list to bench/work/gallery-photos.json, and any script there that runs
 * studio.cutout(file, { quality: 'best' }) on each and writes <name>.png makes the before set
 * (the older checkout need not know the new proxy sets). Both cut out at `best` with refine and
 * decontaminate on, as a user gets it. Writes bench/gallery/edges-100-<n>.png.
 *
 * Photos: 7-13 MP images of the proxy sets (glossy beads and a chain on pale backdrops, smooth cords,
 * rims and frames at 4-7x, wire objects on busy scenes) and two real photos of the speed set made
 * phone-sized (bench/phone.ts: scikit-image photos upscaled to 12 MP with a camera's grain).
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Studio } from '../src/studio.ts';
import { BENCH_DIR, isMain, WORK_DIR } from './paths.ts';
import { buildPhoneSet } from './phone.ts';
import { buildProxySet } from './proxies/sets.ts';

const CROP = 256;
const COLOURS = { green: [0, 200, 0], magenta: [255, 0, 255] } as const;

interface GalleryPhoto {
  name: string;
  file: string;
  gt?: string;
}

/** The photos, by set and name prefix (the sets are built if missing). */
export async function galleryPhotos(): Promise<GalleryPhoto[]> {
  const want: Array<[string, string]> = [
    ['glossy', 'necklace_0_'], ['glossy', 'necklace_1_'], ['glossy', 'chain_12_'], ['glossy', 'mug_6_'],
    ['cords', 'leather_0_'], ['cords', 'leather_1_'], ['cords', 'cable_3_'], ['cords', 'bowl_5_'], ['cords', 'glasses_9_'], ['cords', 'hoop_8_'],
    ['hires-thin', 'chair_thin_'], ['hires-thin', 'basket_thin_'], ['hires-thin', 'lamp_thick_'],
  ];
  const out: GalleryPhoto[] = [];
  for (const [set, prefix] of want) {
    const built = await buildProxySet(set);
    const img = built.images.find((i) => i.name.startsWith(prefix));
    if (img) out.push({ name: `${set}-${img.name}`, file: img.file, gt: path.join(built.gtDir, `${img.name}.png`) });
  }
  const phone = await buildPhoneSet();
  for (const p of phone.filter((x) => /coffee|motorcycle/.test(x.name))) out.push({ name: `phone-${p.name}`, file: p.file });
  return out;
}

async function alphaOf(png: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(png).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

/** The centre of the CROP x CROP window (on a grid of half-crops) with the largest summed |a - b|. */
function worstWindow(a: Uint8Array, b: Uint8Array, w: number, h: number, skip: Array<{ x: number; y: number }> = []): { x: number; y: number; score: number } {
  const step = CROP / 2;
  const cols = Math.ceil(w / step), rows = Math.ceil(h / step);
  const cell = new Float64Array(cols * rows);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = y * w + x;
    const d = Math.abs(a[i]! - b[i]!);
    if (d) cell[Math.floor(y / step) * cols + Math.floor(x / step)]! += d;
  }
  let best = { x: w / 2, y: h / 2, score: -1 };
  for (let r = 0; r + 1 < rows; r++) for (let c = 0; c + 1 < cols; c++) {
    const s = cell[r * cols + c]! + cell[r * cols + c + 1]! + cell[(r + 1) * cols + c]! + cell[(r + 1) * cols + c + 1]!;
    const x = (c + 1) * step, y = (r + 1) * step;
    if (skip.some((p) => Math.abs(p.x - x) < CROP && Math.abs(p.y - y) < CROP)) continue;
    if (s > best.score) best = { x, y, score: s };
  }
  return best;
}

/** A cutout's crop flattened on a colour, RGB bytes CROP x CROP. */
async function onColour(png: string, left: number, top: number, colour: readonly [number, number, number]): Promise<Buffer> {
  return sharp(await sharp(png).extract({ left, top, width: CROP, height: CROP }).png().toBuffer()).flatten({ background: { r: colour[0], g: colour[1], b: colour[2] } }).removeAlpha().raw().toBuffer();
}

/** This checkout's cutouts of `photos` (default: the gallery's) into `dir`. */
export async function save(dir: string, photos?: GalleryPhoto[]): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  const list = photos ?? (await galleryPhotos());
  fs.writeFileSync(path.join(WORK_DIR, 'gallery-photos.json'), JSON.stringify(list, null, 1));
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data') });
  try {
    for (const p of list) {
      const r = await studio.cutout(p.file, { quality: 'best' });
      fs.writeFileSync(path.join(dir, `${p.name}.png`), r.image.data);
      process.stderr.write(`  ${p.name}: ${r.source.width}x${r.source.height}, ${r.totalMs} ms, uncertainty ${r.uncertainty}\n`);
    }
  } finally {
    await studio.close();
  }
}

async function sheets(beforeDir: string): Promise<void> {
  const afterDir = path.join(WORK_DIR, 'gallery-after');
  await save(afterDir);
  const rows: Array<{ label: string; tiles: Buffer[] }> = [];
  for (const p of await galleryPhotos()) {
    const before = path.join(beforeDir, `${p.name}.png`), after = path.join(afterDir, `${p.name}.png`);
    if (!fs.existsSync(before)) continue;
    const a = await alphaOf(before), b = await alphaOf(after);
    const centres = [worstWindow(a.data, b.data, a.width, a.height)];
    let label = ['most changed'];
    if (p.gt) {
      const gt = await alphaOf(p.gt).catch(async () => {
        const { data, info } = await sharp(p.gt!).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
        return { data: new Uint8Array(data), width: info.width, height: info.height };
      });
      centres.push(worstWindow(gt.data, b.data, a.width, a.height, centres));
      label = [...label, 'worst now'];
    }
    for (const [k, c] of centres.entries()) {
      const left = Math.max(0, Math.min(a.width - CROP, Math.round(c.x - CROP / 2)));
      const top = Math.max(0, Math.min(a.height - CROP, Math.round(c.y - CROP / 2)));
      const photo = await sharp(p.file).extract({ left, top, width: CROP, height: CROP }).removeAlpha().raw().toBuffer();
      rows.push({
        label: `${p.name} (${a.width}x${a.height}) at ${left},${top}: ${label[k]}`,
        tiles: [photo, await onColour(before, left, top, COLOURS.green), await onColour(after, left, top, COLOURS.green), await onColour(before, left, top, COLOURS.magenta), await onColour(after, left, top, COLOURS.magenta)],
      });
    }
  }
  // Sheets of 6 rows: photo | before on green | after on green | before on magenta | after on magenta, 1:1.
  const gap = 4, head = 18, perSheet = 6;
  fs.mkdirSync(path.join(BENCH_DIR, 'gallery'), { recursive: true });
  for (let s = 0; s * perSheet < rows.length; s++) {
    const part = rows.slice(s * perSheet, (s + 1) * perSheet);
    const width = 5 * CROP + 4 * gap, height = 30 + part.length * (CROP + head + gap);
    const composites: sharp.OverlayOptions[] = [
      { input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="30"><text x="4" y="20" font-family="sans-serif" font-size="15" fill="#fff">100%: photo | before on green | after on green | before on magenta | after on magenta</text></svg>`), left: 0, top: 0 },
    ];
    part.forEach((row, r) => {
      const top = 30 + r * (CROP + head + gap);
      composites.push({ input: Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${head}"><text x="4" y="13" font-family="sans-serif" font-size="12" fill="#ddd">${row.label}</text></svg>`), left: 0, top });
      row.tiles.forEach((t, k) => composites.push({ input: t, raw: { width: CROP, height: CROP, channels: 3 }, left: k * (CROP + gap), top: top + head }));
    });
    const out = path.join(BENCH_DIR, 'gallery', `edges-100-${s + 1}.png`);
    await sharp({ create: { width, height, channels: 3, background: { r: 40, g: 40, b: 40 } } }).composite(composites).png().toFile(out);
    process.stderr.write(`wrote ${path.relative(process.cwd(), out)}\n`);
  }
}

if (isMain(import.meta.url)) {
  const args = process.argv.slice(2);
  const at = (flag: string) => (args.includes(flag) ? args[args.indexOf(flag) + 1] : undefined);
  if (at('--save')) await save(path.resolve(at('--save')!));
  else if (at('--before')) await sheets(path.resolve(at('--before')!));
  else {
    process.stderr.write('usage: edge-gallery.ts --save DIR | --before DIR\n');
    process.exitCode = 2;
  }
}
