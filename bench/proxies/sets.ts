/**
 * The proxy quality sets, generated deterministically into bench/work/proxies/<set>/ (gitignored)
 * from committed photos: img/<name>.jpg|png and gt/<name>.png (the exact alpha composited).
 * A set is rebuilt only when its generator's version or an image is missing.
 *
 * Run alone: node --import tsx bench/proxies/sets.ts [hires-thin,soft-edge,small,frame-cut,glossy,cords,foliage] [--force]
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMain, WORK_DIR } from '../paths.ts';
import { buildHires, HIRES_COUNT } from './hires-thin.ts';
import { buildSmall, SMALL_COUNT } from './small.ts';
import { buildSoft, SOFT_COUNT } from './soft-edge.ts';
import { buildCords, CORDS_COUNT } from './cords.ts';
import { buildFoliage, FOLIAGE_COUNT } from './foliage.ts';
import { buildFrameCut, FRAME_CUT_COUNT } from './frame-cut.ts';
import { buildGlossy, GLOSSY_COUNT } from './glossy.ts';
import type { ProxyImage } from './types.ts';

export const PROXY_DIR = path.join(WORK_DIR, 'proxies');

export interface ProxySetSpec {
  id: string;
  /** What the set mimics, for reports. */
  mimics: string;
  count: number;
  build: (index: number) => Promise<ProxyImage>;
  /** Bump when the generator changes, so stale images are rebuilt. */
  version: number;
}

export const PROXY_SETS: readonly ProxySetSpec[] = [
  { id: 'hires-thin', mimics: 'high-res objects with thin structures, binary (79 real, median 7 MP)', count: HIRES_COUNT, build: buildHires, version: 5 },
  { id: 'soft-edge', mimics: 'studio objects with soft alpha: fur, plants, glass, blur (27 real, 0.4-0.6 MP)', count: SOFT_COUNT, build: buildSoft, version: 2 },
  { id: 'small', mimics: 'salient objects below the working size, binary and soft (300 real, <= 0.16 MP)', count: SMALL_COUNT, build: buildSmall, version: 4 },
  // Issue 16: the failures none of the sets above contains.
  { id: 'frame-cut', mimics: 'subjects cut by the frame (plant filling it, hanging yarn), and busy scenes a bordered pass could turn into a picture', count: FRAME_CUT_COUNT, build: buildFrameCut, version: 1 },
  { id: 'glossy', mimics: 'glossy beads, ceramics, chrome on pale backdrops their highlights match; true see-through holes (1.5-12 MP)', count: GLOSSY_COUNT, build: buildGlossy, version: 1 },
  { id: 'cords', mimics: 'smooth cords and rims at 4-7x upsampling (9-13 MP): contours that must not come back ragged', count: CORDS_COUNT, build: buildCords, version: 1 },
  { id: 'foliage', mimics: 'products and open frames before sharp foliage and on gravel, mostly small (specks; holes that are real)', count: FOLIAGE_COUNT, build: buildFoliage, version: 1 },
];

export interface BuiltSet {
  id: string;
  imgDir: string;
  gtDir: string;
  /** name -> image file. */
  images: Array<{ name: string; file: string; width: number; height: number; meta: Record<string, string | number> }>;
}

interface Manifest {
  version: number;
  images: BuiltSet['images'];
}

/** Builds (or reuses) one proxy set. */
export async function buildProxySet(id: string, options: { force?: boolean; log?: (s: string) => void } = {}): Promise<BuiltSet> {
  const spec = PROXY_SETS.find((s) => s.id === id);
  if (!spec) throw new Error(`Unknown proxy set ${id}; known: ${PROXY_SETS.map((s) => s.id).join(', ')}`);
  const dir = path.join(PROXY_DIR, id);
  const imgDir = path.join(dir, 'img');
  const gtDir = path.join(dir, 'gt');
  const manifestFile = path.join(dir, 'manifest.json');
  if (!options.force && fs.existsSync(manifestFile)) {
    const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    if (m.version === spec.version && m.images.length === spec.count && m.images.every((i) => fs.existsSync(i.file) && fs.existsSync(path.join(gtDir, `${i.name}.png`)))) {
      return { id, imgDir, gtDir, images: m.images };
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(imgDir, { recursive: true });
  fs.mkdirSync(gtDir, { recursive: true });
  const images: BuiltSet['images'] = [];
  const t = performance.now();
  for (let i = 0; i < spec.count; i++) {
    const im = await spec.build(i);
    const file = path.join(imgDir, `${im.name}.${im.ext}`);
    fs.writeFileSync(file, im.image);
    fs.writeFileSync(path.join(gtDir, `${im.name}.png`), im.gt);
    images.push({ name: im.name, file, width: im.width, height: im.height, meta: im.meta });
    options.log?.(`  ${id} ${i + 1}/${spec.count} ${im.name} (${im.width}x${im.height})`);
  }
  fs.writeFileSync(manifestFile, JSON.stringify({ version: spec.version, images } satisfies Manifest, null, 1));
  options.log?.(`  built ${id}: ${images.length} images in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  return { id, imgDir, gtDir, images };
}

if (isMain(import.meta.url)) {
  const ids = (process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2].split(',') : PROXY_SETS.map((s) => s.id));
  for (const id of ids) await buildProxySet(id, { force: process.argv.includes('--force'), log: console.log });
}
