/**
 * Objects with thin structures and binary edges, for the hires-thin set: chairs, wire racks,
 * cables, chains, wire baskets, bicycles, desk lamps, tripods, coat stands, rackets. Each is
 * drawn as SVG parts in full-resolution pixels inside a box; `t` is the width of the thinnest
 * wires (1-3 px in the thin variants: sub-pixel once the photo is shrunk to the network's 1024 px).
 */
import type { Rng } from './rng.ts';
import type { MaterialName } from './sources.ts';
import { bezier, ellipse, f, fill, line, poly, stroke } from './svg.ts';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One material's share of an object: SVG elements, and how round it looks (shading relief). */
export interface Part {
  svg: string;
  material: MaterialName;
  relief?: number;
}

export type ThinObject = (r: Rng, b: Box, t: number) => Part[];

type Pt = [number, number];
const lerp = (a: Pt, b: Pt, k: number): Pt => [a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k];

export const chair: ThinObject = (r, b, t) => {
  const frame = r.pick(['darkwood', 'black', 'chrome', 'wood'] as const);
  const legW = Math.max(t * 2.5, b.w * r.range(0.012, 0.022));
  const seatY = b.y + b.h * 0.55;
  const depthX = b.w * 0.22;
  const depthY = -b.h * 0.08;
  const fl: Pt = [b.x + b.w * 0.05, seatY];
  const fr: Pt = [b.x + b.w * 0.72, seatY];
  const bl: Pt = [fl[0] + depthX, seatY + depthY];
  const br: Pt = [fr[0] + depthX, seatY + depthY];
  const floor = b.y + b.h;
  const splay = b.w * 0.03;
  const parts: string[] = [];
  const legs: Array<[Pt, Pt]> = [
    [fl, [fl[0] - splay, floor]],
    [fr, [fr[0] + splay, floor]],
    [bl, [bl[0] - splay, floor + depthY]],
    [br, [br[0] + splay, floor + depthY]],
  ];
  for (const [a, c] of legs) parts.push(line(a[0], a[1], c[0], c[1], legW));
  // Stretchers between the legs, a quarter up.
  const at = (k: number, leg: [Pt, Pt]) => lerp(leg[0], leg[1], k);
  for (const [i, j] of [[0, 1], [2, 3], [0, 2], [1, 3]] as const) {
    const a = at(0.7, legs[i]!);
    const c = at(0.7, legs[j]!);
    parts.push(line(a[0], a[1], c[0], c[1], t * 1.2));
  }
  // Backrest: posts, top rail, spindles.
  const top = b.y;
  parts.push(line(bl[0], bl[1], bl[0] + b.w * 0.02, top, legW), line(br[0], br[1], br[0] + b.w * 0.02, top, legW));
  parts.push(stroke(`M${f(bl[0] + b.w * 0.02)} ${f(top)} Q${f((bl[0] + br[0]) / 2)} ${f(top - b.h * 0.04)} ${f(br[0] + b.w * 0.02)} ${f(top)}`, legW * 1.3));
  const spindles = r.int(5, 11);
  for (let i = 1; i < spindles; i++) {
    const k = i / spindles;
    const a = lerp(bl, br, k);
    const x = a[0] + b.w * 0.02 * (1 - 0) * 1;
    parts.push(line(a[0], a[1], x, top + b.h * 0.02, t));
  }
  const seat = poly([fl, fr, br, bl], true);
  const woven = r.chance(0.5);
  const out: Part[] = [{ svg: parts.join(''), material: frame, relief: 1 }];
  if (woven) {
    // A string seat: a grid of thin cords inside the seat frame.
    const cords: string[] = [stroke(seat, legW)];
    const n = r.int(10, 22);
    for (let i = 1; i < n; i++) {
      const a = lerp(fl, fr, i / n);
      const c = lerp(bl, br, i / n);
      cords.push(line(a[0], a[1], c[0], c[1], t));
      const d = lerp(fl, bl, i / n);
      const e = lerp(fr, br, i / n);
      cords.push(line(d[0], d[1], e[0], e[1], t));
    }
    out.push({ svg: cords.join(''), material: r.pick(['orange', 'redpaint', 'black'] as const), relief: 1 });
  } else {
    // One path (nonzero), so the seat's top and front edge meet without a seam of partial coverage.
    out.push({ svg: fill(`${poly([fl, fr, [fr[0], fr[1] + legW * 2], [fl[0], fl[1] + legW * 2]], true)} ${seat}`, 1, 'nonzero'), material: r.pick(['wood', 'redpaint', 'black'] as const), relief: 0.4 });
  }
  return out;
};

export const rack: ThinObject = (r, b, t) => {
  const depthX = b.w * 0.18;
  const depthY = -b.h * 0.1;
  const shelves = r.int(3, 5);
  const posts: string[] = [];
  const wires: string[] = [];
  const W = b.w - depthX;
  const x0 = b.x;
  const yBottom = b.y + b.h;
  const yTop = b.y - depthY;
  const postW = Math.max(t * 3, b.w * r.range(0.008, 0.014));
  for (const [dx, dy] of [[0, 0], [W, 0], [depthX, depthY], [W + depthX, depthY]] as const) posts.push(line(x0 + dx, yTop + dy, x0 + dx, yBottom + dy, postW));
  const spacing = Math.max(t * 5, b.w / r.int(25, 60));
  for (let s = 0; s < shelves; s++) {
    const y = yTop + ((yBottom - yTop) * (s + 0.15)) / (shelves - 0.7);
    const fl: Pt = [x0, y];
    const fr: Pt = [x0 + W, y];
    const bl: Pt = [x0 + depthX, y + depthY];
    const br: Pt = [x0 + W + depthX, y + depthY];
    wires.push(stroke(poly([fl, fr, br, bl], true), Math.max(t * 2, postW * 0.5)));
    const n = Math.max(4, Math.round(W / spacing));
    for (let i = 1; i < n; i++) {
      const a = lerp(fl, fr, i / n);
      const c = lerp(bl, br, i / n);
      wires.push(line(a[0], a[1], c[0], c[1], t));
    }
    wires.push(line(...lerp(fl, bl, 0.5), ...lerp(fr, br, 0.5), t));
  }
  return [
    { svg: posts.join(''), material: r.pick(['chrome', 'black'] as const), relief: 1 },
    { svg: wires.join(''), material: r.pick(['chrome', 'silver', 'black'] as const), relief: 1 },
  ];
};

export const cable: ThinObject = (r, b, t) => {
  const w = t * r.range(3, 5);
  const parts: string[] = [];
  const plugs: string[] = [];
  const cables = r.int(1, 3);
  for (let c = 0; c < cables; c++) {
    const pts: Pt[] = [];
    let p: Pt = [b.x + r.range(0, 0.2) * b.w, b.y + r.range(0.1, 0.9) * b.h];
    const start = p;
    const segs = r.int(3, 6);
    for (let s = 0; s < segs; s++) {
      const q: Pt = [b.x + ((s + 1) / segs) * b.w * r.range(0.85, 1), b.y + r.range(0.05, 0.95) * b.h];
      const c1: Pt = [p[0] + r.range(-0.3, 0.6) * b.w, p[1] + r.range(-0.5, 0.5) * b.h];
      const c2: Pt = [q[0] + r.range(-0.6, 0.3) * b.w, q[1] + r.range(-0.5, 0.5) * b.h];
      pts.push(...bezier(p, c1, c2, q, 80));
      p = q;
    }
    const clamp = (v: Pt): Pt => [Math.min(b.x + b.w, Math.max(b.x, v[0])), Math.min(b.y + b.h, Math.max(b.y, v[1]))];
    parts.push(stroke(poly(pts.map(clamp)), w));
    for (const end of [clamp(start), clamp(p)]) {
      const L = w * r.range(8, 14);
      const angle = r.range(0, 360);
      plugs.push(`<g transform="rotate(${f(angle)} ${f(end[0])} ${f(end[1])})">${fill(`M${f(end[0])} ${f(end[1] - w * 1.8)} h${f(L)} v${f(w * 3.6)} h${f(-L)} Z`)}${line(end[0] + L, end[1] - w * 0.8, end[0] + L * 1.4, end[1] - w * 0.8, w * 0.5)}${line(end[0] + L, end[1] + w * 0.8, end[0] + L * 1.4, end[1] + w * 0.8, w * 0.5)}</g>`);
    }
  }
  return [
    { svg: parts.join(''), material: r.pick(['black', 'orange', 'redpaint', 'rubber'] as const), relief: 1 },
    { svg: plugs.join(''), material: r.pick(['black', 'silver'] as const), relief: 0.6 },
  ];
};

export const chain: ThinObject = (r, b, t) => {
  const linkL = Math.max(t * 5, b.w / r.int(60, 140));
  const sw = t * r.range(1, 1.8);
  const from: Pt = [b.x, b.y + b.h * r.range(0, 0.2)];
  const to: Pt = [b.x + b.w, b.y + b.h * r.range(0, 0.2)];
  const sag = b.h * r.range(0.6, 0.85);
  const curve = bezier(from, [from[0] + b.w * 0.1, from[1] + sag * 1.3], [to[0] - b.w * 0.1, to[1] + sag * 1.3], to, 2000);
  const links: string[] = [];
  let acc = 0;
  let k = 0;
  for (let i = 1; i < curve.length; i++) {
    const [x0, y0] = curve[i - 1]!;
    const [x1, y1] = curve[i]!;
    acc += Math.hypot(x1 - x0, y1 - y0);
    if (acc < linkL * 0.75) continue;
    acc = 0;
    const ang = (Math.atan2(y1 - y0, x1 - x0) * 180) / Math.PI;
    links.push(k++ % 2 === 0 ? ellipse(x1, y1, linkL * 0.5, linkL * 0.3, sw, ang) : ellipse(x1, y1, linkL * 0.5, sw * 0.6, sw * 0.8, ang));
  }
  const lowest = curve.reduce((m, p) => (p[1] > m[1] ? p : m), curve[0]!);
  const pr = linkL * r.range(3, 6);
  const pendant = ellipse(lowest[0], lowest[1] + linkL * 0.8, linkL * 0.4, linkL * 0.5, sw) + fill(`M${f(lowest[0])} ${f(lowest[1] + linkL)} q${f(pr)} ${f(pr * 0.9)} 0 ${f(pr * 2)} q${f(-pr)} ${f(-pr * 1.1)} 0 ${f(-pr * 2)} Z`);
  const metal = r.pick(['brass', 'silver', 'chrome'] as const);
  return [{ svg: links.join('') + pendant, material: metal, relief: 1.2 }];
};

export const basket: ThinObject = (r, b, t) => {
  const cx = b.x + b.w / 2;
  const top = b.y + b.h * 0.25;
  const bottom = b.y + b.h * 0.95;
  const rxT = b.w * 0.48;
  const ryT = b.w * 0.12;
  const rxB = rxT * r.range(0.6, 0.85);
  const ryB = ryT * (rxB / rxT);
  const rim = Math.max(t * 3, b.w * 0.008);
  const parts: string[] = [ellipse(cx, top, rxT, ryT, rim), ellipse(cx, bottom, rxB, ryB, rim)];
  const ribs = r.int(16, 40);
  for (let i = 0; i < ribs; i++) {
    const a = (i / ribs) * Math.PI * 2;
    parts.push(line(cx + rxT * Math.cos(a), top + ryT * Math.sin(a), cx + rxB * Math.cos(a), bottom + ryB * Math.sin(a), t));
  }
  const rings = r.int(3, 8);
  for (let i = 1; i < rings; i++) {
    const k = i / rings;
    parts.push(ellipse(cx, top + (bottom - top) * k, rxT + (rxB - rxT) * k, ryT + (ryB - ryT) * k, t));
  }
  // Base grid and a handle.
  for (let i = -3; i <= 3; i++) parts.push(line(cx + (rxB * i) / 4, bottom - ryB * Math.sqrt(1 - (i / 4) ** 2), cx + (rxB * i) / 4, bottom + ryB * Math.sqrt(1 - (i / 4) ** 2), t));
  parts.push(stroke(`M${f(cx - rxT)} ${f(top)} C${f(cx - rxT)} ${f(b.y - b.h * 0.15)} ${f(cx + rxT)} ${f(b.y - b.h * 0.15)} ${f(cx + rxT)} ${f(top)}`, t * 2.5));
  return [{ svg: parts.join(''), material: r.pick(['chrome', 'black', 'brass', 'silver'] as const), relief: 1 }];
};

export const bicycle: ThinObject = (r, b, t) => {
  const R = Math.min(b.w * 0.22, b.h * 0.48);
  const cy = b.y + b.h - R;
  const rear: Pt = [b.x + R, cy];
  const front: Pt = [b.x + b.w - R, cy];
  const tyres: string[] = [];
  const spokes: string[] = [];
  const frame: string[] = [];
  for (const c of [rear, front]) {
    tyres.push(ellipse(c[0], c[1], R * 0.965, R * 0.965, R * 0.07));
    spokes.push(ellipse(c[0], c[1], R * 0.88, R * 0.88, Math.max(t * 1.5, R * 0.025)));
    const n = r.pick([24, 28, 32, 36]);
    for (let i = 0; i < n; i++) {
      const a = (i / n) * Math.PI * 2;
      const h = a + (i % 2 ? 0.35 : -0.35);
      spokes.push(line(c[0] + R * 0.05 * Math.cos(h), c[1] + R * 0.05 * Math.sin(h), c[0] + R * 0.87 * Math.cos(a), c[1] + R * 0.87 * Math.sin(a), t));
    }
    spokes.push(ellipse(c[0], c[1], R * 0.06, R * 0.06, null));
  }
  const tube = Math.max(t * 3, R * 0.045);
  const bb: Pt = [(rear[0] + front[0]) / 2 - R * 0.15, cy + R * 0.05];
  const seat: Pt = [bb[0] - R * 0.3, cy - R * 1.05];
  const head: Pt = [front[0] - R * 0.45, cy - R * 1.0];
  const headLow: Pt = [front[0] - R * 0.38, cy - R * 0.75];
  for (const [a, c] of [[rear, bb], [rear, seat], [bb, seat], [seat, head], [bb, headLow], [head, headLow]] as Array<[Pt, Pt]>) frame.push(line(a[0], a[1], c[0], c[1], tube));
  frame.push(line(headLow[0], headLow[1], front[0], front[1], tube * 0.8));
  frame.push(line(head[0], head[1], head[0] - R * 0.05, head[1] - R * 0.25, tube));
  frame.push(stroke(`M${f(head[0] - R * 0.3)} ${f(head[1] - R * 0.28)} q${f(R * 0.3)} ${f(-R * 0.08)} ${f(R * 0.45)} ${f(R * 0.05)}`, tube * 0.8));
  frame.push(line(seat[0], seat[1], seat[0] - R * 0.05, seat[1] - R * 0.2, tube * 0.8));
  frame.push(ellipse(bb[0], bb[1], R * 0.2, R * 0.2, tube * 0.6));
  frame.push(stroke(poly([[bb[0], bb[1] - R * 0.2], [rear[0], rear[1] - R * 0.08], [rear[0], rear[1] + R * 0.08], [bb[0], bb[1] + R * 0.2]]), t));
  const saddle = fill(`M${f(seat[0] - R * 0.3)} ${f(seat[1] - R * 0.22)} q${f(R * 0.25)} ${f(-R * 0.1)} ${f(R * 0.5)} ${f(R * 0.02)} q${f(-R * 0.2)} ${f(R * 0.08)} ${f(-R * 0.5)} ${f(R * 0.03)} Z`);
  return [
    { svg: tyres.join(''), material: 'rubber', relief: 1 },
    { svg: spokes.join(''), material: r.pick(['chrome', 'silver'] as const), relief: 1 },
    { svg: frame.join(''), material: r.pick(['redpaint', 'orange', 'black', 'chrome'] as const), relief: 1 },
    { svg: saddle, material: 'black', relief: 0.5 },
  ];
};

export const lamp: ThinObject = (r, b, t) => {
  const base: Pt = [b.x + b.w * 0.3, b.y + b.h * 0.95];
  const elbow: Pt = [b.x + b.w * r.range(0.05, 0.25), b.y + b.h * 0.45];
  const headP: Pt = [b.x + b.w * 0.65, b.y + b.h * 0.2];
  const arm = Math.max(t * 3, b.w * r.range(0.015, 0.025));
  const parts: string[] = [];
  parts.push(ellipse(base[0], base[1], b.w * 0.2, b.h * 0.04, null));
  for (const [a, c] of [[base, elbow], [elbow, headP]] as Array<[Pt, Pt]>) {
    parts.push(line(a[0], a[1], c[0], c[1], arm));
    // A parallel rod and a spring beside it.
    const nx = -(c[1] - a[1]);
    const ny = c[0] - a[0];
    const nl = Math.hypot(nx, ny);
    const o = arm * 3;
    parts.push(line(a[0] + (nx / nl) * o, a[1] + (ny / nl) * o, c[0] + (nx / nl) * o, c[1] + (ny / nl) * o, t));
    const coils = r.int(12, 24);
    const zz: Pt[] = [];
    for (let i = 0; i <= coils * 2; i++) {
      const k = 0.3 + (0.4 * i) / (coils * 2);
      const s = i % 2 ? 1 : -1;
      zz.push([a[0] + (c[0] - a[0]) * k + (nx / nl) * (o * 2 + s * arm), a[1] + (c[1] - a[1]) * k + (ny / nl) * (o * 2 + s * arm)]);
    }
    parts.push(stroke(poly(zz), t));
  }
  parts.push(ellipse(elbow[0], elbow[1], arm * 1.6, arm * 1.6, null));
  // Shade: a cone, either solid or a wire frame.
  const sr = b.w * 0.18;
  const sh = b.h * 0.22;
  const tip: Pt = [headP[0], headP[1]];
  const rimC: Pt = [headP[0] + sr * 0.6, headP[1] + sh];
  const wire = r.chance(0.6);
  const shade: string[] = [];
  if (wire) {
    shade.push(ellipse(rimC[0], rimC[1], sr, sr * 0.3, t * 1.5, 20));
    const ribs = r.int(8, 16);
    for (let i = 0; i < ribs; i++) {
      const a = (i / ribs) * Math.PI * 2;
      const ex = rimC[0] + sr * Math.cos(a) * Math.cos(0.35) - sr * 0.3 * Math.sin(a) * Math.sin(0.35);
      const ey = rimC[1] + sr * Math.cos(a) * Math.sin(0.35) + sr * 0.3 * Math.sin(a) * Math.cos(0.35);
      shade.push(line(tip[0], tip[1], ex, ey, t));
    }
    shade.push(ellipse((tip[0] + rimC[0]) / 2, (tip[1] + rimC[1]) / 2, sr * 0.5, sr * 0.15, t, 20));
  } else {
    shade.push(fill(`M${f(tip[0] - sr * 0.15)} ${f(tip[1])} L${f(rimC[0] - sr)} ${f(rimC[1] - sr * 0.1)} Q${f(rimC[0])} ${f(rimC[1] + sr * 0.5)} ${f(rimC[0] + sr)} ${f(rimC[1] + sr * 0.1)} L${f(tip[0] + sr * 0.15)} ${f(tip[1])} Z`));
  }
  // Cord from the base.
  const cord = stroke(poly(bezier(base, [base[0] + b.w * 0.4, base[1]], [b.x + b.w * 0.9, b.y + b.h * 0.8], [b.x + b.w, b.y + b.h * 0.98], 60)), t);
  return [
    { svg: parts.join('') + cord, material: r.pick(['black', 'chrome', 'redpaint'] as const), relief: 1 },
    { svg: shade.join(''), material: r.pick(['brass', 'black', 'redpaint', 'silver'] as const), relief: wire ? 1 : 0.5 },
  ];
};

export const tripod: ThinObject = (r, b, t) => {
  const head: Pt = [b.x + b.w / 2, b.y + b.h * 0.12];
  const legW = Math.max(t * 2.5, b.w * r.range(0.02, 0.035));
  const feet: Pt[] = [[b.x + b.w * 0.05, b.y + b.h], [b.x + b.w * 0.95, b.y + b.h * 0.97], [b.x + b.w * r.range(0.4, 0.6), b.y + b.h * 0.9]];
  const parts: string[] = [];
  for (const foot of feet) {
    parts.push(line(head[0], head[1], foot[0], foot[1], legW));
    const mid = lerp(head, foot, 0.5);
    parts.push(line(mid[0], mid[1], foot[0], foot[1], legW * 0.7));
    for (const k of [0.5, 0.8]) {
      const p = lerp(head, foot, k);
      parts.push(ellipse(p[0], p[1], legW * 1.3, legW * 0.8, null));
    }
    const s = lerp(head, foot, 0.35);
    parts.push(line(s[0], s[1], head[0], head[1] + b.h * 0.35, t));
  }
  parts.push(line(head[0], head[1], head[0], head[1] + b.h * 0.45, legW * 1.2));
  const plate = fill(`M${f(head[0] - b.w * 0.08)} ${f(head[1] - legW * 3)} h${f(b.w * 0.16)} v${f(legW * 3)} h${f(-b.w * 0.16)} Z`) + line(head[0] + b.w * 0.06, head[1] - legW, head[0] + b.w * 0.25, head[1] + b.h * 0.05, t * 1.5);
  return [
    { svg: parts.join(''), material: r.pick(['black', 'chrome', 'silver'] as const), relief: 1 },
    { svg: plate, material: 'black', relief: 0.6 },
  ];
};

export const coatStand: ThinObject = (r, b, t) => {
  const cx = b.x + b.w / 2;
  const pole = Math.max(t * 3, b.w * r.range(0.03, 0.05));
  const parts: string[] = [line(cx, b.y + b.h * 0.05, cx, b.y + b.h * 0.93, pole)];
  const feet = r.int(3, 4);
  for (let i = 0; i < feet; i++) {
    const dir = (i / (feet - 1)) * 2 - 1;
    parts.push(stroke(`M${f(cx)} ${f(b.y + b.h * 0.85)} Q${f(cx + dir * b.w * 0.3)} ${f(b.y + b.h * 0.88)} ${f(cx + dir * b.w * 0.48)} ${f(b.y + b.h)}`, pole * 0.8));
  }
  const hooks = r.int(4, 8);
  for (let i = 0; i < hooks; i++) {
    const dir = i % 2 ? 1 : -1;
    const y = b.y + b.h * (0.06 + 0.04 * Math.floor(i / 2));
    const reach = b.w * r.range(0.25, 0.48);
    parts.push(stroke(`M${f(cx)} ${f(y)} C${f(cx + dir * reach * 0.5)} ${f(y - b.h * 0.01)} ${f(cx + dir * reach)} ${f(y + b.h * 0.02)} ${f(cx + dir * reach)} ${f(y - b.h * 0.04)}`, t * 1.5));
    parts.push(ellipse(cx + dir * reach, y - b.h * 0.045, t * 2, t * 2, null));
  }
  parts.push(ellipse(cx, b.y + b.h * 0.04, pole * 1.2, pole * 1.2, null));
  return [{ svg: parts.join(''), material: r.pick(['darkwood', 'black', 'chrome', 'wood'] as const), relief: 1 }];
};

export const racket: ThinObject = (r, b, t) => {
  const cx = b.x + b.w * 0.5;
  const rx = b.w * 0.42;
  const ry = b.h * 0.3;
  const cy = b.y + ry + b.h * 0.02;
  const frameW = Math.max(t * 3, b.w * 0.03);
  const strings: string[] = [];
  const n = r.int(14, 22);
  for (let i = 1; i < n; i++) {
    const x = cx - rx + (2 * rx * i) / n;
    const dy = ry * Math.sqrt(Math.max(0, 1 - ((x - cx) / rx) ** 2));
    strings.push(line(x, cy - dy, x, cy + dy, t));
    const y = cy - ry + (2 * ry * i) / n;
    const dx = rx * Math.sqrt(Math.max(0, 1 - ((y - cy) / ry) ** 2));
    strings.push(line(cx - dx, y, cx + dx, y, t));
  }
  const frame = ellipse(cx, cy, rx, ry, frameW) + fill(`M${f(cx - rx * 0.35)} ${f(cy + ry * 0.92)} L${f(cx - frameW * 0.8)} ${f(b.y + b.h * 0.72)} L${f(cx + frameW * 0.8)} ${f(b.y + b.h * 0.72)} L${f(cx + rx * 0.35)} ${f(cy + ry * 0.92)} L${f(cx + rx * 0.2)} ${f(cy + ry * 0.95)} L${f(cx)} ${f(b.y + b.h * 0.68)} L${f(cx - rx * 0.2)} ${f(cy + ry * 0.95)} Z`);
  const handle = fill(`M${f(cx - frameW * 1.2)} ${f(b.y + b.h * 0.7)} h${f(frameW * 2.4)} v${f(b.h * 0.3)} h${f(-frameW * 2.4)} Z`);
  return [
    { svg: strings.join(''), material: r.pick(['silver', 'orange', 'redpaint'] as const), relief: 1 },
    { svg: frame, material: r.pick(['black', 'redpaint', 'chrome'] as const), relief: 1 },
    { svg: handle, material: 'black', relief: 0.6 },
  ];
};

export const THIN_OBJECTS = { chair, rack, cable, chain, basket, bicycle, lamp, tripod, coatStand, racket } as const;
export type ThinObjectName = keyof typeof THIN_OBJECTS;
