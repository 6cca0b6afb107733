/**
 * Stage timing: every stage of a job records its wall-clock and CPU milliseconds. The clock is
 * an interface so the pipeline can be tested without a real one.
 */

export interface Clock {
  /** Wall-clock milliseconds (monotonic). */
  now(): number;
  /** CPU milliseconds used by this process so far (all threads, user + system). */
  cpu(): number;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  cpu: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
};

export const STAGE_NAMES = ['decode', 'segment', 'refine', 'scene', 'layout', 'shadow', 'compose', 'encode'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

export interface StageTiming {
  stage: StageName;
  /** Wall-clock milliseconds of work (time spent queued for a shared resource is in waitMs). */
  ms: number;
  /** Wall-clock milliseconds spent queued, e.g. behind another image's inference. */
  waitMs?: number;
  /** Process CPU milliseconds during the stage (includes other work running at the same time). */
  cpuMs: number;
}

export class StageRecorder {
  readonly stages: StageTiming[] = [];
  readonly #clock: Clock;

  constructor(clock: Clock = systemClock) {
    this.#clock = clock;
  }

  /**
   * Times one stage. `work` may report time it spent queued through `waited(ms)`; that time is
   * recorded as waitMs rather than as the stage's work.
   */
  async time<T>(stage: StageName, work: (waited: (ms: number) => void) => Promise<T> | T): Promise<T> {
    const wall = this.#clock.now();
    const cpu = this.#clock.cpu();
    let waitMs = 0;
    try {
      return await work((ms) => (waitMs += ms));
    } finally {
      const timing: StageTiming = { stage, ms: round(this.#clock.now() - wall - waitMs), cpuMs: round(this.#clock.cpu() - cpu) };
      if (waitMs > 0) timing.waitMs = round(waitMs);
      this.stages.push(timing);
    }
  }

  /** Now, on this recorder's clock. */
  now(): number {
    return this.#clock.now();
  }

  get totalMs(): number {
    return round(this.stages.reduce((sum, s) => sum + s.ms, 0));
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
