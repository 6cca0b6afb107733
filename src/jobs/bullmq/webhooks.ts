/**
 * A fleet's webhook deliveries: one BullMQ job per delivery, id `hook_<job>` on the `webhooks`
 * queue, run by the deliverers that `greenroom worker` processes (and `serve` with its worker)
 * start beside their item worker. Sent once per job, whichever processes run:
 *
 * - The script that ends a job makes its delivery due atomically (scripts.ts: hookState pending,
 *   the id in `greenroom:webhooks`) and tells its caller, which adds the BullMQ job at once (a
 *   deterministic id: adding twice is one job) and then takes the id out of the set. A process
 *   that dies in between leaves the id in the set; any server's or deliverer's reconcile adds it
 *   after a few seconds.
 * - A try is claimed in the job's hash (webhook-scripts.ts: the count goes up before the try) and
 *   recorded after; a delivery already delivered or given up is skipped, so a BullMQ job run
 *   twice, or added again later, sends nothing more.
 * - A deliverer that dies mid-try loses its BullMQ lock; BullMQ's stall check gives the delivery
 *   to another deliverer, whose claim counts a new try. The receiver may then see the same
 *   `webhook-id` twice (the first try may have reached it): it deduplicates on that id.
 * - Failed tries are retried by BullMQ after retryDelayMs (the same schedule as the embedded
 *   queue); greenroom's own count in the hash decides when to give up.
 */
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { webhookEventId, webhookPayload } from '../../webhooks/payload.ts';
import { retryDelayMs } from '../../webhooks/retry.ts';
import { sendWebhook } from '../../webhooks/send.ts';
import type { WebhookSettings } from '../../webhooks/types.ts';
import { K, webhookJobId } from './keys.ts';
import { BULL_PREFIX, KEEP_COMPLETED, KEEP_FAILED, type FleetSettings } from './settings.ts';
import type { FleetStore } from './store.ts';

export const WEBHOOK_QUEUE = 'webhooks';
/** BullMQ's own limits are only a backstop: greenroom's count (at most 30 tries) decides. */
const BULL_ATTEMPTS = 40;
const BACKOFF_TYPE = 'greenroom-webhook';
/** A due delivery still in the set after this long lost its process before reaching BullMQ. */
const ENQUEUE_GRACE_MS = 10_000;
/** Tries in flight per deliverer. */
const CONCURRENCY = 4;

/** A failed try that BullMQ should run again after `delayMs`. */
class RetryLater extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryLater';
  }
}

/** Puts due deliveries on the BullMQ `webhooks` queue. */
export class WebhookEnqueuer {
  readonly #redis: Redis;
  readonly #queue: Queue;
  readonly #pending = new Set<Promise<void>>();

  constructor(redis: Redis) {
    this.#redis = redis;
    this.#queue = new Queue(WEBHOOK_QUEUE, { connection: redis, prefix: BULL_PREFIX });
  }

  /** A script said the job's delivery came due: enqueue now (reconcile covers a failure). */
  due(jobId: string): void {
    const p: Promise<void> = this.enqueue(jobId)
      .catch((err: unknown) => process.emitWarning(`greenroom fleet: queueing the webhook of job ${jobId}: ${(err as Error).message}; retried within a minute`))
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  async enqueue(jobId: string): Promise<void> {
    await this.#queue.add(
      'deliver',
      { jobId },
      { jobId: webhookJobId(jobId), attempts: BULL_ATTEMPTS, backoff: { type: BACKOFF_TYPE, delay: 0 }, removeOnComplete: KEEP_COMPLETED, removeOnFail: KEEP_FAILED },
    );
    await this.#redis.zrem(K.webhooks, jobId);
  }

  /** Enqueues deliveries made due by a process that died before enqueueing them. */
  async reconcile(now: number): Promise<number> {
    const stale = await this.#redis.zrangebyscore(K.webhooks, '-inf', now - ENQUEUE_GRACE_MS, 'LIMIT', 0, 100);
    for (const id of stale) await this.enqueue(id);
    return stale.length;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#pending]);
    await this.#queue.close();
  }
}

export interface WebhookDelivererOptions {
  /** A connection with maxRetriesPerRequest null (a worker's). */
  redis: Redis;
  store: FleetStore;
  enqueuer: WebhookEnqueuer;
  webhooks: WebhookSettings;
  fleet: FleetSettings;
  name: string;
  now?: () => number;
}

export interface WebhookDeliverer {
  close(): Promise<void>;
}

/** Runs deliveries from the `webhooks` queue (a process with the signing secret only). */
export async function startWebhookDeliverer(options: WebhookDelivererOptions): Promise<WebhookDeliverer> {
  const { store, enqueuer, webhooks, fleet, name } = options;
  const now = options.now ?? Date.now;

  const processor = async (job: Job<{ jobId: string }>): Promise<string> => {
    const { jobId } = job.data;
    const claim = await store.claimWebhook(jobId, name, now(), webhooks.attempts);
    if (claim.action !== 'send') return claim.action;
    const status = await store.status(jobId);
    if (!status) return 'gone';
    const result = await sendWebhook({ url: claim.url, eventId: webhookEventId(jobId), body: JSON.stringify(webhookPayload(status)) }, webhooks, now);
    if (result.ok) {
      await store.recordWebhook(jobId, claim.attempt, 'delivered', result, now());
      return 'delivered';
    }
    const retry = !result.final && claim.attempt < webhooks.attempts;
    const delayMs = retryDelayMs(claim.attempt, webhooks.backoffMs);
    await store.recordWebhook(jobId, claim.attempt, retry ? 'retry' : 'failed', result, now(), now() + delayMs);
    if (!retry) return 'failed';
    throw new RetryLater(delayMs, result.error);
  };

  const worker = new Worker(WEBHOOK_QUEUE, processor, {
    connection: options.redis,
    prefix: BULL_PREFIX,
    name,
    concurrency: CONCURRENCY,
    // Deliveries are rare: block longer between idle polls (a new delivery still wakes it at once).
    // The deliverer's idle cost, measured: 2.1 Redis commands/s at BullMQ's default 5 s, 1.3 at 10 s
    // (an item worker alone: 2.1).
    drainDelay: 10,
    lockDuration: fleet.lockMs,
    stalledInterval: fleet.stalledIntervalMs,
    // Stalls are counted by greenroom's claim (each restart is a try); BullMQ must not fail the job first.
    maxStalledCount: BULL_ATTEMPTS,
    settings: { backoffStrategy: (_attempts: number, _type?: string, err?: Error) => (err instanceof RetryLater ? err.delayMs : webhooks.backoffMs) },
    autorun: false,
  });
  worker.on('error', (err) => process.emitWarning(`greenroom webhooks ${name}: ${err.message}`));
  void worker.run().catch((err: unknown) => process.emitWarning(`greenroom webhooks ${name} stopped: ${(err as Error).message}`));
  await worker.waitUntilReady();
  const timer = setInterval(() => void enqueuer.reconcile(now()).catch((err: unknown) => process.emitWarning(`greenroom webhooks ${name}: reconcile: ${(err as Error).message}`)), Math.max(5000, fleet.lockMs));
  timer.unref();

  let closed: Promise<void> | undefined;
  return {
    close: () =>
      (closed ??= (async () => {
        clearInterval(timer);
        await worker.close();
      })()),
  };
}
