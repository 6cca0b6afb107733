/**
 * RAPL energy counters through the Linux powercap tree (/sys/class/powercap/intel-rapl:*; AMD
 * processors appear under the same names on recent kernels).
 *
 * Counted: every top-level domain named "package-N" and every domain (top-level or sub-domain)
 * named "dram". Skipped: "core" and "uncore" (already inside the package) and "psys" (the whole
 * SoC, which would count the package twice). Each `energy_uj` counter wraps at
 * `max_energy_range_uj`; a reading below the previous one is unfolded as one wrap, so reads must
 * come at least once per wrap period (minutes at full power), which stage boundaries do.
 *
 * Since Linux 5.10 `energy_uj` is readable by root only (a power side channel, CVE-2020-8694);
 * an unreadable counter makes RAPL unavailable, with the reason, and detection falls back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GreenroomError } from '../errors.ts';
import { openWindow, systemSampler, type EnergyMeter, type MeterReading, type ProcessSampler } from './meter.ts';

export const POWERCAP_ROOT = '/sys/class/powercap';

export interface RaplDomain {
  /** Folder of the domain, e.g. /sys/class/powercap/intel-rapl:0. */
  readonly dir: string;
  /** The domain's `name` file: "package-0", "dram"... */
  readonly name: string;
  /** Counter range in microjoules; the counter wraps to 0 past it. */
  readonly maxEnergyUj: number;
}

export type RaplProbe = { ok: true; domains: RaplDomain[] } | { ok: false; reason: string };

/** Lists the countable domains and checks that their counters can be read. */
export function probeRapl(root: string = POWERCAP_ROOT): RaplProbe {
  let entries: string[];
  try {
    entries = fs.readdirSync(root);
  } catch (err) {
    return { ok: false, reason: `${root} cannot be listed (${errCode(err)}): no powercap driver, or a virtual machine that does not expose RAPL` };
  }
  const domains: RaplDomain[] = [];
  for (const entry of entries.filter((e) => /^intel-rapl:\d+(:\d+)?$/.test(e)).sort()) {
    const dir = path.join(root, entry);
    const topLevel = /^intel-rapl:\d+$/.test(entry);
    let name: string;
    try {
      name = fs.readFileSync(path.join(dir, 'name'), 'utf8').trim();
    } catch (err) {
      return { ok: false, reason: `${path.join(dir, 'name')} is unreadable (${errCode(err)})` };
    }
    if (!((topLevel && name.startsWith('package')) || name === 'dram')) continue;
    try {
      readUj(path.join(dir, 'energy_uj'));
      const maxEnergyUj = readUj(path.join(dir, 'max_energy_range_uj'));
      domains.push({ dir, name, maxEnergyUj });
    } catch (err) {
      const hint = errCode(err) === 'EACCES' ? '; since Linux 5.10 only root may read RAPL counters' : '';
      return { ok: false, reason: `${path.join(dir, 'energy_uj')} is unreadable (${errCode(err)})${hint}` };
    }
  }
  if (!domains.some((d) => d.name.startsWith('package'))) return { ok: false, reason: `no RAPL package domain under ${root}` };
  return { ok: true, domains };
}

/** Cumulative joules over the domains, wrap-arounds unfolded. Not safe to share between meters. */
export class RaplCounter {
  readonly domains: readonly RaplDomain[];
  readonly #last: number[];
  #totalUj = 0;

  constructor(domains: readonly RaplDomain[]) {
    this.domains = domains;
    this.#last = domains.map((d) => readUj(path.join(d.dir, 'energy_uj')));
  }

  /** Joules since construction. */
  readJoules(): number {
    this.domains.forEach((d, i) => {
      const now = readUj(path.join(d.dir, 'energy_uj'));
      const prev = this.#last[i]!;
      this.#totalUj += now >= prev ? now - prev : d.maxEnergyUj - prev + now;
      this.#last[i] = now;
    });
    return this.#totalUj / 1e6;
  }
}

export interface RaplMeterOptions {
  root?: string;
  sampler?: ProcessSampler;
}

/** Opens the RAPL meter, or throws ENERGY_METER_UNAVAILABLE with the probe's reason. */
export function openRaplMeter(options: RaplMeterOptions = {}): EnergyMeter {
  const root = options.root ?? POWERCAP_ROOT;
  const probe = probeRapl(root);
  if (!probe.ok) {
    throw new GreenroomError('ENERGY_METER_UNAVAILABLE', `RAPL is not available: ${probe.reason}. Use GREENROOM_ENERGY_METER=auto or cpu-model.`, { meter: 'rapl', reason: probe.reason });
  }
  const sampler = options.sampler ?? systemSampler;
  const counter = new RaplCounter(probe.domains);
  let last: MeterReading = { wallMs: sampler.wallMs(), cpuMs: sampler.cpuMs(), joules: 0 };
  const read = (): MeterReading => {
    last = { wallMs: Math.max(sampler.wallMs(), last.wallMs), cpuMs: Math.max(sampler.cpuMs(), last.cpuMs), joules: counter.readJoules() };
    return last;
  };
  const device = probe.domains.map((d) => d.name).join(' + ');
  return {
    kind: 'rapl',
    name: 'rapl',
    method: 'measured',
    device,
    basis: `Measured: RAPL energy counters (${device}) read at every stage boundary; the package's energy in each interval is split among the stages running then, after the configured idle draw is taken out.`,
    wholeDevice: true,
    read,
    begin: () => openWindow(read),
    close: async () => undefined,
  };
}

function readUj(file: string): number {
  const value = Number(fs.readFileSync(file, 'utf8').trim());
  if (!Number.isFinite(value) || value < 0) throw Object.assign(new Error(`${file}: not a counter value`), { code: 'EINVAL' });
  return value;
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}
