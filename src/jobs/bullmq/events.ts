/**
 * Live progress from every worker: the scripts append each item and state change to one Redis
 * stream in the same atomic step as the change; each server reads it (XREAD BLOCK on its own
 * connection, from the last entry it saw, so a Redis restart or a reconnection loses nothing)
 * and hands the events of a job to that job's local subscribers (the SSE streams).
 */
import type { Redis } from 'ioredis';
import { JobListeners } from '../listeners.ts';
import type { JobEvent, JobState } from '../types.ts';
import { K } from './keys.ts';
import { toJobItem, type StoredItem } from './store.ts';

export class EventReader {
  readonly #redis: Redis;
  readonly #listeners = new JobListeners((jobId, err) => process.emitWarning(`greenroom fleet: a listener of job ${jobId}: ${(err as Error).message}`));
  #lastId = '0-0';
  #running = false;
  #loop: Promise<void> | undefined;

  constructor(blockingRedis: Redis) {
    this.#redis = blockingRedis;
  }

  /** Starts reading after the stream's current last entry. */
  async start(): Promise<void> {
    const last = (await this.#redis.xrevrange(K.events, '+', '-', 'COUNT', 1)) as [string, string[]][];
    this.#lastId = last[0]?.[0] ?? '0-0';
    this.#running = true;
    this.#loop = this.#read();
  }

  subscribe(id: string, listener: (e: JobEvent) => void): () => void {
    return this.#listeners.subscribe(id, listener);
  }

  async close(): Promise<void> {
    this.#running = false;
    this.#redis.disconnect();
    await this.#loop?.catch(() => undefined);
    this.#listeners.clear();
  }

  async #read(): Promise<void> {
    while (this.#running) {
      let res: [string, [string, string[]][]][] | null;
      try {
        res = (await this.#redis.xread('COUNT', 500, 'BLOCK', 5000, 'STREAMS', K.events, this.#lastId)) as [string, [string, string[]][]][] | null;
      } catch (err) {
        if (!this.#running) return;
        process.emitWarning(`greenroom fleet: reading events: ${(err as Error).message}; retrying`);
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      for (const [, entries] of res ?? []) {
        for (const [entryId, fields] of entries) {
          this.#lastId = entryId;
          const f: Record<string, string> = {};
          for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i]!] = fields[i + 1]!;
          if (f.job && this.#listeners.has(f.job)) this.#dispatch(f.job, f.type ?? '', f.data ?? '');
        }
      }
    }
  }

  #dispatch(jobId: string, type: string, data: string): void {
    let event: JobEvent;
    if (type === 'state') event = { type: 'state', jobId, state: data as JobState };
    else {
      const d = JSON.parse(data) as { index: number; item: StoredItem; done: number; failed: number; total: number };
      event = { type: 'item', jobId, item: toJobItem(d.index, d.item), done: d.done, failed: d.failed, total: d.total };
    }
    this.#listeners.emit(event);
  }
}
