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

export const STAGE_NAMES = ['decode', 'segment', 'refine', 'hints', 'scene', 'layout', 'shadow', 'compose', 'encode'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/**
 * Where a stage's work ran: `pool` (the pixel workers), `network` (the inference worker),
 * `libvips` (sharp's own threads); `main` when the stage reported no other place, i.e. its
 * work ran on the main thread (for a server, on its event loop).
 */
export type StagePlace = 'pool' | 'network' | 'libvips' | 'main';

export interface StageTiming {
  stage: StageName;
  /** Wall-clock milliseconds of work (time spent queued for a shared resource is in waitMs). */
  ms: number;
  /** Wall-clock milliseconds spent queued, e.g. behind another image's inference. */
  waitMs?: number;
  /** Process CPU milliseconds during the stage (includes other work running at the same time). */
  cpuMs: number;
  /** Where its work ran, '+'-joined when in several places (see StagePlace). */
  where: string;
}

/** What a stage's work can tell the recorder: `queued()` when it starts waiting for a shared resource; call the function it returns when its turn comes. */
export interface StageControl {
  queued(): () => void;
  /** Records that part of the stage's work ran off the main thread, there. */
  ranOn(place: Exclude<StagePlace, 'main'>): void;
}

/** The energy side of a stage (src/energy JobEnergy fits): started and ended with it, paused while queued. */
export interface StageMeter {
  start(stage: string, options?: { weight?: number }): { end(): unknown; pause(): void; resume(): void };
}

export class StageRecorder {
  readonly stages: StageTiming[] = [];
  readonly #clock: Clock;
  readonly #meter: StageMeter | undefined;
  readonly #weights: Partial<Record<StageName, number>>;

  /**
   * @param meter attributes energy to each stage (see src/energy/attribution.ts)
   * @param weights a stage's share when stages of several jobs overlap (the network runs on every thread)
   */
  constructor(clock: Clock = systemClock, meter?: StageMeter, weights: Partial<Record<StageName, number>> = {}) {
    this.#clock = clock;
    this.#meter = meter;
    this.#weights = weights;
  }

  /** Times one stage; time spent queued (see StageControl) is recorded as waitMs, not as work, and draws no energy share. */
  async time<T>(stage: StageName, work: (control: StageControl) => Promise<T> | T): Promise<T> {
    const wall = this.#clock.now();
    const cpu = this.#clock.cpu();
    const weight = this.#weights[stage];
    const metered = this.#meter?.start(stage, weight ? { weight } : {});
    let waitMs = 0;
    // Listed in the order stages start (overlapping stages, such as the scene painted while the network runs, finish in any order).
    const slot = this.stages.length;
    this.stages.push({ stage, ms: 0, cpuMs: 0, where: 'main' });
    const places = new Set<StagePlace>();
    const control: StageControl = {
      ranOn: (place) => void places.add(place),
      queued: () => {
        const since = this.#clock.now();
        metered?.pause();
        return () => {
          waitMs += this.#clock.now() - since;
          metered?.resume();
        };
      },
    };
    try {
      return await work(control);
    } finally {
      metered?.end();
      const where = places.size > 0 ? [...places].sort().join('+') : 'main';
      const timing: StageTiming = { stage, ms: round(this.#clock.now() - wall - waitMs), cpuMs: round(this.#clock.cpu() - cpu), where };
      if (waitMs > 0) timing.waitMs = round(waitMs);
      this.stages[slot] = timing;
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
