/**
 * The job queue's interface: batches of images with one spec, processed in the background.
 * Two implementations: the embedded queue (embedded.ts: SQLite, one process) and the fleet
 * (bullmq/queue.ts: BullMQ on Redis, any number of `greenroom worker` processes). Both keep
 * inputs and outputs in a Storage (src/storage: a folder or an S3 bucket) and run items with
 * the same code (item.ts).
 */
import type { Readable } from 'node:stream';
import type { WebhookStatus } from '../webhooks/types.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
export type JobKind = 'edit' | 'cutout';

/** States a job or an item never leaves. */
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled']);

export interface JobItemOutput {
  /** A safe file name, unique within the job (the name used in the zip and for downloads). */
  name: string;
  bytes: number;
  mime: string;
  width: number;
  height: number;
}

export interface JobItem {
  index: number;
  /** The client's file name without folders or control characters (for display only). */
  name: string;
  state: JobState;
  error?: { code: string; message: string };
  output?: JobItemOutput;
  /** Joules this item took, from its energy receipt. */
  energyJ?: number;
  /** 0 (sure) .. 1 (unsure): the cutout's uncertainty score, when the network ran. */
  uncertainty?: number;
  /** Fleet: the worker that finished (or last ran) the item, `host:pid` unless named. */
  worker?: string;
}

export interface JobStatus {
  id: string;
  /**
   * queued: nothing started; running: items in progress; done: every item finished and at least
   * one succeeded; failed: every item failed; cancelled: cancelled before every item finished.
   */
  state: JobState;
  kind: JobKind;
  createdAt: string;
  updatedAt: string;
  total: number;
  done: number;
  failed: number;
  items: JobItem[];
  /** Sum over the job's finished items. */
  energy: { joules: number; co2eGrams: number };
  idempotencyKey?: string;
  /** The job's callback, when it was submitted with one (docs/API.md, "Webhooks"). */
  webhook?: WebhookStatus;
}

export type JobEvent =
  | { type: 'item'; jobId: string; item: JobItem; done: number; failed: number; total: number }
  | { type: 'state'; jobId: string; state: JobState };

/** One input: its bytes, a stream, or (for local callers such as the CLI) a file the queue copies in. */
export type SubmitFile = { name: string; bytes: Uint8Array } | { name: string; path: string } | { name: string; stream: Readable };

/** What a job is made of besides its inputs. */
export interface JobOptions {
  /** Default 'edit'. */
  kind?: JobKind;
  /**
   * An EditSpecInput (kind edit) or CutoutOptionsInput (kind cutout); validated before anything
   * is visible. An uploaded background is given to JobUpload.setBackground, not here.
   */
  spec?: unknown;
  /** The same key returns the same job (created: false) without storing anything. */
  idempotencyKey?: string;
  /**
   * Called (a signed POST) once when the job ends; checked at commit: WEBHOOKS_DISABLED when the
   * queue has no secret, URL_NOT_ALLOWED for a refused address.
   */
  callbackUrl?: string;
}

/**
 * A job being uploaded: inputs are written to storage one by one as they arrive (an HTTP body
 * is read part by part, never held whole), and nothing is visible until commit.
 */
export interface JobUpload {
  readonly id: string;
  /** Inputs added so far. */
  readonly count: number;
  /** Writes the next input (index = order of calls) to storage; UPLOAD_TOO_LARGE past maxBytes. */
  addFile(name: string, data: Readable | Uint8Array, options?: { maxBytes?: number }): Promise<void>;
  /** Writes the edit's background image. */
  setBackground(data: Readable | Uint8Array, options?: { maxBytes?: number }): Promise<void>;
  /**
   * Validates the spec, then makes the job visible and queues its items; when the idempotency
   * key is taken, deletes what was uploaded and returns that job (created: false).
   */
  commit(options: JobOptions): Promise<{ id: string; created: boolean }>;
  /** Deletes what was uploaded (a failed or abandoned upload). */
  abort(): Promise<void>;
}

/** Counts for /metrics. */
export interface QueueStats {
  /** Items by state: embedded queued/running; fleet BullMQ's waiting, active, delayed, completed, failed... */
  items: Record<string, number>;
  /** Fleet: worker processes connected to Redis now. */
  workers?: number;
  /** Fleet: items finished per worker, by outcome, since the Redis started keeping them. */
  perWorker?: { worker: string; done: number; failed: number }[];
}

export interface SubmitRequest extends JobOptions {
  files: SubmitFile[];
}

export interface JobQueue {
  /**
   * Validates the spec (INVALID_OPTION naming the field), then stores the job. MISSING_IMAGE
   * without files; QUEUE_FULL (details.retryAfterSeconds) when the queued items would exceed
   * the capacity.
   */
  submit(req: SubmitRequest): Promise<{ id: string; created: boolean }>;
  /** Starts a job whose inputs are streamed in (see JobUpload); submit is upload + addFile... + commit. */
  upload(): JobUpload;
  /** The job that an idempotency key made, if any (lets a server skip storing a repeated upload). */
  findByIdempotencyKey(key: string): Promise<string | null>;
  get(id: string): Promise<JobStatus | null>;
  /** Events of one job as they happen; returns the unsubscribe function. */
  subscribe(id: string, listener: (e: JobEvent) => void): () => void;
  /** A finished item's output as a stream, or null. */
  openOutput(id: string, index: number): Promise<Readable | null>;
  /** A zip of every finished output (safe, unique names inside), as a stream. JOB_NOT_FOUND for an unknown job. */
  zip(id: string): Promise<NodeJS.ReadableStream>;
  /** Queued items become cancelled; running items finish. False when the job is unknown or already ended. */
  cancel(id: string): Promise<boolean>;
  depth(): Promise<{ queuedItems: number; runningItems: number }>;
  stats(): Promise<QueueStats>;
  /** Stops taking items, waits for the running ones to be recorded, closes storage. */
  close(): Promise<void>;
}
