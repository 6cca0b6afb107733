/**
 * A podium standing on the floor: a cylinder (an ellipse top over a shaded round body) or a
 * block, lit from the scene's key side, with a soft contact shadow on the floor around its
 * base. Drawn into the coarse canvas in linear light after the backdrop's lighting.
 */
import type { Canvas } from './raster.ts';
import type { Podium } from './types.ts';
import type { Lin } from './color.ts';
import { toLin } from './color.ts';

export interface PodiumPlacement {
  /** Normalised centre x, top-face centre y, bottom-face centre y, half-width (width units), top ellipse half-height (height units). */
  cx: number;
  top: number;
  bottom: number;
  rx: number;
  ry: number;
}

/** Where a podium goes for a given horizon: it stands in front of the curve, its top a little below it. */
export function placePodium(p: Podium, horizon: number, aspect: number): PodiumPlacement {
  const rx = p.width / 2;
  const ry = (rx * aspect) * 0.16;
  const bottom = Math.min(0.94, horizon + 0.3);
  const top = Math.max(horizon + 0.06, bottom - 0.26);
  return { cx: 0.5, top, bottom, rx, ry };
}

/** Soft darkening of the floor around the podium's base (before the podium is drawn over it). */
export function podiumContactShadow(c: Canvas, pl: PodiumPlacement, strength: number): void {
  const { cw, ch, f, width: W, height: H } = c;
  const d = c.data;
  const rx = pl.rx * 1.25, ry = pl.ry * 2.2;
  for (let j = 0; j < ch; j++) {
    const y = (j * f) / H;
    const dy = (y - pl.bottom) / ry;
    if (dy < -3 || dy > 3) continue;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i++, o += 3) {
      const dx = ((i * f) / W - pl.cx) / rx;
      const r2 = dx * dx + dy * dy;
      if (r2 > 4) continue;
      const k = 1 - strength * Math.exp(-r2 * 1.6);
      d[o] *= k; d[o + 1] *= k; d[o + 2] *= k;
    }
  }
}

/** Draw the podium. `lightX` -1 = key from the left .. 1 from the right; `ambient` lifts the shaded side. */
export function drawPodium(c: Canvas, p: Podium, pl: PodiumPlacement, lightX: number, ambient: number, tint: Lin): void {
  const { cw, ch, f, width: W, height: H } = c;
  const d = c.data;
  const col = toLin(p.color);
  const aaX = f / W, aaY = f / H;
  for (let j = 0; j < ch; j++) {
    const y = (j * f) / H;
    if (y < pl.top - pl.ry - aaY || y > pl.bottom + pl.ry + aaY) continue;
    let o = j * cw * 3;
    for (let i = 0; i < cw; i++, o += 3) {
      const x = (i * f) / W;
      const px = (x - pl.cx) / pl.rx;
      const ax = 1 - Math.abs(px);
      if (ax < -aaX / pl.rx) continue;
      let cover: number, shadeK: number;
      if (p.shape === 'cylinder') {
        const depth = Math.sqrt(Math.max(0, 1 - px * px));
        const topDy = (y - pl.top) / pl.ry;
        const inTop = 1 - (px * px + topDy * topDy);
        const bottomEdge = pl.bottom + pl.ry * depth;
        // Body: between the top ellipse's centre line and the bottom ellipse's front arc.
        const bodyCov = Math.min(ax * pl.rx / aaX + 0.5, (bottomEdge - y) / aaY + 0.5, 1) * (y >= pl.top ? 1 : 0);
        const topCov = Math.min(1, Math.max(0, inTop * pl.ry / aaY * 0.5 + 0.5));
        if (topCov > 0.001 && y <= pl.top + pl.ry) {
          cover = Math.max(topCov, Math.max(0, bodyCov));
          // Top face: lit from above, a touch brighter toward the key side and a fine rim highlight.
          const rim = Math.max(0, 1 - Math.abs(inTop) * pl.ry / aaY * 0.8) * 0.08;
          const faceK = 1.02 + 0.04 * lightX * px + rim;
          shadeK = topCov >= 1 || bodyCov <= 0 ? faceK : faceK * topCov + bodyShade(px, lightX, ambient, y, pl) * (1 - topCov);
        } else {
          cover = Math.max(0, Math.min(1, bodyCov));
          shadeK = bodyShade(px, lightX, ambient, y, pl);
        }
      } else {
        const front = pl.top + pl.ry; // the block's front top edge
        const topFace = y < front ? Math.min(1, (y - (pl.top - pl.ry)) / aaY + 0.5) : 0;
        const body = Math.min(ax * pl.rx / aaX + 0.5, (pl.bottom - y) / aaY + 0.5, 1);
        cover = y < front ? Math.max(0, Math.min(topFace, ax * pl.rx / aaX + 0.5)) : Math.max(0, body);
        shadeK = y < front ? 1.02 : 0.8 - 0.08 * ((y - front) / (pl.bottom - front));
      }
      if (cover <= 0) continue;
      const cv = Math.min(1, cover);
      const r = col[0] * shadeK * tint[0], g = col[1] * shadeK * tint[1], b = col[2] * shadeK * tint[2];
      d[o] += (r - d[o]!) * cv; d[o + 1] += (g - d[o + 1]!) * cv; d[o + 2] += (b - d[o + 2]!) * cv;
    }
  }
}

/** Lambert shading of the round body: normal (px, 0, depth) against a key from the side and front. */
function bodyShade(px: number, lightX: number, ambient: number, y: number, pl: PodiumPlacement): number {
  const depth = Math.sqrt(Math.max(0, 1 - px * px));
  const lx = lightX * 0.75, lz = 0.66;
  const lam = Math.max(0, px * lx + depth * lz);
  // Slightly darker toward the floor (occlusion) and a soft wrap of fill light.
  const down = (y - pl.top) / Math.max(1e-3, pl.bottom - pl.top);
  return (ambient + (1 - ambient) * lam) * (0.92 - 0.08 * down);
}
