/**
 * Prompt parsing: a free-text description ("white marble counter, soft morning light, eucalyptus
 * shadows") becomes a structured Scene. Tokens are matched against the lexicon longest phrase
 * first (three, two, then one word); colours attach to the material, podium or wall they
 * describe; a few modifiers (light, dark, pale) tint the next colour. Anything meaningful left
 * over is reported as unknown. With nothing understood the result is a tasteful neutral studio.
 */
import type { PromptParse, Rgb, Scene, SurfaceMaterial } from './types.ts';
import { BACKDROP_WORDS, BOKEH, COLOURS, DIRECTIONS, GOBOS, MATERIALS, MOODS, PODIUMS, SETTINGS, SOFTNESS, STOP_WORDS, TIMES, TINT_WORDS } from './lexicon.ts';
import { NEUTRAL_STUDIO, TEMPLATES, scene as makeScene } from './templates.ts';
import { luminance, mixRgb, shade } from './color.ts';

type Understood = PromptParse['understood'][number];

function tokenize(prompt: string): string[] {
  return prompt.toLowerCase().normalize('NFC').replace(/golden[-\s]hour/g, 'golden hour').split(/[^a-z0-9\u00e0-\u00ff-]+/).flatMap((t) => (t.includes('-') && !COLOURS[t] ? t.split('-') : [t])).filter((t) => t.length > 0);
}

/** Words that cannot start a phrase on their own but say what a colour belongs to. */
type Target = 'surface' | 'backdrop' | 'podium';

interface Parsed {
  material?: { name: string; material: SurfaceMaterial; color: Rgb; accent: Rgb };
  colours: { target: Target | null; color: Rgb; index: number }[];
  time?: Scene['time'];
  from?: Scene['light']['from'];
  softness?: { softness: number; intensity: number };
  mood?: Scene['mood'];
  setting?: Scene['setting'];
  gobo?: Scene['props']['gobo'];
  podium?: 'cylinder' | 'block';
  bokeh?: boolean;
  backdrop?: 'wall' | 'sweep' | 'sky' | 'any';
}

export function parsePrompt(prompt: string): PromptParse {
  const tokens = tokenize(prompt);
  const understood: Understood[] = [];
  const unknown: string[] = [];
  const p: Parsed = { colours: [] };
  let pendingColour: { color: Rgb; index: number } | null = null;
  let tintNext = null as { white: number; scale: number } | null;
  const colourFor = (target: Target) => {
    if (pendingColour) { p.colours.push({ target, ...pendingColour }); pendingColour = null; }
  };
  const flushColour = () => {
    if (pendingColour) { p.colours.push({ target: null, ...pendingColour }); pendingColour = null; }
  };

  for (let i = 0; i < tokens.length;) {
    let matched = false;
    for (let n = Math.min(3, tokens.length - i); n >= 1 && !matched; n--) {
      const phrase = tokens.slice(i, i + n).join(' ');
      const next = tokens[i + n];
      const note = (field: string, value: string) => understood.push({ phrase, field, value });
      if (n === 1 && TINT_WORDS[phrase] !== undefined && next !== undefined && (COLOURS[next] || MATERIALS[next] || COLOURS[`${next} ${tokens[i + 2] ?? ''}`])) {
        const t = TINT_WORDS[phrase]!;
        tintNext = { white: Math.max(tintNext?.white ?? 0, t.white ?? 0), scale: (tintNext?.scale ?? 1) * (t.scale ?? 1) };
        note('modifier', phrase);
      } else if (COLOURS[phrase]) {
        const color = applyTint(COLOURS[phrase]!, tintNext);
        tintNext = null;
        flushColour();
        pendingColour = { color, index: understood.length };
        note('color', phrase);
      } else if (MATERIALS[phrase] && !(n === 1 && phrase === 'sand' && p.material)) {
        const m = MATERIALS[phrase]!;
        p.material = { name: phrase, ...m, color: applyTint(m.color, tintNext) };
        tintNext = null;
        colourFor('surface');
        note('surface.material', m.material);
      } else if (TIMES[phrase]) {
        p.time = TIMES[phrase]; note('time', TIMES[phrase]!);
      } else if (DIRECTIONS[phrase]) {
        p.from = DIRECTIONS[phrase]; note('light.from', DIRECTIONS[phrase]!);
      } else if (GOBOS[phrase]) {
        p.gobo = GOBOS[phrase]; note('props.gobo', GOBOS[phrase]!);
        if (p.gobo === 'window' && !p.from) p.from = 'left';
      } else if (SOFTNESS[phrase]) {
        p.softness = SOFTNESS[phrase]; note('light.softness', String(SOFTNESS[phrase]!.softness));
        if (phrase === 'dramatic' && !p.mood) p.mood = 'moody';
      } else if (PODIUMS[phrase]) {
        p.podium = PODIUMS[phrase]; colourFor('podium'); note('props.podium', PODIUMS[phrase]!);
      } else if (BOKEH.has(phrase)) {
        p.bokeh = true; note('props.bokeh', 'true');
      } else if (BACKDROP_WORDS[phrase]) {
        p.backdrop = BACKDROP_WORDS[phrase]; colourFor('backdrop'); note('backdrop.kind', BACKDROP_WORDS[phrase]!);
        if (SETTINGS[phrase]) p.setting = SETTINGS[phrase];
      } else if (SETTINGS[phrase]) {
        p.setting = SETTINGS[phrase]; note('setting', SETTINGS[phrase]!);
        if (phrase === 'counter' || phrase === 'countertop' || phrase === 'worktop' || phrase === 'table' || phrase === 'tabletop' || phrase === 'desk' || phrase === 'shelf') colourFor('surface');
      } else if (MOODS[phrase]) {
        p.mood = MOODS[phrase]; note('mood', MOODS[phrase]!);
      } else {
        continue;
      }
      i += n;
      matched = true;
    }
    if (!matched) {
      const t = tokens[i]!;
      if (!STOP_WORDS.has(t) && !/^\d+$/.test(t)) unknown.push(t);
      i++;
    }
  }
  flushColour();
  return { scene: buildScene(p), understood, unknown };
}

function template(name: string): Scene {
  const t = TEMPLATES.find((x) => x.name === name);
  return structuredClone(t ? t.scene : NEUTRAL_STUDIO) as Scene;
}

/** Start from the setting's typical scene. */
function baseForSetting(p: Parsed): Scene {
  switch (p.setting) {
    case 'kitchen': case 'bathroom': return template('white-marble');
    case 'beach': return template('beach-sand');
    case 'mountains': return template('alpine');
    case 'desert': {
      const s = template('golden-hour');
      s.surface = { material: 'sand', color: [226, 196, 156], accent: [206, 172, 130] };
      s.setting = 'desert';
      return s;
    }
    case 'forest': case 'garden': {
      const s = template('bokeh-lights');
      s.backdrop = { kind: 'bokeh', color: [36, 58, 40], accent: [200, 230, 160] };
      s.surface = { ...MATERIALS['stone']!, material: 'stone', color: [150, 146, 132], accent: [120, 118, 104] };
      s.time = 'morning';
      s.mood = 'natural';
      return s;
    }
    case 'cafe': return template('bokeh-lights');
    case 'living-room': case 'office': case 'tabletop': return template('light-oak');
    case 'bedroom': return template('linen');
    case 'outdoors': return template('golden-hour');
    default: return structuredClone(NEUTRAL_STUDIO) as Scene;
  }
}

function applyTint(c: Rgb, t: { white: number; scale: number } | null): Rgb {
  if (!t) return c;
  const lit = t.scale === 1 ? c : shade(c, t.scale);
  return t.white > 0 ? mixRgb(lit, [255, 255, 255], t.white) : lit;
}

const SKY_BY_TIME: Partial<Record<Scene['time'], { color: Rgb; accent: Rgb }>> = {
  morning: { color: [150, 186, 226], accent: [236, 226, 214] },
  noon: { color: [110, 160, 220], accent: [212, 228, 244] },
  afternoon: { color: [120, 165, 215], accent: [226, 228, 226] },
  'golden-hour': { color: [140, 170, 205], accent: [250, 200, 150] },
  sunset: { color: [120, 130, 180], accent: [250, 170, 120] },
  dusk: { color: [60, 70, 120], accent: [200, 150, 160] },
  night: { color: [18, 22, 40], accent: [40, 44, 70] },
};

/** A wall colour that suits a surface: a light warm neutral, a touch of the surface's hue. */
function wallFor(surface: Rgb): Rgb {
  return luminance(surface) < 0.15 ? mixRgb(surface, [90, 88, 86], 0.5) : mixRgb([232, 228, 222], surface, 0.18);
}

function buildScene(p: Parsed): Scene {
  const s = baseForSetting(p);
  if (p.setting) s.setting = p.setting;
  const outdoor = s.backdrop.kind === 'sky' || s.backdrop.kind === 'mountains' || s.backdrop.kind === 'sea';

  if (p.material) {
    s.surface = { material: p.material.material, color: p.material.color, accent: p.material.accent };
    if (s.backdrop.kind === 'sweep' && p.material.material !== 'paper' && p.material.material !== 'velvet') {
      s.backdrop = { kind: 'wall', color: wallFor(p.material.color), accent: wallFor(p.material.accent) };
      s.horizon = 0.52;
    } else if (s.backdrop.kind === 'sweep') {
      s.backdrop = { kind: 'sweep', color: p.material.color, accent: p.material.accent };
    }
  }
  if (p.backdrop === 'sky' && !outdoor) {
    const g = template('golden-hour');
    s.backdrop = g.backdrop;
    s.horizon = g.horizon;
    if (!p.material) s.surface = g.surface;
  } else if (p.backdrop === 'wall' && s.backdrop.kind === 'sweep') {
    s.backdrop.kind = 'wall';
    if (s.surface.material === 'seamless') s.surface = { material: 'plaster', color: s.surface.color, accent: s.surface.accent };
    s.horizon = 0.52;
  }

  for (const c of p.colours) {
    const target = c.target ?? (p.material ? (p.podium ? 'podium' : 'backdrop') : p.podium ? 'backdrop' : 'backdrop');
    if (target === 'surface') {
      s.surface.color = c.color;
      s.surface.accent = accentFor(s.surface.material, c.color);
      if (s.backdrop.kind === 'sweep' && (s.surface.material === 'seamless' || s.surface.material === 'paper' || s.surface.material === 'velvet')) s.backdrop.color = c.color;
    } else if (target === 'backdrop') {
      if (s.backdrop.kind === 'sky' || s.backdrop.kind === 'mountains' || s.backdrop.kind === 'sea') continue;
      s.backdrop.color = c.color;
      s.backdrop.accent = s.backdrop.kind === 'bokeh' ? s.backdrop.accent : shade(c.color, 0.94);
      if (s.surface.material === 'seamless') { s.surface.color = c.color; s.surface.accent = c.color; }
    }
  }

  if (p.time) {
    s.time = p.time;
    const sky = SKY_BY_TIME[p.time];
    if (sky && (s.backdrop.kind === 'sky' || s.backdrop.kind === 'sea')) s.backdrop = { ...s.backdrop, ...sky };
    if (!p.from && !outdoor) s.light.from = p.time === 'morning' ? 'left' : p.time === 'golden-hour' || p.time === 'sunset' ? 'back-left' : s.light.from;
    if (p.time === 'golden-hour' || p.time === 'sunset') { s.light.softness = Math.min(s.light.softness, 0.35); s.light.intensity = Math.max(s.light.intensity, 0.6); }
    if (p.time === 'night' && s.backdrop.kind === 'wall' && !p.colours.some((c) => c.target !== 'surface')) { s.backdrop.color = shade(s.backdrop.color, 0.2); s.backdrop.accent = shade(s.backdrop.accent, 0.2); }
  }
  if (p.from) s.light.from = p.from;
  if (p.softness) s.light = { ...s.light, ...p.softness };

  if (p.mood) {
    s.mood = p.mood;
    const explicitBackdrop = p.colours.some((c) => c.target === 'backdrop' || c.target === null);
    if (!explicitBackdrop && !outdoor && s.backdrop.kind !== 'bokeh') {
      if (p.mood === 'moody') { s.backdrop.color = shade(s.backdrop.color, 0.25); s.backdrop.accent = shade(s.backdrop.accent, 0.25); s.light.intensity = Math.max(s.light.intensity, 0.7); }
      if (p.mood === 'luxury' && luminance(s.backdrop.color) > 0.4) { s.backdrop.color = shade(s.backdrop.color, 0.35); s.backdrop.accent = shade(s.backdrop.accent, 0.35); }
      if (p.mood === 'airy') { s.backdrop.color = mixRgb(s.backdrop.color, [255, 255, 255], 0.4); s.backdrop.accent = mixRgb(s.backdrop.accent, [255, 255, 255], 0.4); s.light.softness = Math.max(s.light.softness, 0.85); }
      if (p.mood === 'cozy' || p.mood === 'warm') { s.backdrop.color = mixRgb(s.backdrop.color, [236, 206, 170], 0.25); s.backdrop.accent = mixRgb(s.backdrop.accent, [236, 206, 170], 0.25); }
      if (p.mood === 'cool' || p.mood === 'fresh') { s.backdrop.color = mixRgb(s.backdrop.color, [214, 226, 236], 0.2); s.backdrop.accent = mixRgb(s.backdrop.accent, [214, 226, 236], 0.2); }
      if (s.surface.material === 'seamless') { s.surface.color = s.backdrop.color; s.surface.accent = s.backdrop.accent; }
    }
  }

  if (p.gobo) s.props.gobo = p.gobo;
  if (p.bokeh) {
    if (s.backdrop.kind === 'wall' || s.backdrop.kind === 'sweep') s.props.bokeh = true;
    if (s.backdrop.kind === 'sweep') { s.backdrop.kind = 'wall'; if (s.surface.material === 'seamless') s.surface.material = 'plaster'; }
    if (s.backdrop.kind === 'wall' && luminance(s.backdrop.color) > 0.3) s.backdrop.accent = [255, 214, 160];
  }
  if (p.podium) {
    const podColour = p.colours.find((c) => c.target === 'podium')?.color ?? mixRgb(s.backdrop.kind === 'sweep' || s.backdrop.kind === 'wall' ? s.backdrop.color : [236, 232, 226], [255, 255, 255], 0.25);
    s.props.podium = { shape: p.podium, color: podColour, width: 0.56, polished: s.surface.material === 'marble' || s.surface.material === 'acrylic' };
  }
  return makeScene(s);
}

/** Secondary colour for a material in a given base colour: veins, grain lines, chips' matrix shade. */
function accentFor(material: SurfaceMaterial, color: Rgb): Rgb {
  const dark = luminance(color) < 0.12;
  if (material === 'marble') return dark ? mixRgb(color, [230, 226, 220], 0.55) : shade(color, 0.28);
  if (material === 'oak' || material === 'walnut') return shade(color, 0.55);
  return shade(color, dark ? 1.4 : 0.8);
}

