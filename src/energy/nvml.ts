/**
 * GPU energy through nvidia-smi (NVML's command-line face), with the process runner behind an
 * interface so parsing and integration are tested against recorded output.
 *
 * Query: `nvidia-smi --query-gpu=index,name,power.draw,total_energy_consumption
 *         --format=csv,noheader,nounits` (power in W, energy in mJ since the driver loaded).
 * Where the board has the energy counter (Volta and later), joules are counter differences;
 * elsewhere ("[N/A]", "[Not Supported]") power samples are integrated over time (trapezoids).
 * A long-running `nvidia-smi ... --loop-ms=100` streams samples, so a read costs nothing and lags
 * by at most one sampling period (100 ms).
 */
import { spawn, execFile } from 'node:child_process';
import { GreenroomError } from '../errors.ts';
import { openWindow, systemSampler, type EnergyMeter, type MeterReading, type ProcessSampler } from './meter.ts';

export const NVIDIA_SMI_QUERY = ['--query-gpu=index,name,power.draw,total_energy_consumption', '--format=csv,noheader,nounits'];
export const SAMPLE_PERIOD_MS = 100;

export interface GpuSample {
  readonly index: number;
  readonly name: string;
  /** Watts; null when the board does not report it. */
  readonly powerW: number | null;
  /** Joules since the driver loaded; null when the board has no energy counter. */
  readonly energyJ: number | null;
}

/** Parses the query's CSV lines; lines that are not GPU rows (blank, errors) are skipped. */
export function parseNvidiaSmiCsv(text: string): GpuSample[] {
  const samples: GpuSample[] = [];
  for (const line of text.split(/\r?\n/)) {
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < 4) continue;
    const index = Number(fields[0]);
    if (!Number.isInteger(index) || fields[0] === '') continue;
    // The name may itself hold commas: index first, power and energy last.
    const energyMj = numberOrNull(fields[fields.length - 1]!);
    const powerW = numberOrNull(fields[fields.length - 2]!);
    samples.push({ index, name: fields.slice(1, -2).join(', '), powerW, energyJ: energyMj === null ? null : energyMj / 1000 });
  }
  return samples;
}

function numberOrNull(field: string): number | null {
  if (field === '' || field.startsWith('[')) return null; // [N/A], [Not Supported], [Unknown Error]
  const n = Number(field);
  return Number.isFinite(n) ? n : null;
}

/** Cumulative joules per GPU from a stream of samples. */
export class GpuEnergyIntegrator {
  readonly #gpus = new Map<number, { mode: 'counter' | 'power'; firstJ: number; lastJ: number; lastW: number | null; lastMs: number; integratedJ: number }>();

  update(atMs: number, samples: readonly GpuSample[]): void {
    for (const s of samples) {
      const g = this.#gpus.get(s.index);
      if (!g) {
        const mode = s.energyJ !== null ? 'counter' : 'power';
        this.#gpus.set(s.index, { mode, firstJ: s.energyJ ?? 0, lastJ: s.energyJ ?? 0, lastW: s.powerW, lastMs: atMs, integratedJ: 0 });
        continue;
      }
      if (g.mode === 'counter' && s.energyJ !== null && s.energyJ >= g.lastJ) g.lastJ = s.energyJ;
      if (g.mode === 'power' && s.powerW !== null) {
        const dtS = Math.max(0, atMs - g.lastMs) / 1000;
        g.integratedJ += g.lastW === null ? s.powerW * dtS : ((g.lastW + s.powerW) / 2) * dtS;
      }
      g.lastW = s.powerW ?? g.lastW;
      g.lastMs = atMs;
    }
  }

  /** Joules since each GPU's first sample, summed over GPUs. */
  joules(): number {
    let total = 0;
    for (const g of this.#gpus.values()) total += g.mode === 'counter' ? g.lastJ - g.firstJ : g.integratedJ;
    return total;
  }

  /** How each GPU is metered. */
  modes(): Map<number, 'counter' | 'power'> {
    return new Map([...this.#gpus].map(([i, g]) => [i, g.mode]));
  }
}

/** Runs commands; the real one uses child_process, tests hand in recorded output. */
export interface CommandRunner {
  run(cmd: string, args: readonly string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** Starts a long-running command and hands each stdout line over; stop() ends it. */
  stream(cmd: string, args: readonly string[], onLine: (line: string) => void): { stop(): void };
}

export const systemRunner: CommandRunner = {
  run: (cmd, args, timeoutMs) =>
    new Promise((resolve) => {
      execFile(cmd, [...args], { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
        resolve({ code, stdout: String(stdout ?? ''), stderr: err && !stderr ? err.message : String(stderr ?? '') });
      });
    }),
  stream: (cmd, args, onLine) => {
    const child = spawn(cmd, [...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    child.on('error', () => undefined); // A dead sampler leaves the last joules in place; the probe already succeeded.
    child.unref();
    let buffered = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      lines.forEach(onLine);
    });
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    return { stop: () => void child.kill() };
  },
};

export type NvmlProbe = { ok: true; gpus: GpuSample[] } | { ok: false; reason: string };

/** Asks nvidia-smi once; unavailable when it is missing, fails, or lists no GPU. */
export async function probeNvml(runner: CommandRunner = systemRunner, command = 'nvidia-smi'): Promise<NvmlProbe> {
  const { code, stdout, stderr } = await runner.run(command, NVIDIA_SMI_QUERY, 3000);
  if (code !== 0) return { ok: false, reason: `${command} did not answer (${(stderr || `exit ${code}`).trim().split('\n')[0]})` };
  const gpus = parseNvidiaSmiCsv(stdout);
  if (gpus.length === 0) return { ok: false, reason: `${command} listed no GPU` };
  if (gpus.every((g) => g.energyJ === null && g.powerW === null)) return { ok: false, reason: `${command} reports neither power nor energy for any GPU` };
  return { ok: true, gpus };
}

export interface NvmlMeterOptions {
  runner?: CommandRunner;
  command?: string;
  sampler?: ProcessSampler;
  periodMs?: number;
}

/** Opens the GPU meter (joules of every GPU), or throws ENERGY_METER_UNAVAILABLE. */
export async function openNvmlMeter(options: NvmlMeterOptions = {}): Promise<EnergyMeter> {
  const runner = options.runner ?? systemRunner;
  const command = options.command ?? 'nvidia-smi';
  const sampler = options.sampler ?? systemSampler;
  const probe = await probeNvml(runner, command);
  if (!probe.ok) {
    throw new GreenroomError('ENERGY_METER_UNAVAILABLE', `NVML is not available: ${probe.reason}. Use GREENROOM_ENERGY_METER=auto or cpu-model.`, { meter: 'nvml', reason: probe.reason });
  }
  const integrator = new GpuEnergyIntegrator();
  integrator.update(sampler.wallMs(), probe.gpus);
  const stream = runner.stream(command, [...NVIDIA_SMI_QUERY, `--loop-ms=${options.periodMs ?? SAMPLE_PERIOD_MS}`], (line) => {
    integrator.update(sampler.wallMs(), parseNvidiaSmiCsv(line));
  });
  let last: MeterReading = { wallMs: sampler.wallMs(), cpuMs: sampler.cpuMs(), joules: 0 };
  const read = (): MeterReading => {
    last = { wallMs: Math.max(sampler.wallMs(), last.wallMs), cpuMs: Math.max(sampler.cpuMs(), last.cpuMs), joules: Math.max(integrator.joules(), last.joules) };
    return last;
  };
  const modes = integrator.modes();
  const device = probe.gpus.map((g) => `GPU ${g.index} ${g.name}`).join(', ');
  const how = probe.gpus.map((g) => `GPU ${g.index}: ${modes.get(g.index) === 'counter' ? 'energy counter' : 'power samples integrated'}`).join(', ');
  return {
    kind: 'nvml',
    name: 'nvml',
    method: 'measured',
    device,
    basis: `Measured: nvidia-smi every ${options.periodMs ?? SAMPLE_PERIOD_MS} ms (${how}), whole boards, idle draw included.`,
    wholeDevice: true,
    read,
    begin: () => openWindow(read),
    close: async () => stream.stop(),
  };
}
