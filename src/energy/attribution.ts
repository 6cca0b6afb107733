/**
 * Attribution of a shared process's CPU time and energy to the stages that used them.
 *
 * With two images in flight, one image's network runs while the other's refine runs; the process
 * CPU clock (and a RAPL counter) cannot tell them apart. So the meter is read at every stage
 * start, end, pause and resume, and each interval's delta is divided among the stages active in
 * that interval, by weight (1 unless given; e.g. the segment stage may pass its thread count).
 * Consequences, which the tests check:
 * - the attributed CPU (and joules) of all stages sum to the measured delta over every interval
 *   in which at least one stage was active (intervals with none are counted as unattributed);
 * - a stage running alone gets exactly its own delta.
 * A stage that is queued (e.g. waiting for another image's inference) is paused, so it takes no
 * share of the other stage's work.
 *
 * Idle: `idleWatts` x wall time is reported apart, never in a stage's joules. Each interval's wall
 * time is shared among the active stages the same way, so overlapping jobs do not count the same
 * idle second twice. For a whole-device meter (RAPL, NVML), whose counter includes the idle draw,
 * idleWatts x interval is taken out of the interval's joules first (never below zero).
 */
import type { EnergyMeter, MeterReading } from './meter.ts';

export interface StageUsage {
  readonly stage: string;
  /** Wall milliseconds the stage was active (pauses excluded). */
  readonly ms: number;
  /** Attributed process CPU milliseconds. */
  readonly cpuMs: number;
  /** Attributed joules (idle excluded). */
  readonly joules: number;
  /** The stage's share of wall time, milliseconds (used for its idle share). */
  readonly wallShareMs: number;
  /** idleWatts x wallShareMs. */
  readonly idleJoules: number;
}

export interface StageHandle {
  /** Closes the stage and returns what it was attributed. Idempotent. */
  end(): StageUsage;
  /** The stage stops taking shares (queued, waiting on I/O of another job...). */
  pause(): void;
  resume(): void;
}

export interface AccountantOptions {
  /** Machine idle draw, watts; 0 (default) reports no idle. */
  idleWatts?: number;
  /** Take idle out of the meter's deltas (true for whole-device meters). */
  subtractIdle?: boolean;
}

interface Entry {
  stage: string;
  weight: number;
  active: boolean;
  ended: StageUsage | undefined;
  activeMs: number;
  cpuMs: number;
  joules: number;
  wallShareMs: number;
}

export interface AccountTotals {
  /** Measured since the accountant was made. */
  readonly cpuMs: number;
  readonly joules: number;
  /** Given to stages. */
  readonly attributedCpuMs: number;
  readonly attributedJoules: number;
  /** Idle taken out of whole-device deltas. */
  readonly idleJoules: number;
}

export class EnergyAccountant {
  readonly idleWatts: number;
  readonly #read: () => MeterReading;
  readonly #subtractIdle: boolean;
  readonly #active = new Set<Entry>();
  #last: MeterReading;
  #totals = { cpuMs: 0, joules: 0, attributedCpuMs: 0, attributedJoules: 0, idleJoules: 0 };

  constructor(read: () => MeterReading, options: AccountantOptions = {}) {
    this.#read = read;
    this.idleWatts = options.idleWatts ?? 0;
    this.#subtractIdle = options.subtractIdle ?? false;
    this.#last = read();
  }

  /** An accountant on a meter; idle is subtracted when the meter covers a whole device. */
  static forMeter(meter: Pick<EnergyMeter, 'read' | 'wholeDevice'>, options: { idleWatts?: number } = {}): EnergyAccountant {
    return new EnergyAccountant(() => meter.read(), { idleWatts: options.idleWatts ?? 0, subtractIdle: meter.wholeDevice });
  }

  /** A job's view: its stages, then its usage. */
  job(): JobEnergy {
    return new JobEnergy(this);
  }

  /** Starts a stage now. */
  start(stage: string, options: { weight?: number } = {}): StageHandle {
    this.#advance();
    const entry: Entry = { stage, weight: options.weight ?? 1, active: true, ended: undefined, activeMs: 0, cpuMs: 0, joules: 0, wallShareMs: 0 };
    this.#active.add(entry);
    return {
      end: () => {
        if (!entry.ended) {
          this.#advance();
          this.#active.delete(entry);
          entry.active = false;
          entry.ended = {
            stage,
            ms: entry.activeMs,
            cpuMs: entry.cpuMs,
            joules: entry.joules,
            wallShareMs: entry.wallShareMs,
            idleJoules: (this.idleWatts * entry.wallShareMs) / 1000,
          };
        }
        return entry.ended;
      },
      pause: () => {
        if (entry.ended || !entry.active) return;
        this.#advance();
        entry.active = false;
        this.#active.delete(entry);
      },
      resume: () => {
        if (entry.ended || entry.active) return;
        this.#advance();
        entry.active = true;
        this.#active.add(entry);
      },
    };
  }

  /** Stages active right now. */
  get activeCount(): number {
    return this.#active.size;
  }

  /** Samples the meter now and returns the running totals. */
  totals(): AccountTotals {
    this.#advance();
    return { ...this.#totals };
  }

  /** Reads the meter and shares the interval since the last read among the active stages. */
  #advance(): void {
    const now = this.#read();
    const dWall = now.wallMs - this.#last.wallMs;
    const dCpu = now.cpuMs - this.#last.cpuMs;
    let dJoules = now.joules - this.#last.joules;
    this.#last = now;
    this.#totals.cpuMs += dCpu;
    this.#totals.joules += dJoules;
    if (this.#active.size === 0) return;
    if (this.#subtractIdle && this.idleWatts > 0) {
      const idle = Math.min(dJoules, (this.idleWatts * dWall) / 1000);
      this.#totals.idleJoules += idle;
      dJoules -= idle;
    }
    const totalWeight = [...this.#active].reduce((sum, e) => sum + e.weight, 0);
    for (const e of this.#active) {
      const share = e.weight / totalWeight;
      e.activeMs += dWall;
      e.wallShareMs += dWall * share;
      e.cpuMs += dCpu * share;
      e.joules += dJoules * share;
    }
    this.#totals.attributedCpuMs += dCpu;
    this.#totals.attributedJoules += dJoules;
  }
}

export interface JobUsage {
  /** Stages in the order they ended. */
  readonly stages: readonly StageUsage[];
  readonly cpuMs: number;
  readonly joules: number;
  readonly idleJoules: number;
}

/** One job's stages on a shared accountant. */
export class JobEnergy {
  readonly #accountant: EnergyAccountant;
  /** Ended stages with the order they started in: the receipt lists them so, as the stage timings do. */
  readonly #ended: Array<{ usage: StageUsage; started: number }> = [];
  readonly #open = new Set<StageHandle>();
  #started = 0;

  constructor(accountant: EnergyAccountant) {
    this.#accountant = accountant;
  }

  /** Starts a stage of this job. */
  start(stage: string, options: { weight?: number } = {}): StageHandle {
    const handle = this.#accountant.start(stage, options);
    const started = this.#started++;
    this.#open.add(handle);
    return {
      end: () => {
        const wasOpen = this.#open.delete(handle);
        const usage = handle.end();
        if (wasOpen) this.#ended.push({ usage, started });
        return usage;
      },
      pause: () => handle.pause(),
      resume: () => handle.resume(),
    };
  }

  /** Runs `work` as one stage; `control` pauses and resumes it around queueing. */
  async time<T>(stage: string, work: (control: Pick<StageHandle, 'pause' | 'resume'>) => Promise<T> | T, options: { weight?: number } = {}): Promise<T> {
    const handle = this.start(stage, options);
    try {
      return await work({ pause: () => handle.pause(), resume: () => handle.resume() });
    } finally {
      handle.end();
    }
  }

  /** Ends any stage still open and returns the job's usage. */
  finish(): JobUsage {
    for (const handle of [...this.#open]) {
      this.#open.delete(handle);
      this.#ended.push({ usage: handle.end(), started: this.#started++ });
    }
    const stages = [...this.#ended].sort((a, b) => a.started - b.started).map((e) => e.usage);
    return {
      stages,
      cpuMs: stages.reduce((s, x) => s + x.cpuMs, 0),
      joules: stages.reduce((s, x) => s + x.joules, 0),
      idleJoules: stages.reduce((s, x) => s + x.idleJoules, 0),
    };
  }
}
