/**
 * Touch-up cases with known truth: a product silhouette with an exact anti-aliased matte (drawn
 * as a vector path by sharp), filled with a real photo's texture and laid over a real background,
 * and a damaged matte such as a network leaves it, with the strokes a person would draw to fix it:
 *
 * - `clutter`: a second object behind the product (another texture, its own edges) kept at 75%
 *   with a soft fringe; erase strokes along it. Truth: the product alone.
 * - `haze`: a soft blob of plain background kept at up to 50% (no edge in the photo); one erase stroke.
 * - `missed`: a third of the product dropped from the matte with a soft cut; keep dabs inside it.
 * - `touching`: clutter pressed against the product, erase stroke passing 3 px from its edge.
 *
 * Bias: the textures are real but the objects are clean vector shapes; strokes are placed by
 * rule, not by a person.
 */
import path from 'node:path';
import sharp from 'sharp';
import type { Stroke } from '../src/matte/hints.ts';
import { ASSETS_DIR, PHOTOS_DIR } from './paths.ts';
import { SHAPES, TINTS } from './silhouettes.ts';

export interface TouchupCase {
  name: string;
  kind: 'clutter' | 'haze' | 'missed' | 'touching';
  width: number;
  height: number;
  rgb: Uint8Array;
  /** The damaged matte the solver starts from. */
  alpha0: Uint8Array;
  truth: Uint8Array;
  strokes: Stroke[];
}

/** The silhouette set's shapes, fills and backgrounds (bench/silhouettes.ts), five of them. */
const PRODUCTS = ['bottle', 'mug', 'lamp', 'vase', 'headphones'].map((name) => SHAPES.find(([n]) => n === name)!);

async function texture(file: string, width: number, height: number, tint: readonly number[] = [1, 1, 1]): Promise<Float32Array> {
  const raw = await sharp(file).resize(width, height, { fit: 'cover' }).removeAlpha().toColourspace('srgb').raw().toBuffer();
  const out = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = Math.min(255, raw[i]! * tint[i % 3]!);
  return out;
}

async function coverage(svgBody: string, width: number, height: number): Promise<Float32Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 300 200">${svgBody}</svg>`;
  const a = await sharp(Buffer.from(svg)).ensureAlpha().extractChannel(3).raw().toBuffer();
  return Float32Array.from(a, (v) => v / 255);
}

/** Separable box blur repeated 3 times (about a Gaussian of sigma ~ radius). */
function soften(src: Float32Array, w: number, h: number, radius: number): Float32Array {
  let cur = Float32Array.from(src);
  for (let pass = 0; pass < 3; pass++) {
    const tmp = new Float32Array(cur.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0, c = 0;
        for (let k = -radius; k <= radius; k++) {
          const xx = x + k;
          if (xx < 0 || xx >= w) continue;
          s += cur[y * w + xx]!;
          c++;
        }
        tmp[y * w + x] = s / c;
      }
    }
    const out = new Float32Array(cur.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0, c = 0;
        for (let k = -radius; k <= radius; k++) {
          const yy = y + k;
          if (yy < 0 || yy >= h) continue;
          s += tmp[yy * w + x]!;
          c++;
        }
        out[y * w + x] = s / c;
      }
    }
    cur = out;
  }
  return cur;
}

const toBytes = (a: Float32Array) => Uint8Array.from(a, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255));

function bboxOf(a: Float32Array, w: number, h: number, t = 0.5): { x0: number; y0: number; x1: number; y1: number } {
  let x0 = w, y0 = h, x1 = -1, y1 = -1;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (a[y * w + x]! > t) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  return { x0, y0, x1, y1 };
}

/** Builds every case at `scale` of 1500 x 1000. */
export async function buildTouchupCases(scale = 1): Promise<TouchupCase[]> {
  const width = Math.round(1500 * scale), height = Math.round(1000 * scale);
  const px = width / 300; // pixels per view-box unit
  const cases: TouchupCase[] = [];
  const clutterTex = await texture(path.join(ASSETS_DIR, 'ihc.png'), width, height);
  for (const [name, d, fill, background] of PRODUCTS) {
    const truth = await coverage(`<path fill="#fff" fill-rule="evenodd" d="${d}"/>`, width, height);
    const fg = await texture(path.join(PHOTOS_DIR, fill), width, height);
    const bg = await texture(path.join(ASSETS_DIR, background), width, height, TINTS[background]);
    const box = bboxOf(truth, width, height);
    const bw = box.x1 - box.x0, bh = box.y1 - box.y0;
    const compose = (clutter: Float32Array | null) => {
      const out = new Uint8Array(width * height * 3);
      for (let i = 0; i < width * height; i++) {
        const a = truth[i]!, c = clutter ? clutter[i]! : 0;
        for (let k = 0; k < 3; k++) {
          const under = c * clutterTex[i * 3 + k]! + (1 - c) * bg[i * 3 + k]!;
          out[i * 3 + k] = Math.round(a * fg[i * 3 + k]! + (1 - a) * under);
        }
      }
      return out;
    };
    const radius = Math.max(3, Math.round(0.035 * Math.min(bw, bh)));

    // clutter: a rounded box behind the product's right side, kept at 75% with a soft fringe.
    for (const kind of ['clutter', 'touching'] as const) {
      const cw = 0.45 * bw, ch = 0.28 * bh;
      const cx0 = kind === 'clutter' ? box.x1 - 0.15 * bw : box.x1 - 0.02 * bw;
      const cy0 = box.y0 + 0.35 * bh;
      const vb = (v: number) => (v / px).toFixed(2);
      const clutter = await coverage(`<rect fill="#fff" x="${vb(cx0)}" y="${vb(cy0)}" width="${vb(cw)}" height="${vb(ch)}" rx="${vb(ch * 0.15)}"/>`, width, height);
      const kept = soften(clutter, width, height, Math.max(1, Math.round(3 * scale)));
      const alpha0 = new Float32Array(width * height);
      for (let i = 0; i < alpha0.length; i++) alpha0[i] = Math.max(truth[i]!, 0.75 * kept[i]!);
      // Strokes through the visible part of the clutter, away from the product by margin.
      const margin = kind === 'touching' ? 3 : Math.round(0.05 * bw);
      const r = kind === 'touching' ? Math.max(3, Math.round(0.2 * ch)) : radius;
      const ys = kind === 'touching' ? [cy0 + ch * 0.5] : [cy0 + ch * 0.3, cy0 + ch * 0.7];
      const strokes: Stroke[] = [];
      for (const y of ys) {
        const row = Math.round(y);
        // Every run of visible clutter on this row long enough for a stroke (a stroke never crosses the product).
        for (let x = 0, first = -1; x <= width; x++) {
          const i = row * width + x;
          const visible = x < width && clutter[i]! > 0.99 && truth[i]! < 0.01;
          if (visible && first < 0) first = x;
          if (!visible && first >= 0) {
            const start = first + margin + r, end = x - 1 - margin - r;
            if (end > start) strokes.push({ mode: 'erase', radius: r, points: [start, y, end, y] });
            first = -1;
          }
        }
      }
      cases.push({ name: `${name}-${kind}`, kind, width, height, rgb: compose(clutter), alpha0: toBytes(alpha0), truth: toBytes(truth), strokes });
    }

    // haze: a soft blob of background kept next to the product's left side.
    {
      const cx = box.x0 - 0.12 * bw, cy = box.y0 + 0.55 * bh, rr = 0.12 * Math.min(bw, bh) + 4;
      const alpha0 = new Float32Array(width * height);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const i = y * width + x;
          const d = Math.hypot(x - cx, y - cy) / rr;
          const blob = d < 1 ? 0.5 * (1 - d * d) ** 2 : 0;
          alpha0[i] = Math.max(truth[i]!, blob);
        }
      }
      cases.push({ name: `${name}-haze`, kind: 'haze', width, height, rgb: compose(null), alpha0: toBytes(alpha0), truth: toBytes(truth), strokes: [{ mode: 'erase', radius, points: [cx - rr * 0.3, cy, cx + rr * 0.3, cy] }] });
    }

    // missed: the right third of the product dropped, with a soft cut; keep dabs inside it.
    {
      const cut = box.x0 + 0.67 * bw;
      const part = new Float32Array(width * height);
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) part[y * width + x] = x >= cut ? 1 : 0;
      const soft = soften(part, width, height, Math.max(1, Math.round(4 * scale)));
      const alpha0 = new Float32Array(width * height);
      for (let i = 0; i < alpha0.length; i++) alpha0[i] = truth[i]! * (1 - soft[i]!);
      // Strokes across the dropped part every 3 radii, each inside one run of the product, clear of its edges.
      const strokes: Stroke[] = [];
      for (let y = Math.round(box.y0 + radius * 2); y < box.y1 - radius * 2; y += radius * 3) {
        for (let x = Math.ceil(cut), start = -1; x <= box.x1 + 1; x++) {
          const inside = truth[y * width + x]! > 0.99 && truth[(y - radius) * width + x]! > 0.99 && truth[(y + radius) * width + x]! > 0.99;
          if (inside && start < 0) start = x;
          if (!inside && start >= 0) {
            const a = start + radius * 1.5, b = x - 1 - radius * 1.5;
            if (b > a) strokes.push({ mode: 'keep', radius, points: [a, y, b, y] });
            else if (x - start > radius * 2) strokes.push({ mode: 'keep', radius, points: [(start + x - 1) / 2, y] });
            start = -1;
          }
        }
      }
      cases.push({ name: `${name}-missed`, kind: 'missed', width, height, rgb: compose(null), alpha0: toBytes(alpha0), truth: toBytes(truth), strokes });
    }
  }
  return cases;
}
