/**
 * Subjects with true soft alpha: plush with fur fringes, hair, yarn, plant fronds, translucent
 * glass (interior alpha 0.2-0.7, opaque specular highlights), motion-blurred and defocused
 * products, dandelion-like filaments. Each builds a premultiplied foreground at any size (the
 * soft-edge set at 0.4-1.5 MP, the small set at 0.05-0.16 MP).
 */
import type { Box } from './objects.ts';
import { PRODUCT_NAMES, productSvg } from './products.ts';
import { blur, blurForeground, coverage, emptyForeground, motionBlur, over, type Foreground, type Layer, type Size } from './raster.ts';
import type { Rng } from './rng.ts';
import { paint } from './scene.ts';
import type { MaterialName } from './sources.ts';
import { bezier, ellipse, f, fill, line, poly, stroke } from './svg.ts';

export type SoftSubject = (r: Rng, size: Size, box: Box) => Promise<Foreground>;

export const light = (r: Rng): [number, number, number] => [r.range(-0.5, 0.5), r.range(-0.9, -0.3), 1];

/** Strands growing outward from the soft boundary of a coverage plane (fur, fuzz). */
export function fringe(r: Rng, cov: Float32Array, size: Size, count: number, len: [number, number], width: [number, number], opacity: [number, number]): string {
  const { width: w, height: h } = size;
  const hgt = blur(cov, size, Math.max(1.5, len[1] * 0.3));
  const edge: number[] = [];
  for (let i = 0; i < cov.length; i++) if (cov[i]! > 0.05 && cov[i]! < 0.95) edge.push(i);
  const out: string[] = [];
  if (edge.length === 0) return '';
  for (let k = 0; k < count; k++) {
    const i = edge[Math.floor(r.next() * edge.length)]!;
    const x = (i % w) + r.range(-0.5, 0.5);
    const y = Math.floor(i / w) + r.range(-0.5, 0.5);
    const xi = i % w;
    const yi = Math.floor(i / w);
    const gx = hgt[yi * w + Math.min(w - 1, xi + 1)]! - hgt[yi * w + Math.max(0, xi - 1)]!;
    const gy = hgt[Math.min(h - 1, yi + 1) * w + xi]! - hgt[Math.max(0, yi - 1) * w + xi]!;
    const gl = Math.hypot(gx, gy) || 1;
    const a = Math.atan2(-gy / gl, -gx / gl) + r.normal() * 0.35;
    const L = r.range(len[0], len[1]);
    const sx = x - Math.cos(a) * L * 0.35;
    const sy = y - Math.sin(a) * L * 0.35;
    const ex = x + Math.cos(a) * L * 0.65;
    const ey = y + Math.sin(a) * L * 0.65;
    const bend = r.normal() * L * 0.25;
    const mx = (sx + ex) / 2 - Math.sin(a) * bend;
    const my = (sy + ey) / 2 + Math.cos(a) * bend;
    out.push(stroke(`M${f(sx)} ${f(sy)} Q${f(mx)} ${f(my)} ${f(ex)} ${f(ey)}`, r.range(width[0], width[1]), r.range(opacity[0], opacity[1])));
  }
  return out.join('');
}

export async function layerOf(svg: string, size: Size, material: MaterialName, r: Rng, sigma: number, relief: number, scale: number, tint?: readonly [number, number, number]): Promise<Layer> {
  const cov = await coverage(svg, size);
  return paint(cov, size, material, r, { scale, sigma, relief, light: light(r), ...(tint ? { tint } : {}) });
}

export const texScale = (size: Size) => Math.max(0.5, Math.max(size.width, size.height) / 1200);

export const plush: SoftSubject = async (r, size, b) => {
  const material = r.pick(['catfur', 'greyfur', 'hairbrown', 'hairblond'] as const);
  const cx = b.x + b.w / 2;
  const body = [
    ellipse(cx, b.y + b.h * 0.66, b.w * 0.3, b.h * 0.3, null),
    ellipse(cx, b.y + b.h * 0.3, b.w * 0.26, b.h * 0.22, null),
    ellipse(cx - b.w * 0.2, b.y + b.h * 0.1, b.w * 0.08, b.h * 0.09, null),
    ellipse(cx + b.w * 0.2, b.y + b.h * 0.1, b.w * 0.08, b.h * 0.09, null),
    ellipse(cx - b.w * 0.3, b.y + b.h * 0.6, b.w * 0.1, b.h * 0.16, null, 25),
    ellipse(cx + b.w * 0.3, b.y + b.h * 0.6, b.w * 0.1, b.h * 0.16, null, -25),
    ellipse(cx - b.w * 0.16, b.y + b.h * 0.93, b.w * 0.13, b.h * 0.07, null),
    ellipse(cx + b.w * 0.16, b.y + b.h * 0.93, b.w * 0.13, b.h * 0.07, null),
  ].join('');
  const cov = await coverage(body, size);
  const scale = Math.sqrt(size.width * size.height) / 1000;
  const fur = fringe(r, cov, size, Math.round(r.range(3000, 6000) * Math.max(0.25, scale)), [4 * scale + 1.5, r.range(10, 22) * scale + 2], [0.35, 1.1], [0.45, 0.95]);
  const fg = emptyForeground(size.width * size.height);
  const tint: [number, number, number] = [r.range(0.9, 1.15), r.range(0.9, 1.1), r.range(0.85, 1.05)];
  over(fg, await paint(cov, size, material, r, { scale: texScale(size), sigma: b.w * 0.05, relief: 0.4, light: light(r), tint }));
  over(fg, await layerOf(fur, size, material, r, 1, 0.5, texScale(size), [tint[0] * 1.1, tint[1] * 1.1, tint[2] * 1.1]));
  // Eyes and nose: small dark opaque parts.
  over(fg, await layerOf(ellipse(cx - b.w * 0.09, b.y + b.h * 0.27, b.w * 0.025, b.w * 0.025, null) + ellipse(cx + b.w * 0.09, b.y + b.h * 0.27, b.w * 0.025, b.w * 0.025, null) + ellipse(cx, b.y + b.h * 0.36, b.w * 0.04, b.w * 0.028, null), size, 'black', r, 2, 1, 1));
  return fg;
};

export const hair: SoftSubject = async (r, size, b) => {
  const material = r.pick(['hairbrown', 'hairblond', 'catfur', 'black'] as const);
  const cx = b.x + b.w / 2;
  const hr = b.w * 0.22;
  const hy = b.y + hr * 1.1;
  const strands: string[] = [];
  const n = Math.round(r.range(900, 1800) * Math.max(0.3, Math.sqrt(size.width * size.height) / 1000));
  const len = b.h * r.range(0.6, 0.85);
  const wave = r.range(0.02, 0.08) * b.w;
  for (let i = 0; i < n; i++) {
    const a = Math.PI * (1 + r.range(0.02, 0.98));
    const sx = cx + Math.cos(a) * hr * 0.9;
    const sy = hy + Math.sin(a) * hr * 0.9;
    const side = Math.cos(a);
    const L = len * r.range(0.7, 1.05);
    const ex = cx + side * (hr + r.range(0, 0.35) * b.w);
    const ey = hy + L;
    const p1: [number, number] = [sx + side * hr * 0.9, sy + r.range(-0.1, 0.1) * hr];
    const p2: [number, number] = [ex + r.normal() * wave, hy + L * 0.55];
    const pts = bezier([sx, sy], p1, p2, [ex + r.normal() * wave, ey], 24).map(([x, y], k) => [x + Math.sin(k * 0.7 + i) * wave * 0.3, y] as [number, number]);
    strands.push(stroke(poly(pts), r.range(0.4, 1.3), r.range(0.55, 0.95)));
  }
  const head = ellipse(cx, hy, hr, hr * 1.05, null) + fill(`M${f(cx - hr * 0.35)} ${f(hy + hr)} h${f(hr * 0.7)} l${f(hr * 0.3)} ${f(b.y + b.h - hy - hr)} h${f(-hr * 1.3)} Z`);
  const fg = emptyForeground(size.width * size.height);
  over(fg, await layerOf(head, size, 'white', r, b.w * 0.05, 0.4, texScale(size), [1.0, 0.85, 0.75]));
  over(fg, await layerOf(strands.join(''), size, material, r, 1, 0.6, texScale(size)));
  return fg;
};

export const yarn: SoftSubject = async (r, size, b) => {
  const material = r.pick(['yarnred', 'yarnblue', 'orange', 'white'] as const);
  const R = Math.min(b.w, b.h) * 0.38;
  const cx = b.x + b.w * 0.45;
  const cy = b.y + b.h - R * 1.05;
  const wraps: string[] = [ellipse(cx, cy, R, R, null)];
  const thread = Math.max(0.8, R * 0.012);
  for (let i = 0; i < 160; i++) wraps.push(ellipse(cx + r.normal() * R * 0.02, cy + r.normal() * R * 0.02, R * r.range(0.97, 1.03), R * r.range(0.2, 1.03), thread * r.range(1, 2), r.range(0, 180)));
  const tail = stroke(poly(bezier([cx + R * 0.7, cy + R * 0.6], [cx + R * 1.5, cy + R * 1.1], [b.x + b.w * 0.9, b.y + b.h * 0.4], [b.x + b.w, b.y + b.h * 0.55], 80)), thread * 2);
  const cov = await coverage(wraps.join('') + tail, size);
  const fuzz = fringe(r, cov, size, Math.round(R * 12), [R * 0.02 + 1, R * 0.07 + 2], [0.3, 0.8], [0.3, 0.8]);
  const fg = emptyForeground(size.width * size.height);
  over(fg, await paint(cov, size, material, r, { scale: texScale(size), sigma: 2, relief: 1.2, light: light(r) }));
  over(fg, await layerOf(fuzz, size, material, r, 1, 0.5, texScale(size), [1.15, 1.15, 1.15]));
  return fg;
};

export const frond: SoftSubject = async (r, size, b) => {
  const scale = Math.sqrt(size.width * size.height) / 1000;
  const base: [number, number] = [b.x + b.w / 2, b.y + b.h * 0.78];
  const sharp: string[] = [];
  const soft: string[] = [];
  const fronds = r.int(4, 8);
  for (let k = 0; k < fronds; k++) {
    const ang = -Math.PI / 2 + r.range(-1.2, 1.2);
    const L = b.h * r.range(0.45, 0.8);
    const tip: [number, number] = [base[0] + Math.cos(ang) * L, base[1] + Math.sin(ang) * L * 0.9];
    const droop = r.range(0.1, 0.35) * L;
    const stem = bezier(base, [base[0] + Math.cos(ang) * L * 0.4, base[1] + Math.sin(ang) * L * 0.5], [tip[0], tip[1] - droop], [tip[0] + Math.cos(ang) * L * 0.1, tip[1] + droop * 0.6], 60);
    const out = k % 3 === 2 && r.chance(0.7) ? soft : sharp;
    out.push(stroke(poly(stem), Math.max(1, 3 * scale)));
    for (let i = 6; i < stem.length - 1; i += 2) {
      const [x, y] = stem[i]!;
      const [nx, ny] = stem[i + 1]!;
      const d = Math.atan2(ny - y, nx - x);
      const ll = L * 0.28 * Math.sin((Math.PI * i) / stem.length) + 3;
      const lw = Math.max(0.8, r.range(1.5, 4) * scale);
      for (const side of [-1, 1]) {
        const a = d + side * r.range(0.6, 1.1);
        const tx = x + Math.cos(a) * ll;
        const ty = y + Math.sin(a) * ll + ll * 0.25;
        const mx = (x + tx) / 2 - Math.sin(a) * lw;
        const my = (y + ty) / 2 + Math.cos(a) * lw;
        const mx2 = (x + tx) / 2 + Math.sin(a) * lw;
        const my2 = (y + ty) / 2 - Math.cos(a) * lw;
        out.push(fill(`M${f(x)} ${f(y)} Q${f(mx)} ${f(my)} ${f(tx)} ${f(ty)} Q${f(mx2)} ${f(my2)} ${f(x)} ${f(y)} Z`));
      }
    }
  }
  const pot = productSvg('vase', { x: base[0] - b.w * 0.16, y: base[1] - b.h * 0.02, w: b.w * 0.32, h: b.y + b.h - base[1] + b.h * 0.02 });
  const fg = emptyForeground(size.width * size.height);
  const leaf = r.pick(['frond', 'grass'] as const);
  if (soft.length) {
    // Fronds nearer the camera, out of focus: alpha and colour blurred alike.
    const blurred = emptyForeground(size.width * size.height);
    over(blurred, await layerOf(soft.join(''), size, leaf, r, 1.5, 0.8, texScale(size), [0.8, 0.9, 0.8]));
    const sigma = r.range(2, 5) * Math.max(0.4, scale);
    const bf = blurForeground(blurred, size, (p) => blur(p, size, sigma));
    overForeground(fg, bf);
  }
  over(fg, await layerOf(pot, size, r.pick(['redpaint', 'orange', 'black'] as const), r, b.w * 0.03, 0.6, texScale(size)));
  over(fg, await layerOf(sharp.join(''), size, leaf, r, 1.5, 0.8, texScale(size)));
  return fg;
};

/** Lays one premultiplied foreground over another. */
export function overForeground(dst: Foreground, src: Foreground): void {
  for (let i = 0; i < dst.alpha.length; i++) {
    const a = src.alpha[i]!;
    if (a <= 0) continue;
    const k = 1 - a;
    dst.alpha[i] = a + k * dst.alpha[i]!;
    for (let c = 0; c < 3; c++) dst.premul[i * 3 + c] = src.premul[i * 3 + c]! + k * dst.premul[i * 3 + c]!;
  }
}

const WINE_GLASS = 'M110 10 h80 q10 60 -25 95 q-10 10 -10 20 v55 q0 8 30 12 v6 h-70 v-6 q30 -4 30 -12 v-55 q0 -10 -10 -20 q-35 -35 -25 -95 z';

export const glass: SoftSubject = async (r, size, b) => {
  const shape = r.pick(['wine', 'vase', 'bottle', 'mug'] as const);
  const svg = shape === 'wine'
    ? (() => {
        const s = Math.min(b.w / 300, b.h / 200);
        return `<path transform="translate(${f(b.x + (b.w - 300 * s) / 2)} ${f(b.y + (b.h - 200 * s) / 2)}) scale(${f(s)})" d="${WINE_GLASS}" fill="#fff"/>`;
      })()
    : productSvg(shape, b);
  const cov = await coverage(svg, size);
  const n = size.width * size.height;
  const rim = Math.max(1.5, Math.min(b.w, b.h) * 0.025);
  const inner = blur(cov, size, rim);
  const base = r.range(0.18, 0.4);
  const tint: [number, number, number] = r.pick([[205, 230, 220], [235, 215, 170], [200, 215, 240], [230, 230, 235]] as const) as [number, number, number];
  const alpha = new Float32Array(n);
  const rgb = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) {
    if (cov[i] === 0) continue;
    // Thicker glass seen at grazing angles near the outline: more opaque there.
    const edgeness = Math.min(1, Math.max(0, (cov[i]! - inner[i]!) * 3 + (1 - inner[i]!) * 0.6));
    alpha[i] = cov[i]! * Math.min(0.75, base + 0.45 * edgeness);
    const shade = 0.55 + 0.45 * (1 - edgeness);
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = tint[c]! * shade;
  }
  const fg = emptyForeground(n);
  over(fg, { alpha, rgb });
  // A liquid in some, and opaque specular highlights.
  if (shape !== 'mug' && r.chance(0.5)) {
    const liquid = await coverage(`<clipPath id="g">${svg}</clipPath><rect clip-path="url(#g)" x="${f(b.x)}" y="${f(b.y + b.h * r.range(0.35, 0.6))}" width="${f(b.w)}" height="${f(b.h * (shape === 'wine' ? 0.12 : 0.5))}" fill="#fff"/>`, size);
    const col = r.pick([[120, 20, 30], [200, 140, 40], [90, 150, 60]] as const);
    const la = new Float32Array(n);
    const lr = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) {
      la[i] = liquid[i]! * 0.7;
      for (let c = 0; c < 3; c++) lr[i * 3 + c] = col[c]!;
    }
    over(fg, { alpha: la, rgb: lr });
  }
  const hl: string[] = [];
  for (let k = 0; k < r.int(2, 3); k++) {
    const x = b.x + b.w * r.range(0.3, 0.65);
    const y = b.y + b.h * r.range(0.1, 0.4);
    hl.push(fill(`M${f(x)} ${f(y)} q${f(b.w * 0.02)} ${f(b.h * 0.2)} 0 ${f(b.h * r.range(0.15, 0.4))} q${f(b.w * 0.035)} ${f(-b.h * 0.2)} 0 ${f(-b.h * r.range(0.15, 0.4))} Z`));
  }
  const hcov = await coverage(`<clipPath id="g">${svg}</clipPath><g clip-path="url(#g)">${hl.join('')}</g>`, size);
  const hrgb = new Float32Array(n * 3).fill(250);
  over(fg, { alpha: hcov, rgb: hrgb });
  return fg;
};

export const motion: SoftSubject = async (r, size, b) => {
  const name = r.pick(PRODUCT_NAMES);
  const fg = emptyForeground(size.width * size.height);
  over(fg, await layerOf(productSvg(name, b), size, r.pick(['redpaint', 'orange', 'chrome', 'wood', 'brass'] as const), r, Math.max(2, b.w * 0.03), 0.7, texScale(size)));
  const L = Math.max(size.width, size.height) * r.range(0.015, 0.05);
  const a = r.range(0, Math.PI);
  return blurForeground(fg, size, (p) => motionBlur(p, size, Math.cos(a) * L, Math.sin(a) * L, 24));
};

export const defocused: SoftSubject = async (r, size, b) => {
  const fg = r.chance(0.5) ? await plush(r, size, b) : await (async () => {
    const g = emptyForeground(size.width * size.height);
    over(g, await layerOf(productSvg(r.pick(PRODUCT_NAMES), b), size, r.pick(['redpaint', 'orange', 'silver', 'wood'] as const), r, Math.max(2, b.w * 0.03), 0.7, texScale(size)));
    return g;
  })();
  const sigma = Math.max(size.width, size.height) * r.range(0.003, 0.008);
  return blurForeground(fg, size, (p) => blur(p, size, sigma));
};

export const dandelion: SoftSubject = async (r, size, b) => {
  const R = Math.min(b.w, b.h * 0.6) * 0.45;
  const cx = b.x + b.w / 2;
  const cy = b.y + R * 1.05;
  const fil: string[] = [];
  const scale = Math.sqrt(size.width * size.height) / 1000;
  const n = Math.round(r.range(250, 450));
  for (let i = 0; i < n; i++) {
    const a = r.range(0, Math.PI * 2);
    const L = R * r.range(0.75, 1);
    const ex = cx + Math.cos(a) * L;
    const ey = cy + Math.sin(a) * L * r.range(0.85, 1);
    fil.push(line(cx + Math.cos(a) * R * 0.08, cy + Math.sin(a) * R * 0.08, ex, ey, r.range(0.3, 0.7) * Math.max(0.6, scale), r.range(0.5, 0.9)));
    for (let k = 0; k < 5; k++) {
      const t = a + r.range(-0.8, 0.8);
      fil.push(line(ex, ey, ex + Math.cos(t) * R * 0.12, ey + Math.sin(t) * R * 0.12, 0.35 * Math.max(0.6, scale), r.range(0.3, 0.7)));
    }
  }
  const stem = stroke(poly(bezier([cx, cy], [cx + R * 0.1, cy + R], [cx - R * 0.2, b.y + b.h * 0.8], [cx, b.y + b.h], 40)), Math.max(1.5, R * 0.03)) + ellipse(cx, cy, R * 0.1, R * 0.1, null);
  const fg = emptyForeground(size.width * size.height);
  over(fg, await layerOf(stem, size, 'frond', r, 2, 1, texScale(size)));
  const cov = await coverage(fil.join(''), size);
  const rgb = new Float32Array(size.width * size.height * 3).fill(238);
  over(fg, { alpha: cov, rgb });
  return fg;
};

export const SOFT_SUBJECTS = { plush, hair, yarn, frond, glass, motion, defocused, dandelion } as const;
export type SoftSubjectName = keyof typeof SOFT_SUBJECTS;
