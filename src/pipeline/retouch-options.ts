/**
 * Retouch options: what to remove (a mask image's bytes, or brush strokes in the touch-up JSON),
 * how much to expand the canvas, the matte that says which side of the subject a hole is on, and
 * the output. One schema for the library and the `retouch` step of the job spec, validated at the
 * edge with coded errors. Paths are never read here: the CLI reads its files, the server takes
 * uploads.
 */
import { z } from 'zod';
import { GreenroomError, isGreenroomError } from '../errors.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../image/encode.ts';
import { parseExpand, type ExpandSpec } from '../retouch/expand.ts';
import { parseHints, type HintsInput, type StrokeHints } from './hints-options.ts';
import { parseWith } from './validate.ts';

/** A mask over more than this share of the photo is refused: too little photo is left to fill it from. */
export const MAX_MASK_SHARE = 0.5;

const Bytes = (what: string) => z.custom<Uint8Array>((v) => v instanceof Uint8Array, { message: `expected ${what}` });

/** The `retouch` step of the job spec (also the library's options without the output). */
export const RetouchStepSchema = z
  .object({
    /** A mask image's bytes: any size of the photo's shape, white (or opaque) where to remove. */
    mask: Bytes("the mask image's bytes (the CLI reads --mask FILE, the API takes mask_file; a job spec stored as JSON takes strokes or expand)").optional(),
    /** Brush strokes, as touch-up hints: [{"mode": "erase", "radius": 12, "points": [[x, y], ...]}], or {strokes, width, height}. */
    strokes: z.unknown().optional(),
    /** Grow the canvas and fill the new border from the photo: "200px", "10%", 2 or 4 values, or "WxH". */
    expand: z.union([z.string(), z.number()]).optional(),
    /** A previous cutout of the photo (its bytes): a hole is filled from its own side of the matte. */
    matte: Bytes("the previous cutout's bytes").optional(),
  })
  .strict();

export const RetouchOptionsSchema = RetouchStepSchema.extend({
  format: z.enum(OUTPUT_FORMATS).default('png'),
  /** Encoder quality 1..100 for webp, avif and jpeg. */
  exportQuality: z.number().int().min(1).max(100).optional(),
}).strict();

export type RetouchStepInput = Omit<z.input<typeof RetouchStepSchema>, 'strokes'> & { strokes?: HintsInput };
export type RetouchOptionsInput = Omit<z.input<typeof RetouchOptionsSchema>, 'strokes'> & { strokes?: HintsInput };

/** A validated retouch step. */
export interface RetouchStep {
  /** The field the step came in (`retouch` in a job spec, empty for the library's options). */
  field: string;
  mask?: Uint8Array;
  strokes?: StrokeHints;
  expand?: ExpandSpec;
  matte?: Uint8Array;
}

export interface RetouchOptions extends RetouchStep {
  format: OutputFormat;
  exportQuality?: number;
}

const at = (field: string, name: string) => (field ? `${field}.${name}` : name);

/** Validates a retouch step: a mask or strokes (not both), and/or an expand. */
export function parseRetouchStep(input: unknown, field = 'retouch'): RetouchStep {
  let o: z.output<typeof RetouchStepSchema>;
  try {
    o = parseWith(RetouchStepSchema, input, field || 'retouch');
  } catch (err) {
    // The schema's fields are the step's: name them from the spec's root (retouch.mask).
    if (!field || !isGreenroomError(err, 'INVALID_OPTION') || typeof err.details.field !== 'string' || err.details.field === field) throw err;
    const inner = err.details.field;
    throw new GreenroomError('INVALID_OPTION', `${field}.${err.message}`, { ...err.details, field: `${field}.${inner}` }, { cause: err });
  }
  return resolve(o, field);
}

export function parseRetouchOptions(input: unknown = {}): RetouchOptions {
  const o = parseWith(RetouchOptionsSchema, input, 'retouch');
  return { ...resolve(o, ''), format: o.format, ...(o.exportQuality ? { exportQuality: o.exportQuality } : {}) };
}

function resolve(o: z.output<typeof RetouchStepSchema>, field: string): RetouchStep {
  if (o.mask && o.strokes !== undefined) throw new GreenroomError('INVALID_MASK', `${at(field, 'strokes')}: give a mask image or strokes, not both.`, { field: at(field, 'strokes'), reason: 'format' });
  if (!o.mask && o.strokes === undefined && o.expand === undefined) {
    throw new GreenroomError('INVALID_MASK', `${field || 'retouch'}: nothing to do; give a mask image (white where to remove), strokes, or an expand.`, { field: field || 'mask', reason: 'empty' });
  }
  if (o.mask && o.mask.length === 0) throw new GreenroomError('INVALID_MASK', `${at(field, 'mask')}: the mask file is empty (0 bytes).`, { field: at(field, 'mask'), reason: 'empty' });
  return {
    field,
    ...(o.mask ? { mask: o.mask } : {}),
    ...(o.strokes !== undefined ? { strokes: parseStrokes(o.strokes, at(field, 'strokes')) } : {}),
    ...(o.expand !== undefined ? { expand: parseExpand(o.expand, at(field, 'expand')) } : {}),
    ...(o.matte ? { matte: o.matte } : {}),
  };
}

/** Strokes as touch-up hints take them (a mistake is INVALID_MASK naming the field); a hints image is refused. */
function parseStrokes(value: unknown, field: string): StrokeHints {
  let hints;
  try {
    hints = parseHints(value, field);
  } catch (err) {
    if (isGreenroomError(err, 'INVALID_HINTS')) throw new GreenroomError('INVALID_MASK', err.message, { ...err.details }, { cause: err });
    throw err;
  }
  if (hints.kind !== 'strokes') throw new GreenroomError('INVALID_MASK', `${field}: expected brush strokes; a mask image goes in mask.`, { field, reason: 'format' });
  return hints;
}
