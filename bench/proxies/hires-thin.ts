/**
 * The hires-thin set: 6-19 MP photographs (median about 8 MP) of objects with thin structures and
 * binary edges on real, busy scenes, at network upsampling factors of 3-7 (long side / 1024).
 * Half the objects have wires 1.5-2.5 px wide at full size (a fraction of a pixel at the network's
 * 1024 px), half 3-8 px. Mimics: high-resolution photos of chairs, racks, cables, jewellery,
 * bicycles, lamps (the 79-image, median 7 MP real set). Saved as quality-90 JPEG, like a phone's.
 */
import { THIN_OBJECTS, type Box, type ThinObjectName } from './objects.ts';
import { addDetail, binaryBytes, camera, castShadow, compositeOver, emptyForeground, encodeJpeg, encodePng, optics, over, quantiseAlpha, type Size } from './raster.ts';
import { rng, seedOf } from './rng.ts';
import { paintedPart, scene } from './scene.ts';
import { loadSource, SURFACES, tile, type BackdropName, type SurfaceName } from './sources.ts';
import type { ProxyImage } from './types.ts';

interface HiresSpec {
  object: ThinObjectName;
  width: number;
  height: number;
  /** Thinnest wire, px at full size. */
  t: number;
  surface: SurfaceName;
  backdrop?: BackdropName;
}

/** Fixed, so the set is the same on every machine. Names: object, thin|thick, megapixels. */
const SPECS: readonly HiresSpec[] = [
  { object: 'chair', width: 3264, height: 2448, t: 1.8, surface: 'concrete', backdrop: 'workshop' },
  { object: 'chair', width: 2448, height: 3264, t: 5, surface: 'tabletop', backdrop: 'shelves' },
  { object: 'rack', width: 3072, height: 2048, t: 1.5, surface: 'concrete', backdrop: 'shelves' },
  { object: 'rack', width: 3024, height: 4032, t: 4, surface: 'brick', backdrop: 'field' },
  { object: 'cable', width: 4032, height: 3024, t: 2, surface: 'tabletop' },
  { object: 'cable', width: 5120, height: 1536, t: 3.5, surface: 'gravel' },
  { object: 'chain', width: 6144, height: 2048, t: 1.5, surface: 'tabletop' },
  { object: 'chain', width: 2400, height: 3200, t: 3, surface: 'coins' },
  { object: 'basket', width: 3456, height: 2304, t: 2, surface: 'grass', backdrop: 'fronds' },
  { object: 'basket', width: 3072, height: 3072, t: 6, surface: 'concrete', backdrop: 'launchpad' },
  { object: 'bicycle', width: 4608, height: 2048, t: 2, surface: 'gravel', backdrop: 'launchpad' },
  { object: 'bicycle', width: 7168, height: 2688, t: 5, surface: 'concrete', backdrop: 'shelves' },
  { object: 'lamp', width: 2016, height: 3584, t: 1.5, surface: 'tabletop', backdrop: 'coffee' },
  { object: 'lamp', width: 3584, height: 2016, t: 4, surface: 'brick', backdrop: 'workshop' },
  { object: 'tripod', width: 1536, height: 5120, t: 2, surface: 'grass', backdrop: 'field' },
  { object: 'tripod', width: 4096, height: 2304, t: 6, surface: 'concrete', backdrop: 'hubble' },
  { object: 'coatStand', width: 2304, height: 3456, t: 2.5, surface: 'tabletop', backdrop: 'shelves' },
  { object: 'coatStand', width: 3456, height: 2304, t: 8, surface: 'moon', backdrop: 'retina' },
  { object: 'racket', width: 3200, height: 2400, t: 1.5, surface: 'grass' },
  { object: 'racket', width: 5632, height: 3168, t: 4, surface: 'gravel', backdrop: 'fronds' },
];

export function hiresNames(): string[] {
  return SPECS.map(specName);
}

/** Sizes and thinnest wire of every image, without building them (for tests and reports). */
export function hiresSizes(): Array<{ width: number; height: number; t: number }> {
  return SPECS.map(({ width, height, t }) => ({ width, height, t }));
}

function specName(s: HiresSpec): string {
  return `${s.object}_${s.t < 3 ? 'thin' : 'thick'}_${((s.width * s.height) / 1e6).toFixed(0)}mp_on_${s.backdrop ?? s.surface}`;
}

/** Width / height of each object's box (null: whatever the frame gives), so a racket is not drawn 3:1. */
const ASPECT: Record<ThinObjectName, number | null> = { chair: 0.9, rack: 1.2, cable: null, chain: null, basket: 1.1, bicycle: 1.8, lamp: 0.8, tripod: 0.6, coatStand: 0.5, racket: 0.7 };

/** The largest box of the object's aspect inside `area`, placed with a little jitter, bottom kept. */
function fitAspect(area: Box, aspect: number | null, jitter: number): Box {
  if (aspect === null) return area;
  const w = Math.min(area.w, area.h * aspect);
  const h = w / aspect;
  return { x: area.x + (area.w - w) * (0.5 + jitter * 0.4), y: area.y + area.h - h, w, h };
}

/** Builds one image: JPEG bytes and the exact alpha (PNG). */
export async function buildHires(index: number): Promise<ProxyImage> {
  const s = SPECS[index]!;
  const name = specName(s);
  const r = rng(seedOf(name));
  const size: Size = { width: s.width, height: s.height };
  const flat = !s.backdrop;
  const horizon = r.range(0.45, 0.62);
  const marginX = s.width * r.range(0.06, 0.14);
  const top = s.height * (flat ? r.range(0.08, 0.15) : r.range(0.06, 0.12));
  const bottom = flat ? s.height * r.range(0.85, 0.92) : s.height * r.range(Math.max(horizon + 0.2, 0.82), 0.94);
  const box = fitAspect({ x: marginX, y: top, w: s.width - 2 * marginX, h: bottom - top }, ASPECT[s.object], r.range(-1, 1));
  const parts = THIN_OBJECTS[s.object](r, box, s.t);
  const fg = emptyForeground(s.width * s.height);
  const light: [number, number, number] = [r.range(-0.6, 0.6), r.range(-0.9, -0.3), 1];
  // Material texture scale grows with the photo (the crops are a few hundred px).
  const texScale = Math.max(1, Math.max(s.width, s.height) / 1400);
  for (const part of parts) {
    over(fg, await paintedPart(part.svg, size, part.material, r, { scale: texScale * r.range(0.8, 1.3), sigma: Math.max(1, s.t * 1.6), relief: part.relief ?? 1, light }));
  }
  quantiseAlpha(fg);
  const bg = await scene(size, r, {
    surface: s.surface,
    ...(s.backdrop ? { backdrop: s.backdrop } : {}),
    horizon,
    surfaceScale: r.range(1, 2),
    // A room in focus behind the object, as a phone's deep depth of field gives: busy and sharp.
    backdropBlur: 0.6,
    collageCell: Math.max(s.width, s.height) / r.range(3, 5),
  });
  const longSide = Math.max(s.width, s.height);
  castShadow(bg, fg.alpha, size, flat ? longSide * 0.006 : longSide * 0.012, flat ? longSide * 0.008 : longSide * 0.004, longSide * (flat ? 0.003 : 0.006), flat ? 0.5 : 0.35);
  const img = compositeOver(fg, bg);
  // A real camera's edge is a few pixels wide at this size (lens, demosaicing); the ground truth is the sharp silhouette, as in a binary-mask set.
  // Pixel-level texture everywhere (object and scene), from a real texture at its own scale.
  const grain = await loadSource(SURFACES[r.pick(['gravel', 'grass', 'brick', 'moon'] as const)]);
  addDetail(img, size, tile(grain, size, r.int(0, 999), r.int(0, 999)), r.range(3, 6));
  const sigma = r.range(0.8, 1.5);
  await optics(img, size, sigma);
  camera(img, size, r, 2.2, 0.25);
  return { name, ext: 'jpg', image: await encodeJpeg(img, size, 90), gt: await encodePng(binaryBytes(fg.alpha), size, 1), width: s.width, height: s.height, meta: { object: s.object, t: s.t, factor: +(longSide / 1024).toFixed(2), optics: +sigma.toFixed(2) } };
}

export const HIRES_COUNT = SPECS.length;
