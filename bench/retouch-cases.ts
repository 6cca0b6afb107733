/**
 * Retouch cases with known truth, made from the project's real photos: a region of the photo is
 * masked out and filled, and the photo itself is the truth. Regions are placed by rule where the
 * frozen ground-truth matte (bench/assets/fg) is wholly background or wholly product, so each
 * case tests one side of the matte, which the engine is given (as a seller's cutout would give
 * it). Three mask shapes:
 *
 * - `blob`: an ellipse of 3% of the photo (an object on a table, a stain);
 * - `label`: a rectangle of 1.5% (a price sticker, a label);
 * - `stroke`: a brush stroke 14 px wide across a fifth of the photo (a cable, a scratch).
 *
 * Two more photos without a matte (the cat, the astronaut) get the same shapes anywhere.
 *
 * Bias: regions are placed by rule, not around real objects; the truth under them is what the
 * photo shows there, so a fill that invents a plausible but different texture scores as an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { paintStroke } from '../src/matte/hints.ts';
import { random } from '../src/retouch/patchmatch.ts';
import { FG_DIR, PHOTOS_DIR } from './paths.ts';

export type RetouchSide = 'background' | 'product' | 'anywhere';
export type RetouchShape = 'blob' | 'label' | 'stroke';

export interface RetouchCase {
  name: string;
  photo: string;
  side: RetouchSide;
  shape: RetouchShape;
  width: number;
  height: number;
  /** The photo: the truth. */
  rgb: Uint8Array;
  /** Nonzero where the region is removed. */
  mask: Uint8Array;
  /** The ground-truth matte (0..255), when the photo has one. */
  matte?: Uint8Array;
}

const WITH_MATTE = ['coffee', 'motorcycle_left', 'rocket'];
const WITHOUT_MATTE = ['chelsea', 'astronaut'];

function shapeMask(shape: RetouchShape, width: number, height: number, cx: number, cy: number, angle: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  const area = width * height;
  if (shape === 'blob') {
    const a = Math.sqrt((0.03 * area * 1.4) / Math.PI), b = a / 1.4;
    const ca = Math.cos(angle), sa = Math.sin(angle);
    for (let y = Math.max(0, Math.floor(cy - a)); y < Math.min(height, Math.ceil(cy + a)); y++) {
      for (let x = Math.max(0, Math.floor(cx - a)); x < Math.min(width, Math.ceil(cx + a)); x++) {
        const dx = x + 0.5 - cx, dy = y + 0.5 - cy;
        const u = (dx * ca + dy * sa) / a, v = (-dx * sa + dy * ca) / b;
        if (u * u + v * v <= 1) mask[y * width + x] = 1;
      }
    }
  } else if (shape === 'label') {
    const w = Math.round(Math.sqrt(0.015 * area * 1.6)), h = Math.round(w / 1.6);
    for (let y = Math.round(cy - h / 2); y < Math.round(cy + h / 2); y++) {
      for (let x = Math.round(cx - w / 2); x < Math.round(cx + w / 2); x++) if (x >= 0 && y >= 0 && x < width && y < height) mask[y * width + x] = 1;
    }
  } else {
    const len = width / 5;
    const dx = (Math.cos(angle) * len) / 2, dy = (Math.sin(angle) * len) / 2;
    // A gentle bend, as a hand draws it.
    const points = [cx - dx, cy - dy, cx + dy * 0.25, cy - dx * 0.25, cx + dx, cy + dy];
    paintStroke(mask, { x: 0, y: 0, width, height }, { mode: 'erase', radius: 7, points }, 1);
  }
  return mask;
}

/** Whether every pixel within `margin` of the mask is on `side` of the matte (and inside the photo). */
function fits(mask: Uint8Array, matte: Uint8Array | undefined, side: RetouchSide, width: number, height: number, margin: number): boolean {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      if (x < margin || y < margin || x >= width - margin || y >= height - margin) return false;
      if (!matte || side === 'anywhere') continue;
      for (let dy = -margin; dy <= margin; dy += margin) {
        for (let dx = -margin; dx <= margin; dx += margin) {
          const a = matte[(y + dy) * width + x + dx]!;
          if (side === 'background' ? a !== 0 : a < 250) return false;
        }
      }
    }
  }
  return true;
}

async function loadPhoto(name: string): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const file = ['png', 'jpg'].map((e) => path.join(PHOTOS_DIR, `${name}.${e}`)).find((f) => fs.existsSync(f))!;
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Places `count` masks of a shape on one side of the matte, by a seeded search over a grid. */
function place(shape: RetouchShape, side: RetouchSide, count: number, width: number, height: number, matte: Uint8Array | undefined, seed: number): Uint8Array[] {
  const rand = random(seed);
  const out: Uint8Array[] = [];
  const centres: Array<[number, number]> = [];
  for (let attempt = 0; attempt < 4000 && out.length < count; attempt++) {
    const cx = 20 + rand() * (width - 40), cy = 20 + rand() * (height - 40), angle = rand() * Math.PI;
    // Spread out: not on top of an earlier one.
    if (centres.some(([x, y]) => Math.hypot(x - cx, y - cy) < Math.min(width, height) / 5)) continue;
    const mask = shapeMask(shape, width, height, cx, cy, angle);
    if (!fits(mask, matte, side, width, height, 6)) continue;
    centres.push([cx, cy]);
    out.push(mask);
  }
  return out;
}

export async function buildRetouchCases(): Promise<RetouchCase[]> {
  const cases: RetouchCase[] = [];
  const plan: Array<[RetouchShape, number]> = [['blob', 2], ['label', 1], ['stroke', 2]];
  for (const [i, photo] of [...WITH_MATTE, ...WITHOUT_MATTE].entries()) {
    const { rgb, width, height } = await loadPhoto(photo);
    let matte: Uint8Array | undefined;
    if (WITH_MATTE.includes(photo)) {
      const a = await sharp(path.join(FG_DIR, `${photo}.png`)).ensureAlpha().extractChannel(3).raw().toBuffer();
      matte = new Uint8Array(a.buffer, a.byteOffset, a.length);
    }
    const sides: RetouchSide[] = matte ? ['background', 'product'] : ['anywhere'];
    for (const side of sides) {
      for (const [shape, count] of plan) {
        place(shape, side, count, width, height, matte, 1000 * i + shape.length * 7 + side.length).forEach((mask, k) => {
          cases.push({ name: `${photo}-${side}-${shape}${k + 1}`, photo, side, shape, width, height, rgb, mask, ...(matte ? { matte } : {}) });
        });
      }
    }
  }
  return cases;
}
