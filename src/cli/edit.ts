/** `greenroom edit INPUT... --out DIR [--background ...] [--shadow ...] [--preset ...] [options]` */
import { parseArgs } from 'node:util';
import { getModelSpec } from '../models/manifest.ts';
import { parseEditSpec } from '../pipeline/spec.ts';
import { EXIT_FAILURE, EXIT_OK, formatMs, UsageError, withUsage } from './args.ts';
import { expandInputs, runBatch } from './batch.ts';
import { DEFAULT_JOBS, ensureOutDir, openStudio } from './cutout.ts';
import { EDIT_FLAG_OPTIONS, editFlagError, specFromEditFlags } from './edit-flags.ts';
import { EDIT_USAGE } from './help.ts';
import { EXTENSIONS } from './names.ts';
import { HINTS_FLAG_OPTIONS, readHintsFlags, requireOneInput } from './hints-flags.ts';

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = withUsage(EDIT_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string', short: 'o' },
        ...EDIT_FLAG_OPTIONS,
        json: { type: 'boolean' },
        jobs: { type: 'string', short: 'j' },
        help: { type: 'boolean', short: 'h' },
        ...HINTS_FLAG_OPTIONS,
      },
    }),
  );
  if (values.help) {
    process.stdout.write(EDIT_USAGE);
    return EXIT_OK;
  }
  if (positionals.length === 0) throw new UsageError('no INPUT given: name image files or folders.', EDIT_USAGE);

  const spec = await specFromEditFlags(values, EDIT_USAGE);
  const touchup = await readHintsFlags(values, EDIT_USAGE);
  if (touchup.hints !== undefined || touchup.matte !== undefined) spec.cutout = { ...spec.cutout, ...touchup };
  let format: keyof typeof EXTENSIONS;
  try {
    format = parseEditSpec(spec).export.format;
    if (spec.cutout?.model) getModelSpec(spec.cutout.model);
  } catch (err) {
    throw editFlagError(err, EDIT_USAGE);
  }
  const jobs = values.jobs === undefined ? DEFAULT_JOBS : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 8) throw new UsageError(`--jobs must be a whole number from 1 to 8; got "${values.jobs}".`, EDIT_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
  const json = values.json === true;
  const outDir = values.out ?? 'out';

  const inputs = await expandInputs(positionals);
  requireOneInput(touchup, inputs.length, EDIT_USAGE);
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
