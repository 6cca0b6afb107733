/** RAPL through a fake powercap tree: two reads, wrap-around, DRAM, unreadable and missing trees. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRaplMeter, probeRapl } from '../../src/energy/rapl.ts';
import { detectMeter } from '../../src/energy/detect.ts';
import { isGreenroomError } from '../../src/errors.ts';
import type { ProcessSampler } from '../../src/energy/meter.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-rapl-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const MAX = 262_143_328_850;

function domain(root: string, entry: string, name: string, energyUj: number, max = MAX): void {
  const dir = path.join(root, entry);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'name'), `${name}\n`);
  fs.writeFileSync(path.join(dir, 'energy_uj'), `${energyUj}\n`);
  fs.writeFileSync(path.join(dir, 'max_energy_range_uj'), `${max}\n`);
}

function setEnergy(root: string, entry: string, energyUj: number): void {
  fs.writeFileSync(path.join(root, entry, 'energy_uj'), `${energyUj}\n`);
}

/** A package with core, uncore and dram sub-domains, plus psys (which must not be counted). */
function makeTree(name: string): string {
  const root = path.join(tmp, name);
  domain(root, 'intel-rapl:0', 'package-0', 5_000_000);
  domain(root, 'intel-rapl:0:0', 'core', 4_000_000);
  domain(root, 'intel-rapl:0:1', 'uncore', 100_000);
  domain(root, 'intel-rapl:0:2', 'dram', 2_000_000, 65_532_610_987);
  domain(root, 'intel-rapl:1', 'psys', 9_000_000);
  fs.mkdirSync(path.join(root, 'intel-rapl'), { recursive: true }); // the control-type folder, not a domain
  return root;
}

const fakeSampler: ProcessSampler = { wallMs: () => 0, cpuMs: () => 0, rssBytes: () => 0 };

describe('RAPL', () => {
  test('counts package and DRAM domains only, joules from two reads', () => {
    const root = makeTree('basic');
    const probe = probeRapl(root);
    assert.ok(probe.ok);
    assert.deepEqual(probe.domains.map((d) => d.name), ['package-0', 'dram']);

    const meter = openRaplMeter({ root, sampler: fakeSampler });
    assert.equal(meter.kind, 'rapl');
    assert.equal(meter.method, 'measured');
    assert.equal(meter.wholeDevice, true);
    assert.equal(meter.device, 'package-0 + dram');
    const window = meter.begin();
    setEnergy(root, 'intel-rapl:0', 5_000_000 + 12_500_000); // +12.5 J package
    setEnergy(root, 'intel-rapl:0:2', 2_000_000 + 1_500_000); // +1.5 J dram
    setEnergy(root, 'intel-rapl:0:0', 9_999_999_999); // core: ignored (inside the package)
    setEnergy(root, 'intel-rapl:1', 99_999_999_999); // psys: ignored
    assert.equal(window.end().joules, 14);
  });

  test('unfolds a wrap-around using max_energy_range_uj', () => {
    const root = makeTree('wrap');
    setEnergy(root, 'intel-rapl:0', MAX - 1_000_000); // 1 J before the wrap
    const meter = openRaplMeter({ root, sampler: fakeSampler });
    const first = meter.read().joules;
    setEnergy(root, 'intel-rapl:0', 3_000_000); // wrapped, then 3 J more
    const second = meter.read().joules;
    assert.equal(second - first, 4);
    setEnergy(root, 'intel-rapl:0', 5_000_000);
    assert.equal(meter.read().joules - second, 2);
  });

  test('an unreadable counter makes RAPL unavailable with the reason (skipped as root, who reads anyway)', (t) => {
    const root = makeTree('eacces');
    const file = path.join(root, 'intel-rapl:0', 'energy_uj');
    fs.chmodSync(file, 0o000);
    try {
      let readable = true;
      try {
        fs.readFileSync(file);
      } catch {
        readable = false;
      }
      if (readable) {
        t.skip('running as root: mode 000 files stay readable');
        return;
      }
      const probe = probeRapl(root);
      assert.equal(probe.ok, false);
      assert.match(!probe.ok ? probe.reason : '', /EACCES/);
    } finally {
      fs.chmodSync(file, 0o644);
    }
  });

  test('any counter read failure falls back cleanly with the reason (a folder where the file should be: EISDIR, even for root)', () => {
    const root = makeTree('eisdir');
    const file = path.join(root, 'intel-rapl:0:2', 'energy_uj');
    fs.rmSync(file);
    fs.mkdirSync(file);
    const probe = probeRapl(root);
    assert.equal(probe.ok, false);
    assert.match(!probe.ok ? probe.reason : '', /intel-rapl:0:2.*EISDIR/);
  });

  test('a missing tree is not available; forcing RAPL then is a coded error, auto falls back to the CPU model', async () => {
    const root = path.join(tmp, 'does-not-exist');
    const probe = probeRapl(root);
    assert.equal(probe.ok, false);
    assert.match(!probe.ok ? probe.reason : '', /cannot be listed/);
    assert.throws(() => openRaplMeter({ root }), (err) => isGreenroomError(err, 'ENERGY_METER_UNAVAILABLE') && /RAPL is not available/.test(err.message));
    await assert.rejects(detectMeter({ meter: 'rapl', raplRoot: root, cpuName: 'AMD EPYC' }), (err) => isGreenroomError(err, 'ENERGY_METER_UNAVAILABLE'));
    const auto = await detectMeter({ meter: 'auto', raplRoot: root, cpuName: 'AMD EPYC', skipGpu: true });
    assert.equal(auto.meter.kind, 'cpu-model');
    assert.ok(auto.notes.some((n) => n.startsWith('rapl: not used')));
  });

  test('a tree without a package domain is not available', () => {
    const root = path.join(tmp, 'psys-only');
    domain(root, 'intel-rapl:0', 'psys', 1);
    const probe = probeRapl(root);
    assert.equal(probe.ok, false);
  });
});
