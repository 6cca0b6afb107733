/**
 * The SILHOUETTE quality set: 1.5 MP composites whose alpha is exact at full resolution, so
 * matte upsampling is exercised and scored (the composite set is smaller than the working size).
 *
 * Each is a product silhouette (bottle, mug, ring, sneaker, vase, lamp, watch, headphones) drawn
 * as a vector path and rendered anti-aliased by sharp (alpha = exact pixel coverage), filled with
 * a real photo's texture and laid over a real background: I = aF + (1-a)B per pixel, in float.
 * Bias: the shapes are clean and the fills are not the objects they outline; it measures how well
 * a matte follows a sharp, known edge, not whether the network recognises a mug.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { ASSETS_DIR, PHOTOS_DIR, WORK_DIR } from './paths.ts';

export const SILHOUETTE_DIR = path.join(WORK_DIR, 'silhouettes');
export const SILHOUETTE_SET = {
  imgDir: path.join(SILHOUETTE_DIR, 'img'),
  gtDir: path.join(SILHOUETTE_DIR, 'gt'),
  predRoot: path.join(SILHOUETTE_DIR, 'pred'),
};
export const SILHOUETTE_SIZE = { width: 1500, height: 1000 };

/** Paths in a 300x200 view box, with the photo that fills each and the background it is laid on (also the touch-up cases'). */
export const SHAPES: ReadonlyArray<readonly [name: string, path: string, fill: string, background: string]> = [
  ['bottle', 'M140 20 h20 v30 q30 15 30 50 v85 q0 10 -10 10 h-60 q-10 0 -10 -10 v-85 q0 -35 30 -50 z', 'coffee.png', 'brick.png'],
  ['mug', 'M95 45 h90 v110 q0 20 -20 20 h-50 q-20 0 -20 -20 z M185 70 h15 q30 0 30 35 q0 35 -30 35 h-15 v-16 h13 q16 0 16 -19 q0 -19 -16 -19 h-13 z', 'astronaut.png', 'gravel.png'],
  ['ring', 'M150 25 a75 75 0 1 0 0.1 0 z M150 60 a40 40 0 1 1 -0.1 0 z', 'chelsea.png', 'grass.png'],
  ['sneaker', 'M40 150 q0 -40 30 -55 q20 -25 50 -30 q20 40 60 40 q70 5 85 30 q10 20 -5 25 h-200 q-20 0 -20 -10 z', 'motorcycle_left.png', 'hubble_deep_field.jpg'],
  ['vase', 'M125 15 h50 q-5 25 10 45 q40 40 15 100 q-10 25 -50 25 q-40 0 -50 -25 q-25 -60 15 -100 q15 -20 10 -45 z', 'rocket.jpg', 'moon.png'],
  ['lamp', 'M110 20 h80 l30 70 h-65 v70 h40 v20 h-100 v-20 h40 v-70 h-55 z', 'coffee.png', 'grass.png'],
  ['watch', 'M135 5 h30 v45 a50 50 0 0 1 0 100 v45 h-30 v-45 a50 50 0 0 1 0 -100 z M150 68 a32 32 0 1 0 0.1 0 z', 'astronaut.png', 'brick.png'],
  ['headphones', 'M70 140 q0 -110 80 -110 q80 0 80 110 h-14 q0 -96 -66 -96 q-66 0 -66 96 z M62 120 h34 v60 h-34 z M204 120 h34 v60 h-34 z', 'chelsea.png', 'gravel.png'],
];

/** A grayscale texture is tinted so the background reads as a surface, not a grey card. */
export const TINTS: Record<string, readonly [number, number, number]> = {
  'brick.png': [1, 0.72, 0.6],
  'gravel.png': [1, 0.93, 0.8],
  'grass.png': [0.75, 1, 0.7],
  'moon.png': [0.85, 0.9, 1],
};

async function rgb(file: string, width: number, height: number): Promise<Buffer> {
  return sharp(file).resize(width, height, { fit: 'cover' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
}

/** Builds the set if it is missing or incomplete; returns the composite names. */
export async function buildSilhouetteSet(): Promise<string[]> {
  const { width, height } = SILHOUETTE_SIZE;
  fs.mkdirSync(SILHOUETTE_SET.imgDir, { recursive: true });
  fs.mkdirSync(SILHOUETTE_SET.gtDir, { recursive: true });
  const names: string[] = [];
  for (const [shape, d, fill, background] of SHAPES) {
    const name = `${shape}_on_${background.replace(/\..*$/, '')}`;
    names.push(name);
    const imgFile = path.join(SILHOUETTE_SET.imgDir, `${name}.png`);
    const gtFile = path.join(SILHOUETTE_SET.gtDir, `${name}.png`);
    if (fs.existsSync(imgFile) && fs.existsSync(gtFile)) continue;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 300 200"><path fill="#fff" fill-rule="evenodd" d="${d}"/></svg>`;
    const alpha = await sharp(Buffer.from(svg)).ensureAlpha().extractChannel(3).raw().toBuffer();
    const fg = await rgb(path.join(PHOTOS_DIR, fill), width, height);
    const bg = await rgb(path.join(ASSETS_DIR, background), width, height);
    const tint = TINTS[background] ?? [1, 1, 1];
    const out = Buffer.alloc(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      const a = alpha[i]! / 255;
      for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(a * fg[i * 3 + c]! + (1 - a) * Math.min(255, bg[i * 3 + c]! * tint[c]!));
    }
    await sharp(out, { raw: { width, height, channels: 3 } }).png().toFile(imgFile);
    await sharp(alpha, { raw: { width, height, channels: 1 } }).png().toFile(gtFile);
  }
  return names;
}
