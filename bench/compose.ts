/**
 * The instant-background budget: scene + layout + shadow + composite + encode of one edit at
 * 2000 x 2000, excluding segmentation (the cutout is made once and reused). Target: at most
 * 150 ms per image on the bench machine. Medians over `runs` after one warm-up, per stage.
 */
import path from 'node:path';
import { readInput } from '../src/image/read-input.ts';
import { cutoutStages } from '../src/pipeline/cutout.ts';
import { composeEdit } from '../src/pipeline/edit.ts';
import { parseEditSpec, type EditSpecInput } from '../src/pipeline/spec.ts';
import { StageRecorder } from '../src/pipeline/stages.ts';
import type { Studio } from '../src/studio.ts';
import { PHOTOS_DIR } from './paths.ts';
import { median, round } from './stats.ts';

export const COMPOSE_STAGES = ['scene', 'layout', 'shadow', 'compose', 'encode'] as const;
export const COMPOSE_TARGET_MS = 150;

export interface ComposeCase {
  name: string;
  spec: EditSpecInput;
}

export const COMPOSE_CASES: ComposeCase[] = [
  { name: 'white + soft, jpeg', spec: { background: 'white', shadow: 'soft', export: { format: 'jpeg' } } },
  { name: 'white + soft, png', spec: { background: 'white', shadow: 'soft', export: { format: 'png' } } },
  { name: 'studio-grey + hard, png', spec: { background: 'template:studio-grey', shadow: 'hard', export: { format: 'png' } } },
  { name: 'white-marble + reflection, png', spec: { background: 'template:white-marble', shadow: 'reflection', export: { format: 'png' } } },
  { name: 'alpine + soft + harmonize, jpeg', spec: { background: 'template:alpine', shadow: 'soft', lighting: 'harmonize', export: { format: 'jpeg' } } },
  { name: 'prompt (marble, eucalyptus) + soft, jpeg', spec: { background: 'white marble counter, soft morning light, eucalyptus shadows', shadow: 'soft', export: { format: 'jpeg' } } },
  { name: 'gradient + floating, webp', spec: { background: { type: 'gradient', kind: 'radial', colors: ['#fdfbf7', '#e9e4da'] }, shadow: 'floating', export: { format: 'webp' } } },
  { name: 'transparent + soft, png', spec: { background: 'transparent', shadow: 'soft', export: { format: 'png' } } },
];

export interface ComposeRow {
  name: string;
  /** Median ms per stage. */
  stages: Record<(typeof COMPOSE_STAGES)[number], number>;
  totalMs: number;
  bytes: number;
}

export interface ComposeResults {
  photo: string;
  size: string;
  runs: number;
  targetMs: number;
  rows: ComposeRow[];
}

export async function runCompose(studio: Studio, opts: { runs?: number; log?: (s: string) => void } = {}): Promise<ComposeResults> {
  const runs = opts.runs ?? 7;
  const photo = 'coffee.png';
  const limits = { maxPixels: studio.config.maxPixels };
  const cut = await cutoutStages(await readInput(path.join(PHOTOS_DIR, photo)), { quality: 'best', refine: true, decontaminate: true }, { segmenter: await studio.segmenter(), pixels: studio.pixels, limits }, new StageRecorder());
  const rows: ComposeRow[] = [];
  for (const c of COMPOSE_CASES) {
    const job = parseEditSpec({ ...c.spec, layout: { outputSize: '2000x2000', padding: 0.1 } });
    const samples: Record<string, number[]> = Object.fromEntries(COMPOSE_STAGES.map((s) => [s, []]));
    const totals: number[] = [];
    let bytes = 0;
    for (let i = 0; i <= runs; i++) {
      const stages = new StageRecorder();
      const out = await composeEdit(cut, job, { limits, pixels: studio.pixels }, stages);
      if (i === 0) continue; // warm-up
      for (const s of stages.stages) samples[s.stage]?.push(s.ms);
      totals.push(stages.totalMs);
      bytes = out.image.data.length;
    }
    const row: ComposeRow = {
      name: c.name,
      stages: Object.fromEntries(COMPOSE_STAGES.map((s) => [s, round(median(samples[s]!), 1)])) as ComposeRow['stages'],
      totalMs: round(median(totals), 1),
      bytes,
    };
    opts.log?.(`  ${c.name}: ${row.totalMs} ms (${COMPOSE_STAGES.map((s) => `${s} ${row.stages[s]}`).join(', ')})`);
    rows.push(row);
  }
  return { photo, size: '2000x2000', runs, targetMs: COMPOSE_TARGET_MS, rows };
}
