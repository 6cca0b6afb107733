/** nvidia-smi: parsing recorded output, integrating a sample stream, and the meter behind a fake runner. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { GpuEnergyIntegrator, openNvmlMeter, parseNvidiaSmiCsv, probeNvml, type CommandRunner } from '../../src/energy/nvml.ts';
import { detectMeter } from '../../src/energy/detect.ts';
import { isGreenroomError } from '../../src/errors.ts';
import type { ProcessSampler } from '../../src/energy/meter.ts';

const fixture = (name: string) => fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'energy', name), 'utf8');

/** Answers the query with a recorded sample and keeps the stream's line callback for the test to feed. */
function fakeRunner(answer: { code: number | null; stdout: string; stderr?: string }) {
  const calls: string[][] = [];
  let push: ((line: string) => void) | undefined;
  let stopped = false;
  const runner: CommandRunner = {
    run: async (_cmd, args) => {
      calls.push([...args]);
      return { code: answer.code, stdout: answer.stdout, stderr: answer.stderr ?? '' };
    },
    stream: (_cmd, args, onLine) => {
      calls.push([...args]);
      push = onLine;
      return { stop: () => void (stopped = true) };
    },
  };
  return { runner, calls, push: (line: string) => push?.(line), stopped: () => stopped };
}

describe('nvidia-smi parsing', () => {
  test('two GPUs with energy counters (mJ to J)', () => {
    assert.deepEqual(parseNvidiaSmiCsv(fixture('nvidia-smi-a100x2.csv')), [
      { index: 0, name: 'NVIDIA A100-SXM4-40GB', powerW: 61.52, energyJ: 4021653.211 },
      { index: 1, name: 'NVIDIA A100-SXM4-40GB', powerW: 248.91, energyJ: 3980112.457 },
    ]);
  });

  test('[Not Supported] and [N/A] become null', () => {
    assert.deepEqual(parseNvidiaSmiCsv(fixture('nvidia-smi-k80-unsupported.csv')), [
      { index: 0, name: 'Tesla K80', powerW: 57.25, energyJ: null },
      { index: 1, name: 'Tesla K80', powerW: null, energyJ: null },
    ]);
  });

  test('an error message parses to no GPU', () => {
    assert.deepEqual(parseNvidiaSmiCsv(fixture('nvidia-smi-no-driver.txt')), []);
  });
});

describe('GpuEnergyIntegrator', () => {
  test('counter differences where supported, trapezoids over power samples elsewhere', () => {
    const lines = fixture('nvidia-smi-loop.csv').trim().split('\n');
    const integrator = new GpuEnergyIntegrator();
    // Two lines per tick (GPU 0 and GPU 1), ticks 100 ms apart.
    lines.forEach((line, i) => integrator.update(Math.floor(i / 2) * 100, parseNvidiaSmiCsv(line)));
    assert.deepEqual([...integrator.modes()], [[0, 'counter'], [1, 'power']]);
    const a100 = 45; // 1,045,000 mJ - 1,000,000 mJ
    const t4 = ((20 + 70) / 2) * 0.1 + ((70 + 70) / 2) * 0.1; // 4.5 + 7 J
    assert.ok(Math.abs(integrator.joules() - (a100 + t4)) < 1e-9);
  });
});

describe('NVML meter', () => {
  test('probes once, then streams samples; reads are cumulative joules', async () => {
    const fake = fakeRunner({ code: 0, stdout: fixture('nvidia-smi-a100x2.csv') });
    let wall = 0;
    const sampler: ProcessSampler = { wallMs: () => wall, cpuMs: () => 0, rssBytes: () => 0 };
    const meter = await openNvmlMeter({ runner: fake.runner, sampler });
    assert.equal(meter.kind, 'nvml');
    assert.equal(meter.method, 'measured');
    assert.match(meter.device, /GPU 0 NVIDIA A100-SXM4-40GB, GPU 1 NVIDIA A100-SXM4-40GB/);
    assert.match(meter.basis, /energy counter/);
    assert.deepEqual(fake.calls[1]!.slice(-1), ['--loop-ms=100']);
    const w = meter.begin();
    wall = 100;
    fake.push('0, NVIDIA A100-SXM4-40GB, 70.00, 4021663211'); // +10 J
    fake.push('1, NVIDIA A100-SXM4-40GB, 250.00, 3980137457'); // +25 J
    assert.ok(Math.abs(w.end().joules - 35) < 1e-6);
    await meter.close();
    assert.equal(fake.stopped(), true);
  });

  test('unavailable when nvidia-smi fails or lists nothing; forcing it is a coded error', async () => {
    const noDriver = fakeRunner({ code: 9, stdout: fixture('nvidia-smi-no-driver.txt') });
    const probe = await probeNvml(noDriver.runner);
    assert.equal(probe.ok, false);
    assert.match(!probe.ok ? probe.reason : '', /did not answer \(exit 9\)/);
    const notFound = fakeRunner({ code: null, stdout: '', stderr: 'spawn nvidia-smi ENOENT' });
    assert.match(((await probeNvml(notFound.runner)) as { reason: string }).reason, /ENOENT/);
    await assert.rejects(
      detectMeter({ meter: 'nvml', runner: noDriver.runner, raplRoot: '/nonexistent', cpuName: 'AMD EPYC' }),
      (err) => isGreenroomError(err, 'ENERGY_METER_UNAVAILABLE') && /NVML is not available/.test(err.message),
    );
  });

  test('auto adds the GPU to the CPU meter when nvidia-smi answers', async () => {
    const fake = fakeRunner({ code: 0, stdout: fixture('nvidia-smi-a100x2.csv') });
    const detected = await detectMeter({ meter: 'auto', runner: fake.runner, raplRoot: '/nonexistent', cpuName: 'AMD EPYC' });
    assert.equal(detected.meter.name, 'cpu-model+nvml');
    assert.equal(detected.meter.method, 'estimated'); // one side is a model
    assert.equal(detected.meter.wholeDevice, true);
    await detected.meter.close();
    assert.equal(fake.stopped(), true);

    const none = fakeRunner({ code: 9, stdout: '' });
    const cpuOnly = await detectMeter({ meter: 'auto', runner: none.runner, raplRoot: '/nonexistent', cpuName: 'AMD EPYC' });
    assert.equal(cpuOnly.meter.name, 'cpu-model');
    assert.ok(cpuOnly.notes.some((n) => n.startsWith('nvml: not used')));
  });
});
