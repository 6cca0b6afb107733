/**
 * A small table of CPU power facts for the CPU-time energy model: thermal design power (or, for
 * Apple silicon, which publishes none, a typical all-core CPU package power), physical cores and
 * hardware threads. Watts per thread = TDP / threads.
 *
 * Matching is on the model name the OS reports (/proc/cpuinfo "model name", or os.cpus()[0].model).
 * When the exact model is not listed but the family is (hypervisors often hide the number: this
 * machine reports just "AMD EPYC"), the median watts per thread of that family's rows is used.
 * When nothing is recognised, 4 W per thread: CodeCarbon's figure for a CPU missing from its table.
 *
 * TDP is the sustained all-core power the cooling is designed for; turbo can exceed it briefly and
 * a lightly loaded package draws less, so TDP / threads is an upper-ish estimate of one busy
 * thread's share. Sources: vendor spec pages (AMD product pages, Intel ARK) unless a row says
 * otherwise; cloud-only SKUs have no public datasheet and are marked approximate.
 */

export type CpuFamily = 'epyc' | 'xeon' | 'core' | 'ryzen' | 'apple' | 'graviton';

export interface CpuSpec {
  /** Display name. */
  readonly model: string;
  readonly family: CpuFamily;
  /** Matched against the normalised OS model name ("(R)", "(TM)" removed, spaces collapsed). */
  readonly match: RegExp;
  /** TDP in watts (Apple: typical all-core CPU package power). */
  readonly tdpW: number;
  readonly cores: number;
  readonly threads: number;
  readonly source: string;
}

const AMD = 'AMD product page (default TDP)';
const ARK = 'Intel ARK (TDP)';
const ARK_PBP = 'Intel ARK (processor base power; max turbo power is higher)';

export const CPU_TABLE: readonly CpuSpec[] = [
  // AMD EPYC, generations 1 (Naples) to 4 (Genoa, Bergamo)
  { model: 'AMD EPYC 7601', family: 'epyc', match: /\bEPYC 7601\b/i, tdpW: 180, cores: 32, threads: 64, source: AMD },
  { model: 'AMD EPYC 7502', family: 'epyc', match: /\bEPYC 7502\b/i, tdpW: 180, cores: 32, threads: 64, source: AMD },
  { model: 'AMD EPYC 7742', family: 'epyc', match: /\bEPYC 7742\b/i, tdpW: 225, cores: 64, threads: 128, source: AMD },
  { model: 'AMD EPYC 7543', family: 'epyc', match: /\bEPYC 7543\b/i, tdpW: 225, cores: 32, threads: 64, source: AMD },
  { model: 'AMD EPYC 7713', family: 'epyc', match: /\bEPYC 7713\b/i, tdpW: 225, cores: 64, threads: 128, source: AMD },
  { model: 'AMD EPYC 7763', family: 'epyc', match: /\bEPYC 7763\b/i, tdpW: 280, cores: 64, threads: 128, source: AMD },
  { model: 'AMD EPYC 7B13', family: 'epyc', match: /\bEPYC 7B13\b/i, tdpW: 225, cores: 64, threads: 128, source: 'Google Cloud custom Milan SKU, no public datasheet: approximate, taken as the EPYC 7713 (same 64 cores)' },
  { model: 'AMD EPYC 9654', family: 'epyc', match: /\bEPYC 9654\b/i, tdpW: 360, cores: 96, threads: 192, source: AMD },
  { model: 'AMD EPYC 9754', family: 'epyc', match: /\bEPYC 9754\b/i, tdpW: 360, cores: 128, threads: 256, source: AMD },
  // Intel Xeon (Broadwell to Sapphire Rapids)
  { model: 'Intel Xeon E5-2686 v4', family: 'xeon', match: /\bE5-2686 v4\b/i, tdpW: 145, cores: 18, threads: 36, source: 'AWS custom Broadwell SKU (EC2 m4/r4): approximate, as the E5-2696 v4 class' },
  { model: 'Intel Xeon Gold 6248', family: 'xeon', match: /\bGold 6248\b(?!R)/i, tdpW: 150, cores: 20, threads: 40, source: ARK },
  { model: 'Intel Xeon Platinum 8280', family: 'xeon', match: /\bPlatinum 8280\b/i, tdpW: 205, cores: 28, threads: 56, source: ARK },
  { model: 'Intel Xeon Gold 6348', family: 'xeon', match: /\bGold 6348\b/i, tdpW: 235, cores: 28, threads: 56, source: ARK },
  { model: 'Intel Xeon Platinum 8380', family: 'xeon', match: /\bPlatinum 8380\b/i, tdpW: 270, cores: 40, threads: 80, source: ARK },
  { model: 'Intel Xeon Platinum 8375C', family: 'xeon', match: /\bPlatinum 8375C\b/i, tdpW: 300, cores: 32, threads: 64, source: 'AWS custom Ice Lake SKU (EC2 m6i/c6i), no Intel datasheet: approximate, third-party listings give 300 W' },
  { model: 'Intel Xeon Platinum 8480+', family: 'xeon', match: /\bPlatinum 8480\+?/i, tdpW: 350, cores: 56, threads: 112, source: ARK },
  // Intel Core (desktop and laptop)
  { model: 'Intel Core i7-8700', family: 'core', match: /\bi7-8700\b/i, tdpW: 65, cores: 6, threads: 12, source: ARK },
  { model: 'Intel Core i5-12400', family: 'core', match: /\bi5-12400\b/i, tdpW: 65, cores: 6, threads: 12, source: ARK_PBP },
  { model: 'Intel Core i7-12700K', family: 'core', match: /\bi7-12700K\b/i, tdpW: 125, cores: 12, threads: 20, source: ARK_PBP },
  { model: 'Intel Core i9-13900K', family: 'core', match: /\bi9-13900K\b/i, tdpW: 125, cores: 24, threads: 32, source: ARK_PBP },
  { model: 'Intel Core i7-1165G7', family: 'core', match: /\bi7-1165G7\b/i, tdpW: 28, cores: 4, threads: 8, source: 'Intel ARK (configurable TDP-up; 12-28 W)' },
  // AMD Ryzen
  { model: 'AMD Ryzen 5 5600X', family: 'ryzen', match: /\bRyzen 5 5600X\b/i, tdpW: 65, cores: 6, threads: 12, source: AMD },
  { model: 'AMD Ryzen 7 5800X', family: 'ryzen', match: /\bRyzen 7 5800X\b/i, tdpW: 105, cores: 8, threads: 16, source: AMD },
  { model: 'AMD Ryzen 9 5950X', family: 'ryzen', match: /\bRyzen 9 5950X\b/i, tdpW: 105, cores: 16, threads: 32, source: AMD },
  { model: 'AMD Ryzen 9 7950X', family: 'ryzen', match: /\bRyzen 9 7950X\b/i, tdpW: 170, cores: 16, threads: 32, source: AMD },
  // Apple silicon: no TDP is published; typical all-core CPU package power under load, approximate (+-30%)
  { model: 'Apple M1', family: 'apple', match: /\bApple M1\b(?! (Pro|Max|Ultra))/i, tdpW: 20, cores: 8, threads: 8, source: 'no published TDP: approximate all-core CPU package power as reported by powermetrics in public reviews' },
  { model: 'Apple M2', family: 'apple', match: /\bApple M2\b(?! (Pro|Max|Ultra))/i, tdpW: 20, cores: 8, threads: 8, source: 'no published TDP: approximate all-core CPU package power as reported by powermetrics in public reviews' },
  { model: 'Apple M3', family: 'apple', match: /\bApple M3\b(?! (Pro|Max|Ultra))/i, tdpW: 22, cores: 8, threads: 8, source: 'no published TDP: approximate all-core CPU package power as reported by powermetrics in public reviews' },
  // AWS Graviton (Linux reports the core: Neoverse-N1 for Graviton2, Neoverse-V1 for Graviton3)
  { model: 'AWS Graviton2', family: 'graviton', match: /Graviton ?2|Neoverse-N1/i, tdpW: 110, cores: 64, threads: 64, source: 'no published TDP: approximate, third-party estimates 80-110 W' },
  { model: 'AWS Graviton3', family: 'graviton', match: /Graviton ?3|Neoverse-V1/i, tdpW: 100, cores: 64, threads: 64, source: 'no published TDP: approximate, reported about 100 W' },
];

const FAMILY_PATTERNS: ReadonlyArray<readonly [CpuFamily, RegExp]> = [
  ['epyc', /\bEPYC\b/i],
  ['xeon', /\bXeon\b/i],
  ['ryzen', /\bRyzen\b/i],
  ['core', /\bCore\b.*\bi[3579]-|\bCore i[3579]\b/i],
  ['apple', /\bApple M\d/i],
  ['graviton', /Graviton|Neoverse/i],
];

/** CodeCarbon's watts per thread for a CPU it cannot find in its table. */
export const UNKNOWN_CPU_WATTS_PER_THREAD = 4;

export interface CpuMatch {
  /** The normalised name that was matched. */
  readonly name: string;
  readonly how: 'table' | 'family-median' | 'default';
  readonly wattsPerThread: number;
  readonly spec?: CpuSpec;
  readonly family?: CpuFamily;
  /** A human note on the figure: the row and its source, the family median, or the default. */
  readonly note: string;
}

export function normaliseCpuName(name: string): string {
  return name.replace(/\((R|TM)\)/gi, '').replace(/\s+/g, ' ').trim();
}

export function wattsPerThread(spec: CpuSpec): number {
  return spec.tdpW / spec.threads;
}

/** Median watts per thread of a family's rows. */
export function familyMedianWattsPerThread(family: CpuFamily): number {
  const values = CPU_TABLE.filter((s) => s.family === family).map(wattsPerThread).sort((a, b) => a - b);
  const mid = Math.floor(values.length / 2);
  return values.length % 2 ? values[mid]! : (values[mid - 1]! + values[mid]!) / 2;
}

/** Finds the CPU in the table, else its family's median, else the 4 W default. */
export function matchCpu(modelName: string): CpuMatch {
  const name = normaliseCpuName(modelName);
  const spec = CPU_TABLE.find((s) => s.match.test(name));
  if (spec) {
    const w = wattsPerThread(spec);
    return { name, how: 'table', wattsPerThread: w, spec, family: spec.family, note: `${spec.model}: ${spec.tdpW} W / ${spec.threads} threads = ${fmt(w)} W per thread (${spec.source})` };
  }
  const family = FAMILY_PATTERNS.find(([, re]) => re.test(name))?.[0];
  if (family) {
    const rows = CPU_TABLE.filter((s) => s.family === family).length;
    const w = familyMedianWattsPerThread(family);
    return { name, how: 'family-median', wattsPerThread: w, family, note: `"${name}" names no model in the table; used the median of the table's ${rows} ${family} rows, ${fmt(w)} W per thread` };
  }
  return { name, how: 'default', wattsPerThread: UNKNOWN_CPU_WATTS_PER_THREAD, note: `"${name}" is not in the table; used ${UNKNOWN_CPU_WATTS_PER_THREAD} W per thread (CodeCarbon's figure for an unlisted CPU)` };
}

function fmt(w: number): string {
  return String(Math.round(w * 1000) / 1000);
}
