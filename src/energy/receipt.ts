/**
 * The energy receipt of one job: joules per stage and in total, CO2e, how it was obtained, and a
 * yardstick. Stage joules are rounded to the millijoule and the total is the sum of the rounded
 * stages, so the stages always add up to the total as printed.
 *
 * Yardstick: Luccioni, Jernite and Strubell, "Power Hungry Processing: Watts Driving the Cost of
 * AI Deployment?" (FAccT 2024; arXiv 2311.16863), measured on an A100 node: image generation
 * 2.907 kWh per 1,000 inferences on average = 10,465.2 J per image; image classification
 * 0.007 kWh per 1,000 = 25.2 J.
 */
import type { JobUsage } from './attribution.ts';
import { co2eGrams, type GridIntensity } from './carbon.ts';
import type { EnergyMeter, EnergyMethod } from './meter.ts';

/** 2.907 kWh / 1000 images, in joules. */
export const IMAGE_GENERATION_REFERENCE_J = 10465.2;
/** 0.007 kWh / 1000 images, in joules. */
export const IMAGE_CLASSIFICATION_REFERENCE_J = 25.2;

export interface ReceiptStage {
  readonly stage: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly joules: number;
}

export interface EnergyReceipt {
  readonly joules: number;
  readonly co2eGrams: number;
  readonly method: EnergyMethod;
  readonly basis: string;
  readonly device: string;
  /** The meter's name: 'rapl', 'cpu-model', 'rapl+nvml'... */
  readonly meter: string;
  readonly stages: readonly ReceiptStage[];
  /** The machine's idle draw over the job's share of wall time; not in `joules`. */
  readonly idle?: { readonly watts: number; readonly joules: number };
  readonly grid: { readonly gPerKWh: number; readonly pue: number; readonly source: string };
  readonly reference: { readonly imageGenerationJ: number; readonly ratio: number };
}

export interface ReceiptContext {
  meter: Pick<EnergyMeter, 'name' | 'method' | 'basis' | 'device'>;
  grid: GridIntensity;
  /** Idle watts, when configured; the receipt reports idle only when this is above 0. */
  idleWatts?: number;
}

/** Builds the receipt of a finished job. */
export function buildReceipt(usage: JobUsage, context: ReceiptContext): EnergyReceipt {
  const stages = usage.stages.map((s) => ({ stage: s.stage, ms: round(s.ms, 2), cpuMs: round(s.cpuMs, 2), joules: round(s.joules, 3) }));
  const milliJ = stages.reduce((sum, s) => sum + Math.round(s.joules * 1000), 0);
  const joules = milliJ / 1000;
  const idleWatts = context.idleWatts ?? 0;
  return {
    joules,
    co2eGrams: roundSignificant(co2eGrams(joules, context.grid), 4),
    method: context.meter.method,
    basis: context.meter.basis,
    device: context.meter.device,
    meter: context.meter.name,
    stages,
    ...(idleWatts > 0 ? { idle: { watts: idleWatts, joules: round(usage.idleJoules, 3) } } : {}),
    grid: { gPerKWh: context.grid.gPerKWh, pue: context.grid.pue, source: context.grid.source },
    reference: { imageGenerationJ: IMAGE_GENERATION_REFERENCE_J, ratio: roundSignificant(joules / IMAGE_GENERATION_REFERENCE_J, 4) },
  };
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

function roundSignificant(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  return Number(x.toPrecision(digits));
}
