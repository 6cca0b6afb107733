/**
 * A fleet worker: takes items from the BullMQ `items` queue (one image each), runs them with a
 * warm studio through the same code as the embedded queue (item.ts), and records each result
 * with one atomic script. `greenroom worker` runs one; `greenroom serve` runs one beside its
 * server unless started with --no-worker.
 *
 * Exactly one output per item, whatever dies: the output key is deterministic and written whole,
 * first writer wins (item.ts); the record is made once (scripts.ts COMPLETE returns 'again' for a
 * second completion, which adds nothing); the energy ledger line is appended only by the run
 * whose record was first. Lock, stall and attempt settings: settings.ts.
 *
 * @example
 * const worker = await startFleetWorker({ redisUrl, storage, studio, settings, name: 'host:pid' });
 * process.on('SIGTERM', () => worker.close()); // finishes the item in hand, takes no new one
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { isGreenroomError } from '../../errors.ts';
import type { Storage } from '../../storage/types.ts';
import { runItem, type JobRunner } from '../item.ts';
import { summarize } from '../spec.ts';
import { connectRedis } from './connection.ts';
import { BULL_PREFIX, KEEP_COMPLETED, KEEP_FAILED, QUEUE_NAME, type FleetSettings } from './settings.ts';
import { FleetStore } from './store.ts';
import { WebhookEnqueuer, startWebhookDeliverer, type WebhookDeliverer } from './webhooks.ts';
import type { WebhookSettings } from '../../webhooks/types.ts';

export interface FleetWorkerOptions {
  redisUrl: string;
  storage: Storage;
  studio: JobRunner;
  settings: FleetSettings;
  /** Shown in metrics and item records (default host:pid from the config). */
  name: string;
  /** Items at once in this process (default 1: inference already uses every core it is given). */
  concurrency?: number;
  /** Called when an item starts and ends (the CLI prints them). */
  onItem?: (e: { jobId: string; index: number; name: string; phase: 'start' | 'done' | 'failed' | 'skipped'; ms?: number; error?: string }) => void;
  now?: () => number;
  /** Job webhooks (config.webhooks): with a secret, this process also delivers them (bullmq/webhooks.ts). */
  webhooks?: WebhookSettings;
}

export interface FleetWorker {
  readonly name: string;
  /** Whether this process delivers webhooks (it has the signing secret). */
  readonly deliversWebhooks: boolean;
  /** Stops taking items, lets the ones in hand finish and be recorded, disconnects. */
  close(): Promise<void>;
}

/** Errors that say something about the image or spec: the same input fails the same way, so no retry. */
function isFinal(err: unknown): boolean {
  return isGreenroomError(err) && err.status < 500 && !isGreenroomError(err, 'QUEUE_UNAVAILABLE');
}

export async function startFleetWorker(options: FleetWorkerOptions): Promise<FleetWorker> {
  const { storage, studio, settings, name } = options;
  const now = options.now ?? Date.now;
  const redis: Redis = connectRedis(options.redisUrl, 'worker', name);
  // The item that ends a job makes its webhook due; this process hands it to the deliverers.
  const enqueuer = new WebhookEnqueuer(redis);
  const store = new FleetStore(redis, { onWebhookDue: (id) => enqueuer.due(id) });
  await redis.ping();

  const processor = async (job: Job<{ jobId: string; index: number }>): Promise<string> => {
    const { jobId, index } = job.data;
    const claim = await store.claim(jobId, index, name, now(), settings.attempts);
    if (claim.action !== 'run') {
      options.onItem?.({ jobId, index, name: '', phase: 'skipped' });
      return claim.action;
    }
    const started = performance.now();
    options.onItem?.({ jobId, index, name: claim.name, phase: 'start' });
    try {
      const result = await runItem(storage, studio, { jobId, index, name: claim.name, kind: claim.kind, spec: claim.spec, hasBackground: claim.hasBackground });
      const recorded = await store.complete(jobId, index, result.output, result.joules, result.co2eGrams, name, now());
      if (recorded === 'first') await result.recordEnergy();
      options.onItem?.({ jobId, index, name: claim.name, phase: 'done', ms: performance.now() - started });
      return recorded;
    } catch (err) {
      // The image's own fault, or the last allowed start: record the failure. Otherwise BullMQ retries later.
      if (isFinal(err) || claim.runs >= settings.attempts) {
        await store.fail(jobId, index, summarize(err), name, now());
        options.onItem?.({ jobId, index, name: claim.name, phase: 'failed', ms: performance.now() - started, error: summarize(err).code });
        return 'failed';
      }
      options.onItem?.({ jobId, index, name: claim.name, phase: 'failed', ms: performance.now() - started, error: `${summarize(err).code} (will retry)` });
      throw err instanceof Error ? err : new UnrecoverableError(String(err));
    }
  };

  const worker = new Worker(QUEUE_NAME, processor, {
    connection: redis,
    prefix: BULL_PREFIX,
    name,
    concurrency: options.concurrency ?? 1,
    lockDuration: settings.lockMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.attempts,
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
    autorun: false,
  });
  worker.on('error', (err) => process.emitWarning(`greenroom worker ${name}: ${err.message}`));
  void worker.run().catch((err: unknown) => process.emitWarning(`greenroom worker ${name} stopped: ${(err as Error).message}`));
  await worker.waitUntilReady();
  const webhooks = options.webhooks;
  let deliverer: WebhookDeliverer | undefined;
  try {
    if (webhooks?.secret) deliverer = await startWebhookDeliverer({ redis, store, enqueuer, webhooks, fleet: settings, name, now });
  } catch (err) {
    await worker.close();
    redis.disconnect();
    throw err;
  }

  let closed: Promise<void> | undefined;
  return {
    name,
    deliversWebhooks: deliverer !== undefined,
    close: () =>
      (closed ??= (async () => {
        await worker.close();
        await deliverer?.close();
        await enqueuer.close();
        redis.disconnect();
      })()),
  };
}
