/**
 * The fleet's JobQueue, as a server (or `greenroom batch`) sees it: jobs recorded in Redis
 * (store.ts), one BullMQ job per image on the `items` queue, inputs and outputs in the shared
 * Storage, progress from the events stream. It runs no item itself: `greenroom worker`
 * processes (worker.ts) do, on this machine or others.
 *
 * Submitting: inputs are streamed to storage (upload.ts), then one script records the job and
 * its items (and its Idempotency-Key) atomically, then the items are added to BullMQ with
 * deterministic ids (`<job>_<index>`). A crash between the record and the adding leaves the job
 * in `greenroom:enqueue`; any server's reconciler adds its items again after a few seconds
 * (adding an existing id is a no-op, and a worker skips an item already finished).
 *
 * @example
 * const queue = await openFleetQueue({ redisUrl: 'redis://127.0.0.1:6379', storage });
 * const { id } = await queue.submit({ files: [{ name: 'mug.jpg', bytes }] });
 */
import type { Readable } from 'node:stream';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { GreenroomError } from '../../errors.ts';
import type { Storage } from '../../storage/types.ts';
import { JOB_ID_PATTERN, outputNames } from '../files.ts';
import { jobPrefix, outputKey } from '../keys.ts';
import { jobNotFound, positive } from '../spec.ts';
import type { JobEvent, JobQueue, JobStatus, JobUpload, QueueStats, SubmitRequest } from '../types.ts';
import { StorageUpload, submitFiles, type StagedJob } from '../upload.ts';
import { zipFromStorage } from '../zip.ts';
import { connectRedis } from './connection.ts';
import { EventReader } from './events.ts';
import { K, bullJobId } from './keys.ts';
import { BACKOFF, BULL_PREFIX, KEEP_COMPLETED, KEEP_FAILED, QUEUE_NAME, type FleetSettings } from './settings.ts';
import { FleetStore } from './store.ts';
import { WebhookEnqueuer } from './webhooks.ts';
import { checkCallbackUrl } from '../../webhooks/address.ts';
import { NO_WEBHOOKS, type WebhookSettings } from '../../webhooks/types.ts';

export interface FleetQueueOptions {
  redisUrl: string;
  storage: Storage;
  settings: FleetSettings;
  /** Items waiting in Redis before submits get QUEUE_FULL (default 10000). */
  maxQueuedItems?: number;
  /** Ended jobs older than this are deleted, records and storage (default 168 h). */
  retentionHours?: number;
  /** How often retention and the enqueue reconciler run (default: a minute). */
  sweepIntervalMs?: number;
  /** A name for this process's Redis connections. */
  name?: string;
  now?: () => number;
  /** Job webhooks (config.webhooks): without a secret, a callbackUrl is refused (WEBHOOKS_DISABLED). Workers deliver them. */
  webhooks?: WebhookSettings;
}

const DEFAULT_ITEM_SECONDS = 3;
/** A job still in the enqueue set after this long lost its server between record and enqueue. */
const ENQUEUE_GRACE_MS = 10_000;
/** Uploads in progress for longer than this were abandoned (their server died mid-upload). */
const ORPHAN_MS = 3_600_000;

export async function openFleetQueue(options: FleetQueueOptions): Promise<FleetQueue> {
  const name = options.name ?? 'server';
  const client = connectRedis(options.redisUrl, 'client', name);
  const blocking = connectRedis(options.redisUrl, 'blocking', name);
  try {
    const queue = new FleetQueue(options, client, blocking);
    await queue.start();
    return queue;
  } catch (err) {
    client.disconnect();
    blocking.disconnect();
    throw new GreenroomError('QUEUE_UNAVAILABLE', `Cannot reach the job queue's Redis at ${redactUrl(options.redisUrl)} (${(err as Error).message}); check GREENROOM_REDIS_URL and that Redis runs.`, {}, { cause: err });
  }
}

export class FleetQueue implements JobQueue {
  readonly store: FleetStore;
  readonly bull: Queue;
  readonly #client: Redis;
  readonly #events: EventReader;
  readonly #storage: Storage;
  readonly #settings: FleetSettings;
  readonly #maxQueued: number;
  readonly #retentionMs: number;
  readonly #sweepMs: number;
  readonly #now: () => number;
  readonly #webhooks: WebhookSettings;
  readonly #hooks: WebhookEnqueuer;
  #timer: NodeJS.Timeout | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;

  constructor(options: FleetQueueOptions, client: Redis, blocking: Redis) {
    this.#client = client;
    // A cancel that ends a job makes its webhook due here.
    this.#hooks = new WebhookEnqueuer(client);
    this.store = new FleetStore(client, { onWebhookDue: (id) => this.#hooks.due(id) });
    this.#webhooks = options.webhooks ?? NO_WEBHOOKS;
    this.#events = new EventReader(blocking);
    this.#storage = options.storage;
    this.#settings = options.settings;
    this.#maxQueued = positive(options.maxQueuedItems, 10_000, 'maxQueuedItems');
    this.#retentionMs = positive(options.retentionHours, 168, 'retentionHours') * 3_600_000;
    this.#sweepMs = options.sweepIntervalMs ?? Math.min(60_000, Math.max(1000, this.#retentionMs / 4));
    this.#now = options.now ?? Date.now;
    this.bull = new Queue(QUEUE_NAME, { connection: client, prefix: BULL_PREFIX });
  }

  async start(): Promise<void> {
    await this.#client.ping();
    await this.#events.start();
    await this.reconcile();
    this.#timer = setInterval(() => void this.sweep().then(() => this.reconcile()).catch((err: unknown) => warn('retention', err)), this.#sweepMs);
    this.#timer.unref();
  }

  async submit(req: SubmitRequest): Promise<{ id: string; created: boolean }> {
    this.#assertOpen();
    // Refused before any input is copied.
    if (req.callbackUrl !== undefined) await checkCallbackUrl(req.callbackUrl, this.#webhooks);
    return submitFiles(this, req);
  }

  upload(): JobUpload {
    this.#assertOpen();
    return new StorageUpload(this.#storage, (staged) => this.#commit(staged), {
      started: (id) => this.#client.zadd(K.uploads, this.#now(), id),
      ended: (id) => this.#client.zrem(K.uploads, id),
    });
  }

  findByIdempotencyKey(key: string): Promise<string | null> {
    return unavailable(this.store.findByIdempotencyKey(key));
  }

  #commit(staged: StagedJob): Promise<{ id: string; created: boolean }> {
    return unavailable(this.#record(staged));
  }

  async #record(staged: StagedJob): Promise<{ id: string; created: boolean }> {
    this.#assertOpen();
    const count = staged.names.length;
    const queuedItems = await this.#waitingItems();
    if (queuedItems + count > this.#maxQueued) {
      const retryAfterSeconds = await this.#retryAfter(queuedItems);
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
    const res = await this.store.create({
      id: staged.id,
      kind: staged.job.kind,
      spec: JSON.stringify(staged.job.spec),
      hasBackground: staged.hasBackground,
      ext: staged.job.ext,
      now: this.#now(),
      ...(staged.idempotencyKey !== undefined ? { idempotencyKey: staged.idempotencyKey } : {}),
      ...(callbackUrl !== undefined ? { callbackUrl } : {}),
      items: staged.names.map((n, i) => [n, outNames[i]!]),
    });
    if (res.created) await this.#enqueue(res.id, staged.names.map((_, i) => i));
    return res;
  }

  /** Adds the items to BullMQ (ids are deterministic: adding twice is harmless), then clears the job's pending mark. */
  async #enqueue(id: string, indexes: number[]): Promise<void> {
    const opts = { attempts: this.#settings.attempts + 1, backoff: BACKOFF, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED };
    for (let i = 0; i < indexes.length; i += 500) {
      await this.bull.addBulk(indexes.slice(i, i + 500).map((index) => ({ name: 'item', data: { jobId: id, index }, opts: { ...opts, jobId: bullJobId(id, index) } })));
    }
    await this.#client.zrem(K.enqueue, id);
  }

  /** Enqueues the items of jobs whose server died between recording them and adding them to BullMQ. */
  async reconcile(): Promise<number> {
    if (this.#closing) return 0;
    const stale = await this.#client.zrangebyscore(K.enqueue, '-inf', this.#now() - ENQUEUE_GRACE_MS, 'LIMIT', 0, 100);
    for (const id of stale) await this.#enqueue(id, await this.store.unfinished(id));
    // Webhooks made due by a process that died before handing them to BullMQ.
    await this.#hooks.reconcile(this.#now());
    return stale.length;
  }

  async get(id: string): Promise<JobStatus | null> {
    if (!JOB_ID_PATTERN.test(id)) return null;
    return unavailable(this.store.status(id));
  }

  subscribe(id: string, listener: (e: JobEvent) => void): () => void {
    return this.#events.subscribe(id, listener);
  }

  async openOutput(id: string, index: number): Promise<Readable | null> {
    if (!JOB_ID_PATTERN.test(id) || !Number.isInteger(index) || index < 0) return null;
    const [item, ext] = await unavailable(Promise.all([this.store.item(id, index), this.store.ext(id)]));
    if (!item || item.state !== 'done' || !ext) return null;
    return this.#storage.read(outputKey(id, index, ext));
  }

  async zip(id: string): Promise<NodeJS.ReadableStream> {
    const status = JOB_ID_PATTERN.test(id) ? await unavailable(this.store.status(id)) : null;
    const ext = status ? await unavailable(this.store.ext(id)) : null;
    if (!status || !ext) throw jobNotFound(id);
    const entries = status.items.filter((i) => i.state === 'done' && i.output).map((i) => ({ key: outputKey(id, i.index, ext), name: i.output!.name, bytes: i.output!.bytes }));
    return zipFromStorage(this.#storage, entries);
  }

  async cancel(id: string): Promise<boolean> {
    if (!JOB_ID_PATTERN.test(id)) return false;
    const cancelled = await unavailable(this.store.cancel(id, this.#now()));
    if (!cancelled) return false;
    // Their BullMQ jobs would only be skipped by a worker; removing them keeps the queue's depth true.
    await Promise.all(cancelled.map((i) => this.bull.remove(bullJobId(id, i)).catch(() => 0)));
    return true;
  }

  async depth(): Promise<{ queuedItems: number; runningItems: number }> {
    const c = await this.bull.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
    return { queuedItems: (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0), runningItems: c.active ?? 0 };
  }

  async stats(): Promise<QueueStats> {
    const [items, workers, perWorker] = await Promise.all([
      this.bull.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'),
      this.bull.getWorkersCount(),
      this.store.perWorker(),
    ]);
    return { items, workers, perWorker };
  }

  /** Deletes ended jobs past the retention (records first, then storage) and uploads abandoned by a dead server. */
  async sweep(): Promise<number> {
    if (this.#closing) return 0;
    const ids = await this.store.expired(this.#now() - this.#retentionMs);
    for (const id of ids) {
      await this.store.delete(id);
      await this.#storage.deletePrefix(jobPrefix(id));
    }
    // Uploads started over an hour ago and never committed nor aborted: their server died.
    for (const id of await this.#client.zrangebyscore(K.uploads, '-inf', this.#now() - ORPHAN_MS, 'LIMIT', 0, 100)) {
      if (JOB_ID_PATTERN.test(id) && !(await this.store.exists(id))) await this.#storage.deletePrefix(jobPrefix(id));
      await this.#client.zrem(K.uploads, id);
    }
    return ids.length;
  }

  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#closing = true;
      clearInterval(this.#timer);
      await this.#events.close();
      await this.#hooks.close();
      await this.bull.close();
      this.#client.disconnect();
      await this.#storage.close();
    })();
    return this.#closed;
  }

  #assertOpen(): void {
    if (this.#closing) throw new GreenroomError('STUDIO_CLOSED', 'The job queue is closing; retry against the restarted server.');
  }

  async #waitingItems(): Promise<number> {
    const c = await this.bull.getJobCounts('waiting', 'prioritized', 'delayed');
    return (c.waiting ?? 0) + (c.prioritized ?? 0) + (c.delayed ?? 0);
  }

  async #retryAfter(queuedItems: number): Promise<number> {
    const perItem = ((await this.store.meanItemMs()) ?? DEFAULT_ITEM_SECONDS * 1000) / 1000;
    const workers = Math.max(1, await this.bull.getWorkersCount());
    return Math.max(1, Math.min(3600, Math.ceil((perItem * Math.max(1, queuedItems / 10)) / workers)));
  }
}

/** Redis errors (down, restarting, unreachable) as QUEUE_UNAVAILABLE (503), so a client knows to retry. */
async function unavailable<T>(p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    const e = err as { name?: string; code?: string; message?: string };
    if (e.name === 'MaxRetriesPerRequestError' || e.code === 'ECONNREFUSED' || /Connection is closed|ECONNREFUSED|ECONNRESET|LOADING/.test(e.message ?? '')) {
      throw new GreenroomError('QUEUE_UNAVAILABLE', 'The job queue (Redis) is unreachable or restarting; retry in a few seconds.', { retryAfterSeconds: 5 }, { cause: err });
    }
    throw err;
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

function warn(what: string, err: unknown): void {
  process.emitWarning(`greenroom fleet: ${what}: ${err instanceof Error ? err.message : String(err)}`);
}
