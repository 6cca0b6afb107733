/**
 * Meter detection. `auto`: RAPL when its counters are readable, else the CPU-time model; NVML is
 * added on top when nvidia-smi answers with a GPU. A forced meter that is not available is a coded
 * ENERGY_METER_UNAVAILABLE error, never a silent fallback. Forcing `nvml` means the GPU must be
 * metered; the CPU side is still chosen as in auto (RAPL, else the model), since a job's CPU work
 * does not stop costing energy because a GPU is present.
 *
 * The CPU power model is resolved in every case: the budget planner uses its watts per thread to
 * turn calibrated CPU seconds into joules, whichever meter measures the job afterwards.
 */
import { resolveCpuPowerModel, openCpuModelMeter, type CpuModelOptions, type CpuPowerModel } from './cpu-model.ts';
import { combineMeters, systemSampler, type EnergyMeter, type ProcessSampler } from './meter.ts';
import { openNvmlMeter, probeNvml, systemRunner, type CommandRunner } from './nvml.ts';
import { openRaplMeter, probeRapl, POWERCAP_ROOT } from './rapl.ts';

export type MeterChoice = 'auto' | 'rapl' | 'cpu-model' | 'nvml';

export interface DetectOptions extends CpuModelOptions {
  meter?: MeterChoice;
  raplRoot?: string;
  runner?: CommandRunner;
  sampler?: ProcessSampler;
  /** Skip asking nvidia-smi in auto mode (e.g. for a CPU-only build). Default false. */
  skipGpu?: boolean;
}

export interface DetectedMeter {
  readonly meter: EnergyMeter;
  readonly model: CpuPowerModel;
  /** Why each meter was or was not used, for logs and `greenroom energy --explain`-style output. */
  readonly notes: readonly string[];
}

export async function detectMeter(options: DetectOptions = {}): Promise<DetectedMeter> {
  const choice = options.meter ?? 'auto';
  const sampler = options.sampler ?? systemSampler;
  const raplRoot = options.raplRoot ?? POWERCAP_ROOT;
  const runner = options.runner ?? systemRunner;
  const model = resolveCpuPowerModel(options);
  const notes: string[] = [];

  const cpuSide = (): EnergyMeter => {
    if (choice === 'cpu-model') {
      notes.push('cpu-model: forced by configuration');
      return openCpuModelMeter(model, sampler);
    }
    if (choice === 'rapl') {
      const meter = openRaplMeter({ root: raplRoot, sampler }); // throws with the reason
      notes.push(`rapl: forced by configuration, ${meter.device}`);
      return meter;
    }
    const probe = probeRapl(raplRoot);
    if (probe.ok) {
      notes.push(`rapl: readable (${probe.domains.map((d) => d.name).join(' + ')})`);
      return openRaplMeter({ root: raplRoot, sampler });
    }
    notes.push(`rapl: not used, ${probe.reason}`, `cpu-model: ${model.note}`);
    return openCpuModelMeter(model, sampler);
  };

  const cpu = cpuSide();
  if (choice === 'nvml') {
    const gpu = await openNvmlMeter({ runner, sampler }).catch(async (err: unknown) => {
      await cpu.close();
      throw err;
    });
    notes.push(`nvml: forced by configuration, ${gpu.device}`);
    return { meter: combineMeters(cpu, gpu), model, notes };
  }
  if (choice === 'auto' && !options.skipGpu) {
    const probe = await probeNvml(runner);
    if (probe.ok) {
      const gpu = await openNvmlMeter({ runner, sampler });
      notes.push(`nvml: ${gpu.device}`);
      return { meter: combineMeters(cpu, gpu), model, notes };
    }
    notes.push(`nvml: not used, ${probe.reason}`);
  }
  return { meter: cpu, model, notes };
}
