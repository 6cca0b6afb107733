/**
 * The prompt vocabulary: words and short phrases mapped to scene fields. Data only; prompt.ts
 * does the matching and builds the scene. Phrases may be up to three words; the longest match
 * wins.
 */
import type { Gobo, LightFrom, Mood, Rgb, Setting, SurfaceMaterial, TimeOfDay } from './types.ts';

export const STOP_WORDS = new Set([
  'a', 'an', 'the', 'with', 'and', 'on', 'in', 'of', 'at', 'for', 'to', 'from', 'by', 'some', 'very', 'slightly',
  'into', 'onto', 'over', 'under', 'near', 'behind', 'beside', 'plus', 'or', 'is', 'are', 'it', 'its', 'this', 'that',
  'my', 'our', 'your', 'as', 'like', 'style', 'styled', 'vibe', 'vibes', 'feel', 'look', 'photo', 'photography',
  'product', 'shot', 'image', 'picture', 'scene', 'setting', 'background', 'backdrop', 'lighting', 'light', 'lit',
  'shadow', 'shadows', 'surface', 'tone', 'tones', 'toned', 'colour', 'color', 'colored', 'coloured', 'top', 'against', 'set',
]);

/** Materials and their default colour and accent (veins, grain, chips). */
export const MATERIALS: Record<string, { material: SurfaceMaterial; color: Rgb; accent: Rgb }> = {
  marble: { material: 'marble', color: [240, 239, 236], accent: [122, 124, 130] },
  oak: { material: 'oak', color: [214, 184, 146], accent: [160, 124, 86] },
  walnut: { material: 'walnut', color: [104, 76, 58], accent: [58, 40, 28] },
  wood: { material: 'oak', color: [196, 156, 112], accent: [140, 100, 62] },
  wooden: { material: 'oak', color: [196, 156, 112], accent: [140, 100, 62] },
  timber: { material: 'oak', color: [196, 156, 112], accent: [140, 100, 62] },
  concrete: { material: 'concrete', color: [178, 176, 172], accent: [140, 138, 134] },
  cement: { material: 'concrete', color: [178, 176, 172], accent: [140, 138, 134] },
  linen: { material: 'linen', color: [214, 202, 180], accent: [176, 160, 134] },
  fabric: { material: 'linen', color: [214, 202, 180], accent: [176, 160, 134] },
  cloth: { material: 'linen', color: [214, 202, 180], accent: [176, 160, 134] },
  tablecloth: { material: 'linen', color: [226, 218, 204], accent: [186, 174, 154] },
  terrazzo: { material: 'terrazzo', color: [238, 234, 226], accent: [200, 190, 180] },
  paper: { material: 'paper', color: [236, 224, 202], accent: [230, 216, 192] },
  sand: { material: 'sand', color: [232, 214, 184], accent: [214, 192, 158] },
  stone: { material: 'stone', color: [200, 190, 174], accent: [170, 160, 146] },
  travertine: { material: 'stone', color: [222, 204, 176], accent: [196, 176, 146] },
  limestone: { material: 'stone', color: [218, 210, 192], accent: [190, 182, 164] },
  granite: { material: 'stone', color: [160, 158, 154], accent: [120, 118, 114] },
  slate: { material: 'slate', color: [70, 74, 80], accent: [48, 52, 58] },
  velvet: { material: 'velvet', color: [120, 40, 60], accent: [170, 90, 110] },
  plaster: { material: 'plaster', color: [226, 220, 210], accent: [214, 206, 194] },
  acrylic: { material: 'acrylic', color: [240, 240, 240], accent: [255, 255, 255] },
  glass: { material: 'acrylic', color: [236, 240, 242], accent: [255, 255, 255] },
  mirror: { material: 'acrylic', color: [220, 224, 228], accent: [255, 255, 255] },
  grass: { material: 'grass', color: [86, 118, 60], accent: [120, 150, 76] },
  lawn: { material: 'grass', color: [86, 118, 60], accent: [120, 150, 76] },
  moss: { material: 'grass', color: [82, 104, 52], accent: [110, 130, 66] },
};

export const COLOURS: Record<string, Rgb> = {
  white: [244, 243, 240], black: [30, 30, 32], grey: [186, 186, 186], gray: [186, 186, 186],
  charcoal: [58, 60, 64], cream: [238, 228, 206], ivory: [240, 234, 218], beige: [222, 204, 176],
  taupe: [180, 164, 150], brown: [122, 86, 62], tan: [206, 172, 130], terracotta: [196, 110, 80],
  rust: [170, 84, 50], orange: [236, 146, 80], peach: [246, 200, 170], coral: [240, 140, 120],
  pink: [240, 190, 196], blush: [240, 206, 204], rose: [226, 160, 168], red: [190, 50, 50],
  burgundy: [110, 30, 44], wine: [110, 30, 44], yellow: [244, 214, 110], mustard: [210, 166, 60],
  ochre: [204, 150, 70], gold: [212, 176, 100], golden: [222, 184, 110], green: [120, 160, 110],
  sage: [176, 190, 168], olive: [128, 128, 80], mint: [190, 226, 206], emerald: [40, 110, 80],
  teal: [50, 120, 124], turquoise: [90, 190, 190], blue: [110, 150, 200], navy: [38, 54, 92],
  cobalt: [40, 80, 170], lilac: [206, 190, 222], lavender: [204, 196, 230], purple: [120, 80, 150],
  plum: [100, 50, 80], mauve: [190, 150, 170], nude: [226, 196, 176], sky: [170, 200, 230],
  'sky blue': [170, 200, 230], 'baby blue': [190, 214, 236], 'dusty pink': [214, 170, 170],
  'off white': [240, 236, 228], 'off-white': [240, 236, 228], pastel: [236, 214, 220], silver: [200, 202, 206],
};

/** Modifiers of the next colour or material: mix toward white (`white` > 0) or scale brightness in linear light (`scale`). */
export const TINT_WORDS: Record<string, { white?: number; scale?: number }> = {
  light: { white: 0.3 }, pale: { white: 0.45 }, pastel: { white: 0.55 }, soft: { white: 0.2 }, dusty: { white: 0.15, scale: 0.85 },
  dark: { scale: 0.45 }, deep: { scale: 0.4 }, rich: { scale: 0.7 }, muted: { scale: 0.85, white: 0.1 },
};

export const TIMES: Record<string, TimeOfDay> = {
  morning: 'morning', sunrise: 'morning', dawn: 'morning', 'early morning': 'morning',
  noon: 'noon', midday: 'noon', daylight: 'noon', daytime: 'noon', afternoon: 'afternoon',
  'golden hour': 'golden-hour', golden_hour: 'golden-hour', sunset: 'sunset', evening: 'sunset',
  dusk: 'dusk', twilight: 'dusk', 'blue hour': 'dusk', night: 'night', nighttime: 'night', midnight: 'night',
};

export const DIRECTIONS: Record<string, LightFrom> = {
  'from the left': 'left', 'from left': 'left', 'left side': 'left', 'left light': 'left',
  'from the right': 'right', 'from right': 'right', 'right side': 'right', 'right light': 'right',
  backlit: 'back', backlight: 'back', 'back lit': 'back', 'back light': 'back', 'rim light': 'back', 'from behind': 'back', 'contre jour': 'back',
  'side light': 'left', 'side lit': 'left', sidelight: 'left', sidelit: 'left', 'side lighting': 'left',
  'top light': 'top', overhead: 'top', 'from above': 'top', 'front light': 'front', 'front lit': 'front', frontal: 'front',
};

/** Softness words: softness 0..1 and intensity 0..1. */
export const SOFTNESS: Record<string, { softness: number; intensity: number }> = {
  soft: { softness: 0.85, intensity: 0.4 }, diffused: { softness: 0.9, intensity: 0.35 }, diffuse: { softness: 0.9, intensity: 0.35 },
  gentle: { softness: 0.8, intensity: 0.35 }, overcast: { softness: 0.95, intensity: 0.3 }, cloudy: { softness: 0.95, intensity: 0.3 },
  harsh: { softness: 0.1, intensity: 0.8 }, hard: { softness: 0.15, intensity: 0.75 }, direct: { softness: 0.2, intensity: 0.7 },
  dramatic: { softness: 0.3, intensity: 0.85 }, sunny: { softness: 0.2, intensity: 0.7 }, sunlight: { softness: 0.2, intensity: 0.7 },
  sunlit: { softness: 0.2, intensity: 0.7 }, 'bright sun': { softness: 0.15, intensity: 0.75 }, 'hard light': { softness: 0.15, intensity: 0.75 },
  'soft light': { softness: 0.85, intensity: 0.4 }, 'natural light': { softness: 0.6, intensity: 0.5 },
};

export const MOODS: Record<string, Mood> = {
  airy: 'airy', bright: 'airy', 'light and airy': 'airy', moody: 'moody', dark: 'moody', dim: 'moody', noir: 'moody',
  minimal: 'minimal', minimalist: 'minimal', minimalistic: 'minimal', clean: 'minimal', simple: 'minimal', scandi: 'minimal', scandinavian: 'minimal',
  luxury: 'luxury', luxurious: 'luxury', premium: 'luxury', elegant: 'luxury', 'high end': 'luxury', upscale: 'luxury', opulent: 'luxury',
  cozy: 'cozy', cosy: 'cozy', hygge: 'cozy', homey: 'cozy', warm: 'warm', romantic: 'warm',
  fresh: 'fresh', crisp: 'fresh', summer: 'fresh', summery: 'fresh', spring: 'fresh', cool: 'cool', winter: 'cool', icy: 'cool',
  playful: 'playful', fun: 'playful', colorful: 'playful', colourful: 'playful', vibrant: 'playful', bold: 'playful',
  natural: 'natural', organic: 'natural', earthy: 'natural', rustic: 'natural', botanical: 'natural', calm: 'natural', serene: 'natural',
};

export const SETTINGS: Record<string, Setting> = {
  studio: 'studio', seamless: 'studio', sweep: 'studio', kitchen: 'kitchen', counter: 'kitchen', countertop: 'kitchen', worktop: 'kitchen',
  bathroom: 'bathroom', vanity: 'bathroom', spa: 'bathroom', beach: 'beach', seaside: 'beach', coast: 'beach', ocean: 'beach', sea: 'beach', shore: 'beach',
  forest: 'forest', woods: 'forest', woodland: 'forest', jungle: 'forest', mountain: 'mountains', mountains: 'mountains', alpine: 'mountains', alps: 'mountains', hills: 'mountains',
  desert: 'desert', dunes: 'desert', dune: 'desert', garden: 'garden', park: 'garden', patio: 'garden', terrace: 'garden',
  cafe: 'cafe', café: 'cafe', 'coffee shop': 'cafe', restaurant: 'cafe', bar: 'cafe', bakery: 'cafe',
  'living room': 'living-room', lounge: 'living-room', sofa: 'living-room', bedroom: 'bedroom', bed: 'bedroom', nightstand: 'bedroom',
  office: 'office', desk: 'office', workspace: 'office', outdoor: 'outdoors', outdoors: 'outdoors', outside: 'outdoors', nature: 'outdoors',
  table: 'tabletop', tabletop: 'tabletop', shelf: 'tabletop', 'side table': 'tabletop', 'coffee table': 'living-room', 'dining table': 'kitchen',
};

export const GOBOS: Record<string, Gobo> = {
  eucalyptus: 'eucalyptus', 'eucalyptus shadows': 'eucalyptus', 'eucalyptus leaves': 'eucalyptus', 'eucalyptus shadow': 'eucalyptus',
  palm: 'palm', 'palm shadows': 'palm', 'palm leaves': 'palm', 'palm leaf': 'palm', 'palm shadow': 'palm', 'palm fronds': 'palm', monstera: 'palm',
  leaves: 'leaves', leaf: 'leaves', 'leaf shadows': 'leaves', 'leafy shadows': 'leaves', foliage: 'leaves', plant: 'leaves', plants: 'leaves',
  flowers: 'leaves', floral: 'leaves', branches: 'leaves', 'dappled light': 'leaves', dappled: 'leaves',
  'window light': 'window', window: 'window', 'window shadows': 'window', 'window shadow': 'window',
  blinds: 'blinds', shutters: 'blinds', 'venetian blinds': 'blinds', 'blind shadows': 'blinds',
};

export const PODIUMS: Record<string, 'cylinder' | 'block'> = {
  podium: 'cylinder', plinth: 'block', pedestal: 'cylinder', pillar: 'cylinder', cylinder: 'cylinder', riser: 'block',
  block: 'block', cube: 'block', stand: 'cylinder', display: 'cylinder',
};

export const BOKEH = new Set(['bokeh', 'fairy lights', 'string lights', 'city lights', 'christmas lights', 'sparkle', 'sparkles', 'festive', 'christmas', 'holiday', 'party', 'glitter']);

/** Backdrop words that receive a colour ("sage wall") or choose a backdrop kind. */
export const BACKDROP_WORDS: Record<string, 'wall' | 'sweep' | 'sky' | 'any'> = {
  wall: 'wall', walls: 'wall', backdrop: 'any', background: 'any', sweep: 'sweep', seamless: 'sweep', sky: 'sky', clouds: 'sky',
};
