/**
 * Rendering: turns a BackgroundSpec into opaque sRGB bytes plus what the compositor needs to know
 * (light, horizon, gloss, surface colour). Scenes are composed on a coarse linear-light canvas
 * (backdrop, surface material in perspective, podium, lighting, gobo, bokeh) and finished at full
 * resolution in one pass (raster.ts). Pure: no I/O, deterministic for a given seed.
 */
import type { BackgroundSpec, RenderedBackground, Rgb, Scene } from './types.ts';
import { createCanvas, finish, plainDetail, type Canvas } from './raster.ts';
import { Noise } from './noise.ts';
import { toLin, linToSrgbFast, luminance } from './color.ts';
import { paintMountains, paintSea, paintSky, paintSweep, paintWall, type BackdropContext } from './backdrops.ts';
import { surfaceRows } from './geometry.ts';
import { fineDetail, isGlossy, paintMaterial } from './materials/index.ts';
import { drawPodium, placePodium, podiumContactShadow } from './podium.ts';
import { goboMap } from './gobo.ts';
import { drawBokeh } from './bokeh.ts';
import { applyFalloff, keyTint, lightVector, sceneLight } from './lighting.ts';
import { renderFlat, renderGradient } from './gradient.ts';
import { getTemplate } from './templates.ts';
import { parsePrompt } from './prompt.ts';

const NEUTRAL_LIGHT = { shadowDirection: 0, softness: 0.9, intensity: 0.35, color: [255, 255, 255] as Rgb };

function flat(width: number, height: number, rgb: Uint8Array, surface: Rgb): RenderedBackground {
  return {
    width, height, rgb, horizon: null, glossy: false, surface,
    light: { ...NEUTRAL_LIGHT, exposure: meanLuma(rgb) },
  };
}

/** Mean sRGB luma (Rec. 709 weights on the encoded values) of an RGB byte image, sampled sparsely. */
function meanLuma(rgb: Uint8Array): number {
  let sum = 0, n = 0;
  for (let i = 0; i < rgb.length; i += 3 * 97) { sum += 0.2126 * rgb[i]! + 0.7152 * rgb[i + 1]! + 0.0722 * rgb[i + 2]!; n++; }
  return n ? sum / n / 255 : 0;
}

/** Render any background spec at width x height. Throws a plain Error for an unknown template name. */
export function renderBackground(spec: BackgroundSpec, width: number, height: number, seed: number): RenderedBackground {
  if (!(width >= 1 && height >= 1 && Number.isInteger(width) && Number.isInteger(height))) {
    throw new Error(`background size must be positive integers, got ${width}x${height}`);
  }
  switch (spec.type) {
    case 'transparent':
      return flat(width, height, renderFlat([255, 255, 255], width, height), [255, 255, 255]);
    case 'color':
      return flat(width, height, renderFlat(spec.color, width, height), spec.color);
    case 'gradient': {
      const rgb = renderGradient(spec.kind, spec.stops, spec.angle, width, height, seed);
      const last = [...spec.stops].sort((a, b) => a.at - b.at).at(-1)?.color ?? [255, 255, 255];
      return flat(width, height, rgb, spec.kind === 'linear' ? sampleBottom(rgb, width, height) : last);
    }
    case 'template': {
      const t = getTemplate(spec.name);
      if (!t) throw new Error(`unknown background template "${spec.name}"`);
      return renderScene(t.scene, width, height, seed);
    }
    case 'prompt':
      return renderScene(parsePrompt(spec.prompt).scene, width, height, seed);
    case 'scene':
      return renderScene(spec.scene, width, height, seed);
  }
}

/** Mean colour of the bottom fifth of an image (where a subject's shadow would fall). */
function sampleBottom(rgb: Uint8Array, width: number, height: number): Rgb {
  let r = 0, g = 0, b = 0, n = 0;
  for (let y = Math.floor(height * 0.8); y < height; y += 4) {
    for (let x = 0; x < width; x += 4) { const o = (y * width + x) * 3; r += rgb[o]!; g += rgb[o + 1]!; b += rgb[o + 2]!; n++; }
  }
  return n ? [Math.round(r / n), Math.round(g / n), Math.round(b / n)] : [255, 255, 255];
}

const SUN_WARMTH: Record<Scene['time'], number> = {
  studio: 0, morning: 0.45, noon: 0.15, afternoon: 0.3, 'golden-hour': 1, sunset: 1.2, dusk: 0.25, night: 0,
};

/** Render a structured scene. */
export function renderScene(scene: Scene, width: number, height: number, seed: number): RenderedBackground {
  const c = createCanvas(width, height);
  const noise = new Noise(seed);
  const aspect = width / height;
  const horizon = Math.min(0.8, Math.max(0.3, scene.horizon));
  const kind = scene.backdrop.kind;
  const outdoor = kind === 'sky' || kind === 'mountains' || kind === 'sea';
  const material = scene.surface.material;
  const sweepOnly = kind === 'sweep' && (material === 'seamless' || material === 'paper' || material === 'velvet');
  const lv = lightVector(scene.light.from);
  const tint = keyTint(scene.time);

  const b: BackdropContext = {
    c, noise, seed, horizon,
    color: toLin(scene.backdrop.color), accent: toLin(scene.backdrop.accent),
    sun: { x: 0.5 + lv.x * 0.42, y: horizon - 0.16 - Math.max(0, lv.z) * 0.4, warmth: SUN_WARMTH[scene.time] },
  };
  if (kind === 'sweep') paintSweep(b, material === 'paper' ? 'paper' : material === 'velvet' ? 'velvet' : 'none');
  else if (kind === 'sky') paintSky(b);
  else if (kind === 'mountains') paintMountains(b);
  else if (kind === 'sea') paintSea(b);
  else paintWall(kind === 'bokeh' ? { ...b, accent: [b.color[0] * 0.85, b.color[1] * 0.85, b.color[2] * 0.85] } : b);

  if (!sweepOnly) {
    const rows = surfaceRows(c, horizon);
    paintMaterial(material, { c, rows, noise, seed, base: toLin(scene.surface.color), accent: toLin(scene.surface.accent) });
  }

  const podium = scene.props.podium;
  const placement = podium ? placePodium(podium, horizon, aspect) : null;
  if (placement) podiumContactShadow(c, placement, 0.3 + 0.3 * scene.light.intensity);

  const gobo = goboMap(c, scene.props.gobo, lv.x, scene.light.softness, seed);
  const moody = scene.mood === 'moody' || scene.mood === 'luxury' ? 1 : scene.mood === 'airy' || scene.mood === 'minimal' ? 0.2 : 0.5;
  applyFalloff(c, {
    horizon, kind: outdoor ? 'outdoor' : kind === 'sweep' && sweepOnly ? 'sweep' : 'table',
    lightX: lv.x, lightZ: lv.z, softness: scene.light.softness, falloff: moody, tint, gobo,
    goboStrength: 0.22 + 0.3 * scene.light.intensity * (1 - scene.light.softness * 0.5),
  });
  if (placement && podium) drawPodium(c, podium, placement, lv.x, 0.55 + 0.3 * scene.light.softness, tint);
  if (kind === 'bokeh' || scene.props.bokeh) drawBokeh(c, horizon, b.accent, seed);

  // A white sweep is exposed so most of it clips to paper white, as in a real white-seamless shot.
  if (kind === 'sweep' && luminance(scene.backdrop.color) > 0.85) gain(c, 1.07);

  const textured = !podium;
  const wallGrain = outdoor ? 1.2 : sweepOnly && material === 'paper' ? 2.2 : 1.3;
  const detail = sweepOnly ? plainDetail(height, wallGrain) : fineDetail(c, material, horizon, wallGrain, seed, textured);
  const rgb = finish(c, detail, seed);

  const standY = placement ? placement.top - placement.ry : horizon;
  const surface = meanColour(c, 0.3, 0.7, standY + 0.015, standY + (placement ? 2 * placement.ry : 0.12));
  return {
    width, height, rgb,
    light: sceneLight(scene, meanLumaCoarse(c)),
    horizon: standY,
    glossy: isGlossy(material) || (podium?.polished ?? false),
    surface,
  };
}

function gain(c: Canvas, k: number): void {
  const d = c.data;
  for (let i = 0; i < d.length; i++) d[i] *= k;
}

function meanLumaCoarse(c: Canvas): number {
  const d = c.data;
  let sum = 0, n = 0;
  for (let i = 0; i < d.length; i += 3 * 7) {
    sum += 0.2126 * linToSrgbFast(d[i]!) + 0.7152 * linToSrgbFast(d[i + 1]!) + 0.0722 * linToSrgbFast(d[i + 2]!);
    n++;
  }
  return sum / n / 255;
}

/** Mean sRGB colour of a normalised box of the coarse canvas (averaged in linear light). */
function meanColour(c: Canvas, x0: number, x1: number, y0: number, y1: number): Rgb {
  const i0 = Math.floor((x0 * c.width) / c.f), i1 = Math.max(i0 + 1, Math.ceil((x1 * c.width) / c.f));
  const j0 = Math.min(c.ch - 2, Math.floor((y0 * c.height) / c.f)), j1 = Math.min(c.ch - 1, Math.max(j0 + 1, Math.ceil((y1 * c.height) / c.f)));
  let r = 0, g = 0, b = 0, n = 0;
  for (let j = j0; j < j1; j++) {
    for (let i = i0; i < i1; i++) {
      const o = (j * c.cw + i) * 3;
      r += c.data[o]!; g += c.data[o + 1]!; b += c.data[o + 2]!; n++;
    }
  }
  return [Math.round(linToSrgbFast(r / n)), Math.round(linToSrgbFast(g / n)), Math.round(linToSrgbFast(b / n))];
}
