/**
 * The environment, parsed once into a typed, frozen config. Nothing else reads process.env.
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadManifest } from './models/manifest.ts';

const positiveInt = z.coerce.number().int().positive();

const EnvSchema = z.object({
  GREENROOM_CACHE_DIR: z.string().min(1).optional(),
  XDG_CACHE_HOME: z.string().min(1).optional(),
  GREENROOM_THREADS: positiveInt.optional(),
  GREENROOM_MAX_PIXELS: positiveInt.optional(),
  GREENROOM_MODEL: z.string().min(1).optional(),
});

export interface Config {
  /** Where assembled models are cached: $GREENROOM_CACHE_DIR, else $XDG_CACHE_HOME/greenroom, else ~/.cache/greenroom. */
  readonly cacheDir: string;
  /** Threads for the network; defaults to every core this process may use. */
  readonly threads: number;
  /** Largest accepted image, in pixels (width x height), checked from the header before decoding. */
  readonly maxPixels: number;
  /** Model used when a call names none: $GREENROOM_MODEL, else models.json's default. */
  readonly defaultModel: string;
}

/** 50 MP: above Photoroom's 36 MP "full" size, far below a decompression bomb. */
export const DEFAULT_MAX_PIXELS = 50_000_000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  const cacheRoot = e.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  return Object.freeze({
    cacheDir: e.GREENROOM_CACHE_DIR ?? path.join(cacheRoot, 'greenroom'),
    threads: e.GREENROOM_THREADS ?? os.availableParallelism(),
    maxPixels: e.GREENROOM_MAX_PIXELS ?? DEFAULT_MAX_PIXELS,
    defaultModel: e.GREENROOM_MODEL ?? loadManifest().default,
  });
}
