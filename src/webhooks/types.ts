/**
 * Job webhooks: what is configured, what a job records about its delivery, what one try returns.
 * The delivery machinery is per queue (src/jobs/webhook-outbox.ts for the embedded queue,
 * src/jobs/bullmq/webhooks.ts for a fleet); what a delivery sends and how is shared (this folder).
 */
import type { WebhookConfig } from '../config.ts';

/**
 * waiting: the job runs, nothing to send yet; pending: the job ended and the call is being tried
 * (or waits for its next try); delivered: a receiver answered 2xx; failed: given up (tries used
 * up, or the address became refused).
 */
export type WebhookState = 'waiting' | 'pending' | 'delivered' | 'failed';

/** A job's webhook as GET /v1/jobs/:id shows it. */
export interface WebhookStatus {
  url: string;
  state: WebhookState;
  /** Tries made so far (a try cut short by a crash counts). */
  attempts: number;
  /** The receiver's HTTP status at the last try, when it answered. */
  lastStatus?: number;
  /** Why the last try failed (HTTP status, timeout, connection error, refused address). */
  lastError?: string;
  /** When the next try is due (pending only). */
  nextAttemptAt?: string;
  deliveredAt?: string;
}

export type LookupFn = (host: string) => Promise<Array<{ address: string; family: number }>>;

/** The config's webhook settings, plus a DNS stand-in for tests. */
export interface WebhookSettings extends WebhookConfig {
  /** Replaces DNS (tests). */
  lookup?: LookupFn;
}

/** Webhooks off: what a queue uses when it is given no settings. */
export const NO_WEBHOOKS: WebhookSettings = Object.freeze({ allowPrivate: false, attempts: 10, backoffMs: 15_000, timeoutMs: 10_000 });

/** The outcome of one try. `final`: do not try again (the address is refused now). */
export type AttemptResult = { ok: true; status: number } | { ok: false; status?: number; error: string; final?: boolean };
