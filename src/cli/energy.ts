/** `greenroom energy [--since DATE] [--until DATE] [--batch ID] [--json] [--csv] [--entries]`: what the ledger says. */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { entriesToCsv, IMAGE_GENERATION_REFERENCE_J, JsonlLedger, ledgerPath, summariseEntries, summaryToCsv, type LedgerFilter } from '../energy/index.ts';
import { EXIT_OK, UsageError, withUsage } from './args.ts';
import { ENERGY_USAGE } from './help.ts';

export async function run(argv: string[]): Promise<number> {
  const { values } = withUsage(ENERGY_USAGE, () =>
    parseArgs({
      args: argv,
      strict: true,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        batch: { type: 'string' },
        json: { type: 'boolean' },
        csv: { type: 'boolean' },
        entries: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(ENERGY_USAGE);
    return EXIT_OK;
  }
  const filter: LedgerFilter = {};
  for (const key of ['since', 'until'] as const) {
    const v = values[key];
    if (v === undefined) continue;
    const date = parseWhen(v);
    if (!date) throw new UsageError(`--${key}: expected a date such as 2026-11-17, a time such as 2026-11-17T09:00Z, or a span back from now such as 7d or 24h; got "${v}".`, ENERGY_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
    filter[key] = date;
  }
  const config = loadConfig();
  const ledger = JsonlLedger.inDataDir(config.dataDir);
  let entries = await ledger.entries(filter);
  if (values.batch) entries = entries.filter((e) => e.batchId === values.batch);
  const summary = summariseEntries(entries);

  if (values.csv) process.stdout.write(values.entries ? entriesToCsv(entries) : summaryToCsv(summary));
  else if (values.json) process.stdout.write(`${JSON.stringify(values.entries ? entries : { ledger: ledgerPath(config.dataDir), ...filterJson(filter), ...summary }, null, 2)}\n`);
  else process.stdout.write(text(summary, ledgerPath(config.dataDir), filter, entries.length > 0 ? entries[0]!.method : undefined));
  return EXIT_OK;
}

/** A date, a date-time, or "7d" / "24h" / "30m" back from now. */
export function parseWhen(value: string, now = new Date()): Date | null {
  const span = /^(\d+(?:\.\d+)?)([dhm])$/.exec(value.trim());
  if (span) return new Date(now.getTime() - Number(span[1]) * { d: 86_400_000, h: 3_600_000, m: 60_000 }[span[2] as 'd' | 'h' | 'm']);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function filterJson(f: LedgerFilter): Record<string, string> {
  return Object.fromEntries(Object.entries(f).map(([k, v]) => [k, new Date(v as Date).toISOString()]));
}

function text(s: ReturnType<typeof summariseEntries>, file: string, filter: LedgerFilter, method: string | undefined): string {
  const span = [filter.since ? `since ${new Date(filter.since).toISOString()}` : '', filter.until ? `until ${new Date(filter.until).toISOString()}` : ''].filter(Boolean).join(', ');
  const lines = [`Energy ledger ${file}${span ? ` (${span})` : ''}`];
  if (s.count === 0) return `${lines[0]}\nNo jobs recorded${span ? ' in that span' : ''}.\n`;
  const wh = (j: number) => (j / 3600).toFixed(j < 36 ? 4 : 2);
  lines.push(`${s.count} images, ${s.joules.toFixed(1)} J (${wh(s.joules)} Wh), ${s.co2eGrams.toFixed(4)} g CO2e${method ? `, ${method}` : ''}`);
  lines.push(`per image: ${(s.joules / s.count).toFixed(2)} J; a generated image (Luccioni et al. 2023 mean) is ${IMAGE_GENERATION_REFERENCE_J.toFixed(0)} J, ${(IMAGE_GENERATION_REFERENCE_J / (s.joules / s.count)).toFixed(0)}x more`);
  lines.push('', 'by operation:');
  for (const [op, t] of Object.entries(s.byOperation)) lines.push(`  ${op.padEnd(11)} ${String(t.count).padStart(6)} images  ${t.joules.toFixed(1).padStart(10)} J  ${t.co2eGrams.toFixed(4).padStart(9)} g`);
  lines.push('', 'by day (UTC):');
  for (const d of s.byDay) lines.push(`  ${d.day}  ${String(d.count).padStart(6)} images  ${d.joules.toFixed(1).padStart(10)} J  ${d.co2eGrams.toFixed(4).padStart(9)} g`);
  return `${lines.join('\n')}\n`;
}
