/**
 * The fleet's BullMQ settings, chosen on purpose (docs/DEPLOY.md explains them to operators).
 *
 * - lockDuration 30 s (renewed every 15 s by the worker's timer). Inference runs in a worker
 *   thread, but decode, refine and encode hold a worker's main thread for up to about 1 s on a
 *   12 MP photo, and a busy machine can delay timers more: 30 s is 30x the longest block, so a
 *   live worker never loses its lock; a dead one's item is free 30 s after its last renewal.
 * - stalledInterval 15 s: every worker checks this often for items whose lock expired and puts
 *   them back in the queue. A killed worker's item restarts 30 to 45 s after the kill.
 * - attempts 3: an item may start at most 3 times. Every start counts (a crash of the worker, or
 *   a transient failure such as storage being unreachable); an image that fails on its merits
 *   (corrupt, too large, no subject) fails at once and is not retried: the same bytes fail the
 *   same way. The 4th start of an item, if BullMQ makes one, fails it with WORKER_DIED instead of
 *   running it: a photo that kills every worker that opens it stops after 3 workers.
 * - maxStalledCount = attempts, so BullMQ itself restarts a stalled item as often as greenroom
 *   allows, and greenroom's own count (kept with the item in Redis) decides and records why.
 * - BullMQ's own attempts = attempts + 1 with exponential backoff from 2 s: a transient failure is
 *   retried later by BullMQ, and greenroom fails the item at its last allowed start.
 */
import type { JobsConfig } from '../../config.ts';

export interface FleetSettings {
  lockMs: number;
  stalledIntervalMs: number;
  attempts: number;
}

export function fleetSettings(jobs: Pick<JobsConfig, 'lockMs' | 'stalledIntervalMs' | 'attempts'>): FleetSettings {
  return { lockMs: jobs.lockMs, stalledIntervalMs: jobs.stalledIntervalMs, attempts: jobs.attempts };
}

/** The BullMQ queue of items, and the prefix of every key greenroom and BullMQ keep in Redis. */
export const QUEUE_NAME = 'items';
export const BULL_PREFIX = 'greenroom:bull';

/** Backoff before BullMQ retries an item after a transient failure. */
export const BACKOFF = { type: 'exponential', delay: 2000 } as const;

/** Finished BullMQ jobs kept for inspection (greenroom's own record of each item is in its job hash). */
export const KEEP_COMPLETED = { age: 3600, count: 10_000 } as const;
export const KEEP_FAILED = { age: 7 * 24 * 3600, count: 10_000 } as const;
