/**
 * The embedded queue's webhook deliveries. The record is the SQLite store's `webhooks` table: a
 * job's row becomes pending in the transaction that ends the job, and each try is recorded after
 * it is made, so a pending delivery survives a crash or a restart and is tried again from where
 * it stood (a try cut short by a crash is made again: receivers deduplicate on `webhook-id`).
 * Tries never hold up the queue: items keep running while a receiver is slow or down.
 */
import { retryDelayMs } from '../webhooks/retry.ts';
import { webhookEventId, webhookPayload } from '../webhooks/payload.ts';
import { sendWebhook } from '../webhooks/send.ts';
import type { WebhookSettings } from '../webhooks/types.ts';
import type { JobStore } from './store.ts';

/** Tries in flight at once (each is one HTTP request, mostly waiting). */
const CONCURRENCY = 4;

export class WebhookOutbox {
  readonly #store: JobStore;
  readonly #settings: WebhookSettings;
  readonly #now: () => number;
  readonly #inFlight = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(store: JobStore, settings: WebhookSettings, now: () => number) {
    this.#store = store;
    this.#settings = settings;
    this.#now = now;
  }

  /** Sends what is due now and schedules the next due try (call after a job ends, and at start). */
  wake(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = this.#now();
    const free = CONCURRENCY - this.#inFlight.size;
    if (free > 0) {
      for (const due of this.#store.dueWebhooks(now, free + this.#inFlight.size)) {
        if (this.#inFlight.size >= CONCURRENCY) break;
        if (this.#inFlight.has(due.jobId)) continue;
        const run = this.#try(due.jobId, due.url, due.attempts + 1).finally(() => {
          this.#inFlight.delete(due.jobId);
          this.wake();
        });
        this.#inFlight.set(due.jobId, run);
      }
    }
    if (this.#inFlight.size >= CONCURRENCY) return; // a finishing try wakes us
    const next = this.#store.nextWebhookAt();
    if (next === null) return;
    // Rows in flight are pending with a due time in the past: their end wakes us, so wait at least a moment.
    const wait = Math.min(2_147_483_647, Math.max(next - now, this.#inFlight.size > 0 ? 1000 : 0));
    this.#timer = setTimeout(() => this.wake(), wait);
    this.#timer.unref();
  }

  /** Stops scheduling and waits for the tries in flight to be recorded (each is bounded by the timeout). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight.values()]);
  }

  async #try(jobId: string, url: string, attempt: number): Promise<void> {
    const status = this.#store.status(jobId);
    if (!status) return;
    const result = await sendWebhook({ url, eventId: webhookEventId(jobId), body: JSON.stringify(webhookPayload(status)) }, this.#settings, this.#now);
    const retry = !result.ok && !result.final && attempt < this.#settings.attempts;
    this.#store.recordWebhookAttempt(jobId, result, retry ? this.#now() + retryDelayMs(attempt, this.#settings.backoffMs) : undefined);
  }
}
