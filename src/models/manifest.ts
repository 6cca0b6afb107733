/**
 * The model manifest: facts about each model (where its weights come from, checksums, input
 * size, normalisation, licence) live in models.json at the package root, not in code.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { GreenroomError } from '../errors.ts';

const ModelSchema = z.object({
  description: z.string(),
  architecture: z.literal('isnet'),
  source: z.object({ package: z.string(), resources: z.string(), resource: z.string() }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  precision: z.string(),
  license: z.string(),
  input: z.object({
    name: z.string(),
    layout: z.literal('NCHW'),
    channels: z.literal('rgb'),
    trainedSize: z.number().int().positive(),
    multipleOf: z.number().int().positive(),
  }),
  output: z.object({ name: z.string(), activation: z.literal('sigmoid') }),
  normalize: z.object({ mean: z.tuple([z.number(), z.number(), z.number()]), std: z.tuple([z.number(), z.number(), z.number()]) }),
  prepare: z.object({
    symbolicSpatialDims: z.boolean(),
    widenFp16: z.boolean(),
    /** Static int8 quantisation (QDQ) from a committed calibration file (see src/models/int8.ts). */
    quantize: z
      .object({
        /** The calibration file, relative to the package root (scripts/calibrate-int8.ts writes it). */
        calibration: z.string(),
        /** The one graph output kept. */
        output: z.string(),
        /** Node names (or prefixes ending in '*') kept in float. */
        keepFloat: z.array(z.string()),
            })
      .optional(),
  }),
});

/** Cheapest first. `max` runs every network pass `best` may skip, at best's working size (models.json says which). */
export const QUALITIES = ['fast', 'balanced', 'best', 'max'] as const;
export type Quality = (typeof QUALITIES)[number];

const ManifestSchema = z.object({
  default: z.string(),
  qualities: z.object({ fast: z.number().int(), balanced: z.number().int(), best: z.number().int(), max: z.number().int() }),
  /** When the network also runs on the mirrored photo, per quality, and at what working size (see models.json). */
  mirroredPass: z
    .object({ qualities: z.record(z.enum(QUALITIES), z.object({ size: z.number().int().positive(), minSoftness: z.number().min(0), minFactor: z.number().min(0) })) })
    .default({ qualities: {} }),
  /** When the network also sees the photo framed in grey, for subjects cut by the frame (see models.json and src/matte/context-pass.ts). */
  contextPass: z
    .object({ qualities: z.record(z.enum(QUALITIES), z.object({ minTouch: z.number().min(0), minUnsure: z.number().min(0) })) })
    .default({ qualities: {} }),
  /** Specks and false holes cleaned from the network's matte (src/matte/specks.ts, holes.ts), per quality. */
  cleanMatte: z.object({ qualities: z.array(z.enum(QUALITIES)) }).default({ qualities: [] }),
  models: z.record(z.string(), ModelSchema),
});

export type ModelSpec = z.infer<typeof ModelSchema> & { id: string };
export type Manifest = z.infer<typeof ManifestSchema>;

/** models.json sits two folders above this file both in src/models and in dist/models. */
export const MANIFEST_PATH = fileURLToPath(new URL('../../models.json', import.meta.url));

let cached: Manifest | undefined;

export function loadManifest(file = MANIFEST_PATH): Manifest {
  if (file === MANIFEST_PATH && cached) return cached;
  const manifest = ManifestSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (file === MANIFEST_PATH) cached = manifest;
  return manifest;
}

export function getModelSpec(id: string, manifest: Manifest = loadManifest()): ModelSpec {
  const spec = manifest.models[id];
  if (!spec) {
    throw new GreenroomError('UNKNOWN_MODEL', `Unknown model "${id}". Known models: ${Object.keys(manifest.models).join(', ')}.`, { model: id });
  }
  return { ...spec, id };
}

/**
 * The working size of the mirrored pass a quality may run for a photo `factor` times the working
 * size (its longer side over it), a multiple of what the model needs; undefined when it never does.
 */
export function mirrorSize(spec: ModelSpec, quality: Quality, factor: number, manifest: Manifest = loadManifest()): number | undefined {
  const rule = manifest.mirroredPass.qualities[quality];
  if (!rule || factor < rule.minFactor) return undefined;
  return Math.max(spec.input.multipleOf, Math.round(rule.size / spec.input.multipleOf) * spec.input.multipleOf);
}

/** Whether a quality runs the mirrored second pass for a first matte this undecided, of a photo `factor` times the working size. */
export function wantsMirroredPass(quality: Quality, softness: number, factor: number, manifest: Manifest = loadManifest()): boolean {
  const rule = manifest.mirroredPass.qualities[quality];
  return !!rule && factor >= rule.minFactor && softness >= rule.minSoftness;
}

/** When a quality runs the context pass (the subject touches the frame over minTouch of its ring and the matte is unsure over minUnsure); undefined: never. */
export function contextTrigger(quality: Quality, manifest: Manifest = loadManifest()): { minTouch: number; minUnsure: number } | undefined {
  return manifest.contextPass.qualities[quality];
}

/** Whether a quality cleans specks and false holes from the network's matte. */
export function cleansMatte(quality: Quality, manifest: Manifest = loadManifest()): boolean {
  return manifest.cleanMatte.qualities.includes(quality);
}

/** The network's working resolution for a quality preset, a multiple of what the model needs. */
export function workingSize(spec: ModelSpec, quality: Quality, manifest: Manifest = loadManifest()): number {
  const size = manifest.qualities[quality];
  return Math.max(spec.input.multipleOf, Math.round(size / spec.input.multipleOf) * spec.input.multipleOf);
}
