/**
 * The foliage set: products and open-framed objects (a garden chair, a wire basket, a racket, a
 * coat stand) in front of sharp foliage (palm fronds, grass, a field) and on gravel, where faint
 * specks of alpha appear over the texture around the subject. Two thirds are small web photos
 * (0.06-0.16 MP, below the working size), a third 0.6-2 MP. The open-framed objects have true
 * see-through holes (the foliage seen through them), so removing specks must not fill those.
 * Binary edges through optics, scored against the silhouette. Mimics the small salient-object
 * photos whose refinement left specks over foliage and gravel (MATTE-FINDINGS 2026-12-06).
 */
import { THIN_OBJECTS, type Box, type ThinObjectName } from './objects.ts';
import { PRODUCT_NAMES, productSvg } from './products.ts';
import { binaryBytes, camera, castShadow, compositeOver, emptyForeground, encodeJpeg, encodePng, optics, over, quantiseAlpha, type Foreground, type Size } from './raster.ts';
import { rng, seedOf, type Rng } from './rng.ts';
import { paintedPart, scene } from './scene.ts';
import type { BackdropName, MaterialName, SurfaceName } from './sources.ts';
import type { ProxyImage } from './types.ts';

type Subject = { kind: 'product'; name: string } | { kind: 'open'; name: ThinObjectName };

const SIZES_SMALL: ReadonlyArray<readonly [number, number]> = [[400, 300], [300, 400], [360, 360], [480, 320], [320, 240], [400, 400], [450, 300], [256, 320]];
const SIZES_LARGE: ReadonlyArray<readonly [number, number]> = [[1200, 900], [900, 1200], [1600, 1067], [1000, 1000]];
const GROUNDS: ReadonlyArray<{ surface: SurfaceName; backdrop?: BackdropName }> = [
  { surface: 'grass', backdrop: 'fronds' },
  { surface: 'gravel', backdrop: 'fronds' },
  { surface: 'gravel' },
  { surface: 'grass' },
  { surface: 'gravel', backdrop: 'field' },
  { surface: 'grass', backdrop: 'field' },
];
const SOLID: readonly MaterialName[] = ['redpaint', 'orange', 'white', 'blue', 'black', 'wood', 'chrome', 'brass'];

const SUBJECTS: readonly Subject[] = [
  ...PRODUCT_NAMES.map((name) => ({ kind: 'product', name }) as const),
  ...(['chair', 'basket', 'racket', 'coatStand', 'chair', 'basket', 'lamp', 'tripod'] as const).map((name) => ({ kind: 'open', name }) as const),
  ...(['bottle', 'mug', 'sneaker', 'handbag', 'headphones', 'teapot'] as const).map((name) => ({ kind: 'product', name }) as const),
];

function specOf(i: number): { subject: Subject; width: number; height: number; large: boolean } {
  const large = i % 3 === 2;
  const [width, height] = large ? SIZES_LARGE[Math.floor(i / 3) % SIZES_LARGE.length]! : SIZES_SMALL[i % SIZES_SMALL.length]!;
  return { subject: SUBJECTS[i]!, width, height, large };
}

function specName(i: number): string {
  const s = specOf(i);
  return `${s.subject.kind}_${s.subject.name}_${i}_${s.width}x${s.height}`;
}

export function foliageNames(): string[] {
  return SUBJECTS.map((_, i) => specName(i));
}

async function subjectLayer(s: Subject, r: Rng, size: Size, box: Box): Promise<Foreground> {
  const fg = emptyForeground(size.width * size.height);
  if (s.kind === 'product') {
    over(fg, await paintedPart(productSvg(s.name, box), size, r.pick(SOLID), r, { scale: Math.max(0.5, Math.max(size.width, size.height) / 1200), sigma: Math.max(1.5, box.w * 0.04), relief: 0.7, light: [r.range(-0.5, 0.5), -0.6, 1] }));
  } else {
    const t = Math.max(1, Math.max(size.width, size.height) / r.range(250, 400));
    for (const part of THIN_OBJECTS[s.name](r, box, t)) over(fg, await paintedPart(part.svg, size, part.material, r, { scale: 0.6, sigma: Math.max(1, t), relief: part.relief ?? 1, light: [0.3, -0.6, 1] }));
  }
  return fg;
}

export async function buildFoliage(index: number): Promise<ProxyImage> {
  const spec = specOf(index);
  const name = specName(index);
  const r = rng(seedOf(name));
  const { width, height } = spec;
  const size: Size = { width, height };
  const mx = width * r.range(0.12, 0.22);
  const top = height * r.range(0.1, 0.2);
  const box: Box = { x: mx, y: top, w: width - 2 * mx, h: height * r.range(0.82, 0.92) - top };
  const fg = await subjectLayer(spec.subject, r, size, box);
  quantiseAlpha(fg);
  const ground = r.pick(GROUNDS);
  // Foliage at about its native scale and nearly in focus: the texture specks grow on.
  const bg = await scene(size, r, { surface: ground.surface, ...(ground.backdrop ? { backdrop: ground.backdrop } : {}), horizon: ground.backdrop ? r.range(0.45, 0.7) : 0, surfaceScale: spec.large ? r.range(0.8, 1.4) : r.range(0.35, 0.7), backdropBlur: r.range(0.3, 1) });
  const L = Math.max(width, height);
  castShadow(bg, fg.alpha, size, L * 0.012, L * 0.01, L * 0.01, 0.35);
  const img = compositeOver(fg, bg);
  const sigma = spec.large ? r.range(0.7, 1.1) : r.range(0.5, 0.8);
  await optics(img, size, sigma);
  camera(img, size, r, 1.8, 0.15);
  return {
    name,
    ext: 'jpg',
    image: await encodeJpeg(img, size, spec.large ? 90 : 85),
    gt: await encodePng(binaryBytes(fg.alpha), size, 1),
    width,
    height,
    meta: { kind: spec.subject.kind, subject: spec.subject.name, size: spec.large ? 'large' : 'small', ground: `${ground.surface}${ground.backdrop ? `+${ground.backdrop}` : ''}` },
  };
}

export const FOLIAGE_COUNT = SUBJECTS.length;
