/**
 * The edit flags (--background, --shadow, --preset...) as parseArgs options and the job spec
 * they build, shared by `greenroom edit` and `greenroom batch`.
 */
import fsp from 'node:fs/promises';
import { GreenroomError } from '../errors.ts';
import { backgroundShorthand, type EditSpecInput } from '../pipeline/spec.ts';
import { UsageError } from './args.ts';

export const EDIT_FLAG_OPTIONS = {
  background: { type: 'string', short: 'b' },
  shadow: { type: 'string', short: 's' },
  lighting: { type: 'string' },
  preset: { type: 'string', short: 'p' },
  size: { type: 'string' },
  padding: { type: 'string' },
  format: { type: 'string', short: 'f' },
  'export-quality': { type: 'string' },
  seed: { type: 'string' },
  quality: { type: 'string', short: 'q' },
  model: { type: 'string', short: 'm' },
  spec: { type: 'string' },
} as const;

export type EditFlags = Partial<Record<keyof typeof EDIT_FLAG_OPTIONS, string>>;

/** Spec fields and the flags that set them, so validation messages name what the user typed. */
const FLAG_OF: Record<string, string> = {
  background: '--background',
  'background.name': '--background',
  'background.color': '--background',
  'background.prompt': '--background',
  'background.file': '--background',
  'background.seed': '--seed',
  'shadow.mode': '--shadow',
  'lighting.mode': '--lighting',
  'layout.preset': '--preset',
  'layout.outputSize': '--size',
  'layout.padding': '--padding',
  'export.format': '--format',
  'export.quality': '--export-quality',
  'cutout.quality': '--quality',
  'cutout.model': '--model',
};

/** The job spec from --spec FILE (JSON), with the other flags layered over it. */
export async function specFromEditFlags(v: EditFlags, usage: string): Promise<EditSpecInput> {
  const bad = (message: string) => new UsageError(message, usage, 'GREENROOM_ERR_INVALID_OPTION');
  let base: Record<string, unknown> = {};
  if (v.spec !== undefined) {
    let text: string;
    try {
      text = await fsp.readFile(v.spec, 'utf8');
    } catch (err) {
      throw bad(`--spec: cannot read ${v.spec}: ${(err as Error).message}.`);
    }
    try {
      base = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw bad(`--spec: ${v.spec} is not valid JSON (${(err as Error).message}).`);
    }
    if (base === null || typeof base !== 'object' || Array.isArray(base)) throw bad(`--spec: ${v.spec} must hold a JSON object (the job spec).`);
  }
  const section = (key: string) => ({ ...((base[key] as Record<string, unknown> | undefined) ?? {}) });
  const spec: Record<string, unknown> = { ...base };
  if (v.background !== undefined || v.seed !== undefined) {
    const bg = v.background !== undefined ? backgroundShorthand(v.background) : typeof base.background === 'string' ? backgroundShorthand(base.background) : section('background');
    if (v.seed !== undefined) {
      const seed = Number(v.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw bad(`--seed must be a whole number from 0 to 4294967295; got "${v.seed}".`);
      if (bg.type !== 'template' && bg.type !== 'prompt') throw bad('--seed applies to template and prompt backgrounds only.');
      bg.seed = seed;
    }
    spec.background = bg;
  }
  if (v.shadow !== undefined) spec.shadow = { ...section('shadow'), mode: v.shadow };
  if (v.lighting !== undefined) spec.lighting = { ...section('lighting'), mode: v.lighting };
  const layout = section('layout');
  if (v.preset !== undefined) layout.preset = v.preset;
  if (v.size !== undefined) layout.outputSize = v.size;
  if (v.padding !== undefined) layout.padding = /^\d*\.\d+$|^0$/.test(v.padding) ? Number(v.padding) : v.padding;
  if (Object.keys(layout).length) spec.layout = layout;
  const exp = section('export');
  if (v.format !== undefined) exp.format = v.format.toLowerCase() === 'jpg' ? 'jpeg' : v.format.toLowerCase();
  if (v['export-quality'] !== undefined) exp.quality = Number(v['export-quality']);
  if (Object.keys(exp).length) spec.export = exp;
  const cutout = section('cutout');
  if (v.quality !== undefined) cutout.quality = v.quality;
  if (v.model !== undefined) cutout.model = v.model;
  if (Object.keys(cutout).length) spec.cutout = cutout;
  return spec as EditSpecInput;
}

/** A spec validation error as a usage error naming the flag. */
export function editFlagError(err: unknown, usage: string): unknown {
  if (err instanceof GreenroomError && (err.code === 'GREENROOM_ERR_INVALID_OPTION' || err.code === 'GREENROOM_ERR_UNKNOWN_MODEL')) {
    const field = typeof err.details.field === 'string' ? err.details.field : '';
    const flag = FLAG_OF[field];
    const message = flag ? `${flag} (${field}):${err.message.slice(field.length + 1)}` : err.message;
    return new UsageError(message, usage, err.code);
  }
  return err;
}
