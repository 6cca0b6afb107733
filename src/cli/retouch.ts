/** `greenroom retouch INPUT --mask FILE | --strokes FILE | --expand VALUE [--out DIR] [options]` */
import fsp from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { GreenroomError } from '../errors.ts';
import { OUTPUT_FORMATS } from '../image/encode.ts';
import { parseRetouchOptions, type RetouchOptionsInput } from '../pipeline/retouch-options.ts';
import { Studio } from '../studio.ts';
import { choice, EXIT_FAILURE, EXIT_OK, formatMs, UsageError, withUsage } from './args.ts';
import { expandInputs, runBatch } from './batch.ts';
import { DEFAULT_JOBS, ensureOutDir } from './cutout.ts';
import { RETOUCH_USAGE } from './help.ts';
import { EXTENSIONS } from './names.ts';

/** Flag names for the option fields, so validation messages name what the user typed. */
const FLAG_OF: Record<string, string> = { mask: '--mask', strokes: '--strokes', expand: '--expand', matte: '--matte', format: '--format', exportQuality: '--export-quality' };

async function readFlagFile(flag: string, file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await fsp.readFile(file));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new UsageError(`--${flag}: cannot read ${file}: ${missing ? 'no such file' : (err as Error).message}.`, RETOUCH_USAGE, missing ? 'GREENROOM_ERR_INPUT_NOT_FOUND' : 'GREENROOM_ERR_INVALID_OPTION');
  }
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = withUsage(RETOUCH_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        mask: { type: 'string' },
        strokes: { type: 'string' },
        expand: { type: 'string' },
        matte: { type: 'string' },
        out: { type: 'string', short: 'o' },
        format: { type: 'string', short: 'f' },
        'export-quality': { type: 'string' },
        json: { type: 'boolean' },
        jobs: { type: 'string', short: 'j' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(RETOUCH_USAGE);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('no INPUT given: name the photo to retouch.', RETOUCH_USAGE);
  if (values.mask === undefined && values.strokes === undefined && values.expand === undefined) {
    throw new UsageError('say what to do: --mask FILE or --strokes FILE (what to remove), and/or --expand VALUE.', RETOUCH_USAGE);
  }
  const format = choice('format', values.format, OUTPUT_FORMATS, RETOUCH_USAGE, { jpg: 'jpeg' }) ?? 'png';
  let exportQuality: number | undefined;
  if (values['export-quality'] !== undefined) {
    exportQuality = Number(values['export-quality']);
    if (!Number.isInteger(exportQuality) || exportQuality < 1 || exportQuality > 100) {
      throw new UsageError(`--export-quality must be a whole number from 1 to 100; got "${values['export-quality']}".`, RETOUCH_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
    }
  }
  const options: RetouchOptionsInput = { format, ...(exportQuality !== undefined ? { exportQuality } : {}), ...(values.expand !== undefined ? { expand: values.expand } : {}) };
  if (values.mask !== undefined) options.mask = await readFlagFile('mask', values.mask);
  if (values.matte !== undefined) options.matte = await readFlagFile('matte', values.matte);
  if (values.strokes !== undefined) {
    const text = Buffer.from(await readFlagFile('strokes', values.strokes)).toString('utf8');
    try {
      options.strokes = JSON.parse(text);
    } catch (err) {
      throw new UsageError(`--strokes: ${values.strokes} is not valid JSON (${(err as Error).message}); write strokes as [{"mode": "erase", "radius": 12, "points": [[x, y], ...]}].`, RETOUCH_USAGE, 'GREENROOM_ERR_INVALID_MASK');
    }
  }
  try {
    parseRetouchOptions(options);
  } catch (err) {
    if (err instanceof GreenroomError && ['GREENROOM_ERR_INVALID_OPTION', 'GREENROOM_ERR_INVALID_MASK', 'GREENROOM_ERR_HINTS_TOO_LARGE'].includes(err.code)) {
      const field = typeof err.details.field === 'string' ? err.details.field.split('.')[0]! : '';
      const flag = FLAG_OF[field];
      throw new UsageError(flag && err.message.startsWith(field) ? `${flag}${err.message.slice(field.length)}` : err.message, RETOUCH_USAGE, err.code);
    }
    throw err;
  }
  let jobs = DEFAULT_JOBS;
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 8) throw new UsageError(`--jobs must be a whole number from 1 to 8; got "${values.jobs}".`, RETOUCH_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
  }
  const json = values.json === true;
  const outDir = values.out ?? 'out';
  const inputs = await expandInputs(positionals);
  const perPhoto = values.mask !== undefined || values.strokes !== undefined || values.matte !== undefined;
  if (perPhoto && inputs.length !== 1) {
    throw new UsageError(`--mask, --strokes and --matte belong to one photo; name exactly one INPUT (got ${inputs.length}).`, RETOUCH_USAGE, 'GREENROOM_ERR_INVALID_MASK');
  }
  await ensureOutDir(outDir);
  const started = performance.now();
  // No network runs: the studio opens without warming a model.
  const studio = inputs.some((i) => !i.error) ? await Studio.open({ warm: false }) : null;
  try {
    const results = await runBatch(studio, inputs, { outDir, ext: EXTENSIONS[format], work: (s, file) => s.retouch(file, options), json, concurrency: jobs });
    const failed = results.filter((r) => r.error !== undefined).length;
    if (!json) process.stderr.write(`${results.length - failed} of ${results.length} written to ${outDir}${failed ? `, ${failed} failed` : ''} (${formatMs(performance.now() - started)})\n`);
    return failed > 0 ? EXIT_FAILURE : EXIT_OK;
  } finally {
    await studio?.close();
  }
}
