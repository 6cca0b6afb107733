/**
 * The glossy set: shiny subjects on pale studio backdrops whose highlights reflect, and so match,
 * that backdrop: bead necklaces (varnished dark wood, black glass, metal) on a smooth leather
 * cord, glazed ceramic mugs and vases, chrome kettles, bangles and chains. Several have true
 * see-through holes (a mug's handle, a bangle, chain links, the loop of a necklace) where the
 * backdrop is really seen through the subject, so a rule that fills highlight holes must keep
 * those open. 1.5-12 MP (upsampling 1.5-4x at 1024 px), binary edges through camera optics,
 * scored against the silhouette (holes included). Mimics the 7 MP necklace of the real thin set
 * whose dark beads got transparent holes where their highlights resembled the pale backdrop.
 */
import type { Box } from './objects.ts';
import { chain } from './objects.ts';
import { productSvg } from './products.ts';
import { binaryBytes, camera, castShadow, compositeOver, coverage, emptyForeground, encodeJpeg, encodePng, optics, over, quantiseAlpha, type Foreground, type Size } from './raster.ts';
import { rng, seedOf, type Rng } from './rng.ts';
import { paintedPart } from './scene.ts';
import { glossy, paleSurface, paleSweep, PALE, type Rgb } from './studio.ts';
import type { BackdropName, SurfaceName } from './sources.ts';
import { bezier, ellipse, f, stroke } from './svg.ts';
import type { ProxyImage } from './types.ts';

type GlossySubject = 'necklace' | 'mug' | 'vase' | 'kettle' | 'bangle' | 'chain' | 'bottle';

interface GlossySpec {
  subject: GlossySubject;
  width: number;
  height: number;
  /** Flat lay on a pale surface (from above) or standing before a pale sweep. */
  flat: boolean;
  pale: number;
  /** For sweeps: the scene pulled to the pale colour; for flat lays: the grain's source. */
  backdrop: BackdropName;
  surface: SurfaceName;
}

const SPECS: readonly GlossySpec[] = [
  { subject: 'necklace', width: 3264, height: 2448, flat: true, pale: 1, backdrop: 'coffee', surface: 'moon' },
  { subject: 'necklace', width: 4032, height: 3024, flat: true, pale: 0, backdrop: 'coffee', surface: 'concrete' },
  { subject: 'necklace', width: 2000, height: 1500, flat: true, pale: 2, backdrop: 'coffee', surface: 'moon' },
  { subject: 'necklace', width: 1600, height: 1600, flat: false, pale: 4, backdrop: 'shelves', surface: 'concrete' },
  { subject: 'mug', width: 2048, height: 1536, flat: false, pale: 0, backdrop: 'workshop', surface: 'concrete' },
  { subject: 'mug', width: 1600, height: 1200, flat: false, pale: 3, backdrop: 'shelves', surface: 'tabletop' },
  { subject: 'mug', width: 3000, height: 2000, flat: false, pale: 1, backdrop: 'coffee', surface: 'concrete' },
  { subject: 'vase', width: 1536, height: 2048, flat: false, pale: 2, backdrop: 'retina', surface: 'moon' },
  { subject: 'kettle', width: 2400, height: 1800, flat: false, pale: 4, backdrop: 'workshop', surface: 'concrete' },
  { subject: 'kettle', width: 1800, height: 1800, flat: false, pale: 2, backdrop: 'launchpad', surface: 'concrete' },
  { subject: 'bangle', width: 2400, height: 1800, flat: true, pale: 1, backdrop: 'coffee', surface: 'moon' },
  { subject: 'bangle', width: 1600, height: 1200, flat: true, pale: 3, backdrop: 'coffee', surface: 'concrete' },
  { subject: 'chain', width: 3264, height: 2448, flat: true, pale: 0, backdrop: 'coffee', surface: 'moon' },
  { subject: 'chain', width: 2000, height: 2000, flat: true, pale: 4, backdrop: 'coffee', surface: 'concrete' },
  { subject: 'bottle', width: 1200, height: 1600, flat: false, pale: 0, backdrop: 'shelves', surface: 'concrete' },
  { subject: 'bottle', width: 2448, height: 3264, flat: false, pale: 3, backdrop: 'field', surface: 'moon' },
];

function specName(s: GlossySpec, i: number): string {
  return `${s.subject}_${i}_${((s.width * s.height) / 1e6).toFixed(0)}mp_${s.flat ? 'flat' : 'sweep'}`;
}

export function glossyNames(): string[] {
  return SPECS.map(specName);
}

type Pt = [number, number];

/** Dark glossy beads strung on a smooth leather cord, as a U laid flat or hanging. */
async function necklace(r: Rng, size: Size, b: Box, env: Rgb): Promise<Foreground> {
  const L = Math.max(size.width, size.height);
  const cordW = L * r.range(0.0025, 0.004);
  const from: Pt = [b.x, b.y + b.h * r.range(0, 0.15)];
  const to: Pt = [b.x + b.w, b.y + b.h * r.range(0, 0.15)];
  const sag = b.h * r.range(0.75, 0.95);
  const curve = bezier(from, [from[0] + b.w * 0.05, from[1] + sag * 1.3], [to[0] - b.w * 0.05, to[1] + sag * 1.3], to, 3000);
  const cord = stroke(curve.map(([x, y], i) => `${i ? 'L' : 'M'}${f(x)} ${f(y)}`).join(' '), cordW);
  // Beads along the lower part of the U, each a filled circle, spaced by their diameter.
  const beadR = L * r.range(0.007, 0.012);
  const beads: Array<[number, number, number]> = [];
  let acc = 0;
  for (let i = 1; i < curve.length; i++) {
    acc += Math.hypot(curve[i]![0] - curve[i - 1]![0], curve[i]![1] - curve[i - 1]![1]);
    const t = i / curve.length;
    if (t < 0.22 || t > 0.78) continue;
    const rr = beadR * (beads.length % 5 === 2 ? 1.35 : 1);
    if (acc >= rr * 2.25) {
      beads.push([curve[i]![0], curve[i]![1], rr]);
      acc = 0;
    }
  }
  const fg = emptyForeground(size.width * size.height);
  const cordCov = await coverage(cord, size);
  over(fg, await glossy(cordCov, size, r, { sigma: cordW * 0.6, relief: 1, light: [0.3, -0.7, 1], gloss: 0.25, shininess: 12, environment: env, body: [96, 60, 38], shade: [0.5, 0.6] }));
  const kind = r.pick(['darkwood', 'glass', 'metal'] as const);
  const body: Rgb = kind === 'darkwood' ? [78, 46, 26] : kind === 'glass' ? [24, 24, 28] : [120, 110, 90];
  // Each bead its own layer-free circle: one coverage plane, shaded as round bodies.
  const beadCov = await coverage(beads.map(([x, y, rr]) => ellipse(x, y, rr, rr, null)).join(''), size);
  over(fg, await glossy(beadCov, size, r, { sigma: beadR * 0.4, relief: 1.6, light: [r.range(-0.5, 0.5), -0.7, 1], gloss: kind === 'darkwood' ? 0.75 : 0.95, shininess: kind === 'metal' ? 16 : 25, environment: env, body, shade: [0.4, 0.8] }));
  return fg;
}

/** A glazed mug: body and handle (a see-through loop). */
async function mug(r: Rng, size: Size, b: Box, env: Rgb): Promise<Foreground> {
  const fg = emptyForeground(size.width * size.height);
  const cov = await coverage(productSvg('mug', b), size);
  const glaze: Rgb = r.pick([[30, 40, 90], [20, 20, 22], [140, 30, 30], [40, 80, 60]] as const);
  over(fg, await glossy(cov, size, r, { sigma: b.w * 0.04, relief: 0.8, light: [r.range(-0.5, 0.5), -0.6, 1], gloss: 0.9, shininess: 30, environment: env, body: glaze }));
  return fg;
}

async function solidGlossy(r: Rng, size: Size, b: Box, env: Rgb, shape: string, body: Rgb | 'chrome' | 'silver', gloss: number): Promise<Foreground> {
  const fg = emptyForeground(size.width * size.height);
  const cov = await coverage(productSvg(shape, b), size);
  over(fg, await glossy(cov, size, r, { sigma: b.w * 0.04, relief: 0.9, light: [r.range(-0.5, 0.5), -0.6, 1], gloss, shininess: 35, environment: env, body }));
  return fg;
}

/** A bangle lying flat: a thick ring, the backdrop seen through its middle. */
async function bangle(r: Rng, size: Size, b: Box, env: Rgb): Promise<Foreground> {
  const R = Math.min(b.w, b.h) * 0.4;
  const w = R * r.range(0.12, 0.22);
  const cx = b.x + b.w / 2, cy = b.y + b.h / 2;
  const cov = await coverage(ellipse(cx, cy, R, R * r.range(0.85, 1), w, r.range(0, 90)), size);
  const fg = emptyForeground(size.width * size.height);
  over(fg, await glossy(cov, size, r, { sigma: w * 0.5, relief: 1.4, light: [0.4, -0.7, 1], gloss: 0.95, shininess: 40, environment: env, body: r.pick(['silver', [150, 110, 40], [40, 40, 44]] as const) as Rgb | 'silver' }));
  return fg;
}

export async function buildGlossy(index: number): Promise<ProxyImage> {
  const s = SPECS[index]!;
  const name = specName(s, index);
  const r = rng(seedOf(name));
  const size: Size = { width: s.width, height: s.height };
  const L = Math.max(s.width, s.height);
  const pale = PALE[s.pale]!;
  const bg = s.flat ? await paleSurface(size, r, pale, s.surface, 0.06) : await paleSweep(size, r, pale, s.backdrop, s.surface);
  const mx = s.width * r.range(0.1, 0.18);
  const top = s.height * r.range(0.1, 0.16);
  const box: Box = { x: mx, y: top, w: s.width - 2 * mx, h: s.height * r.range(0.82, 0.9) - top };
  let fg: Foreground;
  switch (s.subject) {
    case 'necklace': fg = await necklace(r, size, box, pale); break;
    case 'mug': fg = await mug(r, size, box, pale); break;
    case 'vase': fg = await solidGlossy(r, size, box, pale, 'vase', r.pick([[235, 235, 230], [60, 90, 140]] as const), 0.85); break;
    case 'kettle': fg = await solidGlossy(r, size, box, pale, 'kettle', r.pick(['chrome', 'silver'] as const), 0.95); break;
    case 'bottle': fg = await solidGlossy(r, size, box, pale, 'bottle', r.pick([[30, 60, 30], [50, 30, 20], [20, 20, 24]] as const), 0.9); break;
    case 'bangle': fg = await bangle(r, size, box, pale); break;
    case 'chain': {
      fg = emptyForeground(s.width * s.height);
      for (const part of chain(r, box, L * 0.0015)) over(fg, await paintedPart(part.svg, size, part.material, r, { scale: L / 1400, sigma: L * 0.002, relief: 1.2, light: [0.3, -0.6, 1] }));
      break;
    }
  }
  quantiseAlpha(fg);
  castShadow(bg, fg.alpha, size, L * (s.flat ? 0.004 : 0.01), L * (s.flat ? 0.006 : 0.004), L * (s.flat ? 0.004 : 0.01), s.flat ? 0.35 : 0.25);
  const img = compositeOver(fg, bg);
  const sigma = r.range(0.7, 1.2) * Math.max(1, L / 2500);
  await optics(img, size, sigma);
  camera(img, size, r, 1.8, 0.12);
  return {
    name,
    ext: 'jpg',
    image: await encodeJpeg(img, size, 90),
    gt: await encodePng(binaryBytes(fg.alpha), size, 1),
    width: s.width,
    height: s.height,
    meta: { subject: s.subject, flat: s.flat ? 1 : 0, factor: +(L / 1024).toFixed(2), optics: +sigma.toFixed(2), holes: ['mug', 'bangle', 'chain', 'necklace'].includes(s.subject) ? 1 : 0 },
  };
}

export const GLOSSY_COUNT = SPECS.length;
