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

/** Runs a phase (its bands on any threads, in any grouping) and returns its histogram when it is a match. */
export type PhaseRunner = (phase: RetouchPhase, levels: TaskLevels) => Promise<Uint32Array | null> | Uint32Array | null;

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
