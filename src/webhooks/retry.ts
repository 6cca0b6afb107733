/**
 * When to try a webhook again: the configured wait after the first failed try, doubled after
 * each (15 s, 30 s, 1 min... by default: 10 tries span about 2 hours), never more than 6 hours
 * apart. Both queues use this one schedule.
 */

const MAX_DELAY_MS = 6 * 3_600_000;

/** Milliseconds to wait after the `attempt`-th failed try (1-based). */
export function retryDelayMs(attempt: number, backoffMs: number): number {
  return Math.min(MAX_DELAY_MS, Math.round(backoffMs * 2 ** Math.max(0, attempt - 1)));
}
