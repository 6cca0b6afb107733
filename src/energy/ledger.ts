/**
 * The energy ledger: every receipt, kept. The `Ledger` interface (append, entries, summarise) is
 * what the studio and server use; `JsonlLedger` backs it with an append-only JSON-lines file,
 * `<dataDir>/energy/ledger.jsonl`, so a database can replace it later.
 *
 * Appends are one write() each on a file opened O_APPEND, serialised within the process, so lines
 * from concurrent writers never interleave. A crash mid-write can leave a truncated last line:
 * readers skip lines that do not parse (and count them), and the next append starts on a new line,
 * so no earlier entry is lost and the broken line never swallows a new one.
 * Days are UTC calendar days.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { EnergyReceipt } from './receipt.ts';

export const LedgerEntrySchema = z.object({
  /** ISO 8601 time the job finished. */
  time: z.string().datetime({ offset: true }),
  operation: z.enum(['cutout', 'edit', 'retouch', 'batch-item']),
  jobId: z.string().optional(),
  batchId: z.string().optional(),
  input: z.string().optional(),
  quality: z.string().optional(),
  joules: z.number().nonnegative(),
  co2eGrams: z.number().nonnegative(),
  method: z.enum(['measured', 'estimated']),
  meter: z.string().optional(),
  stages: z.array(z.object({ stage: z.string(), ms: z.number(), cpuMs: z.number(), joules: z.number() })),
});
export type LedgerEntry = z.infer<typeof LedgerEntrySchema>;
export type LedgerOperation = LedgerEntry['operation'];

export interface LedgerFilter {
  /** Inclusive. */
  since?: Date | string;
  /** Exclusive. */
  until?: Date | string;
}

export interface LedgerTotals {
  count: number;
  joules: number;
  co2eGrams: number;
}

export interface LedgerSummary extends LedgerTotals {
  byOperation: Partial<Record<LedgerOperation, LedgerTotals>>;
  /** Ascending by day (UTC, YYYY-MM-DD). */
  byDay: Array<LedgerTotals & { day: string }>;
  /** Lines that did not parse (a truncated last line after a crash, say). */
  skippedLines: number;
}

export interface Ledger {
  append(entry: LedgerEntry): Promise<void>;
  entries(filter?: LedgerFilter): Promise<LedgerEntry[]>;
  summarise(filter?: LedgerFilter): Promise<LedgerSummary>;
}

/** The ledger entry for a receipt. */
export function ledgerEntry(
  receipt: EnergyReceipt,
  meta: { operation: LedgerOperation; time?: Date; jobId?: string; batchId?: string; input?: string; quality?: string },
): LedgerEntry {
  return {
    time: (meta.time ?? new Date()).toISOString(),
    operation: meta.operation,
    ...(meta.jobId !== undefined ? { jobId: meta.jobId } : {}),
    ...(meta.batchId !== undefined ? { batchId: meta.batchId } : {}),
    ...(meta.input !== undefined ? { input: meta.input } : {}),
    ...(meta.quality !== undefined ? { quality: meta.quality } : {}),
    joules: receipt.joules,
    co2eGrams: receipt.co2eGrams,
    method: receipt.method,
    meter: receipt.meter,
    stages: receipt.stages.map((s) => ({ stage: s.stage, ms: s.ms, cpuMs: s.cpuMs, joules: s.joules })),
  };
}

export function ledgerPath(dataDir: string): string {
  return path.join(dataDir, 'energy', 'ledger.jsonl');
}

export class JsonlLedger implements Ledger {
  readonly file: string;
  #queue: Promise<void> = Promise.resolve();

  constructor(file: string) {
    this.file = file;
  }

  /** The ledger at `<dataDir>/energy/ledger.jsonl`. */
  static inDataDir(dataDir: string): JsonlLedger {
    return new JsonlLedger(ledgerPath(dataDir));
  }

  /** Appends one entry; an entry that does not fit the schema is refused (a bug in the caller). */
  async append(entry: LedgerEntry): Promise<void> {
    const parsed = LedgerEntrySchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new TypeError(`Invalid ledger entry: ${issue.path.join('.')}: ${issue.message}`);
    }
    const line = JSON.stringify(parsed.data) + '\n';
    const run = this.#queue.then(() => this.#write(line));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #write(line: string): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const handle = await fs.open(this.file, 'a+');
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n'; // a truncated line: end it, so it does not swallow this one
      }
      await handle.write(prefix + line);
    } finally {
      await handle.close();
    }
  }

  async entries(filter: LedgerFilter = {}): Promise<LedgerEntry[]> {
    return (await this.#read(filter)).entries;
  }

  async summarise(filter: LedgerFilter = {}): Promise<LedgerSummary> {
    const { entries, skippedLines } = await this.#read(filter);
    return { ...summariseEntries(entries), skippedLines };
  }

  async #read(filter: LedgerFilter): Promise<{ entries: LedgerEntry[]; skippedLines: number }> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], skippedLines: 0 };
      throw err;
    }
    const since = filter.since === undefined ? -Infinity : new Date(filter.since).getTime();
    const until = filter.until === undefined ? Infinity : new Date(filter.until).getTime();
    const entries: LedgerEntry[] = [];
    let skippedLines = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const entry = parseLine(line);
      if (!entry) {
        skippedLines++;
        continue;
      }
      const t = Date.parse(entry.time);
      if (t >= since && t < until) entries.push(entry);
    }
    return { entries, skippedLines };
  }
}

function parseLine(line: string): LedgerEntry | undefined {
  try {
    const parsed = LedgerEntrySchema.safeParse(JSON.parse(line));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined; // Not JSON: a line cut short by a crash. Counted by the caller.
  }
}

/** Totals, per operation and per UTC day. */
export function summariseEntries(entries: readonly LedgerEntry[]): Omit<LedgerSummary, 'skippedLines'> {
  const total = zero();
  const byOperation: Partial<Record<LedgerOperation, LedgerTotals>> = {};
  const byDay = new Map<string, LedgerTotals>();
  for (const e of entries) {
    const day = new Date(e.time).toISOString().slice(0, 10);
    for (const t of [total, (byOperation[e.operation] ??= zero()), byDay.get(day) ?? byDay.set(day, zero()).get(day)!]) {
      t.count++;
      t.joules += e.joules;
      t.co2eGrams += e.co2eGrams;
    }
  }
  const tidy = (t: LedgerTotals): LedgerTotals => ({ count: t.count, joules: round(t.joules, 3), co2eGrams: round(t.co2eGrams, 6) });
  return {
    ...tidy(total),
    byOperation: Object.fromEntries(Object.entries(byOperation).map(([k, v]) => [k, tidy(v)])),
    byDay: [...byDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, t]) => ({ day, ...tidy(t) })),
  };
}

/** One CSV row per entry, with a header. */
export function entriesToCsv(entries: readonly LedgerEntry[]): string {
  const header = ['time', 'operation', 'job_id', 'batch_id', 'input', 'quality', 'joules', 'co2e_grams', 'method', 'meter'];
  const rows = entries.map((e) => [e.time, e.operation, e.jobId, e.batchId, e.input, e.quality, e.joules, e.co2eGrams, e.method, e.meter]);
  return toCsv(header, rows);
}

/** One CSV row per day, then one per operation, then the total. */
export function summaryToCsv(summary: Omit<LedgerSummary, 'skippedLines'>): string {
  const rows: unknown[][] = [
    ...summary.byDay.map((d) => ['day', d.day, d.count, d.joules, d.co2eGrams]),
    ...Object.entries(summary.byOperation).map(([op, t]) => ['operation', op, t.count, t.joules, t.co2eGrams]),
    ['total', '', summary.count, summary.joules, summary.co2eGrams],
  ];
  return toCsv(['group', 'key', 'count', 'joules', 'co2e_grams'], rows);
}

function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cell = (v: unknown): string => {
    const s = v === undefined || v === null ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

function zero(): LedgerTotals {
  return { count: 0, joules: 0, co2eGrams: 0 };
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}
