/**
 * The pixel pool: worker threads, one per core by default, that run greenroom's per-pixel stages
 * (src/pixels/tasks.ts) so the main thread only orchestrates: a server keeps answering while a
 * 12 MP photo is refined, and while the network runs one photo the pool refines another.
 *
 * One way in: `pool.run(task, input)`. Big arrays should live on shared memory (transfer.ts), so
 * they cross for free; a task's other output buffers are transferred back, never copied. A worker
 * that dies fails only the task it ran and is replaced.
 */
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { GreenroomError } from '../errors.ts';
import type { StageControl } from '../pipeline/stages.ts';
import { startModuleWorker } from './spawn.ts';
import { copiedBytes, deserializeError, type SerializedError } from './transfer.ts';
import type { PixelTaskInput, PixelTaskName, PixelTaskOutput } from './tasks.ts';

export interface PixelRunOptions {
  /** Input buffers handed over to the worker (unusable by the caller afterwards). */
  transfer?: ArrayBuffer[];
  /** The stage this work belongs to: it records that it ran in the pool. */
  control?: StageControl;
  /** Replace the worker after this task, returning the memory it grew (WebAssembly keeps its heap). */
  retire?: boolean;
}

/** What the pipeline needs of a pool: run a named pixel task off the main thread. */
export interface PixelRunner {
  /** How many tasks run at once: what a stage splits its work into. */
  readonly parallelism: number;
  run<K extends PixelTaskName>(task: K, input: PixelTaskInput<K>, options?: PixelRunOptions): Promise<PixelTaskOutput<K>>;
}

export interface PixelPoolStats {
  workers: number;
  busy: number;
  queued: number;
  /** Tasks finished, by name. */
  done: Record<string, number>;
  /** Bytes structured-cloned into workers (inputs neither shared nor transferred): should stay small. */
  copiedBytes: number;
  /** Workers replaced after dying. */
  restarts: number;
  /** Workers replaced on purpose after a task that asked to retire them. */
  retired: number;
}

export type WorkerRequest = { id: number; task: PixelTaskName; input: unknown };
export type WorkerReply = { id: number; ok: true; output: unknown } | { id: number; ok: false; error: SerializedError };

interface Job {
  id: number;
  task: PixelTaskName;
  input: unknown;
  transfer: ArrayBuffer[];
  retire: boolean;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker;
  job: Job | undefined;
}

export class PixelPool implements PixelRunner {
  readonly size: number;
  readonly #slots: Slot[] = [];
  readonly #queue: Job[] = [];
  readonly #done: Record<string, number> = {};
  #nextId = 1;
  #copied = 0;
  #restarts = 0;
  #retired = 0;
  #closed = false;

  get parallelism(): number {
    return this.size;
  }

  /** @param size worker threads (default: the machine's cores) */
  constructor(size = os.availableParallelism()) {
    this.size = Math.max(1, Math.floor(size));
    for (let i = 0; i < this.size; i++) this.#slots.push(this.#spawn());
  }

  run<K extends PixelTaskName>(task: K, input: PixelTaskInput<K>, options: PixelRunOptions = {}): Promise<PixelTaskOutput<K>> {
    if (this.#closed) return Promise.reject(new GreenroomError('STUDIO_CLOSED', 'The pixel pool was closed; open a new studio.'));
    options.control?.ranOn('pool');
    const transfer = options.transfer ?? [];
    this.#copied += copiedBytes(input, transfer);
    return new Promise<PixelTaskOutput<K>>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, task, input, transfer, retire: options.retire === true, resolve: resolve as (v: unknown) => void, reject });
      this.#pump();
    });
  }

  /** Resolves when every worker has loaded its code (each answers a ping). */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map(() => this.run('ping', {})));
  }

  stats(): PixelPoolStats {
    return { workers: this.size, busy: this.#slots.filter((s) => s.job).length, queued: this.#queue.length, done: { ...this.#done }, copiedBytes: this.#copied, restarts: this.#restarts, retired: this.#retired };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new GreenroomError('STUDIO_CLOSED', 'The pixel pool was closed before this task ran.'));
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #spawn(): Slot {
    const worker = startModuleWorker(new URL('./worker', import.meta.url));
    // An idle pool must not keep a CLI or a test alive.
    worker.unref();
    const slot: Slot = { worker, job: undefined };
    worker.on('message', (reply: WorkerReply) => {
      const job = slot.job;
      if (!job || job.id !== reply.id) return;
      slot.job = undefined;
      if (reply.ok) {
        this.#done[job.task] = (this.#done[job.task] ?? 0) + 1;
        job.resolve(reply.output);
      } else job.reject(deserializeError(reply.error, job.task));
      if (job.retire && !this.#closed) this.#replace(slot);
      this.#pump();
    });
    const died = (err: Error) => {
      const i = this.#slots.indexOf(slot);
      if (i < 0) return;
      slot.job?.reject(new Error(`pixel worker died running ${slot.job.task}: ${err.message}`));
      slot.job = undefined;
      if (this.#closed) return;
      this.#restarts++;
      this.#slots[i] = this.#spawn();
      this.#pump();
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(new Error(`exit code ${code}`)));
    return slot;
  }

  /** A fresh worker in the slot's place; the old one is terminated (its memory returned). */
  #replace(slot: Slot): void {
    const i = this.#slots.indexOf(slot);
    if (i < 0) return;
    this.#retired++;
    this.#slots[i] = this.#spawn();
    void slot.worker.terminate();
  }

  #pump(): void {
    for (const slot of this.#slots) {
      if (slot.job) continue;
      const job = this.#queue.shift();
      if (!job) return;
      slot.job = job;
      // A busy worker keeps the process alive until its task ends.
      slot.worker.ref();
      const settle = () => slot.worker.unref();
      const { resolve, reject } = job;
      job.resolve = (v) => (settle(), resolve(v));
      job.reject = (e) => (settle(), reject(e));
      try {
        slot.worker.postMessage({ id: job.id, task: job.task, input: job.input } satisfies WorkerRequest, job.transfer);
      } catch (err) {
        slot.job = undefined;
        job.reject(err as Error);
      }
    }
  }
}
