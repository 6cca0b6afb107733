/**
 * Cutout options: one schema, validated once at the edge, with remove.bg's and Photoroom's
 * names where the concept is theirs (channels, bg_color as bgColor, crop, crop_margin as cropMargin).
 */
import { z } from 'zod';
import { GreenroomError } from '../errors.ts';
import { parseColor, type Rgba } from '../image/color.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../image/encode.ts';
import type { Margin } from '../matte/bbox.ts';
import { QUALITIES, type Quality } from '../models/manifest.ts';
import { parseHints, type HintsSpec, type HintsInput } from './hints-options.ts';

export const CutoutOptionsSchema = z
  .object({
    /** Model id from models.json (default: the manifest's default, or GREENROOM_MODEL). */
    model: z.string().min(1).optional(),
    /** Network working resolution: fast 512, balanced 768, best 1024 (the trained size); max: 1024 with every extra pass (models.json mirroredPass, contextPass), up to three network passes. */
    quality: z.enum(QUALITIES).default('best'),
    /** Guided upsampling of the matte along the photo's edges (else bilinear). */
    refine: z.boolean().default(true),
    /** Foreground colour estimation at soft edges (else the photo's colours). */
    decontaminate: z.boolean().default(true),
    /** 'rgba' writes the cutout, 'alpha' the matte alone. */
    channels: z.enum(['rgba', 'alpha']).default('rgba'),
    format: z.enum(OUTPUT_FORMATS).default('png'),
    /** Encoder quality 1..100 for webp, avif and jpeg. */
    exportQuality: z.number().int().min(1).max(100).optional(),
    /** Background colour, hex or name; JPEG output gets white when none is given. */
    bgColor: z.string().min(1).optional(),
    /** Crop to the subject's bounding box. */
    crop: z.boolean().default(false),
    /** Margin around a crop: "20px", "10%", or 2 or 4 such values (top right bottom left), or a pixel number. */
    cropMargin: z.union([z.string(), z.number()]).default(0),
    /** Touch-up hints: keep and erase strokes, or a hints image's bytes (see hints-options.ts). */
    hints: z.unknown().optional(),
    /** The previous cutout of this photo (its bytes): its matte is reused, so the network does not run. */
    matte: z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: "expected the previous cutout's bytes" }).optional(),
    /** Scale the photo down to at most this many pixels first (remove.bg's and Photoroom's `size`); hints keep referring to the photo as given. */
    maxPixels: z.number().int().min(1).optional(),
    /**
     * A preview: the image at most this many pixels a side, refined at that size (fast), with the
     * network's coarse matte in the result (`coarseMatte`) to make the full-resolution cutout later.
     */
    preview: z.number().int().min(64).max(8192).optional(),
    /** The coarse matte of a preview answer (its PNG bytes): refined again for this photo, the network does not run. */
    coarseMatte: z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: "expected a preview's coarse matte (PNG bytes)" }).optional(),
    /**
     * remove.bg's zip parts: the image's colours as an opaque JPEG (`image`; where the image is
     * transparent, the subject's nearby colours: the background is not kept) and its alpha as a
     * grey PNG (`alpha`). Needs format jpeg.
     */
    split: z.boolean().default(false),
  })
  .strict()
  .refine((o) => !o.split || o.format === 'jpeg', { message: 'split writes a JPEG and a PNG: set format to jpeg', path: ['split'] });

export type CutoutOptionsInput = Omit<z.input<typeof CutoutOptionsSchema>, 'hints'> & { hints?: HintsInput };

/** Options after validation, with parsed colour and margin. */
export interface CutoutOptions {
  model?: string;
  quality: Quality;
  refine: boolean;
  decontaminate: boolean;
  channels: 'rgba' | 'alpha';
  format: OutputFormat;
  exportQuality?: number;
  background?: Rgba;
  crop: boolean;
  cropMargin: Margin;
  hints?: HintsSpec;
  matte?: Uint8Array;
  maxPixels?: number;
  preview?: number;
  coarseMatte?: Uint8Array;
  split?: boolean;
}

/** remove.bg's crop_margin: px or %, one, two or four values; at most 50% or 500 px. */
export function parseMargin(value: string | number, field = 'cropMargin'): Margin {
  const parts = String(value).trim().split(/[\s,]+/).filter(Boolean);
  const bad = () => new GreenroomError('INVALID_OPTION', `${field}: expected pixels ("20px" or 20) or a percentage of the subject ("10%"), as 1, 2 or 4 values (at most 500px or 50%), got "${value}".`, { field, got: value });
  if (parts.length === 0) return { top: 0, right: 0, bottom: 0, left: 0, unit: 'px' };
  if (![1, 2, 4].includes(parts.length)) throw bad();
  const units = new Set<string>();
  const nums = parts.map((p) => {
    const m = /^(\d+(?:\.\d+)?)(px|%)?$/.exec(p);
    if (!m) throw bad();
    units.add(m[2] ?? 'px');
    return Number(m[1]);
  });
  if (units.size > 1) throw bad();
  const unit = [...units][0] as 'px' | '%';
  if (nums.some((n) => (unit === '%' ? n > 50 : n > 500))) throw bad();
  const [top, right = top, bottom = top, left = right] = nums as [number, number?, number?, number?];
  return { top, right, bottom, left, unit };
}

export function parseCutoutOptions(input: unknown = {}): CutoutOptions {
  const parsed = CutoutOptionsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : 'options');
    throw new GreenroomError('INVALID_OPTION', `${field}: ${issue.message}.`, { field });
  }
  const o = parsed.data;
  return {
    ...(o.model ? { model: o.model } : {}),
    quality: o.quality,
    refine: o.refine,
    decontaminate: o.decontaminate,
    channels: o.channels,
    format: o.format,
    ...(o.exportQuality ? { exportQuality: o.exportQuality } : {}),
    ...(o.bgColor ? { background: parseColor(o.bgColor, 'bgColor') } : {}),
    crop: o.crop,
    cropMargin: parseMargin(o.cropMargin),
    ...(o.hints !== undefined ? { hints: parseHints(o.hints, 'hints') } : {}),
    ...(o.matte ? { matte: o.matte } : {}),
    ...(o.maxPixels ? { maxPixels: o.maxPixels } : {}),
    ...(o.preview ? { preview: o.preview } : {}),
    ...(o.coarseMatte ? { coarseMatte: o.coarseMatte } : {}),
    ...(o.split ? { split: true } : {}),
  };
}
