/**
 * The frame-cut set: close-ups whose subject runs off one or more sides of the frame (a potted
 * plant that fills it, yarn and hair hanging from above it, plush and products too close to the
 * camera), on plain studio sweeps and on busy scenes; and busy scenes where a pass with a border
 * around the photo would make "a picture of the photo" (subjects crossing the frame or standing on
 * its bottom edge over a busy scene, a second object cut by the edge, small subjects well inside a
 * busy frame). Mimics the real soft-alpha set's two worst photos (a potted plant filling the frame,
 * hanging yarn: the network returned the whole object in faint grey) and the general scenes on
 * which a blindly bordered pass cut out the whole photo (MATTE-FINDINGS 2026-12-06).
 * Soft subjects keep their exact alpha; binary ones are seen through optics and scored against
 * their silhouette, as in the other sets.
 */
import { THIN_OBJECTS, type Box, type ThinObjectName } from './objects.ts';
import { PRODUCT_NAMES, productSvg } from './products.ts';
import { alphaBytes, binaryBytes, blur, blurForeground, camera, castShadow, compositeOver, coverage, defocusRgb, emptyForeground, encodeJpeg, encodePng, optics, over, quantiseAlpha, type Foreground, type Size } from './raster.ts';
import { rng, seedOf, type Rng } from './rng.ts';
import { paint, paintedPart, scene } from './scene.ts';
import { fringe, light, SOFT_SUBJECTS, texScale, type SoftSubjectName } from './soft.ts';
import type { BackdropName, MaterialName, SurfaceName } from './sources.ts';
import { bezier, poly, stroke } from './svg.ts';
import type { ProxyImage } from './types.ts';

type Subject =
  | { kind: 'soft'; name: SoftSubjectName | 'hangingYarn' }
  | { kind: 'product'; name: string; material: MaterialName }
  | { kind: 'thin'; name: ThinObjectName };

interface CutSpec {
  subject: Subject;
  width: number;
  height: number;
  /** The subject's box as fractions of the frame: beyond [0, 1] runs off the frame. */
  box: readonly [x: number, y: number, w: number, h: number];
  /** Studio sweep (the scene defocused) or the busy scene itself. */
  studio: boolean;
  surface: SurfaceName;
  backdrop: BackdropName;
  /** A second, defocused product cut by the frame's edge (background in the truth). */
  second?: boolean;
  /** cut: the subject runs off the frame; scene: a busy scene a bordered pass could turn into a picture. */
  group: 'cut' | 'scene';
}

const S = (name: SoftSubjectName | 'hangingYarn'): Subject => ({ kind: 'soft', name });
const P = (name: string, material: MaterialName): Subject => ({ kind: 'product', name, material });
const T = (name: ThinObjectName): Subject => ({ kind: 'thin', name });

const SPECS: readonly CutSpec[] = [
  // Subjects cut by the frame.
  { subject: S('frond'), width: 800, height: 800, box: [-0.15, -0.35, 1.3, 1.5], studio: true, surface: 'concrete', backdrop: 'retina', group: 'cut' },
  { subject: S('frond'), width: 900, height: 700, box: [-0.2, -0.45, 1.4, 1.6], studio: false, surface: 'tabletop', backdrop: 'workshop', group: 'cut' },
  { subject: S('frond'), width: 720, height: 900, box: [-0.35, -0.3, 1.3, 1.35], studio: false, surface: 'brick', backdrop: 'shelves', group: 'cut' },
  { subject: S('hangingYarn'), width: 700, height: 900, box: [0.05, -0.1, 0.9, 0.95], studio: true, surface: 'moon', backdrop: 'coffee', group: 'cut' },
  { subject: S('hangingYarn'), width: 800, height: 800, box: [-0.1, -0.1, 1.2, 0.8], studio: false, surface: 'tabletop', backdrop: 'coffee', group: 'cut' },
  { subject: S('hair'), width: 640, height: 800, box: [0.05, -0.35, 0.9, 1.3], studio: true, surface: 'concrete', backdrop: 'hubble', group: 'cut' },
  { subject: S('plush'), width: 900, height: 700, box: [0.2, 0.05, 1.0, 1.25], studio: true, surface: 'moon', backdrop: 'retina', group: 'cut' },
  { subject: S('plush'), width: 800, height: 600, box: [-0.3, 0.0, 1.0, 1.3], studio: false, surface: 'tabletop', backdrop: 'shelves', group: 'cut' },
  { subject: P('vase', 'blue'), width: 800, height: 800, box: [-0.75, 0.1, 1.6, 1.3], studio: true, surface: 'concrete', backdrop: 'retina', group: 'cut' },
  { subject: P('kettle', 'chrome'), width: 900, height: 600, box: [0.15, 0.05, 1.1, 1.3], studio: false, surface: 'concrete', backdrop: 'workshop', group: 'cut' },
  { subject: P('teapot', 'redpaint'), width: 700, height: 700, box: [-0.25, -0.15, 1.5, 1.4], studio: true, surface: 'tabletop', backdrop: 'coffee', group: 'cut' },
  { subject: T('chair'), width: 800, height: 1000, box: [0.1, 0.05, 1.1, 1.15], studio: false, surface: 'tabletop', backdrop: 'shelves', group: 'cut' },
  { subject: S('yarn'), width: 800, height: 600, box: [0.35, 0.1, 0.9, 1.1], studio: false, surface: 'tabletop', backdrop: 'field', group: 'cut' },
  { subject: S('glass'), width: 600, height: 800, box: [-0.1, 0.35, 1.2, 1.0], studio: true, surface: 'moon', backdrop: 'coffee', group: 'cut' },
  { subject: S('frond'), width: 2400, height: 1800, box: [-0.1, -0.4, 1.2, 1.5], studio: true, surface: 'concrete', backdrop: 'launchpad', group: 'cut' },
  { subject: P('bottle', 'darkwood'), width: 3000, height: 2000, box: [0.0, 0.1, 1.0, 1.05], studio: false, surface: 'tabletop', backdrop: 'workshop', group: 'cut' },
  // Busy scenes: the subject crosses the frame or stands on its bottom edge, a second object is cut
  // by the edge, or a small subject sits well inside a busy frame.
  { subject: P('bottle', 'orange'), width: 800, height: 600, box: [0.2, 0.25, 0.6, 1.0], studio: false, surface: 'gravel', backdrop: 'launchpad', group: 'scene' },
  { subject: T('cable'), width: 900, height: 600, box: [-0.05, 0.2, 1.1, 0.6], studio: false, surface: 'gravel', backdrop: 'field', group: 'scene' },
  { subject: P('mug', 'white'), width: 800, height: 600, box: [0.3, 0.35, 0.35, 0.45], studio: false, surface: 'brick', backdrop: 'shelves', second: true, group: 'scene' },
  { subject: T('bicycle'), width: 1000, height: 600, box: [-0.08, 0.15, 1.16, 0.8], studio: false, surface: 'concrete', backdrop: 'shelves', group: 'scene' },
  { subject: T('chain'), width: 800, height: 800, box: [0.05, -0.1, 0.9, 0.8], studio: false, surface: 'coins', backdrop: 'hubble', group: 'scene' },
  { subject: P('sneaker', 'redpaint'), width: 700, height: 500, box: [0.3, 0.45, 0.4, 0.35], studio: false, surface: 'grass', backdrop: 'fronds', second: true, group: 'scene' },
];

function specName(s: CutSpec, i: number): string {
  return `${s.group}_${s.subject.name}_${i}_on_${s.studio ? 'studio' : s.backdrop}`;
}

export function frameCutNames(): string[] {
  return SPECS.map(specName);
}

/** Yarn hanging from above the frame: skeins of wavy strands with fuzz, their tops beyond the top edge. */
async function hangingYarn(r: Rng, size: Size, b: Box): Promise<Foreground> {
  const material = r.pick(['yarnred', 'yarnblue', 'orange', 'white'] as const);
  const scale = Math.sqrt(size.width * size.height) / 1000;
  const strands: string[] = [];
  const skeins = r.int(4, 7);
  for (let k = 0; k < skeins; k++) {
    const x = b.x + b.w * ((k + 0.5) / skeins + r.range(-0.04, 0.04));
    const len = b.h * r.range(0.65, 1);
    const sw = r.range(10, 18) * scale + 2;
    const threads = r.int(12, 20);
    for (let t = 0; t < threads; t++) {
      const x0 = x + r.range(-1, 1) * sw * 2;
      const wave = r.range(0.01, 0.03) * b.w;
      const end = b.y + len * r.range(0.85, 1);
      const pts = bezier([x0, b.y - 20], [x0 + r.normal() * wave * 3, b.y + len * 0.3], [x0 + r.normal() * wave * 3, b.y + len * 0.7], [x0 + r.normal() * wave * 2, end], 60).map(([px, py], j) => [px + Math.sin(j * 0.5 + t) * wave * 0.4, py] as [number, number]);
      strands.push(stroke(poly(pts), sw * r.range(0.45, 0.8)));
    }
  }
  const cov = await coverage(strands.join(''), size);
  const fuzz = fringe(r, cov, size, Math.round(r.range(2500, 4000) * Math.max(0.3, scale)), [2 + 3 * scale, 6 + 10 * scale], [0.3, 0.8], [0.3, 0.8]);
  const fg = emptyForeground(size.width * size.height);
  over(fg, await paint(cov, size, material, r, { scale: texScale(size), sigma: 2, relief: 1.2, light: light(r) }));
  over(fg, await paint(await coverage(fuzz, size), size, material, r, { scale: texScale(size), sigma: 1, relief: 0.5, light: light(r), tint: [1.12, 1.12, 1.12] }));
  return fg;
}

async function subjectLayer(s: Subject, r: Rng, size: Size, box: Box): Promise<Foreground> {
  if (s.kind === 'soft') return s.name === 'hangingYarn' ? hangingYarn(r, size, box) : SOFT_SUBJECTS[s.name](r, size, box);
  const fg = emptyForeground(size.width * size.height);
  if (s.kind === 'product') {
    over(fg, await paintedPart(productSvg(s.name, box), size, s.material, r, { scale: texScale(size), sigma: Math.max(2, box.w * 0.03), relief: 0.7, light: [r.range(-0.5, 0.5), -0.6, 1] }));
  } else {
    const t = Math.max(1.2, Math.max(size.width, size.height) / 400);
    for (const part of THIN_OBJECTS[s.name](r, box, t)) over(fg, await paintedPart(part.svg, size, part.material, r, { scale: texScale(size), sigma: Math.max(1, t * 1.5), relief: part.relief ?? 1, light: [0.3, -0.6, 1] }));
  }
  return fg;
}

export async function buildFrameCut(index: number): Promise<ProxyImage> {
  const s = SPECS[index]!;
  const name = specName(s, index);
  const r = rng(seedOf(name));
  const size: Size = { width: s.width, height: s.height };
  const box: Box = { x: s.box[0] * s.width, y: s.box[1] * s.height, w: s.box[2] * s.width, h: s.box[3] * s.height };
  const fg = await subjectLayer(s.subject, r, size, box);
  quantiseAlpha(fg);
  const L = Math.max(s.width, s.height);
  const scened = await scene(size, r, { surface: s.surface, backdrop: s.backdrop, horizon: r.range(0.5, 0.72), surfaceScale: s.studio ? 1 : r.range(0.6, 1.2), backdropBlur: s.studio ? L * 0.03 : r.range(0.5, 1.5) });
  const bg = s.studio ? await defocusRgb(scened, size, L * 0.025) : scened;
  if (s.second) {
    const k = r.range(0.3, 0.45);
    const left = r.chance(0.5);
    const b2: Box = { x: left ? -s.width * k * 0.3 : s.width * (1 - k * 0.7), y: s.height * r.range(0.3, 0.55), w: s.width * k, h: s.height * k };
    const other = emptyForeground(s.width * s.height);
    over(other, await paintedPart(productSvg(r.pick(PRODUCT_NAMES), b2), size, r.pick(['redpaint', 'wood', 'silver', 'blue'] as const), r, { scale: texScale(size), sigma: Math.max(2, b2.w * 0.04), relief: 0.7, light: [0.2, -0.6, 1] }));
    bg.set(compositeOver(blurForeground(other, size, (p) => blur(p, size, r.range(0.8, 2))), bg));
  }
  castShadow(bg, fg.alpha, size, L * 0.01, L * 0.012, L * 0.012, 0.3);
  const img = compositeOver(fg, bg);
  const binary = s.subject.kind !== 'soft';
  const sigma = binary ? r.range(0.6, 1.0) * Math.max(1, L / 1500) : 0;
  await optics(img, size, sigma);
  camera(img, size, r, 1.6, 0.15);
  const gt = binary ? binaryBytes(fg.alpha) : alphaBytes(fg.alpha);
  let edge = 0;
  for (let x = 0; x < s.width; x++) edge += (gt[x]! > 127 ? 1 : 0) + (gt[(s.height - 1) * s.width + x]! > 127 ? 1 : 0);
  for (let y = 0; y < s.height; y++) edge += (gt[y * s.width]! > 127 ? 1 : 0) + (gt[y * s.width + s.width - 1]! > 127 ? 1 : 0);
  const big = L > 1500;
  return {
    name,
    ext: big ? 'jpg' : 'png',
    image: big ? await encodeJpeg(img, size, 90) : await encodePng(img, size, 3),
    gt: await encodePng(gt, size, 1),
    width: s.width,
    height: s.height,
    meta: { group: s.group, kind: binary ? 'binary' : 'soft', subject: s.subject.name, studio: s.studio ? 1 : 0, frameTouch: +(edge / (2 * (s.width + s.height))).toFixed(3) },
  };
}

export const FRAME_CUT_COUNT = SPECS.length;
