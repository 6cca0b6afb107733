/**
 * The energy layer's public face: meters, attribution, receipts, carbon, budgets and the ledger,
 * plus `openEnergy(config)`, which wires them from the frozen Config in one call.
 */
import type { Config } from '../config.ts';
import { EnergyAccountant } from './attribution.ts';
import { resolveGridIntensity, type GridIntensity } from './carbon.ts';
import { detectMeter, type DetectOptions, type DetectedMeter } from './detect.ts';
import { JsonlLedger, type Ledger } from './ledger.ts';

export * from './meter.ts';
export * from './cpu-table.ts';
export * from './cpu-model.ts';
export * from './rapl.ts';
export * from './nvml.ts';
export * from './detect.ts';
export * from './attribution.ts';
export * from './carbon.ts';
export * from './receipt.ts';
export * from './budget.ts';
export * from './ledger.ts';

export interface Energy extends DetectedMeter {
  readonly accountant: EnergyAccountant;
  readonly grid: GridIntensity;
  readonly ledger: Ledger;
  readonly idleWatts: number;
  close(): Promise<void>;
}

/** Detects the meter, resolves the grid, opens the ledger in config.dataDir. */
export async function openEnergy(config: Pick<Config, 'dataDir' | 'energy'>, overrides: Partial<DetectOptions> & { ledger?: Ledger } = {}): Promise<Energy> {
  const e = config.energy;
  const grid = resolveGridIntensity({
    ...(e.gridGPerKWh !== undefined ? { gPerKWh: e.gridGPerKWh } : {}),
    ...(e.gridCountry !== undefined ? { country: e.gridCountry } : {}),
    pue: e.pue,
  });
  const detected = await detectMeter({
    meter: e.meter,
    ...(e.cpuWattsPerThread !== undefined ? { wattsPerThread: e.cpuWattsPerThread } : {}),
    ...(e.cpuTdpW !== undefined ? { tdpW: e.cpuTdpW } : {}),
    ...overrides,
  });
  return {
    ...detected,
    accountant: EnergyAccountant.forMeter(detected.meter, { idleWatts: e.idleWatts }),
    grid,
    ledger: overrides.ledger ?? JsonlLedger.inDataDir(config.dataDir),
    idleWatts: e.idleWatts,
    close: () => detected.meter.close(),
  };
}
