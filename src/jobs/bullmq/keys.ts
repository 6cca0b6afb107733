/**
 * greenroom's own keys in Redis (BullMQ's are under `greenroom:bull:`). Only ids, states and small
 * metadata; never image bytes.
 *
 *   greenroom:job:<id>          hash: kind, spec, hasBackground, ext, state, cancel, total, done,
 *                               failed, cancelled, joules, co2e, createdAt, updatedAt, idem; with a
 *                               callback_url: hookUrl, hookState, hookAttempts, hookStatus,
 *                               hookError, hookNextAt, hookDeliveredAt, hookWorker
 *   greenroom:job:<id>:items    hash: index → the item as JSON (name, outName, state, runs,
 *                               worker, error, output, energyJ, startedAt, finishedAt)
 *   greenroom:idem:<sha256>     the job id an Idempotency-Key made
 *   greenroom:jobs              sorted set: job ids by creation time (retention)
 *   greenroom:enqueue           sorted set: jobs whose BullMQ items may not all be added yet
 *   greenroom:uploads           sorted set: uploads in progress by start time (a dead server's are swept)
 *   greenroom:webhooks          sorted set: jobs whose webhook came due and may not be in BullMQ yet
 *   greenroom:events            stream: item and state changes, written with them (SSE everywhere)
 *   greenroom:workers:done      hash: worker → items done;  greenroom:workers:failed likewise
 *   greenroom:stats             hash: itemMs (moving mean of item time, for Retry-After)
 */
import crypto from 'node:crypto';

export const K = {
  job: (id: string) => `greenroom:job:${id}`,
  items: (id: string) => `greenroom:job:${id}:items`,
  idem: (key: string) => `greenroom:idem:${crypto.createHash('sha256').update(key).digest('hex')}`,
  jobs: 'greenroom:jobs',
  enqueue: 'greenroom:enqueue',
  uploads: 'greenroom:uploads',
  events: 'greenroom:events',
  webhooks: 'greenroom:webhooks',
  workersDone: 'greenroom:workers:done',
  workersFailed: 'greenroom:workers:failed',
  stats: 'greenroom:stats',
} as const;

/** BullMQ job id of a job's webhook delivery, on the webhooks queue. */
export function webhookJobId(jobId: string): string {
  return `hook_${jobId}`;
}

/** BullMQ job id of an item (custom ids may not contain ':'). */
export function bullJobId(jobId: string, index: number): string {
  return `${jobId}_${index}`;
}
