/**
 * The cords set: smooth cords and rims at 4-7x upsampling (9-12 MP photos, long side 4096-7168 px
 * against the network's 1024): leather cords and charging cables laid in smooth curves, bowl and
 * plate rims, embroidery hoops, eyeglass frames and a bicycle wheel's rim, on plain studio paper, on
 * flat-lay surfaces and before busy scenes. Every contour is smooth in the truth, so raggedness in
 * a cutout (spikes along the edge at 100%) is an error the contour-regularity measure
 * (bench/contour.ts) sees. Binary edges through camera optics, scored against the silhouette.
 * Mimics the smooth leather cord of the real 7 MP necklace, whose sharpened edge came back ragged.
 */
import type { Box } from './objects.ts';
import { addDetail, binaryBytes, camera, castShadow, compositeOver, coverage, emptyForeground, encodeJpeg, encodePng, optics, over, quantiseAlpha, type Foreground, type Size } from './raster.ts';
import { rng, seedOf, type Rng } from './rng.ts';
import { scene } from './scene.ts';
import { loadSource, SURFACES, tile, type BackdropName, type SurfaceName } from './sources.ts';
import { glossy, paleSweep, PALE, type Rgb } from './studio.ts';
import { bezier, ellipse, f, fill, line, poly, stroke } from './svg.ts';
import type { ProxyImage } from './types.ts';

type CordSubject = 'leather' | 'cable' | 'bowl' | 'plate' | 'hoop' | 'glasses' | 'wheel';

interface CordSpec {
  subject: CordSubject;
  width: number;
  height: number;
  /** paper: a pale sweep; flat: a flat-lay surface; busy: a sharp surface before a busy backdrop. */
  ground: 'paper' | 'flat' | 'busy';
  surface: SurfaceName;
  backdrop: BackdropName;
}

const SPECS: readonly CordSpec[] = [
  { subject: 'leather', width: 4096, height: 2304, ground: 'paper', surface: 'moon', backdrop: 'coffee' },
  { subject: 'leather', width: 6144, height: 1536, ground: 'flat', surface: 'tabletop', backdrop: 'coffee' },
  { subject: 'cable', width: 4608, height: 2592, ground: 'flat', surface: 'concrete', backdrop: 'coffee' },
  { subject: 'cable', width: 7168, height: 1344, ground: 'busy', surface: 'tabletop', backdrop: 'shelves' },
  { subject: 'bowl', width: 4096, height: 3072, ground: 'paper', surface: 'moon', backdrop: 'retina' },
  { subject: 'bowl', width: 5120, height: 2048, ground: 'busy', surface: 'tabletop', backdrop: 'workshop' },
  { subject: 'plate', width: 4608, height: 2592, ground: 'flat', surface: 'brick', backdrop: 'coffee' },
  { subject: 'hoop', width: 2400, height: 5120, ground: 'paper', surface: 'moon', backdrop: 'coffee' },
  { subject: 'hoop', width: 5376, height: 1792, ground: 'busy', surface: 'grass', backdrop: 'fronds' },
  { subject: 'glasses', width: 4096, height: 2304, ground: 'paper', surface: 'concrete', backdrop: 'shelves' },
  { subject: 'glasses', width: 6144, height: 1536, ground: 'flat', surface: 'tabletop', backdrop: 'coffee' },
  { subject: 'wheel', width: 5120, height: 2048, ground: 'busy', surface: 'concrete', backdrop: 'launchpad' },
];

function specName(s: CordSpec, i: number): string {
  return `${s.subject}_${i}_${((s.width * s.height) / 1e6).toFixed(0)}mp_x${(Math.max(s.width, s.height) / 1024).toFixed(1)}_${s.ground}`;
}

export function cordNames(): string[] {
  return SPECS.map(specName);
}

/** Sizes of every image, without building them (for tests and reports). */
export function cordSizes(): Array<{ width: number; height: number }> {
  return SPECS.map(({ width, height }) => ({ width, height }));
}

type Pt = [number, number];

/** A smooth cord in a few wide S-curves across the box (one path: no seams). */
function cordPath(r: Rng, b: Box, turns: number): string {
  const pts: Pt[] = [];
  let p: Pt = [b.x, b.y + b.h * r.range(0.2, 0.8)];
  for (let s = 0; s < turns; s++) {
    const q: Pt = [b.x + ((s + 1) / turns) * b.w, b.y + b.h * r.range(0.1, 0.9)];
    pts.push(...bezier(p, [p[0] + b.w * r.range(0.1, 0.3) / turns * 3, p[1] + b.h * r.range(-0.6, 0.6)], [q[0] - b.w * r.range(0.1, 0.3) / turns * 3, q[1] + b.h * r.range(-0.6, 0.6)], q, 400));
    p = q;
  }
  return poly(pts.map(([x, y]) => [Math.min(b.x + b.w, Math.max(b.x, x)), Math.min(b.y + b.h, Math.max(b.y, y))] as Pt));
}

async function subject(s: CordSpec, r: Rng, size: Size, b: Box, env: Rgb): Promise<Foreground> {
  const L = Math.max(size.width, size.height);
  const fg = emptyForeground(size.width * size.height);
  const light: [number, number, number] = [r.range(-0.5, 0.5), -0.7, 1];
  const layer = async (svg: string, body: Rgb | 'wood' | 'darkwood' | 'chrome' | 'silver', sigma: number, gloss: number, shininess: number) =>
    over(fg, await glossy(await coverage(svg, size), size, r, { sigma, relief: 1, light, gloss, shininess, environment: env, body }));
  switch (s.subject) {
    case 'leather': {
      const w = L * r.range(0.003, 0.005);
      await layer(stroke(cordPath(r, b, r.int(2, 4)), w), r.pick([[110, 66, 38], [60, 36, 22], [30, 28, 26]] as const), w * 0.5, 0.3, 14);
      break;
    }
    case 'cable': {
      const w = L * r.range(0.0025, 0.0035);
      const d = cordPath(r, b, r.int(2, 3));
      await layer(stroke(d, w), r.pick([[235, 235, 232], [28, 28, 30]] as const), w * 0.5, 0.6, 25);
      break;
    }
    case 'bowl': {
      const cx = b.x + b.w / 2, rx = Math.min(b.w, b.h * 1.8) * 0.45, ry = rx * r.range(0.3, 0.45);
      const top = b.y + b.h * 0.35;
      const body = fill(`M${f(cx - rx)} ${f(top)} A${f(rx)} ${f(ry)} 0 0 0 ${f(cx + rx)} ${f(top)} Q${f(cx + rx * 0.9)} ${f(top + ry * 3)} ${f(cx)} ${f(top + ry * 3.1)} Q${f(cx - rx * 0.9)} ${f(top + ry * 3)} ${f(cx - rx)} ${f(top)} Z`, 1, 'nonzero') + ellipse(cx, top, rx, ry, null);
      await layer(body, r.pick([[235, 232, 225], [40, 70, 120], [150, 60, 40]] as const), rx * 0.08, 0.8, 30);
      await layer(ellipse(cx, top, rx * 0.97, ry * 0.94, null), r.pick([[210, 206, 198], [30, 55, 100]] as const), rx * 0.05, 0.5, 20);
      break;
    }
    case 'plate': {
      const cx = b.x + b.w / 2, cy = b.y + b.h / 2, rx = Math.min(b.w, b.h * 1.8) * 0.45, ry = rx * r.range(0.45, 0.6);
      await layer(ellipse(cx, cy, rx, ry, null), r.pick([[240, 238, 232], [60, 100, 150]] as const), rx * 0.04, 0.7, 30);
      break;
    }
    case 'hoop': {
      const cx = b.x + b.w / 2, cy = b.y + b.h / 2, R = Math.min(b.w, b.h) * 0.45;
      const w = L * r.range(0.004, 0.007);
      await layer(ellipse(cx, cy, R, R * r.range(0.9, 1), w), r.pick(['wood', [190, 150, 100]] as const), w * 0.5, 0.4, 16);
      break;
    }
    case 'glasses': {
      const cy = b.y + b.h * 0.5, R = Math.min(b.w * 0.2, b.h * 0.4), w = L * r.range(0.003, 0.005);
      const lx = b.x + b.w / 2 - R * 1.25, rx2 = b.x + b.w / 2 + R * 1.25;
      const svg = ellipse(lx, cy, R, R * 0.8, w) + ellipse(rx2, cy, R, R * 0.8, w) + stroke(`M${f(lx + R * 0.95)} ${f(cy - R * 0.3)} Q${f((lx + rx2) / 2)} ${f(cy - R * 0.6)} ${f(rx2 - R * 0.95)} ${f(cy - R * 0.3)}`, w * 0.8) +
        line(lx - R, cy - R * 0.2, b.x, cy - R * 0.5, w * 0.8) + line(rx2 + R, cy - R * 0.2, b.x + b.w, cy - R * 0.5, w * 0.8);
      await layer(svg, r.pick([[24, 22, 22], [110, 60, 30], 'silver'] as const), w * 0.5, 0.7, 30);
      break;
    }
    case 'wheel': {
      const cx = b.x + b.w / 2, cy = b.y + b.h / 2, R = Math.min(b.w, b.h) * 0.48;
      const tyre = L * 0.008;
      await layer(ellipse(cx, cy, R, R, tyre), [30, 30, 30], tyre * 0.5, 0.2, 10);
      await layer(ellipse(cx, cy, R - tyre * 0.9, R - tyre * 0.9, tyre * 0.5), 'chrome', tyre * 0.3, 0.9, 30);
      await layer(ellipse(cx, cy, R * 0.08, R * 0.08, null), 'silver', R * 0.02, 0.8, 30);
      break;
    }
  }
  return fg;
}

export async function buildCords(index: number): Promise<ProxyImage> {
  const s = SPECS[index]!;
  const name = specName(s, index);
  const r = rng(seedOf(name));
  const size: Size = { width: s.width, height: s.height };
  const L = Math.max(s.width, s.height);
  const pale = PALE[r.int(0, PALE.length - 1)]!;
  const bg = s.ground === 'paper' ? await paleSweep(size, r, pale, s.backdrop, s.surface)
    : s.ground === 'flat' ? await scene(size, r, { surface: s.surface, horizon: 0, surfaceScale: r.range(1.5, 3), backdropBlur: 0 })
    : await scene(size, r, { surface: s.surface, backdrop: s.backdrop, horizon: r.range(0.5, 0.65), surfaceScale: r.range(1.5, 3), backdropBlur: r.range(1, 3), collageCell: L / r.range(3, 5) });
  const env: Rgb = s.ground === 'paper' ? pale : [200, 200, 200];
  const mx = s.width * r.range(0.06, 0.12);
  const top = s.height * r.range(0.08, 0.14);
  const box: Box = { x: mx, y: top, w: s.width - 2 * mx, h: s.height * r.range(0.84, 0.92) - top };
  const fg = await subject(s, r, size, box, env);
  quantiseAlpha(fg);
  castShadow(bg, fg.alpha, size, L * 0.004, L * 0.005, L * 0.004, s.ground === 'busy' ? 0.3 : 0.35);
  const img = compositeOver(fg, bg);
  // A large photo's own pixel-level texture, as in hires-thin.
  const grain = await loadSource(SURFACES[r.pick(['gravel', 'moon'] as const)]);
  addDetail(img, size, tile(grain, size, r.int(0, 999), r.int(0, 999)), r.range(2, 4));
  const sigma = r.range(0.9, 1.5);
  await optics(img, size, sigma);
  camera(img, size, r, 2, 0.2);
  return {
    name,
    ext: 'jpg',
    image: await encodeJpeg(img, size, 90),
    gt: await encodePng(binaryBytes(fg.alpha), size, 1),
    width: s.width,
    height: s.height,
    meta: { subject: s.subject, ground: s.ground, factor: +(L / 1024).toFixed(2), optics: +sigma.toFixed(2) },
  };
}

export const CORDS_COUNT = SPECS.length;
