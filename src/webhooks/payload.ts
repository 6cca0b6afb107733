/**
 * What a job's webhook says: a summary, not the items (a 5,000-image job's items would make a
 * body of megabytes, and receivers cap bodies); the status link lists every item and output.
 * The body is built from the ended job's record, which no longer changes, so every try sends the
 * same bytes (only the timestamp header and the signature differ).
 *
 * {
 *   "type": "job.done",                       job.done | job.failed | job.cancelled
 *   "timestamp": "2026-12-06T22:14:03.120Z",  when the job ended
 *   "data": { "id", "state", "kind", "total", "done", "failed", "cancelled",
 *             "energy": { "joules", "co2eGrams" }, "createdAt", "endedAt", "idempotencyKey"?,
 *             "links": { "status", "results"?, "item" } }
 * }
 * Links are paths on the server the job was submitted to; `results` (the zip) only when an
 * output exists; `item` has `{index}` to fill in.
 */
import type { JobState, JobStatus } from '../jobs/types.ts';

export interface WebhookPayload {
  type: `job.${JobState}`;
  timestamp: string;
  data: {
    id: string;
    state: JobState;
    kind: JobStatus['kind'];
    total: number;
    done: number;
    failed: number;
    cancelled: number;
    energy: { joules: number; co2eGrams: number };
    createdAt: string;
    endedAt: string;
    idempotencyKey?: string;
    links: { status: string; results?: string; item: string };
  };
}

/** The event id of a job's end: stable, so every try carries the same `webhook-id`. */
export function webhookEventId(jobId: string): string {
  return `job_${jobId}_ended`;
}

export function webhookPayload(status: JobStatus): WebhookPayload {
  const base = `/v1/jobs/${status.id}`;
  return {
    type: `job.${status.state}`,
    timestamp: status.updatedAt,
    data: {
      id: status.id,
      state: status.state,
      kind: status.kind,
      total: status.total,
      done: status.done,
      failed: status.failed,
      cancelled: status.items.filter((i) => i.state === 'cancelled').length,
      energy: status.energy,
      createdAt: status.createdAt,
      endedAt: status.updatedAt,
      ...(status.idempotencyKey !== undefined ? { idempotencyKey: status.idempotencyKey } : {}),
      links: { status: base, ...(status.done > 0 ? { results: `${base}/results.zip` } : {}), item: `${base}/items/{index}` },
    },
  };
}
