/**
 * Bounds the image requests in flight. Inference is CPU-bound and already uses every core, so
 * running more images at once only stretches every one of them; a few run, a short line
 * waits, and beyond that the server answers 429 with a Retry-After estimated from recent work.
 */
import { GreenroomError } from '../errors.ts';

export interface LimiterOptions {
  /** Images processed at once (default 2: one infers while the other decodes, refines, encodes). */
  concurrency?: number;
  /** Requests allowed to wait for a slot (default 8); one more gets 429. */
  maxWaiting?: number;
}

export interface LimiterState {
  inFlight: number;
  waiting: number;
  concurrency: number;
  maxWaiting: number;
}

export class RequestLimiter {
  readonly concurrency: number;
  readonly maxWaiting: number;
  #inFlight = 0;
  readonly #waiting: Array<() => void> = [];
  /** Moving average of how long a slot is held, ms (a first guess before any request). */
  #avgMs = 3000;

  constructor(options: LimiterOptions = {}) {
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.maxWaiting = Math.max(0, options.maxWaiting ?? 8);
  }

  state(): LimiterState {
    return { inFlight: this.#inFlight, waiting: this.#waiting.length, concurrency: this.concurrency, maxWaiting: this.maxWaiting };
  }

  /** True when a new request would be refused. */
  get full(): boolean {
    return this.#inFlight >= this.concurrency && this.#waiting.length >= this.maxWaiting;
  }

  /** Seconds until a slot is likely free, for Retry-After (at least 1). */
  retryAfterSeconds(): number {
    const ahead = this.#inFlight + this.#waiting.length - this.concurrency + 1;
    return Math.max(1, Math.ceil((Math.max(1, ahead) * this.#avgMs) / this.concurrency / 1000));
  }

  /** The error a refused request gets. */
  busyError(): GreenroomError {
    const retryAfterSeconds = this.retryAfterSeconds();
    return new GreenroomError(
      'RATE_LIMITED',
      `The server is busy: ${this.#inFlight} images in progress and ${this.#waiting.length} waiting. Retry in ${retryAfterSeconds} s, or send batches to /v1/jobs.`,
      { reason: 'busy', inFlight: this.#inFlight, waiting: this.#waiting.length, retryAfterSeconds },
    );
  }

  /**
   * Waits for a slot and returns its release function; throws RATE_LIMITED when the line is
   * full. An aborted signal leaves the line without taking a slot.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.#inFlight >= this.concurrency) {
      if (this.#waiting.length >= this.maxWaiting) throw this.busyError();
      await new Promise<void>((resolve, reject) => {
        const turn = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.#waiting.indexOf(turn);
          if (i >= 0) this.#waiting.splice(i, 1);
          reject(signal!.reason ?? new Error('aborted'));
        };
        if (signal?.aborted) return onAbort();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.#waiting.push(turn);
      });
    } else {
      this.#inFlight++;
    }
    // A slot handed over by release() keeps #inFlight unchanged; a fresh one was counted above.
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#avgMs = this.#avgMs * 0.8 + (performance.now() - started) * 0.2;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#inFlight--;
    };
  }

  /** Runs `work` in a slot. */
  async run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await work();
    } finally {
      release();
    }
  }
}
