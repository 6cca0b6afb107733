/**
 * The scene's light: where it comes from, its colour by time of day, the summary the compositor
 * reads (`SceneLight`), and the fall-off painted over studio and tabletop sets (a soft pool of
 * light behind the subject, darker top and corners, the key side brighter, a little occlusion
 * where the wall meets the surface).
 */
import type { Canvas } from './raster.ts';
import type { LightFrom, Rgb, Scene, SceneLight, TimeOfDay } from './types.ts';
import type { GoboMap } from './gobo.ts';
import type { Lin } from './color.ts';
import { toLin } from './color.ts';

/** Light source position: x -1 (left) .. 1 (right), z -1 (behind the subject) .. 1 (camera side). */
export function lightVector(from: LightFrom): { x: number; z: number } {
  switch (from) {
    case 'front': return { x: 0, z: 1 };
    case 'left': return { x: -1, z: 0 };
    case 'right': return { x: 1, z: 0 };
    case 'back': return { x: 0, z: -1 };
    case 'top': return { x: 0, z: 0.3 };
    case 'front-left': return { x: -0.7, z: 0.7 };
    case 'front-right': return { x: 0.7, z: 0.7 };
    case 'back-left': return { x: -0.7, z: -0.7 };
    case 'back-right': return { x: 0.7, z: -0.7 };
  }
}

/** Photoroom's convention: the shadow falls away from the light; 0 = behind, 90 = left, 180 = front, 270 = right. */
export function shadowDirection(from: LightFrom): number {
  const l = lightVector(from);
  const sx = -l.x, sz = -l.z;
  if (sx === 0 && sz === 0) return 0;
  const deg = (Math.atan2(-sx, -sz) * 180) / Math.PI;
  return Math.round(((deg % 360) + 360) % 360);
}

const KEY_COLOUR: Record<TimeOfDay, Rgb> = {
  studio: [255, 255, 255],
  morning: [255, 243, 228],
  noon: [255, 253, 248],
  afternoon: [255, 239, 218],
  'golden-hour': [255, 205, 150],
  sunset: [255, 178, 128],
  dusk: [212, 220, 255],
  night: [255, 222, 188],
};

export function keyColour(time: TimeOfDay): Rgb {
  return KEY_COLOUR[time];
}

/** Linear key colour normalised so its brightest channel is 1. */
export function keyTint(time: TimeOfDay): Lin {
  const l = toLin(KEY_COLOUR[time]);
  const m = Math.max(l[0], l[1], l[2]);
  return [l[0] / m, l[1] / m, l[2] / m];
}

export function sceneLight(scene: Scene, exposure: number): SceneLight {
  const clamp = (v: number) => Math.min(1, Math.max(0, v));
  return {
    shadowDirection: shadowDirection(scene.light.from),
    softness: clamp(scene.light.softness),
    intensity: clamp(scene.light.intensity),
    color: keyColour(scene.time),
    exposure: clamp(exposure),
  };
}

export interface FalloffOptions {
  horizon: number;
  /** 'sweep' curves into the floor with no line; 'table' has a wall meeting a surface; 'outdoor' only lights the ground. */
  kind: 'sweep' | 'table' | 'outdoor';
  lightX: number;
  /** Light z: -1 behind the subject .. 1 camera side. */
  lightZ: number;
  softness: number;
  /** 0..1: how strongly light falls off toward the edges (moody scenes more). */
  falloff: number;
  /** Key colour applied to lit areas (linear, max channel 1). */
  tint: Lin;
  gobo: GoboMap | null;
  /** Shadow strength of the gobo, 0..1. */
  goboStrength: number;
}

/** Multiply the canvas by the set's light. */
export function applyFalloff(c: Canvas, o: FalloffOptions): void {
  const { cw, ch, f, width: W, height: H } = c;
  const d = c.data;
  const h = o.horizon;
  const hx = 0.5 + o.lightX * 0.18; // the pool of light leans toward the key
  const hy = o.kind === 'sweep' ? h - 0.08 : h - 0.12;
  const side = 0.16 * (1 - o.softness * 0.5) * o.lightX;
  const vig = 0.12 + 0.4 * o.falloff;
  const tint = o.tint;
  // Shadowed parts are lit by the sky / fill only: cooler than the key.
  const fill: Lin = [0.86, 0.92, 1.0];
  const cover = o.gobo?.cover;
  const light = o.gobo?.mode === 'light';
  for (let j = 0; j < ch; j++) {
    const y = (j * f) / H;
    const dy = (y - hy) / 1.2;
    let vertical = 1;
    if (o.kind === 'sweep') {
      if (y < h) { const t = (h - y) / h; vertical = 1 - 0.16 * o.falloff * t * t - 0.05 * t; }
      else { const t = (y - h) / (1 - h); vertical = 1 + 0.02 - 0.06 * t * t * o.falloff; }
    } else if (o.kind === 'table') {
      if (y < h) {
        const t = (h - y) / h;
        vertical = (0.9 - 0.14 * o.falloff * t * t) * (1 - 0.1 * Math.exp(-(h - y) / 0.025));
      } else {
        vertical = (1 - 0.18 * Math.exp(-(y - h) / 0.018)) * (1 - 0.05 * ((y - h) / (1 - h)));
      }
    }
    const outdoorSky = o.kind === 'outdoor' && y < h;
    // Outdoors the ground faces away from a sun behind the subject: darker, lit mostly by the sky.
    if (o.kind === 'outdoor' && !outdoorSky) vertical = 1 + 0.12 * Math.min(0, o.lightZ);
    let p = j * cw * 3;
    let q = j * cw;
    for (let i = 0; i < cw; i++, p += 3, q++) {
      const x = (i * f) / W;
      let k = 1, tr = tint[0], tg = tint[1], tb = tint[2];
      if (!outdoorSky) {
        const dx = (x - hx) / 1.05;
        k = vertical * (1 - vig * (dx * dx + dy * dy)) * (1 + side * (x - 0.5) * 2);
      } else {
        tr = 1; tg = 1; tb = 1;
      }
      if (cover) {
        const cv = cover[q]!;
        if (cv > 0) {
          if (light) {
            k *= 1 + o.goboStrength * cv * 0.5;
          } else {
            const s = o.goboStrength * cv;
            k *= 1 - s;
            tr += (fill[0] - tr) * s; tg += (fill[1] - tg) * s; tb += (fill[2] - tb) * s;
          }
        } else if (light) {
          k *= 1 - o.goboStrength * 0.25;
        }
      }
      d[p] *= k * tr; d[p + 1] *= k * tg; d[p + 2] *= k * tb;
    }
  }
}
