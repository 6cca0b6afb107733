/**
 * Fleet jobs in Redis: greenroom's record of each job and item (keys.ts), changed only by the
 * atomic scripts of scripts.ts. The counterpart of the embedded queue's SQLite store.
 */
import type { Redis } from 'ioredis';
import type { AttemptResult, WebhookState, WebhookStatus } from '../../webhooks/types.ts';
import type { JobItem, JobKind, JobState, JobStatus } from '../types.ts';
import { K } from './keys.ts';
import { CANCEL, CLAIM, COMPLETE, CREATE, FAIL } from './scripts.ts';
import { HOOK_CLAIM, HOOK_RECORD } from './webhook-scripts.ts';

/** An item as stored in its job's items hash. */
export interface StoredItem {
  name: string;
  outName: string;
  state: JobState;
  runs: number;
  worker?: string;
  error?: { code: string; message: string };
  /** The output's facts; `uncertainty` rides along (the item's score) so the Lua scripts need not know it. */
  output?: { bytes: number; mime: string; width: number; height: number; uncertainty?: number };
  energyJ?: number;
  startedAt?: number;
  finishedAt?: number;
}

export type Claim =
  | { action: 'run'; kind: JobKind; spec: Record<string, unknown>; hasBackground: boolean; name: string; runs: number }
  | { action: 'skip' | 'gone' };

export type HookClaim = { action: 'send'; url: string; attempt: number } | { action: 'skip' | 'gone' };

type Scripted = Redis & {
  grCreate(...args: (string | number)[]): Promise<[number, string]>;
  grClaim(...args: (string | number)[]): Promise<(string | number)[]>;
  grComplete(...args: (string | number)[]): Promise<[string, number?]>;
  grFail(...args: (string | number)[]): Promise<[string, number?]>;
  grCancel(...args: (string | number)[]): Promise<[number, string[]] | null>;
  grHookClaim(...args: (string | number)[]): Promise<(string | number)[]>;
  grHookRecord(...args: (string | number)[]): Promise<number>;
};

export interface FleetStoreOptions {
  /**
   * Told when a script ended a job whose webhook thereby came due (once per job, in the process
   * that ran that script): the delivery is handed to BullMQ (webhooks.ts).
   */
  onWebhookDue?: (jobId: string) => void;
}

export function toJobItem(index: number, it: StoredItem): JobItem {
  const { uncertainty, ...output } = it.output ?? { bytes: 0, mime: '', width: 0, height: 0 };
  return {
    index,
    name: it.name,
    state: it.state,
    ...(it.error ? { error: it.error } : {}),
    ...(it.state === 'done' && it.output ? { output: { name: it.outName, ...output } } : {}),
    ...(it.energyJ !== undefined ? { energyJ: it.energyJ } : {}),
    ...(uncertainty !== undefined ? { uncertainty } : {}),
    ...(it.worker ? { worker: it.worker } : {}),
  };
}

export class FleetStore {
  readonly redis: Scripted;
  readonly #onWebhookDue: ((jobId: string) => void) | undefined;

  constructor(redis: Redis, options: FleetStoreOptions = {}) {
    redis.defineCommand('grCreate', { numberOfKeys: 6, lua: CREATE });
    redis.defineCommand('grClaim', { numberOfKeys: 5, lua: CLAIM });
    redis.defineCommand('grComplete', { numberOfKeys: 6, lua: COMPLETE });
    redis.defineCommand('grFail', { numberOfKeys: 5, lua: FAIL });
    redis.defineCommand('grCancel', { numberOfKeys: 4, lua: CANCEL });
    redis.defineCommand('grHookClaim', { numberOfKeys: 1, lua: HOOK_CLAIM });
    redis.defineCommand('grHookRecord', { numberOfKeys: 1, lua: HOOK_RECORD });
    this.redis = redis as Scripted;
    this.#onWebhookDue = options.onWebhookDue;
  }

  async create(job: {
    id: string;
    kind: JobKind;
    spec: string;
    hasBackground: boolean;
    ext: string;
    now: number;
    idempotencyKey?: string;
    callbackUrl?: string;
    items: [string, string][];
  }): Promise<{ id: string; created: boolean }> {
    const idem = job.idempotencyKey ?? '';
    const [created, id] = await this.redis.grCreate(
      K.job(job.id), K.items(job.id), K.events, idem ? K.idem(idem) : K.job(job.id), K.jobs, K.enqueue,
      job.id, job.kind, job.spec, job.hasBackground ? '1' : '0', job.ext, job.now, idem, JSON.stringify(job.items), job.callbackUrl ?? '',
    );
    return { id, created: created === 1 };
  }

  #hookDue(id: string, flag: unknown): void {
    if (Number(flag) === 1) this.#onWebhookDue?.(id);
  }

  async findByIdempotencyKey(key: string): Promise<string | null> {
    return this.redis.get(K.idem(key));
  }

  async claim(id: string, index: number, worker: string, now: number, attempts: number): Promise<Claim> {
    const r = await this.redis.grClaim(K.job(id), K.items(id), K.events, K.workersFailed, K.webhooks, id, index, worker, now, attempts);
    if (r[0] === 'run') return { action: 'run', kind: r[1] as JobKind, spec: JSON.parse(String(r[2])) as Record<string, unknown>, hasBackground: r[3] === '1', name: String(r[4]), runs: Number(r[5]) };
    if (r[0] === 'skip') this.#hookDue(id, r[1]);
    return { action: r[0] === 'gone' ? 'gone' : 'skip' };
  }

  async complete(id: string, index: number, out: NonNullable<StoredItem['output']>, joules: number, co2e: number, worker: string, now: number): Promise<'first' | 'again' | 'gone'> {
    const [r, hook] = await this.redis.grComplete(K.job(id), K.items(id), K.events, K.workersDone, K.stats, K.webhooks, id, index, JSON.stringify(out), joules, co2e, worker, now);
    this.#hookDue(id, hook);
    return r as 'first' | 'again' | 'gone';
  }

  async fail(id: string, index: number, error: { code: string; message: string }, worker: string, now: number): Promise<'first' | 'again' | 'gone'> {
    const [r, hook] = await this.redis.grFail(K.job(id), K.items(id), K.events, K.workersFailed, K.webhooks, id, index, error.code, error.message, worker, now);
    this.#hookDue(id, hook);
    return r as 'first' | 'again' | 'gone';
  }

  /** The indexes cancelled, or null for an unknown or ended job. */
  async cancel(id: string, now: number): Promise<number[] | null> {
    const r = await this.redis.grCancel(K.job(id), K.items(id), K.events, K.webhooks, id, now);
    if (!r) return null;
    this.#hookDue(id, r[0]);
    return (r[1] ?? []).map(Number);
  }

  /** Takes a job's webhook delivery for one try (webhook-scripts.ts). */
  async claimWebhook(id: string, worker: string, now: number, most: number): Promise<HookClaim> {
    const r = await this.redis.grHookClaim(K.job(id), worker, now, most);
    if (r[0] === 'send') return { action: 'send', url: String(r[1]), attempt: Number(r[2]) };
    return { action: r[0] === 'gone' ? 'gone' : 'skip' };
  }

  /** Records a try's outcome: delivered, retried at nextAt, or given up. */
  async recordWebhook(id: string, attempt: number, outcome: 'delivered' | 'retry' | 'failed', result: AttemptResult, now: number, nextAt = 0): Promise<boolean> {
    const r = await this.redis.grHookRecord(K.job(id), attempt, outcome, result.status ?? '', result.ok ? '' : result.error, now, nextAt);
    return r === 1;
  }

  async status(id: string): Promise<JobStatus | null> {
    const [[, job], [, items]] = (await this.redis.multi().hgetall(K.job(id)).hgetall(K.items(id)).exec()) as [[unknown, Record<string, string>], [unknown, Record<string, string>]];
    if (!job || !job.state) return null;
    const list = Object.entries(items ?? {})
      .map(([i, raw]) => toJobItem(Number(i), JSON.parse(raw) as StoredItem))
      .sort((a, b) => a.index - b.index);
    return {
      id,
      state: job.state as JobState,
      kind: job.kind as JobKind,
      createdAt: new Date(Number(job.createdAt)).toISOString(),
      updatedAt: new Date(Number(job.updatedAt)).toISOString(),
      total: Number(job.total),
      done: Number(job.done),
      failed: Number(job.failed),
      items: list,
      energy: { joules: round(Number(job.joules), 3), co2eGrams: round(Number(job.co2e), 6) },
      ...(job.idem ? { idempotencyKey: job.idem } : {}),
      ...(job.hookUrl ? { webhook: webhookStatus(job) } : {}),
    };
  }

  async item(id: string, index: number): Promise<StoredItem | null> {
    const raw = await this.redis.hget(K.items(id), String(index));
    return raw ? (JSON.parse(raw) as StoredItem) : null;
  }

  async ext(id: string): Promise<string | null> {
    return this.redis.hget(K.job(id), 'ext');
  }

  /** Items not finished (queued or running) of a job: those a re-enqueue must cover. */
  async unfinished(id: string): Promise<number[]> {
    const items = await this.redis.hgetall(K.items(id));
    return Object.entries(items)
      .filter(([, raw]) => {
        const s = (JSON.parse(raw) as StoredItem).state;
        return s === 'queued' || s === 'running';
      })
      .map(([i]) => Number(i));
  }

  /** Ended jobs created before the cutoff (a webhook still being tried keeps its job). */
  async expired(cutoffMs: number): Promise<string[]> {
    const ids = await this.redis.zrangebyscore(K.jobs, '-inf', cutoffMs, 'LIMIT', 0, 500);
    const out: string[] = [];
    for (const id of ids) {
      const [state, hook] = await this.redis.hmget(K.job(id), 'state', 'hookState');
      if (hook === 'pending') continue;
      if (state === null || state === 'done' || state === 'failed' || state === 'cancelled') out.push(id);
    }
    return out;
  }

  /** Removes a job's records (its storage is deleted by the caller, after). */
  async delete(id: string): Promise<void> {
    const idem = await this.redis.hget(K.job(id), 'idem');
    const m = this.redis.multi().del(K.job(id), K.items(id)).zrem(K.jobs, id).zrem(K.enqueue, id);
    if (idem) m.del(K.idem(idem));
    await m.exec();
  }

  async exists(id: string): Promise<boolean> {
    return (await this.redis.zscore(K.jobs, id)) !== null;
  }

  async meanItemMs(): Promise<number | null> {
    const v = await this.redis.hget(K.stats, 'itemMs');
    return v === null ? null : Number(v);
  }

  async perWorker(): Promise<{ worker: string; done: number; failed: number }[]> {
    const [[, done], [, failed]] = (await this.redis.multi().hgetall(K.workersDone).hgetall(K.workersFailed).exec()) as [[unknown, Record<string, string>], [unknown, Record<string, string>]];
    const names = new Set([...Object.keys(done ?? {}), ...Object.keys(failed ?? {})]);
    return [...names].sort().map((worker) => ({ worker, done: Number(done?.[worker] ?? 0), failed: Number(failed?.[worker] ?? 0) }));
  }
}

function webhookStatus(job: Record<string, string>): WebhookStatus {
  const state = (job.hookState ?? 'waiting') as WebhookState;
  const iso = (ms: string | undefined) => (ms ? new Date(Number(ms)).toISOString() : undefined);
  const next = state === 'pending' ? iso(job.hookNextAt) : undefined;
  const delivered = iso(job.hookDeliveredAt);
  return {
    url: job.hookUrl!,
    state,
    attempts: Number(job.hookAttempts ?? 0),
    ...(job.hookStatus ? { lastStatus: Number(job.hookStatus) } : {}),
    ...(job.hookError ? { lastError: job.hookError } : {}),
    ...(next ? { nextAttemptAt: next } : {}),
    ...(delivered ? { deliveredAt: delivered } : {}),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
