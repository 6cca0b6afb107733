/**
 * Running one item, the same for both queues: the input from storage, the studio, the output
 * written to its deterministic key whole or not at all, first writer wins. When a run finds the
 * output already there (an earlier run of this item wrote it, then its process died before the
 * item was recorded done), it takes that output as the result instead of making another: an
 * item's output, once written, is never rewritten.
 */
import { MIME_TYPES } from '../image/encode.ts';
import { EXTENSIONS } from '../cli/names.ts';
import { readDimensions } from '../image/decode.ts';
import type { CutoutResult } from '../pipeline/cutout.ts';
import type { EditResult } from '../pipeline/edit.ts';
import type { Studio } from '../studio.ts';
import type { Storage } from '../storage/types.ts';
import { backgroundKey, inputKey, outputKey } from './keys.ts';
import { formatOf, runnableSpec } from './spec.ts';
import type { JobKind } from './types.ts';

/** What the queues need of a Studio (tests wrap one to count runs). */
export type JobRunner = Pick<Studio, 'edit' | 'cutout'> & Partial<Pick<Studio, 'recordEnergy'>>;

export interface ItemWork {
  jobId: string;
  index: number;
  name: string;
  kind: JobKind;
  /** The stored spec (JSON). */
  spec: Record<string, unknown>;
  hasBackground: boolean;
}

export interface ItemResult {
  output: { bytes: number; mime: string; width: number; height: number; uncertainty?: number };
  joules: number;
  co2eGrams: number;
  /** Appends this run's receipt to the energy ledger: call it once the item is recorded done, and only if this run's record was the first. */
  recordEnergy: () => Promise<void>;
}

export async function runItem(storage: Storage, studio: JobRunner, w: ItemWork): Promise<ItemResult> {
  const format = formatOf(w.kind, w.spec);
  const key = outputKey(w.jobId, w.index, EXTENSIONS[format]);
  const existing = await storage.stat(key);
  if (existing) return reuse(storage, key, existing.bytes, MIME_TYPES[format]);

  const background = w.hasBackground ? await storage.get(backgroundKey(w.jobId)) : undefined;
  const input = await storage.get(inputKey(w.jobId, w.index));
  const label = { operation: 'batch-item' as const, batchId: w.jobId, input: w.name, record: false };
  const spec = runnableSpec(w.spec, background);
  const result: CutoutResult | EditResult = w.kind === 'edit' ? await studio.edit(input, spec, label) : await studio.cutout(input, spec, label);
  const put = await storage.put(key, result.image.data, { ifAbsent: true });
  if (!put.written) return reuse(storage, key, put.bytes, result.image.mime);
  return {
    output: { bytes: put.bytes, mime: result.image.mime, width: result.image.width, height: result.image.height, ...(result.uncertainty !== undefined ? { uncertainty: result.uncertainty } : {}) },
    joules: result.energy?.joules ?? 0,
    co2eGrams: result.energy?.co2eGrams ?? 0,
    recordEnergy: async () => {
      await studio.recordEnergy?.(result, { ...label, record: true });
    },
  };
}

/** The output already stored: its size and dimensions; no energy is counted for a run that made nothing new. */
async function reuse(storage: Storage, key: string, bytes: number, mime: string): Promise<ItemResult> {
  const size = await readDimensions(await storage.get(key));
  return { output: { bytes, mime, width: size?.width ?? 0, height: size?.height ?? 0 }, joules: 0, co2eGrams: 0, recordEnergy: async () => {} };
}
