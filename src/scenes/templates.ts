/**
 * The named templates: each a structured Scene plus a title, description, tags and the shadow
 * mode that suits it. Data only; render.ts draws them.
 */
import type { Scene, TemplateInfo } from './types.ts';

type Partial2<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };

const BASE: Scene = {
  backdrop: { kind: 'sweep', color: [238, 238, 236], accent: [230, 230, 228] },
  surface: { material: 'seamless', color: [238, 238, 236], accent: [230, 230, 228] },
  horizon: 0.6,
  time: 'studio',
  light: { from: 'front', softness: 0.85, intensity: 0.4 },
  mood: 'neutral',
  setting: 'studio',
  props: { podium: null, gobo: 'none', bokeh: false },
};

/** Build a scene from the neutral studio base, overriding parts. */
export function scene(over: Partial2<Scene>): Scene {
  return {
    backdrop: { ...BASE.backdrop, ...over.backdrop },
    surface: { ...BASE.surface, ...over.surface },
    horizon: over.horizon ?? BASE.horizon,
    time: over.time ?? BASE.time,
    light: { ...BASE.light, ...over.light },
    mood: over.mood ?? BASE.mood,
    setting: over.setting ?? BASE.setting,
    props: { ...BASE.props, ...over.props },
  };
}

/** The neutral studio that an empty or unknown prompt falls back to. */
export const NEUTRAL_STUDIO: Scene = scene({ backdrop: { color: [232, 231, 228], accent: [226, 225, 222] }, surface: { color: [232, 231, 228] } });

export const TEMPLATES: readonly TemplateInfo[] = [
  {
    name: 'white-seamless', title: 'White seamless', shadow: 'soft',
    description: 'Pure white studio sweep, evenly lit: the marketplace standard.',
    tags: ['studio', 'white', 'minimal', 'ecommerce'],
    scene: scene({ backdrop: { color: [255, 255, 255], accent: [255, 255, 255] }, surface: { color: [255, 255, 255] }, mood: 'minimal', light: { from: 'front', softness: 0.95, intensity: 0.3 } }),
  },
  {
    name: 'studio-grey', title: 'Studio grey', shadow: 'soft',
    description: 'Light grey paper sweep with a soft pool of light behind the subject and gentle fall-off.',
    tags: ['studio', 'grey', 'neutral'],
    scene: scene({ backdrop: { color: [206, 207, 208], accent: [200, 200, 202] }, surface: { color: [206, 207, 208] }, light: { from: 'front-left', softness: 0.8, intensity: 0.45 } }),
  },
  {
    name: 'pastel', title: 'Pastel podium', shadow: 'soft',
    description: 'Blush pink sweep with a soft lilac-pink cylinder podium.',
    tags: ['studio', 'pastel', 'podium', 'playful', 'beauty'],
    scene: scene({
      backdrop: { color: [240, 206, 204], accent: [236, 200, 198] }, surface: { color: [240, 206, 204] }, mood: 'playful',
      light: { from: 'front-left', softness: 0.8, intensity: 0.45 },
      props: { podium: { shape: 'cylinder', color: [246, 222, 222], width: 0.56, polished: false } },
    }),
  },
  {
    name: 'deep-navy', title: 'Deep navy', shadow: 'soft',
    description: 'Deep navy sweep with a soft spotlight behind the subject; rich and premium.',
    tags: ['studio', 'dark', 'navy', 'luxury'],
    scene: scene({ backdrop: { color: [38, 54, 92], accent: [30, 44, 78] }, surface: { color: [38, 54, 92] }, mood: 'luxury', light: { from: 'front-right', softness: 0.6, intensity: 0.6 } }),
  },
  {
    name: 'warm-paper', title: 'Warm paper', shadow: 'soft',
    description: 'Warm cream paper sweep with visible fibre texture.',
    tags: ['studio', 'paper', 'warm', 'cream', 'natural'],
    scene: scene({ backdrop: { color: [236, 224, 202], accent: [230, 216, 192] }, surface: { material: 'paper', color: [236, 224, 202] }, mood: 'warm', light: { from: 'front-left', softness: 0.8, intensity: 0.4 } }),
  },
  {
    name: 'white-marble', title: 'White marble', shadow: 'reflection',
    description: 'Polished white Carrara marble counter in front of a soft warm-grey wall.',
    tags: ['tabletop', 'marble', 'white', 'luxury', 'bathroom', 'kitchen'],
    scene: scene({
      backdrop: { kind: 'wall', color: [222, 219, 214], accent: [214, 210, 204] },
      surface: { material: 'marble', color: [240, 239, 236], accent: [122, 124, 130] }, horizon: 0.52, setting: 'kitchen', mood: 'minimal',
      light: { from: 'front-left', softness: 0.75, intensity: 0.45 },
    }),
  },
  {
    name: 'light-oak', title: 'Light oak', shadow: 'soft',
    description: 'Light oak planks receding to an off-white plaster wall; natural and warm.',
    tags: ['tabletop', 'wood', 'oak', 'natural', 'warm'],
    scene: scene({
      backdrop: { kind: 'wall', color: [232, 226, 216], accent: [224, 216, 204] },
      surface: { material: 'oak', color: [214, 184, 146], accent: [160, 124, 86] }, horizon: 0.5, setting: 'kitchen', mood: 'natural', time: 'morning',
      light: { from: 'left', softness: 0.7, intensity: 0.5 },
    }),
  },
  {
    name: 'concrete', title: 'Concrete', shadow: 'soft',
    description: 'Mottled grey concrete tabletop against a darker concrete wall; urban and minimal.',
    tags: ['tabletop', 'concrete', 'grey', 'industrial', 'minimal'],
    scene: scene({
      backdrop: { kind: 'wall', color: [150, 150, 148], accent: [134, 134, 132] },
      surface: { material: 'concrete', color: [178, 176, 172], accent: [140, 138, 134] }, horizon: 0.5, mood: 'minimal',
      light: { from: 'right', softness: 0.55, intensity: 0.6 },
    }),
  },
  {
    name: 'linen', title: 'Linen', shadow: 'soft',
    description: 'Natural oatmeal linen cloth with a visible weave, in front of a cream wall.',
    tags: ['tabletop', 'linen', 'fabric', 'cozy', 'natural'],
    scene: scene({
      backdrop: { kind: 'wall', color: [234, 227, 214], accent: [226, 216, 200] },
      surface: { material: 'linen', color: [214, 202, 180], accent: [176, 160, 134] }, horizon: 0.5, mood: 'cozy', time: 'morning',
      light: { from: 'front-left', softness: 0.8, intensity: 0.4 },
    }),
  },
  {
    name: 'terrazzo', title: 'Terrazzo', shadow: 'soft',
    description: 'Light terrazzo with terracotta, sage, charcoal and ochre chips, before a pale clay wall.',
    tags: ['tabletop', 'terrazzo', 'playful', 'modern'],
    scene: scene({
      backdrop: { kind: 'wall', color: [232, 214, 200], accent: [224, 202, 186] },
      surface: { material: 'terrazzo', color: [238, 234, 226], accent: [200, 190, 180] }, horizon: 0.5, mood: 'playful',
      light: { from: 'front-right', softness: 0.75, intensity: 0.45 },
    }),
  },
  {
    name: 'golden-hour', title: 'Golden hour', shadow: 'hard',
    description: 'Warm low sun in a hazy evening sky over distant hills; a pale stone ledge in front catches the glow.',
    tags: ['outdoor', 'sky', 'sunset', 'warm'],
    scene: scene({
      backdrop: { kind: 'sky', color: [140, 170, 205], accent: [250, 200, 150] },
      surface: { material: 'stone', color: [214, 210, 204], accent: [186, 182, 176] }, horizon: 0.64, time: 'golden-hour', setting: 'outdoors', mood: 'warm',
      light: { from: 'back-left', softness: 0.25, intensity: 0.7 },
    }),
  },
  {
    name: 'alpine', title: 'Alpine', shadow: 'soft',
    description: 'Layered alpine ridges fading into blue haze, snow on the far peaks, a sunlit meadow in front.',
    tags: ['outdoor', 'mountains', 'fresh', 'adventure'],
    scene: scene({
      backdrop: { kind: 'mountains', color: [120, 160, 210], accent: [200, 218, 236] },
      surface: { material: 'grass', color: [104, 124, 72], accent: [134, 146, 84] }, horizon: 0.66, time: 'morning', setting: 'mountains', mood: 'fresh',
      light: { from: 'front-right', softness: 0.45, intensity: 0.55 },
    }),
  },
  {
    name: 'black-studio', title: 'Black studio', shadow: 'reflection',
    description: 'Near-black backdrop over a glossy black acrylic floor, a faint glow behind the subject; dramatic.',
    tags: ['studio', 'black', 'dark', 'luxury', 'dramatic'],
    scene: scene({ backdrop: { color: [30, 30, 32], accent: [24, 24, 26] }, surface: { material: 'acrylic', color: [22, 22, 24], accent: [58, 58, 62] }, mood: 'moody', light: { from: 'front', softness: 0.55, intensity: 0.7 } }),
  },
  {
    name: 'sage-podium', title: 'Sage podium', shadow: 'soft',
    description: 'Muted sage green sweep with a matching lighter sage cylinder podium.',
    tags: ['studio', 'podium', 'green', 'sage', 'natural'],
    scene: scene({
      backdrop: { color: [176, 190, 168], accent: [168, 182, 160] }, surface: { color: [176, 190, 168] }, mood: 'natural',
      light: { from: 'front-right', softness: 0.75, intensity: 0.5 },
      props: { podium: { shape: 'cylinder', color: [198, 210, 190], width: 0.56, polished: false } },
    }),
  },
  {
    name: 'beach-sand', title: 'Beach sand', shadow: 'hard',
    description: 'Rippled pale sand under a bright sky, a calm sea on the horizon.',
    tags: ['outdoor', 'beach', 'sand', 'summer', 'fresh'],
    scene: scene({
      backdrop: { kind: 'sea', color: [110, 160, 205], accent: [214, 230, 240] },
      surface: { material: 'sand', color: [232, 214, 184], accent: [214, 192, 158] }, horizon: 0.56, time: 'afternoon', setting: 'beach', mood: 'fresh',
      light: { from: 'front-right', softness: 0.2, intensity: 0.7 },
    }),
  },
  {
    name: 'bokeh-lights', title: 'Bokeh lights', shadow: 'soft',
    description: 'Walnut tabletop in front of warm out-of-focus evening lights.',
    tags: ['tabletop', 'wood', 'walnut', 'bokeh', 'evening', 'cozy', 'festive'],
    scene: scene({
      backdrop: { kind: 'bokeh', color: [36, 30, 28], accent: [255, 196, 130] },
      surface: { material: 'walnut', color: [104, 76, 58], accent: [58, 40, 28] }, horizon: 0.5, time: 'night', setting: 'cafe', mood: 'cozy',
      light: { from: 'front-left', softness: 0.6, intensity: 0.55 },
    }),
  },
  {
    name: 'eucalyptus-morning', title: 'Eucalyptus morning', shadow: 'soft',
    description: 'White marble in soft morning light with eucalyptus leaf shadows across the wall.',
    tags: ['tabletop', 'marble', 'morning', 'leaves', 'fresh', 'beauty'],
    scene: scene({
      backdrop: { kind: 'wall', color: [236, 232, 226], accent: [228, 222, 214] },
      surface: { material: 'marble', color: [242, 240, 236], accent: [132, 134, 138] }, horizon: 0.55, time: 'morning', setting: 'bathroom', mood: 'fresh',
      light: { from: 'left', softness: 0.5, intensity: 0.55 },
      props: { gobo: 'eucalyptus' },
    }),
  },
  {
    name: 'window-linen', title: 'Window light on linen', shadow: 'soft',
    description: 'Soft window panes of morning light falling across a cream wall and linen cloth.',
    tags: ['tabletop', 'linen', 'window', 'morning', 'cozy'],
    scene: scene({
      backdrop: { kind: 'wall', color: [226, 218, 206], accent: [218, 208, 194] },
      surface: { material: 'linen', color: [226, 216, 198], accent: [186, 172, 148] }, horizon: 0.52, time: 'morning', setting: 'bedroom', mood: 'cozy',
      light: { from: 'right', softness: 0.45, intensity: 0.5 },
      props: { gobo: 'window' },
    }),
  },
];

const BY_NAME = new Map(TEMPLATES.map((t) => [t.name, t]));

export function getTemplate(name: string): TemplateInfo | undefined {
  return BY_NAME.get(name);
}
