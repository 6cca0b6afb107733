/**
 * The CPU-time energy model, for machines without readable energy counters:
 *
 *   joules = CPU seconds x watts per hardware thread  +  RSS GiB x watts per GiB x wall seconds
 *
 * CPU seconds are this process's user + system time over every thread (the onnxruntime pool
 * included), so a thread that sleeps or waits costs nothing and two busy threads cost twice one.
 * Watts per thread come from a configured value, a configured TDP divided by the threads, or the
 * CPU table (see cpu-table.ts). The memory term is small on purpose: 0.375 W per GiB is
 * CodeCarbon's earlier RAM model (3 W per 8 GB, a typical DDR4 module under load), applied to
 * this process's resident memory only, not to the whole machine's DIMMs.
 * Idle draw is not in the model; it is reported apart (see attribution.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import { matchCpu, type CpuMatch } from './cpu-table.ts';
import { openWindow, systemSampler, type EnergyMeter, type MeterReading, type ProcessSampler } from './meter.ts';

/** CodeCarbon's earlier RAM power model: 3 W per 8 GB. */
export const MEMORY_WATTS_PER_GIB = 0.375;
const GIB = 1024 ** 3;

export interface CpuPowerModel {
  readonly cpuName: string;
  readonly wattsPerThread: number;
  readonly memoryWattsPerGiB: number;
  /** Where wattsPerThread came from. */
  readonly source: 'override-watts' | 'override-tdp' | CpuMatch['how'];
  /** Hardware threads this machine reports (for the device description). */
  readonly hardwareThreads: number;
  /** One sentence: the figure and why. */
  readonly note: string;
}

export interface CpuModelOptions {
  /** The OS model name; default: /proc/cpuinfo, else os.cpus()[0].model. */
  cpuName?: string;
  /** GREENROOM_CPU_WATTS_PER_THREAD: wins over everything. */
  wattsPerThread?: number;
  /** GREENROOM_CPU_TDP_W: divided by the matched row's threads, or by this machine's threads when unmatched. */
  tdpW?: number;
  /** Default: os.availableParallelism(). */
  hardwareThreads?: number;
  memoryWattsPerGiB?: number;
}

/** Chooses watts per thread: override, then TDP override, then the table. */
export function resolveCpuPowerModel(options: CpuModelOptions = {}): CpuPowerModel {
  const cpuName = options.cpuName ?? readCpuModelName();
  const hardwareThreads = options.hardwareThreads ?? os.availableParallelism();
  const memoryWattsPerGiB = options.memoryWattsPerGiB ?? MEMORY_WATTS_PER_GIB;
  const match = matchCpu(cpuName);
  const base = { cpuName: match.name, memoryWattsPerGiB, hardwareThreads };
  if (options.wattsPerThread !== undefined) {
    return { ...base, wattsPerThread: options.wattsPerThread, source: 'override-watts', note: `${options.wattsPerThread} W per thread, configured (GREENROOM_CPU_WATTS_PER_THREAD)` };
  }
  if (options.tdpW !== undefined) {
    const threads = match.spec?.threads ?? hardwareThreads;
    const w = options.tdpW / threads;
    return { ...base, wattsPerThread: w, source: 'override-tdp', note: `configured TDP ${options.tdpW} W / ${threads} threads = ${round3(w)} W per thread (GREENROOM_CPU_TDP_W)` };
  }
  return { ...base, wattsPerThread: match.wattsPerThread, source: match.how, note: match.note };
}

/** The CPU's model name as the OS reports it. */
export function readCpuModelName(cpuinfoPath = '/proc/cpuinfo'): string {
  try {
    const lines = fs.readFileSync(cpuinfoPath, 'utf8').split('\n');
    // x86 "model name"; some ARM boards "Model"; MIPS "cpu model". Not "model" (a family number).
    for (const key of [/^model name\s*:/, /^Model\s*:/, /^cpu model\s*:/]) {
      const line = lines.find((l) => key.test(l));
      const value = line?.slice(line.indexOf(':') + 1).trim();
      if (value) return value;
    }
  } catch {
    // Not Linux, or /proc hidden: os.cpus() below has the same string where it exists.
  }
  return os.cpus()[0]?.model?.trim() || 'unknown CPU';
}

/** The model's joules for a span: CPU and memory parts. */
export function modelJoules(model: CpuPowerModel, cpuMs: number, rssBytes: number, wallMs: number): { cpuJ: number; memoryJ: number } {
  return {
    cpuJ: (cpuMs / 1000) * model.wattsPerThread,
    memoryJ: (rssBytes / GIB) * model.memoryWattsPerGiB * (wallMs / 1000),
  };
}

/**
 * A meter that integrates the model. Each read adds the memory term for the wall time since the
 * previous read at the current RSS, so reads should be frequent (every stage boundary is).
 */
export function openCpuModelMeter(model: CpuPowerModel, sampler: ProcessSampler = systemSampler): EnergyMeter {
  const cpu0 = sampler.cpuMs();
  let lastWall = sampler.wallMs();
  let memoryJ = 0;
  let last: MeterReading = { wallMs: lastWall, cpuMs: cpu0, joules: 0 };
  const read = (): MeterReading => {
    const wallMs = Math.max(sampler.wallMs(), last.wallMs);
    const cpuMs = Math.max(sampler.cpuMs(), last.cpuMs);
    memoryJ += modelJoules(model, 0, sampler.rssBytes(), wallMs - lastWall).memoryJ;
    lastWall = wallMs;
    last = { wallMs, cpuMs, joules: modelJoules(model, cpuMs - cpu0, 0, 0).cpuJ + memoryJ };
    return last;
  };
  return {
    kind: 'cpu-model',
    name: 'cpu-model',
    method: 'estimated',
    device: `${model.cpuName} (${model.hardwareThreads} hardware threads visible)`,
    basis:
      `Estimated: process CPU seconds x ${round3(model.wattsPerThread)} W per hardware thread (${model.note}), ` +
      `plus resident memory x ${model.memoryWattsPerGiB} W/GiB x wall time; idle draw not included.`,
    wholeDevice: false,
    read,
    begin: () => openWindow(read),
    close: async () => undefined,
  };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
