/** `greenroom models [--json]` and `greenroom models --prepare [ID]` */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { getModelSpec, loadManifest } from '../models/manifest.ts';
import { cachedModelPath, ensureModelFile } from '../models/store.ts';
import { EXIT_OK, formatMs, UsageError, withUsage } from './args.ts';
import { MODELS_USAGE } from './help.ts';

export interface ModelListing {
  id: string;
  description: string;
  precision: string;
  bytes: number;
  sizeMB: number;
  license: string;
  default: boolean;
  /** The prepared file in the cache, or null when it has not been assembled yet. */
  cachedPath: string | null;
}

export function listModels(): { cacheDir: string; default: string; models: ModelListing[] } {
  const config = loadConfig();
  const manifest = loadManifest();
  const models = Object.keys(manifest.models).map((id): ModelListing => {
    const spec = getModelSpec(id, manifest);
    const file = cachedModelPath(spec, config.cacheDir);
    return {
      id,
      description: spec.description,
      precision: spec.precision,
      bytes: spec.bytes,
      sizeMB: Math.round(spec.bytes / 1e5) / 10,
      license: spec.license,
      default: id === config.defaultModel,
      cachedPath: fs.existsSync(file) ? file : null,
    };
  });
  return { cacheDir: config.cacheDir, default: config.defaultModel, models };
}

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = withUsage(MODELS_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean' },
        prepare: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(MODELS_USAGE);
    return EXIT_OK;
  }
  if (!values.prepare && positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}" (did you mean --prepare ${positionals[0]}?)`, MODELS_USAGE);
  if (positionals.length > 1) throw new UsageError('--prepare takes one model id.', MODELS_USAGE);

  if (values.prepare) {
    const config = loadConfig();
    const spec = getModelSpec(positionals[0] ?? config.defaultModel);
    const started = performance.now();
    const file = ensureModelFile(spec, config.cacheDir);
    const ms = Math.round(performance.now() - started);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ id: spec.id, path: file.path, assembled: file.assembled, ms })}\n`);
    } else {
      process.stderr.write(file.assembled ? `${spec.id}: assembled and verified in ${formatMs(ms)}\n` : `${spec.id}: already assembled\n`);
      process.stdout.write(`${file.path}\n`);
    }
    return EXIT_OK;
  }

  const listing = listModels();
  if (values.json) {
    process.stdout.write(`${JSON.stringify(listing, null, 2)}\n`);
    return EXIT_OK;
  }
  const lines: string[] = [];
  for (const m of listing.models) {
    lines.push(`${m.id}${m.default ? '  (default)' : ''}`);
    lines.push(`  ${m.description}`);
    lines.push(`  precision ${m.precision}, ${m.sizeMB.toFixed(1)} MB, licence ${m.license}`);
    lines.push(`  ${m.cachedPath ?? 'not assembled yet (assembled on first use)'}`);
    lines.push('');
  }
  lines.push(`Cache: ${listing.cacheDir} (set GREENROOM_CACHE_DIR to move it). Assemble one now: greenroom models --prepare ID`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
