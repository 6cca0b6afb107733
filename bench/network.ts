/**
 * The network alone, at each precision and working size, in one run: for every (model, quality)
 * a warm-up, then rounds in which each (model, quality) runs once, so slow and fast moments of a
 * shared machine fall on every variant alike. Each variant is reported as absolute milliseconds
 * and as its ratio to the reference (the fp16 model at the same working size), taken per round
 * and then the median: the ratio survives drift that the absolutes do not.
 *
 * The input is a real photo resized to the working size (bilinear, as the pipeline does); the
 * time is seg.segment: normalisation in the worker, inference, the matte handed back.
 *
 * Run alone: node --import tsx bench/network.ts [--rounds N]
 */
import path from 'node:path';
import { QUALITIES, Studio, type Quality } from '../src/index.ts';
import { decodeImage, resizeForNetwork } from '../src/image/decode.ts';
import { getModelSpec, workingSize } from '../src/models/manifest.ts';
import { loadReport, loadSnapshot, ownCpuMs, type LoadReport } from './load.ts';
import { isMain, PHOTOS_DIR, WORK_DIR } from './paths.ts';
import { median, round } from './stats.ts';
import { readFile } from 'node:fs/promises';

/** The reference every speed figure is also given against: the shipped fp16 weights. */
export const REFERENCE_MODEL = 'isnet';

export interface NetworkVariant {
  model: string;
  precision: string;
  quality: Quality;
  size: number;
  runsMs: number[];
  medianMs: number;
  /** Process CPU ms per run (median): about wall x threads while the network runs. */
  cpuMs: number;
  /** Median over rounds of (this run / the reference's run at the same size in that round). */
  ratioToReference: number;
}

export interface NetworkResults {
  reference: string;
  photo: string;
  rounds: number;
  warmupRuns: number;
  /** ms of each warm-up run per model at 1024: the first runs of a new session are slower. */
  warmupMs: Record<string, number[]>;
  variants: NetworkVariant[];
  load: LoadReport;
}

export async function runNetwork(studio: Studio, options: { models: string[]; qualities?: readonly Quality[]; rounds?: number; warmupRuns?: number; log?: (s: string) => void }): Promise<NetworkResults> {
  const log = options.log ?? (() => {});
  const rounds = options.rounds ?? 7;
  const warmupRuns = options.warmupRuns ?? 3;
  const qualities = options.qualities ?? QUALITIES;
  const models = [REFERENCE_MODEL, ...options.models.filter((m) => m !== REFERENCE_MODEL)];
  const photoFile = path.join(PHOTOS_DIR, 'coffee.png');
  const photo = await decodeImage(await readFile(photoFile), { maxPixels: 1e8 });
  const variants = models.flatMap((model) => qualities.map((quality) => ({ model, quality, size: workingSize(getModelSpec(model), quality) })));
  const inputs = new Map(variants.map((v) => [v.size, resizeForNetwork(photo, v.size)]));
  const segmenters = new Map(await Promise.all(models.map(async (m) => [m, await studio.segmenter(m)] as const)));

  const once = async (model: string, size: number): Promise<{ ms: number; cpu: number }> => {
    const rgb = new Uint8Array(inputs.get(size)!); // the worker takes ownership of the buffer
    const cpu = ownCpuMs();
    const t = performance.now();
    await segmenters.get(model)!.segment(rgb, size);
    return { ms: performance.now() - t, cpu: ownCpuMs() - cpu };
  };

  const warmupMs: Record<string, number[]> = {};
  for (const v of variants) {
    const runs: number[] = [];
    for (let i = 0; i < warmupRuns; i++) runs.push(round((await once(v.model, v.size)).ms));
    if (v.size === Math.max(...variants.map((x) => x.size))) warmupMs[v.model] = runs;
  }
  const start = loadSnapshot();
  const cpu0 = ownCpuMs();
  const ms = variants.map(() => [] as number[]);
  const cpu = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    for (const [i, v] of variants.entries()) {
      const run = await once(v.model, v.size);
      ms[i]!.push(run.ms);
      cpu[i]!.push(run.cpu);
    }
  }
  const results: NetworkVariant[] = variants.map((v, i) => {
    const ref = variants.findIndex((x) => x.model === REFERENCE_MODEL && x.size === v.size);
    return {
      model: v.model,
      precision: getModelSpec(v.model).precision,
      quality: v.quality,
      size: v.size,
      runsMs: ms[i]!.map((x) => round(x)),
      medianMs: round(median(ms[i]!)),
      cpuMs: round(median(cpu[i]!)),
      ratioToReference: round(median(ms[i]!.map((x, r) => x / ms[ref]![r]!)), 3),
    };
  });
  for (const v of results) log(`  ${v.model.padEnd(12)} ${v.quality.padEnd(8)} ${v.size}px: median ${v.medianMs} ms (${v.ratioToReference}x ${REFERENCE_MODEL}), cpu ${v.cpuMs} ms`);
  return { reference: REFERENCE_MODEL, photo: path.basename(photoFile), rounds, warmupRuns, warmupMs, variants: results, load: loadReport(start, ownCpuMs() - cpu0) };
}

if (isMain(import.meta.url)) {
  const i = process.argv.indexOf('--rounds');
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data') });
  try {
    const r = await runNetwork(studio, { models: ['isnet-int8'], ...(i > 0 ? { rounds: Number(process.argv[i + 1]) } : {}), log: console.log });
    console.log(JSON.stringify(r.warmupMs));
  } finally {
    await studio.close();
  }
}
