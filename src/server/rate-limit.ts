/**
 * A token bucket per client (API key, or address when no keys are configured): `perMinute`
 * tokens, refilled continuously. Headers follow remove.bg's: X-RateLimit-Limit, -Remaining and
 * -Reset (Unix seconds when the bucket is full again), and Retry-After on 429.
 */

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the bucket will be full again. */
  resetAt: number;
  /** Seconds until one token is back, when refused. */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updated: number;
}

export class RateLimiter {
  readonly perMinute: number;
  readonly #buckets = new Map<string, Bucket>();
  readonly #now: () => number;

  /** @param now milliseconds since the epoch (injectable for tests) */
  constructor(perMinute: number, now: () => number = Date.now) {
    this.perMinute = perMinute;
    this.#now = now;
  }

  /** Takes one token for `client`, or says when to come back. */
  take(client: string): RateDecision {
    const now = this.#now();
    const ratePerMs = this.perMinute / 60_000;
    const b = this.#buckets.get(client) ?? { tokens: this.perMinute, updated: now };
    b.tokens = Math.min(this.perMinute, b.tokens + (now - b.updated) * ratePerMs);
    b.updated = now;
    const allowed = b.tokens >= 1;
    if (allowed) b.tokens -= 1;
    this.#buckets.set(client, b);
    this.#sweep(now);
    const resetAt = Math.ceil((now + (this.perMinute - b.tokens) / ratePerMs) / 1000);
    const retryAfterSeconds = allowed ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / ratePerMs / 1000));
    return { allowed, limit: this.perMinute, remaining: Math.floor(b.tokens), resetAt, retryAfterSeconds };
  }

  /** Forgets full buckets now and then, so many one-off clients do not grow the map forever. */
  #sweep(now: number): void {
    if (this.#buckets.size < 10_000) return;
    const ratePerMs = this.perMinute / 60_000;
    for (const [k, b] of this.#buckets) if (b.tokens + (now - b.updated) * ratePerMs >= this.perMinute) this.#buckets.delete(k);
  }
}
