/** The CPU-time model: table matching, overrides, and joules that follow CPU time, not wall time. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { matchCpu, familyMedianWattsPerThread, CPU_TABLE, UNKNOWN_CPU_WATTS_PER_THREAD } from '../../src/energy/cpu-table.ts';
import path from 'node:path';
import { openCpuModelMeter, readCpuModelName, resolveCpuPowerModel, MEMORY_WATTS_PER_GIB } from '../../src/energy/cpu-model.ts';
import type { ProcessSampler } from '../../src/energy/meter.ts';

describe('CPU table', () => {
  test('has about 25 rows, each with TDP, cores, threads and a source', () => {
    assert.ok(CPU_TABLE.length >= 25);
    for (const row of CPU_TABLE) {
      assert.ok(row.tdpW > 0 && row.cores > 0 && row.threads >= row.cores, row.model);
      assert.ok(row.source.length > 5, row.model);
    }
  });

  test('matches cloud model names', () => {
    const milan = matchCpu('AMD EPYC 7B13');
    assert.equal(milan.how, 'table');
    assert.equal(milan.spec?.model, 'AMD EPYC 7B13');
    assert.equal(milan.wattsPerThread, 225 / 128);

    const xeon = matchCpu('Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz');
    assert.equal(xeon.how, 'table');
    assert.equal(xeon.spec?.model, 'Intel Xeon Platinum 8375C');
    assert.equal(xeon.wattsPerThread, 300 / 64);

    assert.equal(matchCpu('AMD EPYC 7763 64-Core Processor').spec?.model, 'AMD EPYC 7763');
    assert.equal(matchCpu('Neoverse-N1').spec?.model, 'AWS Graviton2');
  });

  test('"AMD EPYC" alone (this machine) gets the EPYC family median, and says so', () => {
    const m = matchCpu('AMD EPYC');
    assert.equal(m.how, 'family-median');
    assert.equal(m.family, 'epyc');
    assert.equal(m.wattsPerThread, familyMedianWattsPerThread('epyc'));
    assert.equal(m.wattsPerThread, 1.875);
    assert.match(m.note, /median/);

    const meter = openCpuModelMeter(resolveCpuPowerModel({ cpuName: 'AMD EPYC', hardwareThreads: 2 }));
    assert.match(meter.basis, /median of the table's \d+ epyc rows, 1\.875 W per thread/);
    assert.match(meter.device, /AMD EPYC \(2 hardware threads visible\)/);
  });

  test('reads "model name" from /proc/cpuinfo, not the "model" number line before it', () => {
    assert.equal(readCpuModelName(path.join(import.meta.dirname, '..', 'fixtures', 'energy', 'cpuinfo-amd-epyc.txt')), 'AMD EPYC');
    assert.ok(readCpuModelName('/nonexistent/cpuinfo').length > 0); // falls back to os.cpus()
  });

  test('a family variant not in the table and an unknown CPU', () => {
    assert.equal(matchCpu('Apple M1 Pro').how, 'family-median');
    const unknown = matchCpu('SiFive U74-MC');
    assert.equal(unknown.how, 'default');
    assert.equal(unknown.wattsPerThread, UNKNOWN_CPU_WATTS_PER_THREAD);
    assert.match(unknown.note, /CodeCarbon/);
  });
});

describe('CPU power model', () => {
  test('overrides: watts per thread wins, then TDP over the matched threads (or this machine\'s)', () => {
    assert.equal(resolveCpuPowerModel({ cpuName: 'AMD EPYC 7B13', wattsPerThread: 3, tdpW: 999 }).wattsPerThread, 3);
    const tdp = resolveCpuPowerModel({ cpuName: 'AMD EPYC 7B13', tdpW: 256 });
    assert.equal(tdp.wattsPerThread, 2);
    assert.equal(tdp.source, 'override-tdp');
    assert.equal(resolveCpuPowerModel({ cpuName: 'AMD EPYC', tdpW: 10, hardwareThreads: 2 }).wattsPerThread, 5);
  });

  test('joules = CPU seconds x W/thread + RSS GiB x W/GiB x wall seconds (driven by a fake sampler)', () => {
    let wall = 0;
    let cpu = 0;
    const sampler: ProcessSampler = { wallMs: () => wall, cpuMs: () => cpu, rssBytes: () => 2 * 1024 ** 3 };
    const meter = openCpuModelMeter(resolveCpuPowerModel({ cpuName: 'AMD EPYC', wattsPerThread: 4 }), sampler);
    const w = meter.begin();
    wall = 1000;
    cpu = 1500; // 1.5 CPU seconds over 1 s of wall: 2 threads partly busy
    const got = w.end();
    assert.equal(got.cpuMs, 1500);
    assert.equal(got.wallMs, 1000);
    assert.ok(Math.abs(got.joules - (1.5 * 4 + 2 * MEMORY_WATTS_PER_GIB * 1)) < 1e-9);
  });

  test('a busy loop costs far more than a sleep of the same wall time, and a window costs < 1 ms', async () => {
    const meter = openCpuModelMeter(resolveCpuPowerModel({ cpuName: 'AMD EPYC', hardwareThreads: 2 }));

    const burn = meter.begin();
    const start = process.cpuUsage();
    let x = 0;
    while (process.cpuUsage(start).user < 200_000) x += Math.sqrt(x + 1);
    const burnt = burn.end();
    assert.ok(x > 0);

    const rest = meter.begin();
    await sleep(200);
    const rested = rest.end();

    assert.ok(burnt.cpuMs >= 200);
    assert.ok(rested.wallMs >= 190);
    assert.ok(rested.cpuMs < 50, `sleeping used ${rested.cpuMs} ms of CPU`);
    assert.ok(burnt.joules > 10 * rested.joules, `burn ${burnt.joules} J vs sleep ${rested.joules} J`);
    assert.ok(burnt.joules >= (burnt.cpuMs / 1000) * 1.875);

    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) meter.begin().end();
    const perWindowMs = (performance.now() - t0) / n;
    assert.ok(perWindowMs < 1, `a window cost ${perWindowMs} ms`);
  });
});
