/**
 * Batch cutouts for the CLI: expands folders, allocates output names, runs N images in flight
 * (default 2; the model serialises inference), writes each output atomically, and reports
 * results in input order.
 *
 * Caveat, measured with onnxruntime-node 1.30: InferenceSession.run() executes synchronously on
 * the main thread (after a setImmediate), so only sharp's threadpool work (decode, resize,
 * encode) of one image can overlap another's inference, not the JS refine stage. Throughput
 * gains are small, and an image's stage times include the time the other image's inference
 * blocked the event loop.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { writeAtomic as writeFileAtomic } from '../io/write-atomic.ts';
import { GreenroomError } from '../errors.ts';
import type { CutoutResult } from '../pipeline/cutout.ts';
import type { EditResult } from '../pipeline/edit.ts';
import type { RetouchResult } from '../pipeline/retouch.ts';
import type { Studio } from '../studio.ts';
import { formatMs, isExpectedError, summarizeError } from './args.ts';
import { IMAGE_EXTENSIONS, allocateOutputs } from './names.ts';

/** One input of a run: a file to cut out, or an input that failed before any work (an empty folder). */
export interface BatchInput {
  file: string;
  error?: GreenroomError;
}

/**
 * Expands the command line's inputs: a folder becomes its image files (non-recursive, by
 * extension, case-insensitive, hidden files skipped, sorted by name); anything else is a file,
 * attempted whatever its extension (a missing one fails with INPUT_NOT_FOUND when read). A file
 * named twice is cut out once.
 */
export async function expandInputs(args: readonly string[]): Promise<BatchInput[]> {
  const out: BatchInput[] = [];
  const seen = new Set<string>();
  const add = (input: BatchInput) => {
    const k = path.resolve(input.file);
    if (seen.has(k)) return;
    seen.add(k);
    out.push(input);
  };
  for (const arg of args) {
    let stat: fs.Stats | undefined;
    try {
      stat = await fsp.stat(arg);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        add({ file: arg, error: new GreenroomError('INPUT_NOT_FOUND', `No such file: ${arg}. Check the path.`, { path: arg }, { cause: err }) });
        continue;
      }
      stat = undefined;
    }
    if (!stat?.isDirectory()) {
      add({ file: arg });
      continue;
    }
    let entries: fs.Dirent[];
    try {
      entries = await fsp.readdir(arg, { withFileTypes: true });
    } catch (err) {
      add({ file: arg, error: new GreenroomError('INPUT_NOT_FOUND', `Cannot list the folder: ${(err as Error).message}.`, { path: arg }, { cause: err }) });
      continue;
    }
    const names: string[] = [];
    for (const e of entries) {
      if (e.name.startsWith('.') || !IMAGE_EXTENSIONS.has(path.extname(e.name).toLowerCase())) continue;
      if (e.isFile()) names.push(e.name);
      else if (e.isSymbolicLink()) {
        const target = await fsp.stat(path.join(arg, e.name)).catch(() => undefined);
        if (target?.isFile()) names.push(e.name);
      }
    }
    if (names.length === 0) {
      add({ file: arg, error: new GreenroomError('INPUT_NOT_FOUND', `The folder has no image files (${[...IMAGE_EXTENSIONS].join(' ')}).`, { path: arg }) });
      continue;
    }
    names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) add({ file: path.join(arg, name) });
  }
  return out;
}

export interface BatchItemResult {
  file: string;
  /** Where the output was (or would have been) written. */
  output?: string;
  result?: CutoutResult | EditResult | RetouchResult;
  error?: unknown;
  /** Wall-clock milliseconds from starting this image to its output being written. */
  wallMs: number;
}

export interface BatchOptions {
  outDir: string;
  /** The output file extension (png, webp, avif, jpg). */
  ext: string;
  /** The work for one file: a cutout, an edit or a retouch. */
  work: (studio: Studio, file: string) => Promise<CutoutResult | EditResult | RetouchResult>;
  /** JSON lines on stdout, no per-file progress lines. */
  json?: boolean;
  /** One line per finished file on stderr when no progress bar is shown (default true). */
  lines?: boolean;
  /** Images in flight (default 2). */
  concurrency?: number;
}

/** The JSON line printed for one image with --json. */
export function jsonLine(item: BatchItemResult): Record<string, unknown> {
  if (!item.result) return { file: item.file, error: summarizeError(item.error) };
  const r = item.result;
  if (!('model' in r)) {
    return { file: item.file, output: item.output, width: r.image.width, height: r.image.height, retouch: r.retouch, stages: Object.fromEntries(r.stages.map((s) => [s.stage, s.ms])), totalMs: r.totalMs, ...(r.energy ? { energy: r.energy } : {}) };
  }
  return {
    file: item.file,
    output: item.output,
    width: r.image.width,
    height: r.image.height,
    subject: r.subject,
    model: r.model,
    quality: r.quality,
    workingSize: r.workingSize,
    stages: Object.fromEntries(r.stages.map((s) => [s.stage, s.ms])),
    totalMs: r.totalMs,
    // Time spent queued behind another image's inference (only with --jobs > 1).
    waitMs: r.stages.reduce((sum, s) => sum + (s.waitMs ?? 0), 0),
    ...(r.energy ? { energy: r.energy } : {}),
    ...(r.hints ? { hints: r.hints } : {}),
    ...(r.uncertainty !== undefined ? { uncertainty: r.uncertainty } : {}),
    ...('background' in r ? { background: r.background, shadow: r.shadow, lighting: r.lighting, ...(r.preset ? { preset: r.preset } : {}), warnings: r.warnings, ...(r.retouch ? { retouch: r.retouch } : {}) } : {}),
  };
}

/** From this uncertainty score up, a cutout is worth a look (the web studio marks it too). */
export const UNSURE_AT = 0.5;

/** ", 7.4 J estimated" for a result with a receipt. */
export function joulesNote(r: CutoutResult | EditResult | RetouchResult): string {
  if (!('model' in r)) return `, ${r.retouch.filledPixels} px filled${r.energy ? `, ${r.energy.joules.toFixed(1)} J ${r.energy.method}` : ''}`;
  const hints = r.hints ? `, hints: ${r.hints.steps} step${r.hints.steps === 1 ? '' : 's'}, ${r.hints.changedPixels} px changed` : '';
  const unsure = r.uncertainty !== undefined && r.uncertainty >= UNSURE_AT ? `, check it: the model was unsure (${r.uncertainty.toFixed(2)})` : '';
  return `${r.energy ? `, ${r.energy.joules.toFixed(1)} J ${r.energy.method}` : ''}${hints}${unsure}`;
}

/** The stderr line for a failed input: `file: CODE message`. */
export function failureLine(item: BatchItemResult): string {
  const { code, message } = summarizeError(item.error);
  const extra = isExpectedError(item.error) || !(item.error instanceof Error) ? '' : `\n${item.error.stack ?? ''}`;
  return `${item.file}: ${code} ${message}${extra}`;
}

const activeTemps = new Set<string>();

/** Writes an output atomically (see src/io/write-atomic.ts); its temporary file is removed if the run is interrupted. */
export function writeAtomic(target: string, data: Uint8Array): Promise<void> {
  return writeFileAtomic(target, data, { inFlight: activeTemps });
}

/** Notes for outputs renamed to avoid a clash, to print before the run. */
export function renameNotes(inputs: readonly BatchInput[], outputs: readonly (string | undefined)[], wanted: readonly (string | undefined)[]): string[] {
  const notes: string[] = [];
  inputs.forEach((input, i) => {
    if (wanted[i]) notes.push(`note: ${input.file} -> ${outputs[i]} (${wanted[i]} is taken by another input of this run)`);
  });
  return notes;
}

/**
 * Cuts out every input into outDir (studio may be null when every input already failed). Progress goes to stderr: a bar when there is more than one
 * input and stderr is a terminal, else one line per finished file (unless json or lines: false);
 * failures always. With json, one JSON line per input goes to stdout, in input order.
 */
export async function runBatch(studio: Studio | null, inputs: readonly BatchInput[], opts: BatchOptions): Promise<BatchItemResult[]> {
  const todo = inputs.map((input, i) => ({ input, i })).filter((x) => !x.input.error);
  const allocated = allocateOutputs(todo.map((x) => x.input.file), opts.outDir, opts.ext);
  const outputs: (string | undefined)[] = inputs.map(() => undefined);
  const wanted: (string | undefined)[] = inputs.map(() => undefined);
  todo.forEach((x, j) => {
    outputs[x.i] = allocated[j]!.output;
    wanted[x.i] = allocated[j]!.wanted;
  });
  for (const note of renameNotes(inputs, outputs, wanted)) process.stderr.write(`${note}\n`);

  const showBar = inputs.length > 1 && process.stderr.isTTY === true;
  const showLines = !showBar && !opts.json && opts.lines !== false;
  const multibar = showBar
    ? new cliProgress.MultiBar(
        { format: ' {bar} {value}/{total} | {eta_formatted} left | {file}', hideCursor: true, clearOnComplete: true, etaBuffer: 4, stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const bar = multibar?.create(inputs.length, 0, { file: '' });
  const log = (text: string) => (multibar ? multibar.log(`${text}\n`) : process.stderr.write(`${text}\n`));

  const onSignal = (signal: NodeJS.Signals) => {
    for (const tmp of activeTemps) fs.rmSync(tmp, { force: true });
    multibar?.update();
    multibar?.stop();
    process.stderr.write(`\ninterrupted (${signal}); outputs written so far are complete.\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const results: (BatchItemResult | undefined)[] = inputs.map(() => undefined);
  let nextToEmit = 0;
  const finish = (i: number, item: BatchItemResult) => {
    results[i] = item;
    bar?.increment(1, { file: path.basename(item.file) });
    // Emit in input order, whatever order the images finish in.
    while (nextToEmit < results.length && results[nextToEmit]) {
      const r = results[nextToEmit++]!;
      if (opts.json) process.stdout.write(`${JSON.stringify(jsonLine(r))}\n`);
      if (r.error !== undefined) log(failureLine(r));
      else if (showLines) log(`${r.file} -> ${r.output} (${r.result!.image.width}x${r.result!.image.height}, ${formatMs(r.wallMs)}${joulesNote(r.result!)})`);
    }
  };

  let cursor = 0;
  const worker = async () => {
    for (let i = cursor++; i < inputs.length; i = cursor++) {
      const input = inputs[i]!;
      const start = performance.now();
      if (input.error) {
        finish(i, { file: input.file, error: input.error, wallMs: 0 });
        continue;
      }
      const output = outputs[i]!;
      try {
        if (!studio) throw new Error('runBatch: a studio is needed for inputs to cut out');
        const result = await opts.work(studio, input.file);
        await writeAtomic(output, result.image.data);
        finish(i, { file: input.file, output, result, wallMs: performance.now() - start });
      } catch (error) {
        finish(i, { file: input.file, output, error, wallMs: performance.now() - start });
      }
    }
  };
  try {
    const n = Math.max(1, Math.min(opts.concurrency ?? 2, inputs.length));
    await Promise.all(Array.from({ length: n }, worker));
  } finally {
    // stop() does not flush lines logged since the last redraw; a redraw does.
    multibar?.update();
    multibar?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return results as BatchItemResult[];
}
