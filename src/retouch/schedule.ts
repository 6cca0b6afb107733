/**
 * Multi-scale patch-based completion (Wexler, Shechtman and Irani 2007, with PatchMatch for the
 * nearest neighbours), as a schedule of phases: the hole is filled at the coarsest level by onion
 * peel, then, level by level towards full size, the field is scaled up and refined by rounds of
 * PatchMatch and voting. Levels too large for the budget get one light round (their field scaled
 * from the coarser one, refined by propagation and a small search), or their field copied as a
 * shift map, so a 12 MP photo costs about as much as its mask.
 *
 * This module only says what runs when; every pixel is touched by `runRetouchPhase`
 * (engine.ts), on whatever threads the runner uses: in order on one thread (a page, a test), or
 * on the pixel pool's (src/pipeline/retouch-stage.ts); the result is the same.
 */
import { bands, bandSeed } from './bands.ts';
import { histogramQuantile } from './histogram.ts';
import type { Level } from './level.ts';
import type { MatchOptions } from './patchmatch.ts';
import type { RetouchTuning } from './types.ts';
import type { VoteMode } from './vote.ts';

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
  | { kind: 'copy'; level: number; bands: Band[]; into: Destination }
  /** Levels `from` down to `to`, every phase on the thread that runs this one. */
  | { kind: 'levels'; from: number; to: number; sigma2: number; tuning: RetouchTuning };

/** What a phase reads: its level (and the coarser one, to scale a field up), and the final image buffer. */
export interface TaskLevels {
  level: Level;
  coarser?: Level;
  /** Where the finest level's final vote writes (RGB floats, the level's size). */
  final?: Float32Array;
  /** Pixels outside the hole that the final vote covers by the weighted mean: the blend band. */
  finalWhich?: Uint8Array;
  /** Every level, for a phase of several levels. */
  all?: Level[];
}

/** What a phase hands back: a match's histogram of distances; several levels' sigma^2 and report. */
export interface PhaseOutput {
  hist?: Uint32Array;
  sigma2?: number;
  report?: CompletionReport['levels'];
}

/** Runs a phase (its bands on any threads, in any grouping) and returns what it hands back. */
export type PhaseRunner = (phase: RetouchPhase, levels: TaskLevels) => Promise<PhaseOutput | null> | PhaseOutput | null;

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
  const top = levels.length - 1;
  const work = levelWork(levels, tuning);
  // The small coarse levels run as one phase, on one thread: dozens of tiny phases would cost
  // more in hand-offs between threads than in pixels.
  let local = top;
  while (local > 0 && levels[local - 1]!.targets.length <= tuning.localCentres) local--;
  const all: TaskLevels = { level: levels[top]!, all: levels, final, finalWhich };
  const coarse = await run({ kind: 'levels', from: top, to: local, sigma2: 1, tuning }, all);
  let sigma2 = coarse?.sigma2 ?? 1;
  const report: CompletionReport = { levels: coarse?.report ?? [] };
  for (let k = local - 1; k >= 0; k--) {
    const done = await completeLevel(levels, k, work, final, finalWhich, tuning, run, sigma2);
    sigma2 = done.sigma2;
    report.levels.push(done.report);
  }
  // Unless level 0 was copied: the band around the hole by the weighted mean, the hole by the best patch.
  const finest: TaskLevels = { level: levels[0]!, ...(top > 0 ? { coarser: levels[1]! } : {}), final, finalWhich };
  const rows = bands(levels[0]!.height).map(([y0, y1]) => ({ y0, y1, seed: 0 }));
  if (work[0] === 'copy') await run({ kind: 'copy', level: 0, bands: rows, into: 'final-band' }, finest);
  else {
    await run({ kind: 'vote', level: 0, bands: rows, sigma2, mode: 'mean', into: 'final-band' }, finest);
    await run({ kind: 'vote', level: 0, bands: rows, sigma2, mode: tuning.finalVote, into: 'final-hole' }, finest);
  }
  report.levels.reverse();
  return report;
}

/** How each level is worked: full rounds within the budget, one light round within four times it, else copied. */
export function levelWork(levels: readonly Level[], tuning: RetouchTuning): LevelWork[] {
  const top = levels.length - 1;
  return levels.map((level, k) => {
    const targets = level.targets.length;
    // The coarsest level always gets full rounds.
    if (k === top) return 'full';
    // Full rounds at the photo's own scale cost a third more and kept no more texture (docs/EDITING.md#retouch).
    if (k === 0 && !tuning.fullFinest) return targets <= 4 * tuning.budgetCentres ? 'light' : 'copy';
    return targets <= tuning.budgetCentres ? 'full' : targets <= 4 * tuning.budgetCentres ? 'light' : 'copy';
  });
}

/** Levels `from` (the coarser) down to `to`, each by its phases; what the last leaves for the next. */
export async function completeLevels(levels: Level[], from: number, to: number, final: Float32Array, finalWhich: Uint8Array, tuning: RetouchTuning, run: PhaseRunner, sigma2: number): Promise<{ sigma2: number; report: CompletionReport['levels'] }> {
  const work = levelWork(levels, tuning);
  const report: CompletionReport['levels'] = [];
  for (let k = from; k >= to; k--) {
    const done = await completeLevel(levels, k, work, final, finalWhich, tuning, run, sigma2);
    sigma2 = done.sigma2;
    report.push(done.report);
  }
  return { sigma2, report };
}

/** One level: its first estimate (onion peel at the coarsest, else the coarser field scaled up), then its rounds. */
async function completeLevel(levels: Level[], k: number, work: LevelWork[], final: Float32Array, finalWhich: Uint8Array, tuning: RetouchTuning, run: PhaseRunner, sigma2: number): Promise<{ sigma2: number; report: CompletionReport['levels'][number] }> {
  const r = tuning.patchRadius;
  const top = levels.length - 1;
  const level = levels[k]!;
  const on: TaskLevels = { level, ...(k < top ? { coarser: levels[k + 1]! } : {}), final, finalWhich };
  const rows = (round: number): Band[] => bands(level.height).map(([y0, y1], b) => ({ y0, y1, seed: bandSeed(tuning.seed, k, round, b) }));
  const how = work[k]!;
  const last = k === 0;
  if (k === top) await run({ kind: 'init', level: k, seed: bandSeed(tuning.seed, k, 0, 0) }, on);
  else {
    await run({ kind: 'upsample', level: k, bands: rows(0) }, on);
    if (how === 'copy') {
      await run({ kind: 'copy', level: k, bands: rows(0), into: last ? 'final-hole' : 'level' }, on);
      return { sigma2, report: { width: level.width, height: level.height, targets: level.targets.length, rounds: 0, work: how } };
    }
    // The hole's first estimate at this level: voted from the scaled field with this level's
    // own pixels (Newson et al. 2014), not the coarser image enlarged (too smooth to match well).
    await run({ kind: 'vote', level: k, bands: rows(0), sigma2, mode: 'mean', into: 'level' }, on);
  }
  let firstFull = top;
  while (firstFull > 0 && work[firstFull - 1] === 'full') firstFull--;
  const span = Math.max(1, top - firstFull);
  const rounds = how === 'light' ? 1 : Math.round(tuning.fineIterations + ((tuning.coarseIterations - tuning.fineIterations) * (k - firstFull)) / span);
  const coarsestSide = Math.max(levels[top]!.width, levels[top]!.height);
  for (let round = 0; round < rounds; round++) {
    const options = {
      r,
      // Full rounds search as far (in this level's pixels) as the coarsest level's whole region:
      // the coarse levels found where the texture is, finer ones look around it. Light rounds
      // only polish the scaled field: a few pixels.
      searchRadius: how === 'full' ? Math.min(Math.max(level.width, level.height), Math.max(tuning.searchFloor, coarsestSide)) : 4,
      randomPicks: how === 'full' ? 1 : 0,
      backward: round % 2 === 1,
    };
    const out = await run({ kind: 'match', level: k, bands: rows(round + 1), options }, on);
    if (out?.hist) sigma2 = histogramQuantile(out.hist, tuning.voteQuantile);
    if (!(last && round === rounds - 1)) await run({ kind: 'vote', level: k, bands: rows(round + 1), sigma2, mode: k < tuning.sharpLevels ? 'best' : 'mean', into: 'level' }, on);
  }
  return { sigma2, report: { width: level.width, height: level.height, targets: level.targets.length, rounds, work: how } };
}
