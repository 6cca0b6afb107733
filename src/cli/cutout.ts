/** `greenroom cutout INPUT... [--out DIR] [options]` */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { GreenroomError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../image/encode.ts';
import { getModelSpec, QUALITIES } from '../models/manifest.ts';
import { cachedModelPath } from '../models/store.ts';
import { parseCutoutOptions, type CutoutOptionsInput } from '../pipeline/cutout-options.ts';
import { Studio } from '../studio.ts';
import { choice, EXIT_FAILURE, EXIT_OK, formatMs, UsageError, withUsage } from './args.ts';
import { expandInputs, runBatch } from './batch.ts';
import { CUTOUT_USAGE } from './help.ts';
import { EXTENSIONS } from './names.ts';
import { HINTS_FLAG_OPTIONS, readHintsFlags, requireOneInput } from './hints-flags.ts';

/** Images in flight by default. */
export const DEFAULT_JOBS = 2;

/** Flag names for the option fields, so validation messages name what the user typed. */
const FLAG_OF: Record<string, string> = {
  cropMargin: '--crop-margin',
  bgColor: '--bg-color',
  exportQuality: '--export-quality',
  format: '--format',
  channels: '--channels',
  quality: '--quality',
  model: '--model',
};

/** Validates options once, before any work, as a usage error naming the flag. */
export function validateOptions(options: CutoutOptionsInput, usage: string): void {
  try {
    parseCutoutOptions(options);
    if (options.model) getModelSpec(options.model);
  } catch (err) {
    if (err instanceof GreenroomError && (err.code === 'GREENROOM_ERR_INVALID_OPTION' || err.code === 'GREENROOM_ERR_UNKNOWN_MODEL')) {
      const field = typeof err.details.field === 'string' ? err.details.field : err.code === 'GREENROOM_ERR_UNKNOWN_MODEL' ? 'model' : '';
      const flag = FLAG_OF[field];
      const message = flag && err.message.startsWith(`${field}:`) ? `${flag}:${err.message.slice(field.length + 1)}` : err.message;
      throw new UsageError(message, usage, err.code);
    }
    throw err;
  }
}

/** Opens the studio, saying so when the model is assembled on first use. */
export async function openStudio(model: string | undefined, quiet: boolean): Promise<Studio> {
  const config = loadConfig();
  const spec = getModelSpec(model ?? config.defaultModel);
  if (!quiet && !fs.existsSync(cachedModelPath(spec, config.cacheDir))) {
    process.stderr.write(`Assembling model ${spec.id} into ${config.cacheDir} (first use, a few seconds)...\n`);
  }
  return Studio.open(model ? { model } : {});
}

/** Creates the output folder, with a clear error when it cannot be. */
export async function ensureOutDir(dir: string): Promise<void> {
  try {
    await fsp.mkdir(dir, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'a file of that name is in the way' : (err as Error).message;
    throw new GreenroomError('INVALID_OPTION', `Cannot create the output folder ${dir}: ${why}.`, { field: 'out', path: dir }, { cause: err });
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = withUsage(CUTOUT_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string', short: 'o' },
        format: { type: 'string', short: 'f' },
        channels: { type: 'string' },
        quality: { type: 'string', short: 'q' },
        crop: { type: 'boolean' },
        'crop-margin': { type: 'string' },
        'bg-color': { type: 'string' },
        'export-quality': { type: 'string' },
        'no-refine': { type: 'boolean' },
        'no-decontaminate': { type: 'boolean' },
        model: { type: 'string', short: 'm' },
        json: { type: 'boolean' },
        jobs: { type: 'string', short: 'j' },
        help: { type: 'boolean', short: 'h' },
        ...HINTS_FLAG_OPTIONS,
      },
    }),
  );
  if (values.help) {
    process.stdout.write(CUTOUT_USAGE);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('no INPUT given: name image files or folders.', CUTOUT_USAGE);

  const format = choice('format', values.format, OUTPUT_FORMATS, CUTOUT_USAGE, { jpg: 'jpeg' }) ?? 'png';
  const channels = choice('channels', values.channels, ['rgba', 'alpha'] as const, CUTOUT_USAGE);
  const quality = choice('quality', values.quality, QUALITIES, CUTOUT_USAGE);
  let exportQuality: number | undefined;
  if (values['export-quality'] !== undefined) {
    exportQuality = Number(values['export-quality']);
    if (!Number.isInteger(exportQuality) || exportQuality < 1 || exportQuality > 100) {
      throw new UsageError(`--export-quality must be a whole number from 1 to 100; got "${values['export-quality']}".`, CUTOUT_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
    }
  }
  const options: CutoutOptionsInput = {
    format,
    ...(channels ? { channels } : {}),
    ...(quality ? { quality } : {}),
    ...(values.crop || values['crop-margin'] !== undefined ? { crop: true } : {}),
    ...(values['crop-margin'] !== undefined ? { cropMargin: values['crop-margin'] } : {}),
    ...(values['bg-color'] !== undefined ? { bgColor: values['bg-color'] } : {}),
    ...(exportQuality !== undefined ? { exportQuality } : {}),
    ...(values['no-refine'] ? { refine: false } : {}),
    ...(values['no-decontaminate'] ? { decontaminate: false } : {}),
    ...(values.model ? { model: values.model } : {}),
  };
  validateOptions(options, CUTOUT_USAGE);
  const touchup = await readHintsFlags(values, CUTOUT_USAGE);
  Object.assign(options, touchup);
  let jobs = DEFAULT_JOBS;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 8) {
      throw new UsageError(`--jobs must be a whole number from 1 to 8; got "${values.jobs}".`, CUTOUT_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
    }
  }
  const json = values.json === true;
  const outDir = values.out ?? 'out';

  const inputs = await expandInputs(positionals);
  requireOneInput(touchup, inputs.length, CUTOUT_USAGE);
  await ensureOutDir(outDir);
  const started = performance.now();
  // Open (and warm) the model only when there is something to cut out.
  const studio = inputs.some((i) => !i.error) ? await openStudio(values.model, json) : null;
  try {
    const results = await runBatch(studio, inputs, { outDir, ext: EXTENSIONS[format], work: (s, file) => s.cutout(file, options), json, concurrency: jobs });
    const failed = results.filter((r) => r.error !== undefined).length;
    const written = results.length - failed;
    if (!json) {
      const took = formatMs(performance.now() - started);
      const summary = `${written} of ${results.length} written to ${outDir}${failed ? `, ${failed} failed` : ''} (${took})`;
      process.stderr.write(`${summary}\n`);
    }
    return failed > 0 ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await studio?.close();
  }
}
