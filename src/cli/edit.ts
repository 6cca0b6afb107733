/** `greenroom edit INPUT... --out DIR [--background ...] [--shadow ...] [--preset ...] [options]` */
import fsp from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { GreenroomError } from '../errors.ts';
import { getModelSpec } from '../models/manifest.ts';
import { backgroundShorthand, parseEditSpec, type EditSpecInput } from '../pipeline/spec.ts';
import { EXIT_FAILURE, EXIT_OK, formatMs, UsageError, withUsage } from './args.ts';
import { expandInputs, runBatch } from './batch.ts';
import { DEFAULT_JOBS, ensureOutDir, openStudio } from './cutout.ts';
import { EDIT_USAGE } from './help.ts';
import { EXTENSIONS } from './names.ts';

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

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = withUsage(EDIT_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string', short: 'o' },
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
        json: { type: 'boolean' },
        jobs: { type: 'string', short: 'j' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(EDIT_USAGE);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('no INPUT given: name image files or folders.', EDIT_USAGE);

  const spec = await specFromFlags(values);
  let format: keyof typeof EXTENSIONS;
  try {
    format = parseEditSpec(spec).export.format;
    if (spec.cutout?.model) getModelSpec(spec.cutout.model);
  } catch (err) {
    throw asUsage(err);
  }
  const jobs = values.jobs === undefined ? DEFAULT_JOBS : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 8) throw new UsageError(`--jobs must be a whole number from 1 to 8; got "${values.jobs}".`, EDIT_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
  const json = values.json === true;
  const outDir = values.out ?? 'out';

  const inputs = await expandInputs(positionals);
  await ensureOutDir(outDir);
  const started = performance.now();
  const studio = inputs.some((i) => !i.error) ? await openStudio(spec.cutout?.model, json) : null;
  try {
    const results = await runBatch(studio, inputs, { outDir, ext: EXTENSIONS[format], work: (s, file) => s.edit(file, spec), json, concurrency: jobs });
    const failed = results.filter((r) => r.error !== undefined).length;
    if (!json) {
      const warnings = new Set(results.flatMap((r) => (r.result && 'warnings' in r.result ? r.result.warnings : [])));
      for (const w of warnings) process.stderr.write(`warning: ${w}\n`);
      process.stderr.write(`${results.length - failed} of ${results.length} written to ${outDir}${failed ? `, ${failed} failed` : ''} (${formatMs(performance.now() - started)})\n`);
    }
    return failed > 0 ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await studio?.close();
  }
}

type Flags = Partial<Record<'background' | 'shadow' | 'lighting' | 'preset' | 'size' | 'padding' | 'format' | 'export-quality' | 'seed' | 'quality' | 'model' | 'spec', string>>;

/** The job spec from --spec FILE (JSON), with the other flags layered over it. */
async function specFromFlags(v: Flags): Promise<EditSpecInput> {
  let base: Record<string, unknown> = {};
  if (v.spec !== undefined) {
    let text: string;
    try {
      text = await fsp.readFile(v.spec, 'utf8');
    } catch (err) {
      throw new UsageError(`--spec: cannot read ${v.spec}: ${(err as Error).message}.`, EDIT_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
    }
    try {
      base = JSON.parse(text) as Record<string, unknown>;
    } catch (err) {
      throw new UsageError(`--spec: ${v.spec} is not valid JSON (${(err as Error).message}).`, EDIT_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
    }
    if (base === null || typeof base !== 'object' || Array.isArray(base)) throw new UsageError(`--spec: ${v.spec} must hold a JSON object (the job spec).`, EDIT_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
  }
  const section = (key: string) => ({ ...((base[key] as Record<string, unknown> | undefined) ?? {}) });
  const spec: Record<string, unknown> = { ...base };
  if (v.background !== undefined || v.seed !== undefined) {
    const bg = v.background !== undefined ? backgroundShorthand(v.background) : typeof base.background === 'string' ? backgroundShorthand(base.background) : section('background');
    if (v.seed !== undefined) {
      const seed = Number(v.seed);
      if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) throw new UsageError(`--seed must be a whole number from 0 to 4294967295; got "${v.seed}".`, EDIT_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
      if (bg.type !== 'template' && bg.type !== 'prompt') throw new UsageError('--seed applies to template and prompt backgrounds only.', EDIT_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
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

function asUsage(err: unknown): unknown {
  if (err instanceof GreenroomError && (err.code === 'GREENROOM_ERR_INVALID_OPTION' || err.code === 'GREENROOM_ERR_UNKNOWN_MODEL')) {
    const field = typeof err.details.field === 'string' ? err.details.field : '';
    const flag = FLAG_OF[field];
    const message = flag ? `${flag} (${field}):${err.message.slice(field.length + 1)}` : err.message;
    return new UsageError(message, EDIT_USAGE, err.code);
  }
  return err;
}
