/**
 * The completion's pixel work (schedule.ts says what runs when): one phase over its bands of
 * rows, as a pool task or in a page's worker runs it; the pyramid of the region around the hole;
 * a driver that runs every phase on this thread.
 */
import { CHANNELS, downsample, makeLevel, type Level, type LevelInput } from './level.ts';
import { onionPeel } from './onion.ts';
import { HISTOGRAM_BINS } from './histogram.ts';
import { matchRows, upsampleField } from './patchmatch.ts';
import { completeLevels, type PhaseOutput, type PhaseRunner, type RetouchPhase, type TaskLevels } from './schedule.ts';
import type { RetouchPlan } from './plan.ts';
import { pushPull } from './smooth-fill.ts';
import type { Allocator } from './types.ts';
import { voteRows } from './vote.ts';

/** Performs a phase over its bands, in order (a phase of several levels runs each of theirs here). */
export async function runRetouchPhase(levels: TaskLevels, phase: RetouchPhase, r: number): Promise<PhaseOutput | null> {
  const { level } = levels;
  if (phase.kind === 'levels') return completeLevels(levels.all!, phase.from, phase.to, levels.final!, levels.finalWhich!, phase.tuning, runHere(r), phase.sigma2);
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
  return hist ? { hist } : null;
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

/** The region's pyramid: level 0 at full size, each next one half as large. */
export function buildLevels(finest: LevelInput, plan: RetouchPlan, r: number, alloc: Allocator): Level[] {
  const inputs: LevelInput[] = [finest];
  for (let k = 1; k <= plan.coarsest; k++) inputs.push(downsample(inputs[k - 1]!));
  const levels = inputs.map((input, k) => makeLevel(input, 2 ** k, r, alloc));
  // The coarsest level needs sources: when the hole leaves none whole, start one level finer.
  while (levels.length > 1 && levels[levels.length - 1]!.sources[0]!.length < 16) levels.pop();
  return levels;
}

/** A phase runner on this thread. */
export function runHere(r: number): PhaseRunner {
  return (phase, levels) => runRetouchPhase(levels, phase, r);
}
