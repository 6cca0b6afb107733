/**
 * Multi-scale patch-based completion (Wexler, Shechtman and Irani 2007, with PatchMatch for the
 * nearest neighbours): the hole is filled at the coarsest level by onion peel, then, level by
 * level towards full size, the field is scaled up and refined by rounds of PatchMatch and voting.
 * Levels too large for the budget get one light round (their field scaled from the coarser one,
 * refined by propagation and a small search) so a 12 MP photo costs about as much as its mask.
 *
 * The work is a sequence of phases; each phase is a list of independent tasks (bands of rows)
 * that `runRetouchTask` performs. `completeHole` drives the phases with any executor: in order on
 * one thread (a page, a test), or on the pixel pool's threads; the result is the same.
 */
import { CHANNELS, downsample, makeLevel, type Level, type LevelInput } from './level.ts';
import { onionPeel } from './onion.ts';
import { bands, bandSeed, histogramQuantile, HISTOGRAM_BINS, matchRows, upsampleField, type MatchOptions } from './patchmatch.ts';
import type { RetouchPlan } from './plan.ts';
import { pushPull } from './smooth-fill.ts';
import type { Allocator, RetouchTuning } from './types.ts';
import { voteRows, type VoteMode } from './vote.ts';

/** Rows [y0, y1) of a level, and the seed of their random numbers. */
export interface Band {
  y0: number;
  y1: number;
  seed: number;
}

/** Where a vote or a copy writes: the level's own image (every channel), or the final RGB over the band or the hole. */
export type Destination = 'level' | 'final-band' | 'final-hole';

/** One phase of the work: the same step over bands of rows that may run at the same time. */
export type RetouchPhase =
  | { kind: 'init'; level: number; seed: number }
  | { kind: 'upsample'; level: number; bands: Band[] }
  | { kind: 'match'; level: number; bands: Band[]; options: Omit<MatchOptions, 'seed'> }
  | { kind: 'vote'; level: number; bands: Band[]; sigma2: number; mode: VoteMode; into: Destination }
  | { kind: 'copy'; level: number; bands: Band[]; into: Destination };

/** What a phase reads: its level (and the coarser one, to scale a field up), and the final image buffer. */
export interface TaskLevels {
  level: Level;
  coarser?: Level;
  /** Where the finest level's final vote writes (RGB floats, the level's size). */
  final?: Float32Array;
  /** Pixels outside the hole that the final vote covers by the weighted mean: the blend band. */
  finalWhich?: Uint8Array;
}

/** Performs a phase over its bands, in order; a match returns the histogram of its distances. */
export function runRetouchPhase(levels: TaskLevels, phase: RetouchPhase, r: number): Uint32Array | null {
  const { level } = levels;
  if (phase.kind === 'init') {
    // Anything onion peel cannot reach (no source anywhere) keeps a smooth fill.
    const known = new Uint8Array(level.hole.length);
    for (let i = 0; i < known.length; i++) known[i] = level.hole[i] ? 0 : 1;
    pushPull(level.img, known, level.width, level.height, CHANNELS);
    onionPeel(level, r, phase.seed);
    return null;
  }
  const hist = phase.kind === 'match' ? new Uint32Array(HISTOGRAM_BINS) : null;
  for (const band of phase.bands) {
    switch (phase.kind) {
      case 'upsample':
        upsampleRows(level, levels.coarser!, band.y0, band.y1);
        break;
      case 'match': {
        const h = matchRows(level, band.y0, band.y1, { ...phase.options, seed: band.seed });
        for (let i = 0; i < HISTOGRAM_BINS; i++) hist![i]! += h[i]!;
        break;
      }
      case 'vote':
        if (phase.into === 'level') voteRows(level, band.y0, band.y1, r, phase.sigma2, phase.mode, level.hole, level.img, CHANNELS);
        else voteRows(level, band.y0, band.y1, r, phase.sigma2, phase.mode, phase.into === 'final-band' ? levels.finalWhich! : level.hole, levels.final!, 3);
        break;
      case 'copy':
        if (phase.into === 'level') copyRows(level, band.y0, band.y1, level.img, CHANNELS, level.hole);
        else copyRows(level, band.y0, band.y1, levels.final!, 3, phase.into === 'final-band' ? levels.finalWhich! : level.hole);
        break;
    }
  }
  return hist;
}

/** The hole's first estimate at a level: the coarser level's pixels, then the field scaled up. */
function upsampleRows(level: Level, coarse: Level, y0: number, y1: number): void {
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < level.width; x++) {
      const p = y * level.width + x;
      if (!level.hole[p]) continue;
      const c = Math.min(coarse.height - 1, y >> 1) * coarse.width + Math.min(coarse.width - 1, x >> 1);
      for (let k = 0; k < CHANNELS; k++) level.img[p * CHANNELS + k] = coarse.img[c * CHANNELS + k]!;
    }
  }
  upsampleField(coarse, level, y0, y1);
}

/**
 * Each pixel in `which` takes its match's centre pixel: the field as a shift map, the cheapest
 * reconstruction (a pixel of the band around the hole without a match keeps its own colour).
 */
function copyRows(level: Level, y0: number, y1: number, into: Float32Array, channels: number, which: Uint8Array): void {
  const { width, target, nnf, img } = level;
  for (let p = y0 * width; p < y1 * width; p++) {
    if (!which[p]) continue;
    const q = target[p] && nnf[p]! >= 0 ? nnf[p]! : level.hole[p] ? -1 : p;
    if (q < 0) continue;
    for (let k = 0; k < channels; k++) into[p * channels + k] = img[q * CHANNELS + k]!;
  }
}

/** Runs a phase (its bands on any threads, in any grouping) and returns its histogram when it is a match. */
export type PhaseRunner = (phase: RetouchPhase, levels: TaskLevels) => Promise<Uint32Array | null> | Uint32Array | null;

/** The region's pyramid: level 0 at full size, each next one half as large. */
export function buildLevels(finest: LevelInput, plan: RetouchPlan, r: number, alloc: Allocator): Level[] {
  const inputs: LevelInput[] = [finest];
  for (let k = 1; k <= plan.coarsest; k++) inputs.push(downsample(inputs[k - 1]!));
  const levels = inputs.map((input, k) => makeLevel(input, 2 ** k, r, alloc));
  // The coarsest level needs sources: when the hole leaves none whole, start one level finer.
  while (levels.length > 1 && levels[levels.length - 1]!.sources[0]!.length < 16) levels.pop();
  return levels;
}

/** How a level is worked: full rounds, one light round, or its field copied as a shift map. */
export type LevelWork = 'full' | 'light' | 'copy';

export interface CompletionReport {
  /** Levels worked on, finest first: size, targets, rounds, and how. */
  levels: Array<{ width: number; height: number; targets: number; rounds: number; work: LevelWork }>;
}

/**
 * Fills the hole of `levels[0]` (the region at full size): runs every phase with `run`, then
 * writes the final image into `final`: the hole by the best-matching patch (or the field's copy,
 * on a level too large to vote), the blend band around it by the weighted mean.
 */
export async function completeHole(levels: Level[], final: Float32Array, finalWhich: Uint8Array, tuning: RetouchTuning, run: PhaseRunner): Promise<CompletionReport> {
  const r = tuning.patchRadius;
  const top = levels.length - 1;
  const workOf = (k: number): LevelWork => {
    const targets = levels[k]!.targets.length;
    // The coarsest level always gets full rounds.
    if (k === top) return 'full';
    // Full rounds at the photo's own scale cost a third more and kept no more texture (docs/EDITING.md#retouch).
    if (k === 0 && !tuning.fullFinest) return targets <= 4 * tuning.budgetCentres ? 'light' : 'copy';
    return targets <= tuning.budgetCentres ? 'full' : targets <= 4 * tuning.budgetCentres ? 'light' : 'copy';
  };
  let firstFull = top;
  while (firstFull > 0 && workOf(firstFull - 1) === 'full') firstFull--;
  const report: CompletionReport = { levels: [] };
  const coarsestSide = Math.max(levels[top]!.width, levels[top]!.height);
  let sigma2 = 1;
  for (let k = top; k >= 0; k--) {
    const level = levels[k]!;
    const on: TaskLevels = { level, ...(k < top ? { coarser: levels[k + 1]! } : {}), final, finalWhich };
    const rows = (round: number): Band[] => bands(level.height).map(([y0, y1], b) => ({ y0, y1, seed: bandSeed(tuning.seed, k, round, b) }));
    const work = workOf(k);
    const last = k === 0;
    if (k === top) await run({ kind: 'init', level: k, seed: bandSeed(tuning.seed, k, 0, 0) }, on);
    else {
      await run({ kind: 'upsample', level: k, bands: rows(0) }, on);
      if (work === 'copy') {
        report.levels.push({ width: level.width, height: level.height, targets: level.targets.length, rounds: 0, work });
        await run({ kind: 'copy', level: k, bands: rows(0), into: last ? 'final-hole' : 'level' }, on);
        continue;
      }
      // The hole's first estimate at this level: voted from the scaled field with this level's
      // own pixels (Newson et al. 2014), not the coarser image enlarged (too smooth to match well).
      await run({ kind: 'vote', level: k, bands: rows(0), sigma2, mode: 'mean', into: 'level' }, on);
    }
    const span = Math.max(1, top - firstFull);
    const rounds = work === 'light' ? 1 : Math.round(tuning.fineIterations + ((tuning.coarseIterations - tuning.fineIterations) * (k - firstFull)) / span);
    report.levels.push({ width: level.width, height: level.height, targets: level.targets.length, rounds, work });
    for (let round = 0; round < rounds; round++) {
      const options = {
        r,
        // Full rounds search as far (in this level's pixels) as the coarsest level's whole region:
        // the coarse levels found where the texture is, finer ones look around it. Light rounds
        // only polish the scaled field: a few pixels.
        searchRadius: work === 'full' ? Math.min(Math.max(level.width, level.height), Math.max(tuning.searchFloor, coarsestSide)) : 4,
        randomPicks: work === 'full' ? 1 : 0,
        backward: round % 2 === 1,
      };
      const hist = await run({ kind: 'match', level: k, bands: rows(round + 1), options }, on);
      if (hist) sigma2 = histogramQuantile(hist, tuning.voteQuantile);
      if (!(last && round === rounds - 1)) await run({ kind: 'vote', level: k, bands: rows(round + 1), sigma2, mode: k < tuning.sharpLevels ? 'best' : 'mean', into: 'level' }, on);
    }
  }
  // Unless level 0 was copied: the band around the hole by the weighted mean, the hole by the best patch.
  const finest: TaskLevels = { level: levels[0]!, ...(top > 0 ? { coarser: levels[1]! } : {}), final, finalWhich };
  const rows = bands(levels[0]!.height).map(([y0, y1]) => ({ y0, y1, seed: 0 }));
  if (workOf(0) === 'copy') await run({ kind: 'copy', level: 0, bands: rows, into: 'final-band' }, finest);
  else {
    await run({ kind: 'vote', level: 0, bands: rows, sigma2, mode: 'mean', into: 'final-band' }, finest);
    await run({ kind: 'vote', level: 0, bands: rows, sigma2, mode: tuning.finalVote, into: 'final-hole' }, finest);
  }
  report.levels.reverse();
  return report;
}

/** A phase runner on this thread. */
export function runHere(r: number): PhaseRunner {
  return (phase, levels) => runRetouchPhase(levels, phase, r);
}
