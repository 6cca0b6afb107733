/**
 * The job spec: one schema for every surface (library, CLI, HTTP, queue, ledger). It is
 * validated once, here, and normalised into an EditJob whose every field is resolved: presets
 * applied, colours parsed, lengths typed, seeds chosen.
 */
import { z } from 'zod';
import { getPreset, PRESET_NAMES, type MarketplacePreset } from '../compose/presets.ts';
import { parseLength, type Length } from '../compose/lengths.ts';
import { parseColor, type Rgba } from '../image/color.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../image/encode.ts';
import { QUALITIES, type Quality } from '../models/manifest.ts';
import { getTemplate, TEMPLATES, type Rgb } from '../scenes/index.ts';
import { parseHints, type HintsInput, type HintsSpec } from './hints-options.ts';
import { parseRetouchStep, type RetouchStep, type RetouchStepInput } from './retouch-options.ts';
import { invalid, parseWith } from './validate.ts';

export const SHADOW_MODES = ['none', 'soft', 'hard', 'floating', 'reflection'] as const;
export type ShadowMode = (typeof SHADOW_MODES)[number];
export const LIGHTING_MODES = ['none', 'harmonize', 'exposure'] as const;
export type LightingMode = (typeof LIGHTING_MODES)[number];

const Seed = z.number().int().min(0).max(2 ** 32 - 1);
const LengthInput = z.union([z.number(), z.string()]);

/** "template:NAME", "image:PATH", "prompt:TEXT", "transparent", a colour, or free text as a prompt. */
export function backgroundShorthand(value: string): Record<string, unknown> {
  const v = value.trim();
  const m = /^(template|image|prompt|color|colour):(.*)$/is.exec(v);
  if (m) {
    const kind = m[1]!.toLowerCase();
    const rest = m[2]!.trim();
    if (kind === 'template') return { type: 'template', name: rest };
    if (kind === 'image') return { type: 'image', file: rest };
    if (kind === 'prompt') return { type: 'prompt', prompt: rest };
    return { type: 'color', color: rest };
  }
  if (/^(transparent|none)$/i.test(v)) return { type: 'transparent' };
  try {
    parseColor(v);
    return { type: 'color', color: v };
  } catch {
    return { type: 'prompt', prompt: v };
  }
}

const BackgroundSchema = z.preprocess(
  (v) => (typeof v === 'string' ? backgroundShorthand(v) : v),
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('transparent') }).strict(),
    z.object({ type: z.literal('color'), color: z.string().min(1) }).strict(),
    z
      .object({
        type: z.literal('gradient'),
        kind: z.enum(['linear', 'radial']).default('linear'),
        /** Evenly spaced colours, or explicit stops. */
        colors: z.array(z.string().min(1)).min(2).max(16).optional(),
        stops: z.array(z.object({ color: z.string().min(1), at: z.number().min(0).max(1) }).strict()).min(2).max(16).optional(),
        /** CSS convention: 180 runs top to bottom, 90 left to right. */
        angle: z.number().min(-360).max(360).default(180),
      })
      .strict(),
    z
      .object({
        type: z.literal('image'),
        /** A file path, or the image's bytes. */
        file: z.union([z.string().min(1), z.instanceof(Uint8Array)]),
        scaling: z.enum(['fill', 'fit']).default('fill'),
        /** 0..1: blur strength (1 = a radius of 3% of the shorter side). */
        blur: z.number().min(0).max(1).default(0),
      })
      .strict(),
    z.object({ type: z.literal('template'), name: z.string().min(1), seed: Seed.optional() }).strict(),
    z.object({ type: z.literal('prompt'), prompt: z.string().min(1).max(500), seed: Seed.optional() }).strict(),
  ]),
);

const ShadowSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { mode: v } : v),
  z
    .object({
      /** Photoroom's "ai.soft" etc. are accepted as "soft". */
      mode: z.preprocess((m) => (typeof m === 'string' ? m.replace(/^ai\./, '') : m), z.enum(SHADOW_MODES)),
      /** Where the shadow falls, degrees: 0 behind, 90 left, 180 front, 270 right. */
      direction: z.number().min(0).max(360).optional(),
      /** 0 hard .. 1 soft. */
      softness: z.number().min(0).max(1).optional(),
      /** 0 invisible .. 1 darkest. */
      intensity: z.number().min(0).max(1).optional(),
      /** Length of a cast shadow in degrees of light elevation: 10 short, 45 medium, 90 long. */
      spread: z.number().min(0).max(90).optional(),
    })
    .strict(),
);

const LightingSchema = z.preprocess(
  (v) => (typeof v === 'string' ? { mode: v } : v),
  z
    .object({
      mode: z.preprocess((m) => (m === 'ai.auto' || m === 'auto' ? 'harmonize' : m === 'ai.preserve-hue-and-saturation' ? 'exposure' : m), z.enum(LIGHTING_MODES)),
      /** 0..1: how far the subject moves toward the scene's light. */
      strength: z.number().min(0).max(1).default(0.6),
    })
    .strict(),
);

const LayoutSchema = z
  .object({
    preset: z.enum(PRESET_NAMES).optional(),
    /** "WxH", "original" (the photo's size) or "cropped" (the subject plus its margin). Photoroom's "originalImage" and "croppedSubject" are accepted. */
    outputSize: z
      .string()
      .transform((s) => ({ auto: 'original', originalimage: 'original', croppedsubject: 'cropped' })[s.toLowerCase()] ?? s.toLowerCase())
      .pipe(z.string().regex(/^(original|cropped|\d{1,5}x\d{1,5})$/, 'expected "WxH" (such as "2000x2000"), "original" or "cropped"'))
      .optional(),
    /** Space between the frame and the area the subject is fitted in: a 0..0.49 ratio of the side, "10%" or "40px". */
    padding: LengthInput.optional(),
    paddingTop: LengthInput.optional(),
    paddingRight: LengthInput.optional(),
    paddingBottom: LengthInput.optional(),
    paddingLeft: LengthInput.optional(),
    /** Space kept around the subject itself, relative to the subject's size. */
    margin: LengthInput.optional(),
    marginTop: LengthInput.optional(),
    marginRight: LengthInput.optional(),
    marginBottom: LengthInput.optional(),
    marginLeft: LengthInput.optional(),
    horizontalAlignment: z.enum(['left', 'center', 'right']).optional(),
    verticalAlignment: z.enum(['top', 'center', 'bottom']).optional(),
    /** fit: the reference box fits inside the target area; fill: it covers it. */
    scaling: z.enum(['fit', 'fill']).default('fit'),
    /** What is fitted: the subject's box (default) or the whole original photo. */
    referenceBox: z.enum(['subjectBox', 'originalImage']).default('subjectBox'),
  })
  .strict();

const ExportSchema = z
  .object({
    format: z.enum(OUTPUT_FORMATS).optional(),
    quality: z.number().int().min(1).max(100).optional(),
    /** Colour under a transparent background for formats without alpha (default white). */
    backgroundColor: z.string().min(1).optional(),
  })
  .strict();

export const EditSpecSchema = z
  .object({
    /**
     * Retouch the photo before the cutout (retouch-options.ts): remove what a mask image or brush
     * strokes cover, and/or expand the canvas, filling from the photo. The cutout, the layout and
     * touch-up hints then see the retouched photo.
     */
    retouch: z.unknown().optional(),
    cutout: z
      .object({
        model: z.string().min(1).optional(),
        quality: z.enum(QUALITIES).default('best'),
        refine: z.boolean().default(true),
        decontaminate: z.boolean().default(true),
        /** When the input already has transparency (a cutout made earlier), use it as the matte and skip the network. */
        reuseAlpha: z.boolean().default(false),
        /** Touch-up hints: keep and erase strokes, or a hints image's bytes (hints-options.ts). */
        hints: z.unknown().optional(),
        /** The previous cutout of this photo (its bytes): its matte is reused, so the network does not run. */
        matte: z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: "expected the previous cutout's bytes" }).optional(),
        /** The coarse matte of a preview cutout of this photo (its PNG bytes): refined again here, the network does not run. */
        coarseMatte: z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: "expected a preview's coarse matte (PNG bytes)" }).optional(),
      })
      .strict()
      .default({}),
    background: BackgroundSchema.optional(),
    shadow: ShadowSchema.optional(),
    lighting: LightingSchema.optional(),
    layout: LayoutSchema.default({}),
    export: ExportSchema.default({}),
    energy: z.object({ budgetJ: z.number().positive() }).strict().optional(),
  })
  .strict();

export type EditSpecInput = Omit<z.input<typeof EditSpecSchema>, 'cutout' | 'retouch'> & { retouch?: RetouchStepInput; cutout?: Omit<NonNullable<z.input<typeof EditSpecSchema>['cutout']>, 'hints'> & { hints?: HintsInput } };

export type BackgroundJob =
  | { type: 'transparent' }
  | { type: 'color'; color: Rgb }
  | { type: 'gradient'; kind: 'linear' | 'radial'; stops: { color: Rgb; at: number }[]; angle: number }
  | { type: 'image'; file: string | Uint8Array; scaling: 'fill' | 'fit'; blur: number }
  | { type: 'template'; name: string; seed: number }
  | { type: 'prompt'; prompt: string; seed: number };

export interface ShadowJob {
  mode: ShadowMode;
  direction?: number;
  softness?: number;
  intensity?: number;
  spread?: number;
}

export interface Sides<T> {
  top: T;
  right: T;
  bottom: T;
  left: T;
}

export type OutputSize = { kind: 'original' } | { kind: 'cropped' } | { kind: 'fixed'; width: number; height: number };

export interface LayoutJob {
  outputSize: OutputSize;
  padding: Sides<Length>;
  margin: Sides<Length>;
  /** Undefined vertical alignment lets the scene choose (standing on a surface, or centred). */
  horizontalAlignment: 'left' | 'center' | 'right';
  verticalAlignment?: 'top' | 'center' | 'bottom';
  scaling: 'fit' | 'fill';
  referenceBox: 'subjectBox' | 'originalImage';
}

/** A validated, fully resolved edit. */
export interface EditJob {
  retouch?: RetouchStep;
  cutout: { model?: string; quality: Quality; refine: boolean; decontaminate: boolean; reuseAlpha: boolean; hints?: HintsSpec; matte?: Uint8Array; coarseMatte?: Uint8Array };
  background: BackgroundJob;
  shadow: ShadowJob;
  lighting: { mode: LightingMode; strength: number };
  layout: LayoutJob;
  export: { format: OutputFormat; quality?: number; backgroundColor: Rgba };
  energy?: { budgetJ: number };
  preset?: string;
  /** Things the job does that break the chosen preset's rules. */
  warnings: string[];
}

const WHITE: Rgb = [255, 255, 255];

/** Validates and resolves a job spec; every bad field throws INVALID_OPTION naming it. */
export function parseEditSpec(input: unknown = {}): EditJob {
  const spec = parseWith(EditSpecSchema, input, 'spec');
  const preset = spec.layout.preset ? getPreset(spec.layout.preset) : undefined;
  const warnings: string[] = [];

  const background = resolveBackground(spec.background, preset);
  if (preset?.requiresWhite && !(background.type === 'color' && background.color.every((c) => c === 255))) {
    warnings.push(`${preset.title}: the marketplace requires a pure white background (${preset.rule})`);
  }
  const shadow: ShadowJob = spec.shadow ? stripUndefined(spec.shadow) : { mode: defaultShadow(spec.background, background, preset) };

  const l = spec.layout;
  const side = (prefix: 'padding' | 'margin', fallback: Length): Sides<Length> => {
    const all = l[prefix] === undefined ? fallback : parseLength(l[prefix], `layout.${prefix}`);
    const one = (s: 'Top' | 'Right' | 'Bottom' | 'Left') => {
      const v = l[`${prefix}${s}`];
      return v === undefined ? all : parseLength(v, `layout.${prefix}${s}`);
    };
    return { top: one('Top'), right: one('Right'), bottom: one('Bottom'), left: one('Left') };
  };
  const defaultPadding: Length = preset ? { unit: 'ratio', value: preset.padding } : { unit: 'ratio', value: 0.1 };
  const layout: LayoutJob = {
    outputSize: resolveOutputSize(l.outputSize, preset),
    padding: side('padding', defaultPadding),
    margin: side('margin', { unit: 'ratio', value: 0 }),
    horizontalAlignment: l.horizontalAlignment ?? 'center',
    ...(l.verticalAlignment ? { verticalAlignment: l.verticalAlignment } : {}),
    scaling: l.scaling,
    referenceBox: l.referenceBox,
  };

  const format = spec.export.format ?? preset?.format ?? 'png';
  const quality = spec.export.quality ?? (spec.export.format === undefined ? preset?.quality : undefined);
  const exportColor = spec.export.backgroundColor ? parseColor(spec.export.backgroundColor, 'export.backgroundColor') : { r: 255, g: 255, b: 255, alpha: 1 };

  return {
    ...(spec.retouch !== undefined ? { retouch: parseRetouchStep(spec.retouch, 'retouch') } : {}),
    cutout: stripUndefined({ ...spec.cutout, hints: spec.cutout.hints === undefined ? undefined : parseHints(spec.cutout.hints) }),
    background,
    shadow,
    lighting: spec.lighting ?? { mode: 'none', strength: 0.6 },
    layout,
    export: { format, ...(quality ? { quality } : {}), backgroundColor: exportColor },
    ...(spec.energy ? { energy: spec.energy } : {}),
    ...(preset ? { preset: preset.name } : {}),
    warnings,
  };
}

type BackgroundInput = z.output<typeof BackgroundSchema>;

function resolveBackground(bg: BackgroundInput | undefined, preset: MarketplacePreset | undefined): BackgroundJob {
  if (!bg) return preset?.background === 'white' ? { type: 'color', color: WHITE } : { type: 'transparent' };
  switch (bg.type) {
    case 'transparent':
      return bg;
    case 'color': {
      const c = parseColor(bg.color, 'background.color');
      if (c.alpha < 1) throw invalid('background.color', 'an opaque colour (use "transparent" for none)', bg.color);
      return { type: 'color', color: [c.r, c.g, c.b] };
    }
    case 'gradient': {
      if (!bg.colors === !bg.stops) throw invalid('background.colors', 'either "colors" (2 or more) or "stops", not both', bg.colors ?? null);
      const raw = bg.stops ?? bg.colors!.map((color, i, all) => ({ color, at: i / (all.length - 1) }));
      const stops = raw.map((s, i) => {
        const c = parseColor(s.color, `background.${bg.stops ? `stops.${i}.color` : `colors.${i}`}`);
        return { color: [c.r, c.g, c.b] as Rgb, at: s.at };
      });
      stops.sort((a, b) => a.at - b.at);
      return { type: 'gradient', kind: bg.kind, stops, angle: bg.angle };
    }
    case 'image':
      return bg;
    case 'template': {
      if (!getTemplate(bg.name)) throw invalid('background.name', `a template name (${TEMPLATES.map((t) => t.name).join(', ')})`, bg.name);
      return { type: 'template', name: bg.name, seed: bg.seed ?? seedFrom(bg.name) };
    }
    case 'prompt':
      return { type: 'prompt', prompt: bg.prompt, seed: bg.seed ?? seedFrom(bg.prompt) };
  }
}

function defaultShadow(given: BackgroundInput | undefined, bg: BackgroundJob, preset: MarketplacePreset | undefined): ShadowMode {
  if (preset && !given) return preset.shadow;
  if (bg.type === 'template') return getTemplate(bg.name)!.shadow;
  if (bg.type === 'prompt') return 'soft';
  return 'none';
}

function resolveOutputSize(value: string | undefined, preset: MarketplacePreset | undefined): OutputSize {
  if (value === undefined) return preset ? { kind: 'fixed', width: preset.width, height: preset.height } : { kind: 'original' };
  if (value === 'original' || value === 'cropped') return { kind: value };
  const [w, h] = value.split('x').map(Number) as [number, number];
  if (w < 1 || h < 1 || w > 10000 || h > 10000) throw invalid('layout.outputSize', 'a width and height from 1 to 10000 pixels', value);
  return { kind: 'fixed', width: w, height: h };
}

/** A stable default seed from text, so the same prompt renders the same scene. */
export function seedFrom(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
