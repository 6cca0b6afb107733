/**
 * The scene engine's public data types: the light summary the compositor reads, the rendered
 * background, the structured `Scene` that templates and prompts both produce, and the
 * background specs callers pass in. All plain JSON-serialisable data.
 */

export type Rgb = readonly [number, number, number]; // sRGB 0..255

/** What the compositor needs to know about the scene's light. */
export interface SceneLight {
  /** Direction the cast shadow should fall, Photoroom's convention in degrees: 0 = behind the subject (light from the front), 90 = left, 180 = front, 270 = right, diagonals in between. */
  shadowDirection: number;
  /** 0 = hard sunlight .. 1 = fully diffuse/overcast. */
  softness: number;
  /** Shadow darkness hint 0..1. */
  intensity: number;
  /** Colour of the key light (white point), sRGB; [255,255,255] = neutral. Used to harmonise the subject. */
  color: Rgb;
  /** Mean luminance of the scene 0..1 (for exposure matching). */
  exposure: number;
}

export interface RenderedBackground {
  width: number;
  height: number;
  /** width*height*3 bytes, sRGB, opaque, row-major. */
  rgb: Uint8Array;
  light: SceneLight;
  /**
   * Fraction of the height (0..1) where the back wall / horizon meets the floor or table surface;
   * subjects stand below it. For podium scenes it is the podium's top face, where the subject
   * stands. null for flat backgrounds (colour, gradient, transparent).
   */
  horizon: number | null;
  /** true when the surface is glossy enough that a reflection shadow suits it (marble, glass, polished podium). */
  glossy: boolean;
  /** Average colour of the floor/surface (what a shadow darkens), sRGB. */
  surface: Rgb;
}

/** What the subject stands on. `seamless` continues the backdrop in one curved sweep. */
export type SurfaceMaterial =
  | 'seamless' | 'paper' | 'marble' | 'oak' | 'walnut' | 'concrete' | 'linen' | 'terrazzo'
  | 'sand' | 'stone' | 'slate' | 'velvet' | 'plaster' | 'acrylic' | 'grass';

/**
 * What is behind the subject: `sweep` = seamless studio paper (no visible horizon line), `wall` =
 * a softly blurred plaster wall behind a tabletop, `sky` = open sky with distant hazy hills,
 * `mountains` = layered ridges with aerial perspective, `sea` = sky over a sea line, `bokeh` =
 * out-of-focus lights.
 */
export type BackdropKind = 'sweep' | 'wall' | 'sky' | 'mountains' | 'sea' | 'bokeh';

export type TimeOfDay = 'studio' | 'morning' | 'noon' | 'afternoon' | 'golden-hour' | 'sunset' | 'dusk' | 'night';

/** Where the key light comes from, seen from the camera. */
export type LightFrom = 'front' | 'left' | 'right' | 'back' | 'top' | 'front-left' | 'front-right' | 'back-left' | 'back-right';

export type Mood = 'neutral' | 'airy' | 'moody' | 'minimal' | 'luxury' | 'cozy' | 'fresh' | 'warm' | 'cool' | 'playful' | 'natural';

export type Setting =
  | 'studio' | 'tabletop' | 'kitchen' | 'bathroom' | 'beach' | 'forest' | 'mountains' | 'desert'
  | 'garden' | 'cafe' | 'living-room' | 'bedroom' | 'office' | 'outdoors';

/** Shadows or light shapes thrown across the set: leaf gobos, window panes, blinds. */
export type Gobo = 'none' | 'eucalyptus' | 'palm' | 'leaves' | 'window' | 'blinds';

export interface Podium {
  shape: 'cylinder' | 'block';
  color: Rgb;
  /** Width as a fraction of the frame width. */
  width: number;
  /** true for lacquered / polished podiums (reflection shadows suit them). */
  polished: boolean;
}

/** The structured scene that prompts and templates both produce. Plain JSON. */
export interface Scene {
  backdrop: {
    kind: BackdropKind;
    /** Main colour: the sweep / wall paint, or the sky's zenith. */
    color: Rgb;
    /** Second colour: the sky near the horizon, the far ridges, the bokeh lights. */
    accent: Rgb;
  };
  surface: {
    material: SurfaceMaterial;
    /** Base colour of the material (the marble's stone, the wood's tone, the linen's yarn). */
    color: Rgb;
    /** Secondary colour: marble veins, terrazzo chips, wood grain lines. */
    accent: Rgb;
  };
  /** Where the wall meets the surface, 0..1 of the height (a sweep's curve for `seamless`). */
  horizon: number;
  time: TimeOfDay;
  light: {
    from: LightFrom;
    /** 0 = hard sun .. 1 = overcast / large softbox. */
    softness: number;
    /** How strong the key is against the fill, 0..1 (shadow darkness). */
    intensity: number;
  };
  mood: Mood;
  setting: Setting;
  props: {
    podium: Podium | null;
    gobo: Gobo;
    /** Scatter out-of-focus highlights over the backdrop. */
    bokeh: boolean;
  };
}

export type BackgroundSpec =
  | { type: 'transparent' } // rendered as white rgb with horizon null (the compositor keeps alpha itself)
  | { type: 'color'; color: Rgb }
  /**
   * Gradient stops are placed at `at` in 0..1 and interpolated in OKLab. `angle` follows CSS
   * linear-gradient: 0 = bottom-to-top, 90 = left-to-right, 180 = top-to-bottom, 270 =
   * right-to-left. Radial gradients are centred circles reaching the farthest corner; `angle` is
   * ignored for them.
   */
  | { type: 'gradient'; kind: 'linear' | 'radial'; stops: { color: Rgb; at: number }[]; angle: number }
  | { type: 'template'; name: string }
  | { type: 'prompt'; prompt: string }
  | { type: 'scene'; scene: Scene };

export interface TemplateInfo {
  name: string;
  title: string;
  description: string;
  tags: string[];
  scene: Scene;
  /** suggested shadow mode for this template */
  shadow: 'soft' | 'hard' | 'floating' | 'reflection' | 'none';
}

export interface PromptParse {
  scene: Scene;
  /** words/phrases mapped to scene fields, e.g. [{ phrase: 'marble', field: 'surface.material', value: 'marble' }] */
  understood: { phrase: string; field: string; value: string }[];
  /** words that carried meaning but were not understood (stop words are not listed) */
  unknown: string[];
}
