/** Energy settings in the frozen Config, and openEnergy wiring them. */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { openEnergy } from '../../src/energy/index.ts';
import type { CommandRunner } from '../../src/energy/nvml.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-energy-config-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const noGpu: CommandRunner = {
  run: async () => ({ code: null, stdout: '', stderr: 'spawn nvidia-smi ENOENT' }),
  stream: () => ({ stop: () => undefined }),
};

describe('energy config', () => {
  test('defaults: auto meter, no idle, PUE 1, dataDir under XDG_DATA_HOME or ~/.local/share', () => {
    const c = loadConfig({ HOME: '/home/u', XDG_DATA_HOME: '/xdg' });
    assert.equal(c.dataDir, path.join('/xdg', 'greenroom'));
    assert.deepEqual({ ...c.energy }, { meter: 'auto', idleWatts: 0, pue: 1 });
    assert.ok(Object.isFrozen(c.energy));
    assert.equal(loadConfig({}).dataDir, path.join(os.homedir(), '.local', 'share', 'greenroom'));
  });

  test('every variable parsed', () => {
    const c = loadConfig({
      GREENROOM_DATA_DIR: '/data',
      GREENROOM_ENERGY_METER: 'cpu-model',
      GREENROOM_CPU_WATTS_PER_THREAD: '2.5',
      GREENROOM_CPU_TDP_W: '180',
      GREENROOM_IDLE_WATTS: '35',
      GREENROOM_GRID_G_PER_KWH: '100',
      GREENROOM_GRID_COUNTRY: 'fr',
      GREENROOM_PUE: '1.2',
    });
    assert.equal(c.dataDir, '/data');
    assert.deepEqual({ ...c.energy }, { meter: 'cpu-model', cpuWattsPerThread: 2.5, cpuTdpW: 180, idleWatts: 35, gridGPerKWh: 100, gridCountry: 'FR', pue: 1.2 });
  });

  test('bad values are refused, naming the variable', () => {
    assert.throws(() => loadConfig({ GREENROOM_ENERGY_METER: 'wattmeter' }), /GREENROOM_ENERGY_METER/);
    assert.throws(() => loadConfig({ GREENROOM_PUE: '0.5' }), /GREENROOM_PUE/);
    assert.throws(() => loadConfig({ GREENROOM_GRID_COUNTRY: 'France' }), /GREENROOM_GRID_COUNTRY/);
    assert.throws(() => loadConfig({ GREENROOM_CPU_WATTS_PER_THREAD: '-1' }), /GREENROOM_CPU_WATTS_PER_THREAD/);
  });

  test('openEnergy wires meter, accountant, grid and ledger from the config', async () => {
    const config = loadConfig({ GREENROOM_DATA_DIR: tmp, GREENROOM_GRID_COUNTRY: 'SE', GREENROOM_IDLE_WATTS: '20' });
    const energy = await openEnergy(config, { raplRoot: path.join(tmp, 'no-powercap'), runner: noGpu, cpuName: 'AMD EPYC', hardwareThreads: 2 });
    try {
      assert.equal(energy.meter.name, 'cpu-model');
      assert.equal(energy.model.wattsPerThread, 1.875);
      assert.equal(energy.grid.gPerKWh, 45.8);
      assert.equal(energy.accountant.idleWatts, 20);
      assert.equal(energy.idleWatts, 20);
      assert.deepEqual(await energy.ledger.entries(), []);
      assert.ok(energy.notes.length >= 3);
    } finally {
      await energy.close();
    }
  });
});
