/**
 * The real photographs the proxies are made of (all committed: scikit-image BSD samples in
 * test/fixtures/photos and bench/assets, scipy's public-domain raccoon; see bench/assets/README.md),
 * and the crops of them that serve as object materials and as backgrounds.
 */
import path from 'node:path';
import sharp from 'sharp';
import { ASSETS_DIR, PHOTOS_DIR } from '../paths.ts';
import type { Size } from './raster.ts';

export interface Photo {
  width: number;
  height: number;
  rgb: Uint8Array;
}

type Crop = readonly [x: number, y: number, w: number, h: number];

export interface SourceSpec {
  file: string;
  crop?: Crop;
  /** Multiplies a grayscale source into a colour. */
  tint?: readonly [number, number, number];
  /** As a surface: stretched over the frame rather than tiled (a grain that tiling would mirror visibly). */
  stretch?: boolean;
}

const P = (f: string) => path.join(PHOTOS_DIR, f);
const A = (f: string) => path.join(ASSETS_DIR, f);

/** A material seen in a real photo, stretched over the object (no tiling, so no seams). */
interface PhotoMaterial extends SourceSpec {
  kind: 'photo';
}

/** Paint or plastic: a flat colour with the luminance grain of a real photo (isotropic, tiled). */
interface FlatMaterial {
  kind: 'flat';
  colour: readonly [number, number, number];
  grain: SourceSpec;
  /** Relative strength of the grain. */
  amount: number;
}

export type Material = PhotoMaterial | FlatMaterial;

const GRAIN_FINE: SourceSpec = { file: A('gravel.png') };
const GRAIN_SOFT: SourceSpec = { file: A('moon.png') };

/** Surfaces for objects: what a real product's material looks like up close. */
export const MATERIALS = {
  wood: { kind: 'photo', file: P('coffee.png'), crop: [470, 0, 130, 400] },
  darkwood: { kind: 'photo', file: P('coffee.png'), crop: [0, 60, 90, 200] },
  chrome: { kind: 'photo', file: P('motorcycle_left.png'), crop: [340, 245, 130, 85] },
  silver: { kind: 'photo', file: P('motorcycle_left.png'), crop: [340, 245, 130, 85], tint: [0.9, 0.95, 1.05] },
  brass: { kind: 'photo', file: P('motorcycle_left.png'), crop: [340, 245, 130, 85], tint: [1.05, 0.82, 0.45] },
  redpaint: { kind: 'flat', colour: [196, 28, 24], grain: GRAIN_SOFT, amount: 0.15 },
  orange: { kind: 'flat', colour: [232, 110, 30], grain: GRAIN_FINE, amount: 0.25 },
  blue: { kind: 'flat', colour: [40, 80, 170], grain: GRAIN_SOFT, amount: 0.15 },
  black: { kind: 'flat', colour: [38, 38, 42], grain: GRAIN_FINE, amount: 0.3 },
  white: { kind: 'flat', colour: [225, 222, 215], grain: GRAIN_SOFT, amount: 0.1 },
  rubber: { kind: 'flat', colour: [30, 30, 30], grain: GRAIN_FINE, amount: 0.4 },
  catfur: { kind: 'photo', file: P('chelsea.png'), crop: [0, 60, 120, 240] },
  greyfur: { kind: 'photo', file: A('raccoon.jpg'), crop: [0, 0, 330, 300] },
  frond: { kind: 'photo', file: A('raccoon.jpg'), crop: [0, 430, 450, 338] },
  grass: { kind: 'photo', file: A('grass.png'), tint: [0.55, 0.9, 0.4] },
  yarnred: { kind: 'flat', colour: [170, 40, 60], grain: GRAIN_FINE, amount: 0.5 },
  yarnblue: { kind: 'flat', colour: [60, 90, 150], grain: GRAIN_FINE, amount: 0.5 },
  hairbrown: { kind: 'photo', file: A('raccoon.jpg'), crop: [0, 0, 330, 300], tint: [0.75, 0.5, 0.3] },
  hairblond: { kind: 'photo', file: A('raccoon.jpg'), crop: [0, 0, 330, 300], tint: [1.15, 0.95, 0.6] },
} as const satisfies Record<string, Material>;
export type MaterialName = keyof typeof MATERIALS;

/** Surfaces an object stands or lies on, used at (about) their native scale: sharp texture. */
export const SURFACES = {
  tabletop: { file: P('coffee.png'), crop: [492, 0, 108, 400], stretch: true },
  concrete: { file: P('motorcycle_left.png'), crop: [0, 432, 305, 68], stretch: true },
  gravel: { file: A('gravel.png'), tint: [0.98, 0.9, 0.76] },
  brick: { file: A('brick.png'), tint: [1.0, 0.66, 0.52] },
  grass: { file: A('grass.png'), tint: [0.6, 0.95, 0.45] },
  coins: { file: A('coins.png'), tint: [0.85, 0.82, 0.78] },
  moon: { file: A('moon.png'), tint: [0.8, 0.86, 0.95] },
  ihc: { file: A('ihc.png') },
} as const satisfies Record<string, SourceSpec>;
export type SurfaceName = keyof typeof SURFACES;

/** Busy scenes behind the object (upscaled, so shown with a depth-of-field blur). */
export const BACKDROPS = {
  shelves: { file: P('motorcycle_left.png'), crop: [330, 0, 411, 250] },
  workshop: { file: P('motorcycle_left.png'), crop: [0, 0, 330, 300] },
  launchpad: { file: P('rocket.jpg') },
  fronds: { file: A('raccoon.jpg'), crop: [0, 400, 1024, 368] },
  field: { file: A('camera.png'), crop: [280, 0, 232, 512], tint: [0.95, 1.0, 0.9] },
  hubble: { file: A('hubble_deep_field.jpg') },
  retina: { file: A('retina_crop.jpg') },
  coffee: { file: P('coffee.png'), crop: [0, 0, 180, 400] },
} as const satisfies Record<string, SourceSpec>;
export type BackdropName = keyof typeof BACKDROPS;

const cache = new Map<string, Promise<Photo>>();

export function loadSource(spec: SourceSpec): Promise<Photo> {
  const key = JSON.stringify(spec);
  let p = cache.get(key);
  if (!p) {
    p = (async () => {
      let img = sharp(spec.file).removeAlpha().toColourspace('srgb');
      if (spec.crop) img = img.extract({ left: spec.crop[0], top: spec.crop[1], width: spec.crop[2], height: spec.crop[3] });
      const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
      const rgb = new Uint8Array(info.width * info.height * 3);
      for (let i = 0; i < info.width * info.height; i++) {
        for (let c = 0; c < 3; c++) {
          const v = data[i * info.channels + Math.min(c, info.channels - 1)]! * (spec.tint ? spec.tint[c]! : 1);
          rgb[i * 3 + c] = Math.min(255, Math.round(v));
        }
      }
      return { width: info.width, height: info.height, rgb };
    })();
    cache.set(key, p);
  }
  return p;
}

/** A photo resized by `scale` (Lanczos), optionally blurred (sigma in output pixels). */
export async function scaled(photo: Photo, scale: number, sigma = 0): Promise<Photo> {
  const width = Math.max(1, Math.round(photo.width * scale));
  const height = Math.max(1, Math.round(photo.height * scale));
  let img = sharp(photo.rgb, { raw: { width: photo.width, height: photo.height, channels: 3 } }).resize(width, height, { kernel: 'lanczos3', fit: 'fill' });
  if (sigma >= 0.3) img = img.blur(sigma);
  const data = await img.raw().toBuffer();
  return { width, height, rgb: new Uint8Array(data) };
}

/**
 * Fills width x height with the photo tiled in mirror (so there are no seams), starting at an
 * offset: a surface or a material at the photo's own sharpness.
 */
export function tile(photo: Photo, { width, height }: Size, ox = 0, oy = 0): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  const pw = photo.width;
  const ph = photo.height;
  const mx = new Int32Array(width);
  for (let x = 0; x < width; x++) {
    const t = (((x + ox) % (2 * pw)) + 2 * pw) % (2 * pw);
    mx[x] = t < pw ? t : 2 * pw - 1 - t;
  }
  for (let y = 0; y < height; y++) {
    const t = (((y + oy) % (2 * ph)) + 2 * ph) % (2 * ph);
    const sy = t < ph ? t : 2 * ph - 1 - t;
    for (let x = 0; x < width; x++) {
      const s = (sy * pw + mx[x]!) * 3;
      const d = (y * width + x) * 3;
      out[d] = photo.rgb[s]!;
      out[d + 1] = photo.rgb[s + 1]!;
      out[d + 2] = photo.rgb[s + 2]!;
    }
  }
  return out;
}

/** The photo scaled to cover width x height and centre-cropped (Lanczos), optionally blurred. */
export async function cover(photo: Photo, { width, height }: Size, sigma = 0): Promise<Uint8Array> {
  let img = sharp(photo.rgb, { raw: { width: photo.width, height: photo.height, channels: 3 } }).resize(width, height, { kernel: 'lanczos3', fit: 'cover' });
  if (sigma >= 0.3) img = img.blur(sigma);
  return new Uint8Array(await img.raw().toBuffer());
}
