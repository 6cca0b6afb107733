/**
 * Joules per image under the active meter (on this machine: the CPU-time model), side by side
 * with the peer under the same model in the same run, and the ratio to the reference "typical
 * image generation" (Luccioni, Jernite and Strubell 2023: 2.907 kWh per 1,000 images). The
 * cutout figures come from the speed section's receipts; the edit is measured here.
 */
import { IMAGE_GENERATION_REFERENCE_J } from '../src/energy/index.ts';
import type { EditSpecInput } from '../src/pipeline/spec.ts';
import type { Studio } from '../src/studio.ts';
import { buildSpeedSet } from './dataset.ts';
import type { SpeedResults } from './speed.ts';
import { mean, round } from './stats.ts';

/** The full studio edit measured: best cutout, a textured scene with shadow and lighting, 2000 x 2000 PNG. */
export const FULL_EDIT: EditSpecInput = { background: 'template:white-marble', shadow: 'soft', lighting: 'harmonize', layout: { outputSize: '2000x2000' }, export: { format: 'png' } };
export const EDIT_TARGET_J = 10;

export interface EnergyRow {
  what: string;
  /** Mean joules per image from the receipts (CPU and memory terms). */
  joules: number | null;
  /** Process CPU ms per image. */
  cpuMs: number;
  /** CPU term alone (cpu seconds x watts per thread), comparable with the peer's. */
  cpuJoules: number;
  referenceRatio: number | null;
}

export interface EnergyResults {
  meter: string;
  method: string;
  basis: string;
  device: string;
  wattsPerThread: number;
  referenceJ: number;
  rows: EnergyRow[];
  edit: { spec: EditSpecInput; images: number; meanJ: number; stagesJ: Record<string, number>; targetJ: number };
}

export async function runEnergy(studio: Studio, speed: SpeedResults | undefined, opts: { log?: (s: string) => void } = {}): Promise<EnergyResults> {
  const e = studio.energy;
  const w = e.model.wattsPerThread;
  const rows: EnergyRow[] = [];
  const ratio = (j: number) => round(IMAGE_GENERATION_REFERENCE_J / j);
  for (const g of speed?.greenroom ?? []) {
    rows.push({ what: `greenroom cutout, ${g.quality}`, joules: g.energy.meanJ, cpuMs: g.energy.meanCpuMs, cpuJoules: round((g.energy.meanCpuMs / 1000) * w, 2), referenceRatio: ratio(g.energy.meanJ) });
  }
  if (speed?.peer) {
    const cpuJ = round((speed.peer.cpuMsPerImage / 1000) * w, 2);
    rows.push({ what: 'peer @imgly/background-removal-node (CPU term only)', joules: null, cpuMs: speed.peer.cpuMsPerImage, cpuJoules: cpuJ, referenceRatio: ratio(cpuJ) });
  }

  const images = await buildSpeedSet();
  const joules: number[] = [];
  const cpu: number[] = [];
  const stages: Record<string, number[]> = {};
  await studio.edit(images[0]!.file, FULL_EDIT, { operation: 'edit', batchId: 'bench' }); // warm-up
  for (const img of images) {
    const r = await studio.edit(img.file, FULL_EDIT, { operation: 'edit', batchId: 'bench' });
    joules.push(r.energy!.joules);
    cpu.push(r.energy!.stages.reduce((s, x) => s + x.cpuMs, 0));
    for (const s of r.energy!.stages) (stages[s.stage] ??= []).push(s.joules);
  }
  const meanJ = round(mean(joules), 3);
  rows.push({ what: 'greenroom full edit (best, white-marble, soft shadow, harmonize, 2000x2000 PNG)', joules: meanJ, cpuMs: round(mean(cpu)), cpuJoules: round((mean(cpu) / 1000) * w, 2), referenceRatio: ratio(meanJ) });
  opts.log?.(`  full edit: ${meanJ} J per image (target ${EDIT_TARGET_J} J), ${ratio(meanJ)}x below the image-generation reference`);
  return {
    meter: e.meter.name,
    method: e.meter.method,
    basis: e.meter.basis,
    device: e.meter.device,
    wattsPerThread: w,
    referenceJ: IMAGE_GENERATION_REFERENCE_J,
    rows,
    edit: { spec: FULL_EDIT, images: images.length, meanJ, stagesJ: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(mean(v), 3)])), targetJ: EDIT_TARGET_J },
  };
}
