/**
 * The embedded job queue: one process, SQLite for jobs and items, local files for inputs and
 * outputs, a worker loop with bounded concurrency. See docs/JOBS.md for the guarantees.
 *
 * @example
 * const queue = await openEmbeddedQueue({ studio, dataDir: config.dataDir, ...config.jobs });
 * const { id } = await queue.submit({ files: [{ name: 'mug.jpg', bytes }], spec: { background: 'white' } });
 * queue.subscribe(id, (e) => console.log(e));
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GreenroomError, isGreenroomError } from '../errors.ts';
import { FileStorage } from '../storage/file.ts';
import type { Storage } from '../storage/types.ts';
import { EXTENSIONS } from '../cli/names.ts';
import { JOB_ID_PATTERN, acquireLock, outputNames } from './files.ts';
import { runItem, type JobRunner } from './item.ts';
import { JOBS_PREFIX, jobPrefix, outputKey } from './keys.ts';
import { JobListeners } from './listeners.ts';
import { jobNotFound, positive, summarize } from './spec.ts';
import { JobStore, type ClaimedItem, type ItemChange } from './store.ts';
import type { JobEvent, JobQueue, JobState, JobStatus, JobUpload, QueueStats, SubmitRequest } from './types.ts';
import { StorageUpload, submitFiles, type StagedJob } from './upload.ts';
import { WebhookOutbox } from './webhook-outbox.ts';
import { zipFromStorage } from './zip.ts';
import { checkCallbackUrl } from '../webhooks/address.ts';
import { NO_WEBHOOKS, type WebhookSettings } from '../webhooks/types.ts';

export type { JobRunner } from './item.ts';
export { jobNotFound } from './spec.ts';

export interface EmbeddedQueueOptions {
  studio: JobRunner;
  /** The database and its lock live in `<dataDir>/jobs/`. */
  dataDir: string;
  /** Inputs and outputs (default: a folder storage on dataDir, so `<dataDir>/jobs/<id>/`). */
  storage?: Storage;
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
  /** Job webhooks (config.webhooks); without a secret, a callbackUrl is refused (WEBHOOKS_DISABLED). */
  webhooks?: WebhookSettings;
}

/** Seconds per item assumed for Retry-After before any item has finished. */
const DEFAULT_ITEM_SECONDS = 3;

export async function openEmbeddedQueue(options: EmbeddedQueueOptions): Promise<EmbeddedQueue> {
  const root = path.join(options.dataDir, 'jobs');
  await fsp.mkdir(root, { recursive: true });
  const now = options.now ?? Date.now;
  const unlock = acquireLock(root);
  let store: JobStore | undefined;
  try {
    store = new JobStore(path.join(root, 'jobs.sqlite'), now);
    const queue = new EmbeddedQueue(options, store, options.storage ?? new FileStorage(options.dataDir), now, unlock);
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
  readonly #storage: Storage;
  readonly #now: () => number;
  readonly #concurrency: number;
  readonly #maxQueued: number;
  readonly #retentionMs: number;
  readonly #sweepMs: number;
  readonly #unlock: () => void;
  readonly #webhooks: WebhookSettings;
  readonly #outbox: WebhookOutbox;
  readonly #listeners = new JobListeners((jobId, err) => warn(`a listener of job ${jobId}`, err));
  readonly #inFlight = new Set<Promise<void>>();
  #sweepTimer: NodeJS.Timeout | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(options: EmbeddedQueueOptions, store: JobStore, storage: Storage, now: () => number, unlock: () => void) {
    this.#unlock = unlock;
    this.#studio = options.studio;
    this.#store = store;
    this.#storage = storage;
    this.#now = now;
    this.#concurrency = positive(options.concurrency, 1, 'concurrency');
    this.#maxQueued = positive(options.maxQueuedItems, 10_000, 'maxQueuedItems');
    this.#retentionMs = positive(options.retentionHours, 168, 'retentionHours') * 3_600_000;
    this.#sweepMs = options.sweepIntervalMs ?? Math.min(3_600_000, Math.max(1000, this.#retentionMs / 4));
    this.#webhooks = options.webhooks ?? NO_WEBHOOKS;
    this.#outbox = new WebhookOutbox(store, this.#webhooks, now);
  }

  /** Recovers from a crash, applies retention, resumes the queue. */
  async start(): Promise<void> {
    const requeued = this.#store.recover();
    for (const id of requeued) await this.#storage.removePartial(jobPrefix(id));
    // Inputs without a row: an upload that never committed (a crash mid-upload), or a deletion after the rows went.
    const known = this.#store.allJobIds();
    for (const dir of await this.#storage.children(JOBS_PREFIX)) if (JOB_ID_PATTERN.test(dir) && !known.has(dir)) await this.#storage.deletePrefix(jobPrefix(dir));
    await this.sweep();
    this.#sweepTimer = setInterval(() => void this.sweep().catch((err) => warn('retention', err)), this.#sweepMs);
    this.#sweepTimer.unref();
    // Deliveries left pending by the last run (waiting for a retry, or cut short) resume.
    this.#outbox.wake();
    this.#pump();
  }

  async submit(req: SubmitRequest): Promise<{ id: string; created: boolean }> {
    this.#assertOpen();
    // Refused before any input is copied.
    if (req.callbackUrl !== undefined) await checkCallbackUrl(req.callbackUrl, this.#webhooks);
    return submitFiles(this, req);
  }

  upload(): JobUpload {
    this.#assertOpen();
    return new StorageUpload(this.#storage, (staged) => this.#commit(staged));
  }

  async findByIdempotencyKey(key: string): Promise<string | null> {
    return this.#store.findByIdempotencyKey(key);
  }

  async #commit(staged: StagedJob): Promise<{ id: string; created: boolean }> {
    this.#assertOpen();
    if (staged.idempotencyKey !== undefined) {
      const existing = this.#store.findByIdempotencyKey(staged.idempotencyKey);
      if (existing) return { id: existing, created: false };
    }
    const count = staged.names.length;
    const { queuedItems } = this.#store.depth();
    if (queuedItems + count > this.#maxQueued) {
      const retryAfterSeconds = this.#retryAfter(queuedItems);
      throw new GreenroomError(
        'QUEUE_FULL',
        count > this.#maxQueued
          ? `The job has ${count} images; the queue takes at most ${this.#maxQueued}. Split it into smaller jobs.`
          : `The queue holds ${queuedItems} images and takes at most ${this.#maxQueued}; retry in about ${retryAfterSeconds} s.`,
        { queuedItems, maxQueuedItems: this.#maxQueued, retryAfterSeconds },
      );
    }
    const callbackUrl = staged.callbackUrl === undefined ? undefined : await checkCallbackUrl(staged.callbackUrl, this.#webhooks);
    const outNames = outputNames(staged.names, staged.job.ext);
    const res = this.#store.insert({
      id: staged.id,
      kind: staged.job.kind,
      spec: JSON.stringify(staged.job.spec),
      hasBackground: staged.hasBackground,
      ...(staged.idempotencyKey !== undefined ? { idempotencyKey: staged.idempotencyKey } : {}),
      ...(callbackUrl !== undefined ? { callbackUrl } : {}),
      items: staged.names.map((name, i) => ({ name, outName: outNames[i]! })),
    });
    if (res.created) this.#pump();
    return res;
  }

  async get(id: string): Promise<JobStatus | null> {
    if (!JOB_ID_PATTERN.test(id)) return null;
    return this.#store.status(id);
  }

  subscribe(id: string, listener: (e: JobEvent) => void): () => void {
    return this.#listeners.subscribe(id, listener);
  }

  async openOutput(id: string, index: number): Promise<Readable | null> {
    if (!JOB_ID_PATTERN.test(id) || !Number.isInteger(index) || index < 0) return null;
    const done = this.#store.doneOutput(id, index);
    return done ? this.#storage.read(outputKey(id, index, extOfName(done.outName))) : null;
  }

  async zip(id: string): Promise<NodeJS.ReadableStream> {
    if (!JOB_ID_PATTERN.test(id) || !this.#store.exists(id)) throw jobNotFound(id);
    const entries = this.#store.doneOutputs(id).map((o) => ({ key: outputKey(id, o.index, extOfName(o.outName)), name: o.outName }));
    return zipFromStorage(this.#storage, entries);
  }

  async cancel(id: string): Promise<boolean> {
    if (!JOB_ID_PATTERN.test(id)) return false;
    const res = this.#store.cancel(id);
    if (!res) return false;
    for (const c of res.cancelled) this.#emit({ type: 'item', jobId: id, item: c.item, done: c.done, failed: c.failed, total: c.total });
    if (res.jobEnded) this.#ended(id, res.jobEnded);
    return true;
  }

  async depth(): Promise<{ queuedItems: number; runningItems: number }> {
    if (this.#closing) return { queuedItems: 0, runningItems: 0 };
    return this.#store.depth();
  }

  async stats(): Promise<QueueStats> {
    const d = await this.depth();
    return { items: { queued: d.queuedItems, running: d.runningItems } };
  }

  /** Deletes ended jobs older than the retention, rows first, then files. */
  async sweep(): Promise<number> {
    if (this.#closing) return 0;
    const ids = this.#store.expired(this.#now() - this.#retentionMs);
    if (ids.length === 0) return 0;
    this.#store.delete(ids);
    for (const id of ids) await this.#storage.deletePrefix(jobPrefix(id));
    return ids.length;
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing = true;
      clearInterval(this.#sweepTimer);
      while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      await this.#outbox.close();
      this.#listeners.clear();
      this.#store.close();
      await this.#storage.close();
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

  /** Runs one item (item.ts: output written whole to its key), then marks the row done (in that order: see docs/JOBS.md). */
  async #process(c: ClaimedItem): Promise<void> {
    let change: ItemChange;
    let recordEnergy: (() => Promise<void>) | undefined;
    try {
      const spec = JSON.parse(c.spec) as Record<string, unknown>;
      const result = await runItem(this.#storage, this.#studio, { jobId: c.jobId, index: c.index, name: c.name, kind: c.kind, spec, hasBackground: c.hasBackground });
      change = this.#store.completeItem(c.jobId, c.index, { ...result.output, joules: result.joules, co2eGrams: result.co2eGrams });
      recordEnergy = result.recordEnergy;
    } catch (err) {
      if (this.#closing && isGreenroomError(err, 'STUDIO_CLOSED')) {
        // Shutting down under the item: it runs again after the restart.
        this.#store.requeueItem(c.jobId, c.index);
        return;
      }
      change = this.#store.failItem(c.jobId, c.index, summarize(err));
    }
    this.#emit({ type: 'item', jobId: c.jobId, item: change.item, done: change.done, failed: change.failed, total: change.total });
    if (change.jobEnded) this.#ended(c.jobId, change.jobEnded);
    await recordEnergy?.();
  }

  /** A job ended: its listeners hear it, and its webhook (made due by the same transaction) is sent. */
  #ended(jobId: string, state: JobState): void {
    this.#emit({ type: 'state', jobId, state });
    this.#outbox.wake();
  }

  #emit(e: JobEvent): void {
    this.#listeners.emit(e);
  }
}

/** The extension of an output name (`mug.png` → `png`). */
function extOfName(outName: string): string {
  return path.extname(outName).slice(1) || EXTENSIONS.png;
}

function warn(what: string, err: unknown): void {
  process.emitWarning(`greenroom jobs: ${what}: ${err instanceof Error ? err.message : String(err)}`);
}
