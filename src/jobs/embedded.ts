/**
 * The embedded job queue: one process, SQLite for jobs and items, local files for inputs and
 * outputs, a worker loop with bounded concurrency. See docs/JOBS.md for the guarantees.
 *
 * @example
 * const queue = await openEmbeddedQueue({ studio, dataDir: config.dataDir, ...config.jobs });
 * const { id } = await queue.submit({ files: [{ name: 'mug.jpg', bytes }], spec: { background: 'white' } });
 * queue.subscribe(id, (e) => console.log(e));
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { GreenroomError, isGreenroomError } from '../errors.ts';
import { OUTPUT_FORMATS, type OutputFormat } from '../image/encode.ts';
import { parseCutoutOptions } from '../pipeline/cutout-options.ts';
import { backgroundShorthand, parseEditSpec } from '../pipeline/spec.ts';
import type { Studio } from '../studio.ts';
import { EXTENSIONS } from '../cli/names.ts';
import { JobFiles, JOB_ID_PATTERN, acquireLock, copyDurable, displayName, outputNames, writeDurable, zipStream } from './files.ts';
import { JobStore, type ClaimedItem, type ItemChange } from './store.ts';
import type { JobEvent, JobKind, JobQueue, JobStatus, SubmitRequest } from './types.ts';

/** What the queue needs of a Studio (tests wrap one to count runs). */
export type JobRunner = Pick<Studio, 'edit' | 'cutout'>;

export interface EmbeddedQueueOptions {
  studio: JobRunner;
  /** Jobs live in `<dataDir>/jobs/` (jobs.sqlite and one folder per job). */
  dataDir: string;
  /** Items processed at once (default 1: inference already uses every core). */
  concurrency?: number;
  /** Queued items accepted before submits get QUEUE_FULL (default 10000). */
  maxQueuedItems?: number;
  /** Ended jobs older than this are deleted, rows and files (default 168 h). */
  retentionHours?: number;
  /** How often retention runs after open (default: hourly, or a quarter of the retention if shorter). */
  sweepIntervalMs?: number;
  /** The clock, for tests of retention. */
  now?: () => number;
}

/** Seconds per item assumed for Retry-After before any item has finished. */
const DEFAULT_ITEM_SECONDS = 3;

export async function openEmbeddedQueue(options: EmbeddedQueueOptions): Promise<EmbeddedQueue> {
  const files = new JobFiles(options.dataDir);
  await fsp.mkdir(files.root, { recursive: true });
  const now = options.now ?? Date.now;
  const unlock = acquireLock(files.root);
  let store: JobStore | undefined;
  try {
    store = new JobStore(path.join(files.root, 'jobs.sqlite'), now);
    const queue = new EmbeddedQueue(options, store, files, now, unlock);
    await queue.start();
    return queue;
  } catch (err) {
    store?.close();
    unlock();
    throw err;
  }
}

export class EmbeddedQueue implements JobQueue {
  readonly #studio: JobRunner;
  readonly #store: JobStore;
  readonly #files: JobFiles;
  readonly #now: () => number;
  readonly #concurrency: number;
  readonly #maxQueued: number;
  readonly #retentionMs: number;
  readonly #sweepMs: number;
  readonly #unlock: () => void;
  readonly #listeners = new Map<string, Set<(e: JobEvent) => void>>();
  readonly #inFlight = new Set<Promise<void>>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(options: EmbeddedQueueOptions, store: JobStore, files: JobFiles, now: () => number, unlock: () => void) {
    this.#unlock = unlock;
    this.#studio = options.studio;
    this.#store = store;
    this.#files = files;
    this.#now = now;
    this.#concurrency = positive(options.concurrency, 1, 'concurrency');
    this.#maxQueued = positive(options.maxQueuedItems, 10_000, 'maxQueuedItems');
    this.#retentionMs = positive(options.retentionHours, 168, 'retentionHours') * 3_600_000;
    this.#sweepMs = options.sweepIntervalMs ?? Math.min(3_600_000, Math.max(1000, this.#retentionMs / 4));
  }

  /** Recovers from a crash, applies retention, resumes the queue. */
  async start(): Promise<void> {
    const requeued = this.#store.recover();
    for (const id of requeued) await this.#files.removeTemps(id);
    // Folders without a row: a submit that crashed before its rows were written, or a deletion after them.
    const known = this.#store.allJobIds();
    for (const dir of await this.#files.listJobDirs()) if (!known.has(dir)) await this.#files.removeJob(dir);
    await this.sweep();
    this.#sweepTimer = setInterval(() => void this.sweep().catch((err) => warn('retention', err)), this.#sweepMs);
    this.#sweepTimer.unref();
    this.#pump();
  }

  async submit(req: SubmitRequest): Promise<{ id: string; created: boolean }> {
    this.#assertOpen();
    const kind: JobKind = req.kind ?? 'edit';
    if (kind !== 'edit' && kind !== 'cutout') throw new GreenroomError('INVALID_OPTION', `kind: expected "edit" or "cutout"; got ${JSON.stringify(kind)}.`, { field: 'kind', expected: ['edit', 'cutout'], got: kind });
    if (req.idempotencyKey !== undefined && (req.idempotencyKey.length === 0 || req.idempotencyKey.length > 255)) {
      throw new GreenroomError('INVALID_OPTION', 'idempotencyKey: expected 1 to 255 characters.', { field: 'idempotencyKey' });
    }
    const { spec, background } = normaliseSpec(kind, req.spec);
    const format = validate(kind, spec, background);
    if (req.idempotencyKey !== undefined) {
      const existing = this.#store.findByIdempotencyKey(req.idempotencyKey);
      if (existing) return { id: existing, created: false };
    }
    if (req.files.length === 0) throw new GreenroomError('MISSING_IMAGE', 'A job needs at least one image: send one or more image_file parts.');
    const { queuedItems } = this.#store.depth();
    if (queuedItems + req.files.length > this.#maxQueued) {
      const retryAfterSeconds = this.#retryAfter(queuedItems);
      throw new GreenroomError(
        'QUEUE_FULL',
        req.files.length > this.#maxQueued
          ? `The job has ${req.files.length} images; the queue takes at most ${this.#maxQueued}. Split it into smaller jobs.`
          : `The queue holds ${queuedItems} images and takes at most ${this.#maxQueued}; retry in about ${retryAfterSeconds} s.`,
        { queuedItems, maxQueuedItems: this.#maxQueued, retryAfterSeconds },
      );
    }

    const id = crypto.randomUUID();
    const names = req.files.map((f) => displayName(f.name));
    const outNames = outputNames(names, EXTENSIONS[format]);
    try {
      await this.#files.createJobDirs(id);
      for (const [i, f] of req.files.entries()) {
        if ('bytes' in f) await writeDurable(this.#files.input(id, i), f.bytes);
        else await copyDurable(f.path, this.#files.input(id, i));
      }
      if (background) await writeDurable(this.#files.background(id), background);
      const res = this.#store.insert({
        id,
        kind,
        spec: JSON.stringify(spec),
        hasBackground: background !== undefined,
        ...(req.idempotencyKey !== undefined ? { idempotencyKey: req.idempotencyKey } : {}),
        items: names.map((name, i) => ({ name, outName: outNames[i]! })),
      });
      if (!res.created) await this.#files.removeJob(id);
      else this.#pump();
      return res;
    } catch (err) {
      await this.#files.removeJob(id);
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && 'path' in (err as object)) {
        throw new GreenroomError('INPUT_NOT_FOUND', `Cannot read an input: ${(err as Error).message}.`, {}, { cause: err });
      }
      throw err;
    }
  }

  async get(id: string): Promise<JobStatus | null> {
    if (!JOB_ID_PATTERN.test(id)) return null;
    return this.#store.status(id);
  }

  subscribe(id: string, listener: (e: JobEvent) => void): () => void {
    let set = this.#listeners.get(id);
    if (!set) this.#listeners.set(id, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(id) === set) this.#listeners.delete(id);
    };
  }

  async output(id: string, index: number): Promise<string | null> {
    if (!JOB_ID_PATTERN.test(id) || !Number.isInteger(index) || index < 0) return null;
    const done = this.#store.doneOutput(id, index);
    return done ? this.#files.output(id, index, done.outName) : null;
  }

  async zip(id: string): Promise<NodeJS.ReadableStream> {
    if (!JOB_ID_PATTERN.test(id) || !this.#store.exists(id)) throw jobNotFound(id);
    const entries = this.#store.doneOutputs(id).map((o) => ({ file: this.#files.output(id, o.index, o.outName), name: o.outName }));
    return zipStream(entries);
  }

  async cancel(id: string): Promise<boolean> {
    if (!JOB_ID_PATTERN.test(id)) return false;
    const res = this.#store.cancel(id);
    if (!res) return false;
    for (const c of res.cancelled) this.#emit({ type: 'item', jobId: id, item: c.item, done: c.done, failed: c.failed, total: c.total });
    if (res.jobEnded) this.#emit({ type: 'state', jobId: id, state: res.jobEnded });
    return true;
  }

  depth(): { queuedItems: number; runningItems: number } {
    if (this.#closing) return { queuedItems: 0, runningItems: 0 };
    return this.#store.depth();
  }

  /** Deletes ended jobs older than the retention, rows first, then files. */
  async sweep(): Promise<number> {
    if (this.#closing) return 0;
    const ids = this.#store.expired(this.#now() - this.#retentionMs);
    if (ids.length === 0) return 0;
    this.#store.delete(ids);
    for (const id of ids) await this.#files.removeJob(id);
    return ids.length;
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing = true;
      clearInterval(this.#sweepTimer);
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      this.#listeners.clear();
      this.#store.close();
      this.#unlock();
    })();
    return this.#closed;
  }

  #assertOpen(): void {
    if (this.#closing) throw new GreenroomError('STUDIO_CLOSED', 'The job queue is closing; retry against the restarted server.');
  }

  #retryAfter(queuedItems: number): number {
    const perItem = (this.#store.meanItemMs() ?? DEFAULT_ITEM_SECONDS * 1000) / 1000;
    // Time for a tenth of the queue to drain: long enough to matter, short enough to try again soon.
    return Math.max(1, Math.min(3600, Math.ceil((perItem * Math.max(1, queuedItems / 10)) / this.#concurrency)));
  }

  /** Starts queued items until `concurrency` are running. */
  #pump(): void {
    while (!this.#closing && this.#inFlight.size < this.#concurrency) {
      const claimed = this.#store.claimNext();
      if (!claimed) return;
      if (claimed.jobStarted) this.#emit({ type: 'state', jobId: claimed.jobId, state: 'running' });
      const run: Promise<void> = this.#process(claimed)
        .catch((err) => warn(`job ${claimed.jobId} item ${claimed.index}`, err))
        .finally(() => {
          this.#inFlight.delete(run);
          this.#pump();
        });
      this.#inFlight.add(run);
    }
  }

  /** Runs one item: studio, output written durably, then the row marked done (in that order: see docs/JOBS.md). */
  async #process(c: ClaimedItem): Promise<void> {
    let change: ItemChange;
    try {
      const spec = JSON.parse(c.spec) as Record<string, unknown>;
      if (c.hasBackground) {
        const bg = spec.background as Record<string, unknown>;
        spec.background = { ...bg, file: new Uint8Array(await fsp.readFile(this.#files.background(c.jobId))) };
      }
      const input = new Uint8Array(await fsp.readFile(this.#files.input(c.jobId, c.index)));
      const label = { operation: 'batch-item' as const, batchId: c.jobId, input: c.name };
      const result = c.kind === 'edit' ? await this.#studio.edit(input, spec, label) : await this.#studio.cutout(input, spec, label);
      await writeDurable(this.#outputPath(c), result.image.data);
      change = this.#store.completeItem(c.jobId, c.index, {
        bytes: result.image.data.byteLength,
        mime: result.image.mime,
        width: result.image.width,
        height: result.image.height,
        joules: result.energy?.joules ?? 0,
        co2eGrams: result.energy?.co2eGrams ?? 0,
      });
    } catch (err) {
      if (this.#closing && isGreenroomError(err, 'STUDIO_CLOSED')) {
        // Shutting down under the item: it runs again after the restart.
        this.#store.requeueItem(c.jobId, c.index);
        return;
      }
      change = this.#store.failItem(c.jobId, c.index, summarize(err));
    }
    this.#emit({ type: 'item', jobId: c.jobId, item: change.item, done: change.done, failed: change.failed, total: change.total });
    if (change.jobEnded) this.#emit({ type: 'state', jobId: c.jobId, state: change.jobEnded });
  }

  #outputPath(c: ClaimedItem): string {
    const ext = EXTENSIONS[formatOf(c.kind, JSON.parse(c.spec))];
    return this.#files.output(c.jobId, c.index, `x.${ext}`);
  }

  #emit(e: JobEvent): void {
    const set = this.#listeners.get(e.jobId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(e);
      } catch (err) {
        warn(`a listener of job ${e.jobId}`, err);
      }
    }
  }
}

/**
 * The spec as stored: JSON only. A background given as bytes is kept as a file of the job; a
 * background path is made absolute (so a resumed job finds it from any folder).
 */
function normaliseSpec(kind: JobKind, raw: unknown): { spec: Record<string, unknown>; background?: Uint8Array } {
  const input = raw ?? {};
  if (typeof input !== 'object' || Array.isArray(input)) throw new GreenroomError('INVALID_OPTION', 'spec: expected a JSON object.', { field: 'spec', expected: 'object', got: typeof input });
  const spec: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  if (kind !== 'edit') return { spec };
  const bg = typeof spec.background === 'string' ? backgroundShorthand(spec.background) : spec.background;
  if (bg && typeof bg === 'object' && (bg as Record<string, unknown>).type === 'image') {
    const file = (bg as Record<string, unknown>).file;
    if (file instanceof Uint8Array) {
      spec.background = { ...bg, file: '(uploaded)' };
      return { spec, background: file };
    }
    if (typeof file === 'string' && file.length > 0) spec.background = { ...bg, file: path.resolve(file) };
  }
  return { spec };
}

/** Validates the spec as the studio will (INVALID_OPTION naming the field) and returns the output format. */
function validate(kind: JobKind, spec: Record<string, unknown>, background: Uint8Array | undefined): OutputFormat {
  if (background) return parseEditSpec({ ...spec, background: { ...(spec.background as object), file: background } }).export.format;
  return formatOf(kind, spec);
}

function formatOf(kind: JobKind, spec: unknown): OutputFormat {
  const format = kind === 'edit' ? parseEditSpec(spec).export.format : parseCutoutOptions(spec).format;
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) throw new Error(`unexpected output format ${format}`);
  return format;
}

function summarize(err: unknown): { code: string; message: string } {
  if (isGreenroomError(err)) return { code: err.code, message: err.message };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  // Unexpected failures keep their message in the row but not their stack.
  return { code: typeof code === 'string' ? code : 'GREENROOM_ERR_UNEXPECTED', message: err instanceof Error ? err.message : String(err) };
}

export function jobNotFound(id: string): GreenroomError {
  return new GreenroomError('JOB_NOT_FOUND', `No job ${id}: check the id (finished jobs are deleted after the retention period).`, { id });
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new GreenroomError('INVALID_CONFIG', `${name} must be a positive number; got ${value}.`, { field: name });
  return value;
}

function warn(what: string, err: unknown): void {
  process.emitWarning(`greenroom jobs: ${what}: ${err instanceof Error ? err.message : String(err)}`);
}
