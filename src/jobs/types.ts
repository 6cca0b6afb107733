/**
 * The job queue's interface: batches of images with one spec, processed in the background.
 * The embedded queue (embedded.ts: SQLite and local files) implements it; a Redis/BullMQ
 * adapter can implement the same interface when one machine is not enough.
 */

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
}

export type JobEvent =
  | { type: 'item'; jobId: string; item: JobItem; done: number; failed: number; total: number }
  | { type: 'state'; jobId: string; state: JobState };

/** One input: its bytes, or (for local callers such as the CLI) a file the queue copies in. */
export type SubmitFile = { name: string; bytes: Uint8Array } | { name: string; path: string };

export interface SubmitRequest {
  files: SubmitFile[];
  /** Default 'edit'. */
  kind?: JobKind;
  /** An EditSpecInput (kind edit) or CutoutOptionsInput (kind cutout); validated before anything is stored. */
  spec?: unknown;
  /** The same key returns the same job (created: false) without storing anything. */
  idempotencyKey?: string;
}

export interface JobQueue {
  /**
   * Validates the spec (INVALID_OPTION naming the field), then stores the job. MISSING_IMAGE
   * without files; QUEUE_FULL (details.retryAfterSeconds) when the queued items would exceed
   * the capacity.
   */
  submit(req: SubmitRequest): Promise<{ id: string; created: boolean }>;
  get(id: string): Promise<JobStatus | null>;
  /** Events of one job as they happen; returns the unsubscribe function. */
  subscribe(id: string, listener: (e: JobEvent) => void): () => void;
  /** Path of a finished item's output file. */
  output(id: string, index: number): Promise<string | null>;
  /** A zip of every finished output (safe, unique names inside), as a stream. JOB_NOT_FOUND for an unknown job. */
  zip(id: string): Promise<NodeJS.ReadableStream>;
  /** Queued items become cancelled; running items finish. False when the job is unknown or already ended. */
  cancel(id: string): Promise<boolean>;
  depth(): { queuedItems: number; runningItems: number };
  /** Stops taking items, waits for the running ones to be recorded, closes storage. */
  close(): Promise<void>;
}
