/**
 * The touch-up gallery: on the bundled motorcycle photo, three erase strokes remove the clutter
 * the network kept behind the seat and around the left mirror. Before and after are laid on
 * magenta, which shows any halo of the garage left at the edges. A second sheet shows what each
 * solver makes of the same strokes. `node --import tsx bench/touchup-gallery.ts` writes both.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Studio } from '../src/index.ts';
import { DEFAULT_TUNING } from '../src/matte/edge-solve.ts';
import type { Stroke } from '../src/matte/hints.ts';
import { TouchupSession } from '../src/matte/touchup.ts';
import { BENCH_DIR, isMain, PHOTOS_DIR, WORK_DIR } from './paths.ts';

export const GALLERY_DIR = path.join(BENCH_DIR, 'gallery');

/** Behind the seat; the boxes behind the left mirror; the shelf under the grip (photo pixels, 741x500). */
export const MOTORCYCLE_STROKES: Stroke[] = [
  { mode: 'erase', radius: 6, points: [150, 150, 150, 186] },
  { mode: 'erase', radius: 5, points: [346, 138, 359, 135, 392, 129, 414, 115, 434, 116] },
  { mode: 'erase', radius: 6, points: [340, 172, 345, 158, 358, 150, 372, 147] },
];

/** The translucent shelf behind the tank, between the lever and the fork: a fourth stroke. */
export const MOTORCYCLE_FOURTH: Stroke = { mode: 'erase', radius: 4, points: [402, 170, 420, 166, 445, 165] };

const asHints = (strokes: readonly Stroke[]) => strokes.map((s) => ({ mode: s.mode, radius: s.radius, points: Array.from({ length: s.points.length / 2 }, (_, i) => [s.points[2 * i]!, s.points[2 * i + 1]!] as [number, number]) }));

const MAGENTA: readonly [number, number, number] = [255, 0, 255];

interface Raster {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Colours over a matte, on a flat background. */
function onColour(rgb: Uint8Array, alpha: Uint8Array, width: number, height: number, bg: readonly [number, number, number]): Raster {
  const out = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) {
    const a = alpha[i]! / 255;
    for (let c = 0; c < 3; c++) out[i * 3 + c] = Math.round(a * rgb[i * 3 + c]! + (1 - a) * bg[c]!);
  }
  return { data: out, width, height };
}

/** The photo with the strokes painted over it (erase cyan, keep yellow: colours the photo does not have). */
function withStrokes(rgb: Uint8Array, width: number, height: number, strokes: readonly Stroke[]): Raster {
  const out = Uint8Array.from(rgb);
  for (const s of strokes) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let d = Infinity;
        const p = s.points;
        for (let k = 0; k + 1 < p.length; k += 2) {
          const ax = p[k]!, ay = p[k + 1]!, bx = p[k + 2] ?? ax, by = p[k + 3] ?? ay;
          const dx = bx - ax, dy = by - ay, l2 = dx * dx + dy * dy;
          const t = l2 > 0 ? Math.max(0, Math.min(1, ((x + 0.5 - ax) * dx + (y + 0.5 - ay) * dy) / l2)) : 0;
          d = Math.min(d, Math.hypot(ax + t * dx - x - 0.5, ay + t * dy - y - 0.5));
        }
        if (d > s.radius) continue;
        const i = (y * width + x) * 3;
        const c = s.mode === 'erase' ? [0, 230, 255] : [255, 230, 0];
        for (let k = 0; k < 3; k++) out[i + k] = Math.round(0.25 * out[i + k]! + 0.75 * c[k]!);
      }
    }
  }
  return { data: out, width, height };
}

async function png(r: Raster, crop?: { x: number; y: number; w: number; h: number }, width?: number): Promise<{ input: Buffer; width: number; height: number }> {
  let img = sharp(r.data, { raw: { width: r.width, height: r.height, channels: 3 } });
  if (crop) img = img.extract({ left: crop.x, top: crop.y, width: crop.w, height: crop.h });
  const w = width ?? crop?.w ?? r.width;
  const { data, info } = await img.resize(w, null, { kernel: crop ? 'nearest' : 'lanczos3' }).png().toBuffer({ resolveWithObject: true });
  return { input: data, width: info.width, height: info.height };
}

function label(text: string, width: number, size = 18): Buffer {
  const escaped = text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${size + 14}"><text x="0" y="${size + 4}" font-family="DejaVu Sans, sans-serif" font-size="${size}" fill="#222">${escaped}</text></svg>`);
}

/** Lays out rows of captioned panels on a light sheet. */
async function sheet(title: string, rows: Array<Array<{ caption: string; panel: { input: Buffer; width: number; height: number } }>>, file: string): Promise<void> {
  const gap = 16, cap = 30, titleH = 48;
  const width = Math.max(...rows.map((r) => r.reduce((s, p) => s + p.panel.width + gap, gap)));
  let y = titleH;
  const layers: sharp.OverlayOptions[] = [{ input: label(title, width - 2 * gap, 22), left: gap, top: 10 }];
  for (const row of rows) {
    let x = gap;
    const h = Math.max(...row.map((p) => p.panel.height));
    for (const p of row) {
      layers.push({ input: label(p.caption, p.panel.width, 15), left: x, top: y });
      layers.push({ input: p.panel.input, left: x, top: y + cap });
      x += p.panel.width + gap;
    }
    y += cap + h + gap;
  }
  await sharp({ create: { width, height: y, channels: 3, background: { r: 244, g: 244, b: 242 } } }).composite(layers).png().toFile(file);
}

export async function writeTouchupGallery(studio: Studio, dir = GALLERY_DIR): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const photoFile = path.join(PHOTOS_DIR, 'motorcycle_left.png');
  const photo = await sharp(photoFile).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const { width, height } = photo.info;
  const rgb = new Uint8Array(photo.data);
  const before = await studio.cutout(photoFile, { quality: 'best' });
  const after = await studio.cutout(photoFile, { matte: before.image.data, hints: asHints(MOTORCYCLE_STROKES) });
  const fourth = await studio.cutout(photoFile, { matte: before.image.data, hints: asHints([...MOTORCYCLE_STROKES, MOTORCYCLE_FOURTH]) });
  const unpack = async (bytes: Uint8Array) => {
    const { data } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const c = new Uint8Array(width * height * 3), a = new Uint8Array(width * height);
    for (let i = 0; i < width * height; i++) {
      for (let k = 0; k < 3; k++) c[i * 3 + k] = data[i * 4 + k]!;
      a[i] = data[i * 4 + 3]!;
    }
    return { c, a };
  };
  const b = await unpack(before.image.data), a = await unpack(after.image.data), a4 = await unpack(fourth.image.data);
  const beforeR = onColour(b.c, b.a, width, height, MAGENTA), afterR = onColour(a.c, a.a, width, height, MAGENTA);
  const seat = { x: 105, y: 115, w: 110, h: 100 }, mirror = { x: 320, y: 92, w: 160, h: 100 };
  const hintsMs = after.stages.find((s) => s.stage === 'hints')?.ms ?? 0;
  const main = path.join(dir, 'touchup-motorcycle.png');
  await sheet(`Touch-up: three erase strokes on the motorcycle sample (before: the network's cutout; after: the server's hints stage, ${Math.round(hintsMs)} ms)`, [
    [
      { caption: 'Photo and the three erase strokes (cyan)', panel: await png(withStrokes(rgb, width, height, MOTORCYCLE_STROKES), undefined, 600) },
      { caption: 'Before, on magenta', panel: await png(beforeR, undefined, 600) },
      { caption: 'After, on magenta', panel: await png(afterR, undefined, 600) },
    ],
    [
      { caption: 'Behind the seat, before (x3)', panel: await png(beforeR, seat, seat.w * 3) },
      { caption: 'after', panel: await png(afterR, seat, seat.w * 3) },
      { caption: 'Around the left mirror, before (x3)', panel: await png(beforeR, mirror, mirror.w * 3) },
      { caption: 'after', panel: await png(afterR, mirror, mirror.w * 3) },
    ],
    [
      { caption: 'With a fourth stroke, behind the tank (x3)', panel: await png(onColour(a4.c, a4.a, width, height, MAGENTA), mirror, mirror.w * 3) },
    ],
  ], main);

  // The same strokes through each solver (the photo's colours, no decontamination, so only the mattes differ).
  const variants = [
    { caption: 'geodesic + matting band (default)', solver: 'geodesic' as const, tuning: DEFAULT_TUNING },
    { caption: 'geodesic + guided-filter band', solver: 'geodesic' as const, tuning: { ...DEFAULT_TUNING, bandSolver: 'guided' as const } },
    { caption: 'guided filter of the strokes', solver: 'guided' as const, tuning: DEFAULT_TUNING },
    { caption: 'local matting solve', solver: 'matting' as const, tuning: DEFAULT_TUNING },
  ];
  const panels = [{ caption: 'before', panel: await png(onColour(rgb, b.a, width, height, MAGENTA), mirror, mirror.w * 2) }];
  for (const v of variants) {
    const alpha = Uint8Array.from(b.a);
    const session = new TouchupSession({ rgb, width, height }, alpha, { solver: v.solver, tuning: v.tuning });
    for (const s of MOTORCYCLE_STROKES) session.stroke(s);
    panels.push({ caption: v.caption, panel: await png(onColour(rgb, alpha, width, height, MAGENTA), mirror, mirror.w * 2) });
  }
  const solvers = path.join(dir, 'touchup-solvers.png');
  await sheet('The same three strokes, by solver (around the left mirror, x2)', [panels.slice(0, 3), panels.slice(3)], solvers);
  return [main, solvers];
}

if (isMain(import.meta.url)) {
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data') });
  try {
    for (const f of await writeTouchupGallery(studio)) console.log(`wrote ${path.relative(process.cwd(), f)}`);
  } finally {
    await studio.close();
  }
}
