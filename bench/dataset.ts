/**
 * The bench's data, generated deterministically into bench/work/ (gitignored):
 *
 * - SPEED set: the real photos upscaled (Lanczos) to about 1.5 MP, as quality-92 4:4:4 JPEG.
 * - QUALITY set: composites with a known alpha, I = a*F + (1-a)*B per pixel in float, at the
 *   foreground's native resolution. GT_DIR/<name>.png holds a (8-bit grayscale), IMG_DIR/<name>.png
 *   the composite. See bench/README.md for how each foreground's alpha is obtained and the bias.
 *
 * Run alone: node --import tsx bench/dataset.ts [--regen-fg]
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { Studio } from '../src/index.ts';
import { ASSETS_DIR, FG_DIR, GT_DIR, IMG_DIR, isMain, PHOTOS_DIR, SPEED_DIR } from './paths.ts';

export const SPEED_TARGET_PIXELS = 1_500_000;

export interface SpeedImage {
  name: string;
  file: string;
  width: number;
  height: number;
  sourceWidth: number;
  sourceHeight: number;
}

export interface QualityImage {
  name: string;
  foreground: string;
  background: string;
  width: number;
  height: number;
  /** Share of pixels with 0 < alpha < 1 in the ground truth. */
  softShare: number;
  /** Share of pixels with alpha >= 0.5. */
  foregroundShare: number;
}

export interface Dataset {
  speed: SpeedImage[];
  quality: QualityImage[];
}

/** Foreground with a known matte: straight (non-premultiplied) colour and alpha quantised to 8 bits. */
interface Foreground {
  width: number;
  height: number;
  rgb: Uint8Array;
  alpha: Uint8Array;
}

/** Greenroom-made foregrounds: the product-like photos, cut out at quality 'best' (frozen in FG_DIR). */
export const GREENROOM_FOREGROUNDS = ['coffee', 'rocket', 'motorcycle_left'] as const;

/**
 * Which backgrounds each foreground is laid on (fixed, so the set is the same on every run).
 * Backgrounds are textures and scenes without a subject of their own: on a photo with its own
 * salient subject (a cat's face, an astronaut) the network rightly finds that subject, and the
 * ground truth becomes ambiguous. No dark background under the black horse.
 */
export const COMPOSITES: ReadonlyArray<readonly [foreground: string, backgrounds: readonly string[]]> = [
  ['horse', ['grass', 'ihc', 'gravel']],
  ['logo', ['brick', 'hubble', 'moon']],
  ['coffee', ['grass', 'moon', 'hubble']],
  ['rocket', ['gravel', 'ihc', 'brick']],
  ['motorcycle_left', ['grass', 'retina', 'hubble']],
];

/** How each foreground's ground-truth alpha is known. */
export const GROUND_TRUTH: Record<string, string> = {
  horse: 'exact: black silhouette anti-aliased on white, a = 1 - L/255 (near-binary edge)',
  logo: 'exact: fitted disc coverage (binary inside, 1 px soft rim)',
  coffee: "greenroom's own cutout at quality best (refined)",
  rocket: "greenroom's own cutout at quality best (refined); mostly semi-transparent",
  motorcycle_left: "greenroom's own cutout at quality best (refined)",
};

/** Backgrounds: file and, for the grayscale textures, the tint that colourises them. */
const BACKGROUNDS: Record<string, { file: string; tint?: [number, number, number] }> = {
  grass: { file: path.join(ASSETS_DIR, 'grass.png'), tint: [0.6, 0.95, 0.42] },
  gravel: { file: path.join(ASSETS_DIR, 'gravel.png'), tint: [0.98, 0.88, 0.72] },
  brick: { file: path.join(ASSETS_DIR, 'brick.png'), tint: [1.0, 0.6, 0.46] },
  moon: { file: path.join(ASSETS_DIR, 'moon.png'), tint: [0.78, 0.86, 1.0] },
  ihc: { file: path.join(ASSETS_DIR, 'ihc.png') },
  hubble: { file: path.join(ASSETS_DIR, 'hubble_deep_field.jpg') },
  retina: { file: path.join(ASSETS_DIR, 'retina_crop.jpg') },
};

function photoFile(name: string): string {
  const file = fs.readdirSync(PHOTOS_DIR).find((f) => f.replace(/\.\w+$/, '') === name);
  if (!file) throw new Error(`No photo named ${name} in ${PHOTOS_DIR}`);
  return path.join(PHOTOS_DIR, file);
}

// ---------------------------------------------------------------------------------------------
// SPEED set

export async function buildSpeedSet(): Promise<SpeedImage[]> {
  fs.mkdirSync(SPEED_DIR, { recursive: true });
  const out: SpeedImage[] = [];
  for (const file of fs.readdirSync(PHOTOS_DIR).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort()) {
    const name = file.replace(/\.\w+$/, '');
    const meta = await sharp(path.join(PHOTOS_DIR, file)).metadata();
    const scale = Math.sqrt(SPEED_TARGET_PIXELS / (meta.width! * meta.height!));
    const width = Math.round(meta.width! * scale);
    const height = Math.round(meta.height! * scale);
    const dest = path.join(SPEED_DIR, `${name}.jpg`);
    const data = await sharp(path.join(PHOTOS_DIR, file))
      .removeAlpha()
      .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
      .jpeg({ quality: 92, chromaSubsampling: '4:4:4' })
      .toBuffer();
    writeIfChanged(dest, data);
    out.push({ name, file: dest, width, height, sourceWidth: meta.width!, sourceHeight: meta.height! });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Foregrounds with a known alpha

/** horse.png: a black silhouette anti-aliased onto white (its alpha channel is all 255); coverage a = 1 - L/255, F = black. */
async function horseForeground(): Promise<Foreground> {
  const { data, info } = await sharp(path.join(ASSETS_DIR, 'horse.png')).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  const alpha = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const lum = (data[i * 3] + data[i * 3 + 1] + data[i * 3 + 2]) / 3;
    alpha[i] = 255 - Math.round(lum);
  }
  return { width: info.width, height: info.height, rgb: new Uint8Array(n * 3), alpha };
}

/**
 * logo.png: a disc on white (its alpha channel is all 255; a white band inside the disc reaches
 * its rim, so no colour key works). The rim is fitted as a circle; a is the disc's coverage of
 * each pixel (signed-distance approximation), F the logo's colour, taken 3 px inside the rim for
 * the rim pixels (whose colour is blended with the white page).
 */
async function logoForeground(): Promise<Foreground> {
  const { data, info } = await sharp(path.join(ASSETS_DIR, 'logo.png')).flatten({ background: '#ffffff' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const ink = (x: number, y: number) => {
    const i = (y * w + x) * 3;
    return Math.min(data[i], data[i + 1], data[i + 2]) < 245;
  };
  // Rim points: first and last inked pixel of every row and column (outer pixel edges).
  const pts: Array<[number, number]> = [];
  for (let y = 0; y < h; y++) {
    let l = -1;
    let r = -1;
    for (let x = 0; x < w; x++) if (ink(x, y)) { if (l < 0) l = x; r = x; }
    if (l >= 0) pts.push([l, y + 0.5], [r + 1, y + 0.5]);
  }
  for (let x = 0; x < w; x++) {
    let t = -1;
    let b = -1;
    for (let y = 0; y < h; y++) if (ink(x, y)) { if (t < 0) t = y; b = y; }
    if (t >= 0) pts.push([x + 0.5, t], [x + 0.5, b + 1]);
  }
  let circle = fitCircle(pts);
  // Refit without outliers (rows/columns where the inner white band reaches the rim).
  circle = fitCircle(pts.filter(([x, y]) => Math.abs(Math.hypot(x - circle.cx, y - circle.cy) - circle.r) < 2));
  const { cx, cy, r } = circle;
  const n = w * h;
  const alpha = new Uint8Array(n);
  const rgb = new Uint8Array(n * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const d = Math.hypot(dx, dy);
      const a = Math.min(1, Math.max(0, r - d + 0.5));
      alpha[i] = Math.round(a * 255);
      let sx = x;
      let sy = y;
      if (d > r - 3 && d > 0) {
        const k = (r - 3) / d;
        sx = Math.min(w - 1, Math.max(0, Math.floor(cx + dx * k)));
        sy = Math.min(h - 1, Math.max(0, Math.floor(cy + dy * k)));
      }
      const s = (sy * w + sx) * 3;
      if (alpha[i] > 0) {
        rgb[i * 3] = data[s];
        rgb[i * 3 + 1] = data[s + 1];
        rgb[i * 3 + 2] = data[s + 2];
      }
    }
  }
  return { width: w, height: h, rgb, alpha };
}

/** Algebraic (Kasa) least-squares circle fit. */
function fitCircle(pts: ReadonlyArray<readonly [number, number]>): { cx: number; cy: number; r: number } {
  // Minimise sum (x^2 + y^2 + D x + E y + F)^2: normal equations, 3x3.
  const m = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const v = [0, 0, 0];
  for (const [x, y] of pts) {
    const row = [x, y, 1];
    const z = -(x * x + y * y);
    for (let a = 0; a < 3; a++) {
      v[a] += row[a] * z;
      for (let b = 0; b < 3; b++) m[a][b] += row[a] * row[b];
    }
  }
  const [D, E, F] = solve3(m, v);
  const cx = -D / 2;
  const cy = -E / 2;
  return { cx, cy, r: Math.sqrt(cx * cx + cy * cy - F) };
}

function solve3(m: number[][], v: number[]): [number, number, number] {
  const det = (a: number[][]) =>
    a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
  const d = det(m);
  const col = (k: number) => m.map((row, i) => row.map((x, j) => (j === k ? v[i] : x)));
  return [det(col(0)) / d, det(col(1)) / d, det(col(2)) / d];
}

/**
 * A product-like photo cut out by greenroom at quality 'best' (refine + decontaminate): alpha
 * becomes the ground truth, the decontaminated colour the foreground. Frozen in FG_DIR (committed)
 * so the ground truth does not move when the matte code changes; regenerated only when missing
 * or with --regen-fg.
 */
async function greenroomForeground(name: string, openStudio: () => Promise<Studio>, regen: boolean): Promise<Foreground> {
  const file = path.join(FG_DIR, `${name}.png`);
  if (regen || !fs.existsSync(file)) {
    const studio = await openStudio();
    const result = await studio.cutout(photoFile(name), { quality: 'best', refine: true, decontaminate: true, channels: 'rgba', format: 'png' });
    const { data, info } = await sharp(result.image.data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < info.width * info.height; i++) if (data[i * 4 + 3] === 0) data[i * 4] = data[i * 4 + 1] = data[i * 4 + 2] = 0;
    fs.mkdirSync(FG_DIR, { recursive: true });
    await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }).png({ compressionLevel: 9 }).toFile(file);
  }
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const n = info.width * info.height;
  const rgb = new Uint8Array(n * 3);
  const alpha = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    rgb[i * 3] = data[i * 4];
    rgb[i * 3 + 1] = data[i * 4 + 1];
    rgb[i * 3 + 2] = data[i * 4 + 2];
    alpha[i] = data[i * 4 + 3];
  }
  return { width: info.width, height: info.height, rgb, alpha };
}

async function loadForeground(name: string, openStudio: () => Promise<Studio>, regen: boolean): Promise<Foreground> {
  if (name === 'horse') return horseForeground();
  if (name === 'logo') return logoForeground();
  return greenroomForeground(name, openStudio, regen);
}

/** A background covering width x height (centre crop), colourised when it is a grayscale texture. */
async function loadBackground(name: string, width: number, height: number): Promise<Uint8Array> {
  const spec = BACKGROUNDS[name];
  if (!spec) throw new Error(`Unknown background ${name}`);
  const { data } = await sharp(spec.file)
    .removeAlpha()
    .toColourspace('srgb')
    .resize(width, height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (data.length !== width * height * 3) throw new Error(`Background ${name}: expected RGB`);
  if (spec.tint) {
    const [tr, tg, tb] = spec.tint;
    for (let i = 0; i < width * height; i++) {
      const g = data[i * 3];
      data[i * 3] = Math.round(g * tr);
      data[i * 3 + 1] = Math.round(g * tg);
      data[i * 3 + 2] = Math.round(g * tb);
    }
  }
  return data;
}

// ---------------------------------------------------------------------------------------------
// QUALITY set

export async function buildQualitySet(openStudio: () => Promise<Studio>, regenForegrounds = false): Promise<QualityImage[]> {
  fs.mkdirSync(GT_DIR, { recursive: true });
  fs.mkdirSync(IMG_DIR, { recursive: true });
  const out: QualityImage[] = [];
  const names = new Set<string>();
  for (const [fgName, backgrounds] of COMPOSITES) {
    const fg = await loadForeground(fgName, openStudio, regenForegrounds);
    const { width, height, rgb, alpha } = fg;
    const n = width * height;
    let soft = 0;
    let fore = 0;
    for (let i = 0; i < n; i++) {
      if (alpha[i] > 0 && alpha[i] < 255) soft++;
      if (alpha[i] >= 128) fore++;
    }
    const gtPng = await sharp(Buffer.from(alpha), { raw: { width, height, channels: 1 } }).png({ compressionLevel: 9 }).toBuffer();
    for (const bgName of backgrounds) {
      const name = `${fgName}_on_${bgName}`;
      names.add(name);
      const bg = await loadBackground(bgName, width, height);
      const img = new Uint8Array(n * 3);
      for (let i = 0; i < n; i++) {
        const a = alpha[i] / 255;
        for (let c = 0; c < 3; c++) img[i * 3 + c] = Math.round(a * rgb[i * 3 + c] + (1 - a) * bg[i * 3 + c]);
      }
      writeIfChanged(path.join(GT_DIR, `${name}.png`), gtPng);
      const imgPng = await sharp(Buffer.from(img), { raw: { width, height, channels: 3 } }).png({ compressionLevel: 6 }).toBuffer();
      writeIfChanged(path.join(IMG_DIR, `${name}.png`), imgPng);
      out.push({ name, foreground: fgName, background: bgName, width, height, softShare: soft / n, foregroundShare: fore / n });
    }
  }
  // Stale files from an older table would be scored too: remove them.
  for (const dir of [GT_DIR, IMG_DIR]) for (const f of fs.readdirSync(dir)) if (!names.has(f.replace(/\.png$/, ''))) fs.rmSync(path.join(dir, f));
  return out;
}

export async function buildDataset(openStudio: () => Promise<Studio>, options: { regenForegrounds?: boolean } = {}): Promise<Dataset> {
  const speed = await buildSpeedSet();
  const quality = await buildQualitySet(openStudio, options.regenForegrounds ?? false);
  return { speed, quality };
}

function writeIfChanged(file: string, data: Uint8Array): void {
  if (fs.existsSync(file) && Buffer.compare(fs.readFileSync(file), data) === 0) return;
  fs.writeFileSync(file, data);
}

if (isMain(import.meta.url)) {
  const { Studio } = await import('../src/index.ts');
  let studio: Studio | undefined;
  const ds = await buildDataset(async () => (studio ??= await Studio.open()), { regenForegrounds: process.argv.includes('--regen-fg') });
  await studio?.close();
  console.log(JSON.stringify(ds, null, 1));
}
