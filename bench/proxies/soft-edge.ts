/**
 * The soft-edge set: 0.4-1.5 MP photographs of subjects with true soft alpha (fur and hair
 * fringes, yarn, plant fronds, translucent glass, motion blur, defocus, filaments), half on busy
 * real scenes and half in a studio look (a real photo defocused into a smooth sweep). Mimics the
 * 27-image real set of studio objects with soft alpha (plants, plush, yarn, glass, 0.4-0.6 MP).
 * PNG, as such sets are.
 */
import type { Box } from './objects.ts';
import { alphaBytes, defocusRgb, camera, castShadow, compositeOver, encodePng, quantiseAlpha, type Size } from './raster.ts';
import { rng, seedOf } from './rng.ts';
import { scene } from './scene.ts';
import { SOFT_SUBJECTS, type SoftSubjectName } from './soft.ts';
import type { BackdropName, SurfaceName } from './sources.ts';
import type { ProxyImage } from './types.ts';

interface SoftSpec {
  subject: SoftSubjectName;
  width: number;
  height: number;
  surface: SurfaceName;
  backdrop: BackdropName;
  /** Studio: the backdrop defocused into a smooth sweep. */
  studio: boolean;
}

const SPECS: readonly SoftSpec[] = [
  { subject: 'plush', width: 800, height: 600, surface: 'tabletop', backdrop: 'shelves', studio: false },
  { subject: 'plush', width: 700, height: 800, surface: 'concrete', backdrop: 'retina', studio: true },
  { subject: 'plush', width: 1200, height: 900, surface: 'grass', backdrop: 'fronds', studio: false },
  { subject: 'hair', width: 640, height: 800, surface: 'tabletop', backdrop: 'workshop', studio: false },
  { subject: 'hair', width: 768, height: 768, surface: 'moon', backdrop: 'hubble', studio: true },
  { subject: 'hair', width: 1000, height: 1200, surface: 'concrete', backdrop: 'shelves', studio: true },
  { subject: 'yarn', width: 900, height: 600, surface: 'tabletop', backdrop: 'coffee', studio: false },
  { subject: 'yarn', width: 800, height: 600, surface: 'gravel', backdrop: 'field', studio: true },
  { subject: 'frond', width: 800, height: 800, surface: 'brick', backdrop: 'workshop', studio: false },
  { subject: 'frond', width: 720, height: 900, surface: 'concrete', backdrop: 'retina', studio: true },
  { subject: 'frond', width: 1280, height: 960, surface: 'gravel', backdrop: 'launchpad', studio: false },
  { subject: 'glass', width: 800, height: 600, surface: 'tabletop', backdrop: 'shelves', studio: false },
  { subject: 'glass', width: 600, height: 800, surface: 'moon', backdrop: 'coffee', studio: true },
  { subject: 'glass', width: 900, height: 700, surface: 'brick', backdrop: 'fronds', studio: false },
  { subject: 'glass', width: 1024, height: 768, surface: 'concrete', backdrop: 'hubble', studio: true },
  { subject: 'motion', width: 900, height: 600, surface: 'concrete', backdrop: 'workshop', studio: false },
  { subject: 'motion', width: 800, height: 640, surface: 'tabletop', backdrop: 'field', studio: true },
  { subject: 'defocused', width: 800, height: 600, surface: 'gravel', backdrop: 'launchpad', studio: false },
  { subject: 'dandelion', width: 700, height: 900, surface: 'grass', backdrop: 'field', studio: false },
  { subject: 'dandelion', width: 800, height: 800, surface: 'moon', backdrop: 'hubble', studio: true },
];

function specName(s: SoftSpec, i: number): string {
  return `${s.subject}_${i}_on_${s.studio ? 'studio' : s.backdrop}`;
}

export function softNames(): string[] {
  return SPECS.map(specName);
}

export async function buildSoft(index: number): Promise<ProxyImage> {
  const s = SPECS[index]!;
  const name = specName(s, index);
  const r = rng(seedOf(name));
  const size: Size = { width: s.width, height: s.height };
  const mx = s.width * r.range(0.12, 0.2);
  const top = s.height * r.range(0.08, 0.14);
  const box: Box = { x: mx, y: top, w: s.width - 2 * mx, h: s.height * r.range(0.84, 0.92) - top };
  const fg = await SOFT_SUBJECTS[s.subject](r, size, box);
  quantiseAlpha(fg);
  const scened = await scene(size, r, {
    surface: s.surface,
    backdrop: s.backdrop,
    horizon: r.range(0.55, 0.75),
    surfaceScale: s.studio ? 1 : r.range(0.7, 1.2),
    backdropBlur: s.studio ? Math.max(s.width, s.height) * 0.03 : r.range(0.5, 2),
  });
  const bg = s.studio ? await defocusRgb(scened, size, Math.max(s.width, s.height) * 0.025) : scened;
  const L = Math.max(s.width, s.height);
  castShadow(bg, fg.alpha, size, L * 0.01, L * 0.012, L * 0.012, s.subject === 'glass' ? 0.15 : 0.35);
  const img = compositeOver(fg, bg);
  camera(img, size, r, 1.5, 0.15);
  let soft = 0;
  for (const a of fg.alpha) if (a > 0 && a < 1) soft++;
  return { name, ext: 'png', image: await encodePng(img, size, 3), gt: await encodePng(alphaBytes(fg.alpha), size, 1), width: s.width, height: s.height, meta: { subject: s.subject, softShare: +(soft / fg.alpha.length).toFixed(3) } };
}

export const SOFT_COUNT = SPECS.length;
