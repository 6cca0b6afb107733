/**
 * The energy meter interface. A meter is a cumulative counter: `read()` returns the wall clock,
 * this process's CPU time and the joules counted so far, and costs microseconds (a few small
 * sysfs reads at most), so it can be sampled at every stage boundary. A window is two reads.
 *
 * Meters differ in what their joules cover:
 * - `rapl` (measured): the whole CPU package and DRAM, every process, idle draw included;
 * - `nvml` (measured): the whole GPU board, idle draw included;
 * - `cpu-model` (estimated): this process's CPU seconds times watts per hardware thread, plus a
 *   small memory term; idle draw excluded by construction.
 * `wholeDevice` says which kind a meter is, so the accountant knows whether to take idle out.
 */

export type MeterKind = 'rapl' | 'nvml' | 'cpu-model';
export type EnergyMethod = 'measured' | 'estimated';

/** A cumulative reading. Every field only grows between two reads of the same meter. */
export interface MeterReading {
  /** Monotonic wall clock, milliseconds. */
  readonly wallMs: number;
  /** This process's CPU time so far (user + system, every thread), milliseconds. */
  readonly cpuMs: number;
  /** Joules counted since the meter was opened (counter wrap-arounds already unfolded). */
  readonly joules: number;
}

/** What a window measured. */
export interface WindowEnergy {
  readonly joules: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** An open measurement window: `end()` closes it (and may be called once). */
export interface EnergyWindow {
  end(): WindowEnergy;
}

export interface EnergyMeter {
  /** The meter family; for a combined meter, its CPU side. */
  readonly kind: MeterKind;
  /** The name recorded on receipts: 'rapl', 'cpu-model', 'rapl+nvml', 'cpu-model+nvml'. */
  readonly name: string;
  readonly method: EnergyMethod;
  /** What is metered, e.g. "AMD EPYC (2 hardware threads)" or "package-0 + dram". */
  readonly device: string;
  /** One human sentence on how joules are obtained, with the numbers used. */
  readonly basis: string;
  /** True when the counter covers a whole device (idle draw and other processes included). */
  readonly wholeDevice: boolean;
  read(): MeterReading;
  begin(): EnergyWindow;
  /** Stops background sampling, if any. */
  close(): Promise<void>;
}

/** The process facts the meters sample; injectable so tests can drive time and CPU by hand. */
export interface ProcessSampler {
  /** Monotonic wall clock, milliseconds. */
  wallMs(): number;
  /** Process CPU (user + system, all threads), milliseconds. */
  cpuMs(): number;
  /** Resident set size, bytes. */
  rssBytes(): number;
}

export const systemSampler: ProcessSampler = {
  wallMs: () => performance.now(),
  cpuMs: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
  rssBytes: () => process.memoryUsage.rss(),
};

/** A window over any cumulative reader: two reads and three subtractions. */
export function openWindow(read: () => MeterReading): EnergyWindow {
  const start = read();
  let done: WindowEnergy | undefined;
  return {
    end() {
      if (!done) {
        const stop = read();
        done = { joules: stop.joules - start.joules, wallMs: stop.wallMs - start.wallMs, cpuMs: stop.cpuMs - start.cpuMs };
      }
      return done;
    },
  };
}

/**
 * A CPU-side meter and a GPU-side meter read as one: joules add up, wall clock and process CPU
 * come from the CPU side. Measured only when both sides are.
 */
export function combineMeters(cpu: EnergyMeter, gpu: EnergyMeter): EnergyMeter {
  const read = (): MeterReading => {
    const a = cpu.read();
    const b = gpu.read();
    return { wallMs: a.wallMs, cpuMs: a.cpuMs, joules: a.joules + b.joules };
  };
  return {
    kind: cpu.kind,
    name: `${cpu.name}+${gpu.name}`,
    method: cpu.method === 'measured' && gpu.method === 'measured' ? 'measured' : 'estimated',
    device: `${cpu.device}; ${gpu.device}`,
    basis: `${cpu.basis} Plus: ${gpu.basis}`,
    wholeDevice: cpu.wholeDevice || gpu.wholeDevice,
    read,
    begin: () => openWindow(read),
    close: async () => {
      await Promise.all([cpu.close(), gpu.close()]);
    },
  };
}
