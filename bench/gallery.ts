/**
 * `npm run gallery`: contact sheets of real photos x templates x shadows, prompts and presets,
 * written to bench/gallery/ as JPEG. Each photo is cut out once (the network is the slow
 * part); every sheet cell is a full edit of that cutout through composeEdit.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { contactSheet, type Tile } from '../src/image/contact-sheet.ts';
import { readInput } from '../src/image/read-input.ts';
import { cutoutStages, type Cutout } from '../src/pipeline/cutout.ts';
import { composeEdit } from '../src/pipeline/edit.ts';
import { parseEditSpec, type EditSpecInput } from '../src/pipeline/spec.ts';
import { StageRecorder } from '../src/pipeline/stages.ts';
import { TEMPLATES } from '../src/scenes/index.ts';
import { Studio } from '../src/studio.ts';
import type { PixelRunner } from '../src/pixels/pool.ts';
import { BENCH_DIR, PHOTOS_DIR } from './paths.ts';

const OUT = path.join(BENCH_DIR, 'gallery');
const PHOTOS = ['coffee.png', 'motorcycle_left.png', 'chelsea.png', 'rocket.jpg'];
const CELL = 1000;
const LIMITS = { maxPixels: 50_000_000 };

async function render(pixels: PixelRunner, cut: Cutout, spec: EditSpecInput, caption: string): Promise<Tile> {
  const job = parseEditSpec({ layout: { outputSize: `${CELL}x${CELL}`, padding: 0.12 }, ...spec, export: { format: 'png' } });
  const backgroundBytes = job.background.type === 'image' ? await readInput(job.background.file) : undefined;
  const edit = await composeEdit(cut, job, { limits: LIMITS, pixels, ...(backgroundBytes ? { backgroundBytes } : {}) }, new StageRecorder());
  const { data, info } = await sharp(edit.image.data).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels as 3 | 4, caption };
}

async function sheet(name: string, title: string, tiles: Tile[], columns: number): Promise<void> {
  const png = await contactSheet(tiles, { columns, cell: 360, title });
  const file = path.join(OUT, `${name}.jpg`);
  await sharp(png).jpeg({ quality: 86 }).toFile(file);
  process.stderr.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

async function main(): Promise<void> {
  await fs.mkdir(OUT, { recursive: true });
  const studio = await Studio.open();
  const segmenter = await studio.segmenter();
  const cuts = new Map<string, Cutout>();
  for (const photo of PHOTOS) {
    const bytes = await readInput(path.join(PHOTOS_DIR, photo));
    cuts.set(photo, await cutoutStages(bytes, { quality: 'best', refine: true, decontaminate: true }, { segmenter, pixels: studio.pixels, limits: LIMITS }, new StageRecorder()));
  }
  const base = (p: string) => p.replace(/\.\w+$/, '');

  // Every template with its suggested shadow, for each photo.
  for (const photo of PHOTOS) {
    const tiles = [];
    for (const t of TEMPLATES) tiles.push(await render(studio.pixels, cuts.get(photo)!, { background: `template:${t.name}` }, `${t.name} (${t.shadow})`));
    await sheet(`templates-${base(photo)}`, `${photo} on every template, with the template's shadow`, tiles, 4);
  }

  // Every shadow mode on two plain studios.
  const shadows = ['none', 'soft', 'hard', 'floating', 'reflection'] as const;
  const tiles: Tile[] = [];
  for (const photo of PHOTOS.slice(0, 2)) {
    for (const bg of ['template:white-seamless', 'template:studio-grey']) {
      for (const mode of shadows) tiles.push(await render(studio.pixels, cuts.get(photo)!, { background: bg, shadow: mode }, `${base(photo)} ${bg.slice(9)} ${mode}`));
    }
  }
  await sheet('shadows', 'Shadow modes: none, soft, hard, floating, reflection', tiles, 5);

  // Prompts, with harmonised lighting.
  const prompts = [
    'white marble counter, soft morning light, eucalyptus shadows',
    'light oak table in a cozy kitchen, warm afternoon light',
    'alpine mountains at golden hour',
    'pastel pink podium, minimal, airy',
    'dark moody concrete, dramatic side light from the left',
    'sandy beach at sunset',
    'terrazzo surface with palm shadows',
    'deep navy studio with bokeh lights',
  ];
  const promptTiles: Tile[] = [];
  for (const prompt of prompts) promptTiles.push(await render(studio.pixels, cuts.get('coffee.png')!, { background: prompt, lighting: 'harmonize' }, prompt.length > 40 ? `${prompt.slice(0, 38)}...` : prompt));
  await sheet('prompts', 'Prompts (coffee.png, seed from the prompt, lighting harmonize)', promptTiles, 4);

  // Marketplace presets at their own sizes.
  const presetTiles: Tile[] = [];
  for (const preset of ['amazon-main', 'google-shopping', 'ebay', 'etsy', 'shopify', 'instagram-portrait']) {
    const job = parseEditSpec({ layout: { preset }, ...(preset === 'etsy' || preset === 'instagram-portrait' ? { background: 'template:light-oak' } : {}) });
    const edit = await composeEdit(cuts.get('motorcycle_left.png')!, job, { limits: LIMITS, pixels: studio.pixels }, new StageRecorder());
    const { data, info } = await sharp(edit.image.data).raw().toBuffer({ resolveWithObject: true });
    presetTiles.push({ data, width: info.width, height: info.height, channels: info.channels as 3 | 4, caption: `${preset} ${info.width}x${info.height}` });
  }
  await sheet('presets', 'Marketplace presets (motorcycle_left.png)', presetTiles, 3);
  await studio.close();
}

await main();
