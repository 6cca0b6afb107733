/**
 * `greenroom start`: what `npm start` runs until the HTTP server exists. Cuts out the bundled
 * sample photos into ./out/samples with the real model and says how long each took.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GreenroomError } from '../errors.ts';
import { QUALITIES } from '../models/manifest.ts';
import { choice, EXIT_FAILURE, EXIT_OK, formatMs, summarizeError, withUsage } from './args.ts';
import { expandInputs, runBatch } from './batch.ts';
import { ensureOutDir, openStudio } from './cutout.ts';
import { START_USAGE } from './help.ts';

/** The sample photos, two folders above this file both in src/cli and in dist/cli. */
export const SAMPLES_DIR = fileURLToPath(new URL('../../test/fixtures/photos/', import.meta.url));

const BIN_HINT = path.relative(process.cwd(), fileURLToPath(new URL('../../bin/greenroom.js', import.meta.url))) || 'bin/greenroom.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = withUsage(START_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        quality: { type: 'string', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(START_USAGE);
    return EXIT_OK;
  }
  const quality = choice('quality', values.quality, QUALITIES, START_USAGE) ?? 'best';
  if (!fs.existsSync(SAMPLES_DIR)) {
    throw new GreenroomError('INPUT_NOT_FOUND', `The sample photos are not installed (${SAMPLES_DIR}); they ship with greenroom's source. Cut out your own: greenroom cutout YOUR_PHOTOS --out DIR`);
  }
  const outDir = path.join('out', 'samples');
  const inputs = await expandInputs([SAMPLES_DIR]);
  await ensureOutDir(outDir);

  const studio = await openStudio(undefined, false);
  const model = studio.config.defaultModel;
  process.stderr.write(`Cutting out ${inputs.length} sample photos with ${model} (${quality} quality, ${studio.config.threads} threads)...\n`);
  const started = performance.now();
  let results;
  try {
    // One image at a time: onnxruntime-node's run() blocks the event loop, so overlapping
    // images gains almost nothing and would blur the per-photo times this command shows.
    results = await runBatch(studio, inputs, { outDir, ext: 'png', work: (s, file) => s.cutout(file, { quality }), lines: false, concurrency: 1 });
  } finally {
    await studio.close();
  }
  const elapsed = performance.now() - started;

  const ok = results.filter((r) => r.result);
  const nameWidth = Math.max(...results.map((r) => path.basename(r.file).length));
  const lines = [`\n${ok.length} of ${results.length} sample cutouts in ${path.resolve(outDir)} (${formatMs(elapsed)} in all):`];
  for (const r of results) {
    const name = path.basename(r.file).padEnd(nameWidth);
    if (r.result) {
      const size = `${r.result.image.width}x${r.result.image.height}`.padEnd(9);
      const seg = r.result.stages.find((s) => s.stage === 'segment')?.ms ?? 0;
      lines.push(`  ${name}  ${size}  ${formatMs(r.wallMs).padStart(7)}  (network ${formatMs(seg)})  -> ${r.output}`);
    } else {
      const { code, message } = summarizeError(r.error);
      lines.push(`  ${name}  failed: ${code} ${message}`);
    }
  }
  lines.push(
    '',
    'Cut out your own photos:',
    `  greenroom cutout YOUR_PHOTOS --out DIR        (not installed globally? node ${BIN_HINT} cutout ...)`,
    '  greenroom cutout --help                       formats, crop, background colours, --json',
    '',
  );
  process.stdout.write(lines.join('\n'));
  return ok.length === results.length ? EXIT_OK : EXIT_FAILURE;
}
