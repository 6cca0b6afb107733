/**
 * Energy budgets: before any work, estimate a cutout's joules at each quality and pick the
 * requested quality if it fits, else the best cheaper one that fits, else refuse with a coded
 * ENERGY_BUDGET_EXCEEDED error that states the estimate and the budget.
 *
 * The estimate is calibrated CPU seconds per stage, converted to joules by the active power model
 * (watts per hardware thread, plus an optional memory draw over the wall time). The network runs
 * at a fixed working size per quality, so its cost is per image; decode, refine and encode scale
 * with the photo's megapixels.
 */
import { GreenroomError } from '../errors.ts';
import type { Quality } from '../models/manifest.ts';

/** Qualities from most to least expensive. */
const BY_COST: readonly Quality[] = ['max', 'best', 'balanced', 'fast'];

/**
 * Measured on this machine (AMD EPYC, model number hidden, 2 vCPUs with AVX-512 VNNI, no GPU),
 * `npm run bench -- --only network`, 2026-11-26: the network alone per precision and working
 * size, median of 9 rounds on a quiet machine (CPU is about twice wall: 2 threads busy). The
 * other stages per megapixel, single-threaded (CPU = wall), from the speed section.
 */
export const CUTOUT_CALIBRATION = {
  machine: 'AMD EPYC (model number hidden), 2 vCPUs, no GPU',
  date: '2026-11-26',
  megapixels: 1.5,
  network: {
    fp16: {
      best: { cpuSeconds: 2.04, wallSeconds: 1.03 },
      balanced: { cpuSeconds: 1.17, wallSeconds: 0.59 },
      fast: { cpuSeconds: 0.57, wallSeconds: 0.29 },
    },
    int8: {
      best: { cpuSeconds: 0.67, wallSeconds: 0.34 },
      balanced: { cpuSeconds: 0.39, wallSeconds: 0.2 },
      fast: { cpuSeconds: 0.21, wallSeconds: 0.11 },
    },
  },
  /** CPU seconds (= wall seconds) per megapixel. */
  perMegapixel: { decode: 0.013 / 1.5, refine: 0.33 / 1.5, encode: 0.075 / 1.5 },
} as const;

export type CalibratedPrecision = keyof typeof CUTOUT_CALIBRATION.network;

/**
 * Network passes counted for a quality, in passes at its working size: `best` may also run the
 * context pass (models.json contextPass, a subject cut by the frame), `max` the mirrored pass and
 * the context pass; a budget is a ceiling, so its estimate counts them all.
 */
export function networkPasses(quality: Quality): number {
  return quality === 'max' ? 3 : quality === 'best' ? 2 : 1;
}

/** `max` works at best's size: its passes cost what best's do. */
const CALIBRATED_AS: Record<Quality, Exclude<Quality, 'max'>> = { fast: 'fast', balanced: 'balanced', best: 'best', max: 'best' };

export interface EstimateStage {
  readonly stage: string;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

export interface CutoutEstimate {
  readonly quality: Quality;
  readonly joules: number;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  readonly stages: readonly EstimateStage[];
}

export interface EstimateOptions {
  megapixels: number;
  /** The model's precision (models.json); others are estimated as fp16. Default int8, the default model's. */
  precision?: string;
  /** From the active power model (cpu-model.ts), even when the meter is RAPL. */
  wattsPerThread: number;
  /** Memory draw charged over the wall time, watts (e.g. RSS GiB x 0.375); default 0. */
  memoryWatts?: number;
  /** Further stages, e.g. a scene compose: CPU seconds, and wall seconds (default = CPU). */
  extra?: ReadonlyArray<{ stage: string; cpuSeconds: number; wallSeconds?: number }>;
}

/** Estimated joules of one cutout at a quality. */
export function estimateCutout(quality: Quality, options: EstimateOptions): CutoutEstimate {
  const per = CUTOUT_CALIBRATION.perMegapixel;
  const table = CUTOUT_CALIBRATION.network[(options.precision ?? 'int8') in CUTOUT_CALIBRATION.network ? ((options.precision ?? 'int8') as CalibratedPrecision) : 'fp16'];
  const passes = networkPasses(quality);
  const pass = table[CALIBRATED_AS[quality]];
  const net = { cpuSeconds: pass.cpuSeconds * passes, wallSeconds: pass.wallSeconds * passes };
  const mp = options.megapixels;
  const stages: EstimateStage[] = [
    { stage: 'decode', cpuSeconds: per.decode * mp, wallSeconds: per.decode * mp },
    { stage: 'segment', cpuSeconds: net.cpuSeconds, wallSeconds: net.wallSeconds },
    { stage: 'refine', cpuSeconds: per.refine * mp, wallSeconds: per.refine * mp },
    { stage: 'encode', cpuSeconds: per.encode * mp, wallSeconds: per.encode * mp },
    ...(options.extra ?? []).map((e) => ({ stage: e.stage, cpuSeconds: e.cpuSeconds, wallSeconds: e.wallSeconds ?? e.cpuSeconds })),
  ];
  const cpuSeconds = stages.reduce((s, x) => s + x.cpuSeconds, 0);
  const wallSeconds = stages.reduce((s, x) => s + x.wallSeconds, 0);
  const joules = cpuSeconds * options.wattsPerThread + wallSeconds * (options.memoryWatts ?? 0);
  return { quality, joules, cpuSeconds, wallSeconds, stages };
}

export interface BudgetPlan {
  readonly requested: Quality;
  readonly quality: Quality;
  readonly downgraded: boolean;
  readonly estimateJ: number;
  readonly budgetJ: number;
  /** Estimated joules at every quality considered. */
  readonly estimates: Readonly<Partial<Record<Quality, number>>>;
}

/**
 * Picks the quality to run within `budgetJ`. Pure: it calls `estimate` only.
 * @throws GreenroomError ENERGY_BUDGET_EXCEEDED when even the cheapest quality is over budget
 */
export function planWithinBudget(budgetJ: number, requested: Quality, estimate: (quality: Quality) => number): BudgetPlan {
  if (!(budgetJ > 0)) throw new GreenroomError('INVALID_OPTION', `The energy budget must be a positive number of joules (got ${budgetJ}).`, { field: 'energyBudgetJ', value: budgetJ });
  const candidates = BY_COST.slice(BY_COST.indexOf(requested));
  const estimates: Partial<Record<Quality, number>> = {};
  for (const quality of candidates) {
    const joules = estimate(quality);
    estimates[quality] = joules;
    if (joules <= budgetJ) return { requested, quality, downgraded: quality !== requested, estimateJ: joules, budgetJ, estimates };
  }
  const cheapest = candidates[candidates.length - 1]!;
  const cheapestJ = estimates[cheapest]!;
  const tried = candidates.map((q) => `${q} ${fmt(estimates[q]!)} J`).join(', ');
  throw new GreenroomError(
    'ENERGY_BUDGET_EXCEEDED',
    `Energy budget exceeded: the cheapest quality "${cheapest}" is estimated at ${fmt(cheapestJ)} J, over the budget of ${fmt(budgetJ)} J (estimates: ${tried}). Nothing was run; raise the budget or send a smaller photo.`,
    { budgetJ, requested, estimates, cheapest, cheapestJ },
  );
}

/** Plans, then runs `work` with the plan; an impossible budget throws before `work` is called. */
export async function runWithinBudget<T>(budgetJ: number, requested: Quality, estimate: (quality: Quality) => number, work: (plan: BudgetPlan) => Promise<T>): Promise<T> {
  const plan = planWithinBudget(budgetJ, requested, estimate);
  return work(plan);
}

function fmt(j: number): string {
  return j >= 100 ? j.toFixed(0) : j >= 1 ? j.toFixed(2) : j.toPrecision(3);
}
