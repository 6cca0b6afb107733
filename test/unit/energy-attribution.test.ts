/** Attribution of shared CPU and energy to overlapping stages, idle reported apart, and receipts that add up. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EnergyAccountant } from '../../src/energy/attribution.ts';
import { openCpuModelMeter, resolveCpuPowerModel } from '../../src/energy/cpu-model.ts';
import { buildReceipt, IMAGE_GENERATION_REFERENCE_J } from '../../src/energy/receipt.ts';
import { resolveGridIntensity } from '../../src/energy/carbon.ts';
import type { MeterReading, ProcessSampler } from '../../src/energy/meter.ts';

/** A hand-driven meter reading. */
function fakeReader(): { now: MeterReading & { set(wallMs: number, cpuMs: number, joules?: number): void }; read: () => MeterReading } {
  const state = { wallMs: 0, cpuMs: 0, joules: 0 };
  return {
    now: Object.assign(state, {
      set(wallMs: number, cpuMs: number, joules = cpuMs / 100) {
        state.wallMs = wallMs;
        state.cpuMs = cpuMs;
        state.joules = joules;
      },
    }),
    read: () => ({ wallMs: state.wallMs, cpuMs: state.cpuMs, joules: state.joules }),
  };
}

const close = (a: number, b: number) => Math.abs(a - b) < 1e-9;

describe('EnergyAccountant', () => {
  test('a lone stage gets exactly its own delta', () => {
    const { now, read } = fakeReader();
    const acc = new EnergyAccountant(read);
    now.set(50, 20);
    const s = acc.start('decode');
    now.set(150, 95, 3.5);
    const usage = s.end();
    assert.equal(usage.cpuMs, 75);
    assert.equal(usage.ms, 100);
    assert.equal(usage.joules, 3.5 - 0.2);
  });

  test('overlapping stages share each interval equally, and the shares sum to the process CPU', () => {
    const { now, read } = fakeReader();
    const acc = new EnergyAccountant(read);
    const job1 = acc.job();
    const job2 = acc.job();
    const a = job1.start('refine');
    now.set(100, 100);
    const b = job2.start('segment');
    now.set(300, 500); // 400 ms of CPU while both run: 200 each
    const aUsage = a.end();
    now.set(400, 600);
    const c = job1.start('encode');
    now.set(450, 660); // 60 while b and c run: 30 each
    b.end();
    now.set(500, 700);
    c.end();
    assert.equal(aUsage.cpuMs, 300);
    const u1 = job1.finish();
    const u2 = job2.finish();
    assert.deepEqual(u2.stages.map((s) => [s.stage, s.cpuMs, s.ms]), [['segment', 200 + 100 + 30, 350]]);
    assert.deepEqual(u1.stages.map((s) => [s.stage, s.cpuMs]), [['refine', 300], ['encode', 30 + 40]]);
    const totals = acc.totals();
    assert.ok(close(u1.cpuMs + u2.cpuMs, 700));
    assert.ok(close(totals.attributedCpuMs, totals.cpuMs));
    assert.ok(close(u1.joules + u2.joules, 7));
  });

  test('weights and pauses: a queued stage takes no share', () => {
    const { now, read } = fakeReader();
    const acc = new EnergyAccountant(read);
    const seg = acc.start('segment', { weight: 2 });
    const ref = acc.start('refine');
    now.set(300, 300);
    const queued = acc.start('segment');
    queued.pause();
    now.set(600, 600);
    queued.resume();
    seg.end();
    ref.end();
    now.set(700, 700);
    assert.equal(queued.end().cpuMs, 100);
    assert.deepEqual([seg.end().cpuMs, ref.end().cpuMs], [400, 200]);
    assert.equal(queued.end().ms, 100);
  });

  test('CPU spent while no stage runs is unattributed', () => {
    const { now, read } = fakeReader();
    const acc = new EnergyAccountant(read);
    now.set(100, 80);
    const s = acc.start('decode');
    now.set(200, 130);
    s.end();
    const t = acc.totals();
    assert.equal(t.cpuMs, 130);
    assert.equal(t.attributedCpuMs, 50);
  });

  test('idle watts are reported apart; for a whole-device meter they come out of the measured joules', () => {
    const { now, read } = fakeReader();
    const acc = new EnergyAccountant(read, { idleWatts: 10, subtractIdle: true });
    const a = acc.start('decode');
    const b = acc.start('segment');
    now.set(1000, 1000, 50); // 1 s, 50 J measured on the package, 10 J of it idle
    const ua = a.end();
    const ub = b.end();
    assert.equal(ua.joules + ub.joules, 40);
    assert.equal(ua.idleJoules + ub.idleJoules, 10);
    assert.equal(acc.totals().idleJoules, 10);

    const model = new EnergyAccountant(fakeReader().read, { idleWatts: 10 });
    assert.equal(model.idleWatts, 10);
  });
});

describe('receipts', () => {
  test('stage joules add up to the total; CO2e, reference and idle are filled in', () => {
    let wall = 0;
    let cpu = 0;
    const sampler: ProcessSampler = { wallMs: () => wall, cpuMs: () => cpu, rssBytes: () => 0 };
    const meter = openCpuModelMeter(resolveCpuPowerModel({ cpuName: 'AMD EPYC', hardwareThreads: 2 }), sampler);
    const acc = EnergyAccountant.forMeter(meter, { idleWatts: 6 });
    const job = acc.job();
    const steps: Array<[string, number, number]> = [['decode', 12, 12.3], ['segment', 1870, 3741.7], ['refine', 230, 229.9], ['encode', 70, 70.1]];
    for (const [stage, ms, cpuMs] of steps) {
      const s = job.start(stage);
      wall += ms;
      cpu += cpuMs;
      s.end();
    }
    const receipt = buildReceipt(job.finish(), { meter, grid: resolveGridIntensity(), idleWatts: 6 });
    const sumMilliJ = receipt.stages.reduce((s, x) => s + Math.round(x.joules * 1000), 0);
    assert.equal(receipt.joules, sumMilliJ / 1000);
    assert.ok(Math.abs(receipt.joules - (4054 / 1000) * 1.875) < 0.005);
    assert.deepEqual(receipt.stages.map((s) => s.stage), ['decode', 'segment', 'refine', 'encode']);
    assert.equal(receipt.stages[1]!.cpuMs, 3741.7);
    assert.equal(receipt.method, 'estimated');
    assert.equal(receipt.meter, 'cpu-model');
    assert.equal(receipt.co2eGrams, Number(((receipt.joules / 3.6e6) * 475).toPrecision(4)));
    assert.equal(receipt.reference.imageGenerationJ, IMAGE_GENERATION_REFERENCE_J);
    assert.equal(receipt.reference.ratio, Number((receipt.joules / 10465.2).toPrecision(4)));
    assert.deepEqual(receipt.idle, { watts: 6, joules: Math.round(6 * 2.182 * 1000) / 1000 });
    assert.doesNotMatch(JSON.stringify(receipt), /NaN|null/);
  });

  test('no idle block when idle watts are not configured', () => {
    const receipt = buildReceipt({ stages: [], cpuMs: 0, joules: 0, idleJoules: 0 }, { meter: { name: 'cpu-model', method: 'estimated', basis: 'b', device: 'd' }, grid: resolveGridIntensity() });
    assert.equal(receipt.idle, undefined);
    assert.equal(receipt.joules, 0);
  });
});
