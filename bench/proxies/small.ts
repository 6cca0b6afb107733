/**
 * The small set: 0.05-0.16 MP photographs, below the network's working size (so the matte is
 * shrunk, not enlarged): binary products and thin-framed objects, and soft subjects, on busy
 * real scenes, a third with a second, secondary object in the frame (part of the background in
 * the ground truth). Binary subjects are seen through camera optics (Gaussian 0.5-0.9 px) and
 * scored against their sharp silhouette, as a binary-mask set is; soft subjects keep their exact
 * alpha. Web-like quality-85 JPEG. Mimics the 300-image salient-object set (binary
 * masks, at most 0.16 MP), with soft subjects added.
 */
import { THIN_OBJECTS, type Box, type ThinObjectName } from './objects.ts';
import { PRODUCT_NAMES, productSvg } from './products.ts';
import { alphaBytes, binaryBytes, blur, blurForeground, camera, castShadow, compositeOver, emptyForeground, encodeJpeg, encodePng, optics, over, quantiseAlpha, type Foreground, type Size } from './raster.ts';
import { rng, seedOf, type Rng } from './rng.ts';
import { paintedPart, scene } from './scene.ts';
import { SOFT_SUBJECTS, type SoftSubjectName } from './soft.ts';
import type { BackdropName, MaterialName, SurfaceName } from './sources.ts';
import type { ProxyImage } from './types.ts';

type Subject = { kind: 'product'; name: string } | { kind: 'thin'; name: ThinObjectName } | { kind: 'soft'; name: SoftSubjectName };

const SIZES: ReadonlyArray<readonly [number, number]> = [[400, 300], [300, 400], [360, 360], [320, 240], [450, 300], [480, 320], [256, 256], [300, 200], [400, 400], [240, 320]];
const SURFACES: readonly SurfaceName[] = ['tabletop', 'concrete', 'gravel', 'brick', 'grass', 'coins', 'moon', 'tabletop'];
const BACKDROPS: readonly BackdropName[] = ['shelves', 'workshop', 'launchpad', 'fronds', 'field', 'coffee', 'hubble', 'retina'];
const SOLID: readonly MaterialName[] = ['redpaint', 'orange', 'chrome', 'wood', 'brass', 'black', 'silver', 'darkwood', 'blue', 'white'];

const SUBJECTS: readonly Subject[] = [
  ...PRODUCT_NAMES.map((name) => ({ kind: 'product', name }) as const),
  ...(['chair', 'bicycle', 'lamp', 'rack', 'basket', 'coatStand', 'tripod', 'racket'] as const).map((name) => ({ kind: 'thin', name }) as const),
  ...(['plush', 'plush', 'hair', 'yarn', 'frond', 'frond', 'glass', 'glass', 'motion', 'dandelion', 'defocused', 'hair'] as const).map((name) => ({ kind: 'soft', name }) as const),
];

function specName(s: Subject, i: number): string {
  const [w, h] = SIZES[i % SIZES.length]!;
  return `${s.kind === 'soft' ? 'soft' : 'binary'}_${s.name}_${i}_${w}x${h}`;
}

async function solidProduct(r: Rng, size: Size, box: Box, name: string): Promise<Foreground> {
  const fg = emptyForeground(size.width * size.height);
  over(fg, await paintedPart(productSvg(name, box), size, r.pick(SOLID), r, { scale: 0.6, sigma: Math.max(1.5, box.w * 0.04), relief: 0.7, light: [r.range(-0.5, 0.5), -0.6, 1] }));
  return fg;
}

export async function buildSmall(index: number): Promise<ProxyImage> {
  const subject = SUBJECTS[index]!;
  const name = specName(subject, index);
  const r = rng(seedOf(name));
  const [width, height] = SIZES[index % SIZES.length]!;
  const size: Size = { width, height };
  const mx = width * r.range(0.1, 0.2);
  const top = height * r.range(0.08, 0.16);
  const box: Box = { x: mx, y: top, w: width - 2 * mx, h: height * r.range(0.85, 0.93) - top };
  let fg: Foreground;
  if (subject.kind === 'product') fg = await solidProduct(r, size, box, subject.name);
  else if (subject.kind === 'soft') fg = await SOFT_SUBJECTS[subject.name](r, size, box);
  else {
    fg = emptyForeground(width * height);
    for (const part of THIN_OBJECTS[subject.name](r, box, r.range(0.8, 1.6))) over(fg, await paintedPart(part.svg, size, part.material, r, { scale: 0.5, sigma: 1, relief: part.relief ?? 1, light: [0.3, -0.6, 1] }));
  }
  quantiseAlpha(fg);
  const bg = await scene(size, r, { surface: r.pick(SURFACES), backdrop: r.pick(BACKDROPS), horizon: r.range(0.5, 0.72), surfaceScale: r.range(0.35, 0.7), backdropBlur: r.range(0.3, 1.5) });
  const second = index % 3 === 1;
  if (second) {
    // A second, secondary object: smaller, partly out of frame, a little out of focus; background in the ground truth.
    const s = r.range(0.3, 0.45);
    const left = r.chance(0.5);
    const b2: Box = { x: left ? -width * s * 0.3 : width * (1 - s * 0.7), y: height * r.range(0.35, 0.6), w: width * s, h: height * s };
    const other = await solidProduct(r, size, b2, r.pick(PRODUCT_NAMES));
    const soft = blurForeground(other, size, (p) => blur(p, size, r.range(0.5, 1.5)));
    const two = compositeOver(soft, bg);
    bg.set(two);
  }
  const L = Math.max(width, height);
  castShadow(bg, fg.alpha, size, L * 0.012, L * 0.01, L * 0.01, 0.35);
  const img = compositeOver(fg, bg);
  const binary = subject.kind !== 'soft';
  // Binary subjects: a real camera's soft edge in the photo, the object's sharp silhouette as the ground truth (a binary-mask set).
  const sigma = binary ? r.range(0.5, 0.9) : 0;
  await optics(img, size, sigma);
  camera(img, size, r, 1.8, 0.15);
  return { name, ext: 'jpg', image: await encodeJpeg(img, size, 85), gt: await encodePng(binary ? binaryBytes(fg.alpha) : alphaBytes(fg.alpha), size, 1), width, height, meta: { kind: binary ? 'binary' : 'soft', subject: subject.name, secondObject: second ? 1 : 0, optics: +sigma.toFixed(2) } };
}

export const SMALL_COUNT = SUBJECTS.length;
