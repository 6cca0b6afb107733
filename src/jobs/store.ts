/**
 * The embedded queue's database: jobs and items in SQLite (better-sqlite3, WAL). Every state
 * change is one transaction, so a crash leaves either the state before or the state after.
 * Synchronous by design: better-sqlite3 calls take microseconds and keep ordering simple.
 */
import Database from 'better-sqlite3';
import type { AttemptResult, WebhookState, WebhookStatus } from '../webhooks/types.ts';
import type { JobItem, JobKind, JobState, JobStatus } from './types.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('edit', 'cutout')),
  spec TEXT NOT NULL,
  has_background INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  idempotency_key TEXT UNIQUE,
  joules REAL NOT NULL DEFAULT 0,
  co2e_grams REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS items (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  idx INTEGER NOT NULL,
  name TEXT NOT NULL,
  out_name TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  error_code TEXT,
  error_message TEXT,
  out_bytes INTEGER,
  out_mime TEXT,
  out_width INTEGER,
  out_height INTEGER,
  energy_j REAL,
  uncertainty REAL,
  started_at INTEGER,
  finished_at INTEGER,
  PRIMARY KEY (job_id, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_by_state ON items (state);
CREATE INDEX IF NOT EXISTS items_by_job_state ON items (job_id, state, idx);
CREATE INDEX IF NOT EXISTS jobs_by_state ON jobs (state, created_at);
CREATE TABLE IF NOT EXISTS webhooks (
  job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('waiting', 'pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_status INTEGER,
  last_error TEXT,
  next_at INTEGER,
  delivered_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS webhooks_due ON webhooks (state, next_at);
`;

interface JobRow {
  id: string;
  kind: JobKind;
  spec: string;
  has_background: number;
  state: JobState;
  cancel_requested: number;
  created_at: number;
  updated_at: number;
  idempotency_key: string | null;
  joules: number;
  co2e_grams: number;
}

interface WebhookRow {
  job_id: string;
  url: string;
  state: WebhookState;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_at: number | null;
  delivered_at: number | null;
}

/** A webhook whose job ended and whose next try is due. */
export interface DueWebhook {
  jobId: string;
  url: string;
  /** Tries made before this one. */
  attempts: number;
}

interface ItemRow {
  job_id: string;
  idx: number;
  name: string;
  out_name: string;
  state: JobState;
  attempts: number;
  error_code: string | null;
  error_message: string | null;
  out_bytes: number | null;
  out_mime: string | null;
  out_width: number | null;
  out_height: number | null;
  energy_j: number | null;
  uncertainty: number | null;
  started_at: number | null;
  finished_at: number | null;
}

/** What the worker needs to run one item. */
export interface ClaimedItem {
  jobId: string;
  index: number;
  name: string;
  kind: JobKind;
  spec: string;
  hasBackground: boolean;
  /** True when this claim moved the job from queued to running. */
  jobStarted: boolean;
}

export interface NewJob {
  id: string;
  kind: JobKind;
  spec: string;
  hasBackground: boolean;
  idempotencyKey?: string;
  /** Called when the job ends (already checked). */
  callbackUrl?: string;
  items: { name: string; outName: string }[];
}

export interface ItemDone {
  bytes: number;
  mime: string;
  width: number;
  height: number;
  joules: number;
  co2eGrams: number;
  uncertainty?: number;
}

/** The item as it now is, and the job's state when this change ended it. */
export interface ItemChange {
  item: JobItem;
  done: number;
  failed: number;
  total: number;
  jobEnded?: JobState;
}

function toItem(r: ItemRow): JobItem {
  return {
    index: r.idx,
    name: r.name,
    state: r.state,
    ...(r.error_code ? { error: { code: r.error_code, message: r.error_message ?? '' } } : {}),
    ...(r.state === 'done' && r.out_bytes !== null
      ? { output: { name: r.out_name, bytes: r.out_bytes, mime: r.out_mime ?? 'application/octet-stream', width: r.out_width ?? 0, height: r.out_height ?? 0 } }
      : {}),
    ...(r.energy_j !== null ? { energyJ: r.energy_j } : {}),
    ...(r.uncertainty !== null && r.uncertainty !== undefined ? { uncertainty: r.uncertainty } : {}),
  };
}

export class JobStore {
  readonly #db: Database.Database;
  readonly #now: () => number;

  constructor(file: string, now: () => number) {
    this.#now = now;
    this.#db = new Database(file);
    this.#db.pragma('journal_mode = WAL');
    // FULL: a finished item's row survives a power cut, not only a crash of the process.
    this.#db.pragma('synchronous = FULL');
    this.#db.pragma('foreign_keys = ON');
    this.#db.pragma('busy_timeout = 5000');
    this.#db.exec(SCHEMA);
    // Folders made before items had an uncertainty score get the column.
    const columns = (this.#db.prepare('PRAGMA table_info(items)').all() as { name: string }[]).map((c) => c.name);
    if (!columns.includes('uncertainty')) this.#db.exec('ALTER TABLE items ADD COLUMN uncertainty REAL');
  }

  close(): void {
    this.#db.close();
  }

  /**
   * After a crash: items left running go back to queued (their outputs were never recorded),
   * cancelled jobs drop their queued items, and jobs with nothing left to do are ended.
   * Returns the jobs whose items were re-queued.
   */
  recover(): string[] {
    return this.#db.transaction(() => {
      const jobs = (this.#db.prepare(`SELECT DISTINCT job_id FROM items WHERE state = 'running'`).all() as { job_id: string }[]).map((r) => r.job_id);
      this.#db.prepare(`UPDATE items SET state = 'queued', started_at = NULL WHERE state = 'running'`).run();
      const cancelled = this.#db.prepare(`SELECT id FROM jobs WHERE cancel_requested = 1 AND state NOT IN ('done', 'failed', 'cancelled')`).all() as { id: string }[];
      for (const { id } of cancelled) this.#db.prepare(`UPDATE items SET state = 'cancelled', finished_at = ? WHERE job_id = ? AND state = 'queued'`).run(this.#now(), id);
      const open = this.#db.prepare(`SELECT id FROM jobs WHERE state NOT IN ('done', 'failed', 'cancelled')`).all() as { id: string }[];
      for (const { id } of open) this.#endIfFinished(id);
      return jobs;
    })();
  }

  findByIdempotencyKey(key: string): string | null {
    const row = this.#db.prepare('SELECT id FROM jobs WHERE idempotency_key = ?').get(key) as { id: string } | undefined;
    return row?.id ?? null;
  }

  /** Inserts a job and its items; returns the existing job's id instead when its idempotency key is taken. */
  insert(job: NewJob): { id: string; created: boolean } {
    return this.#db.transaction(() => {
      if (job.idempotencyKey !== undefined) {
        const existing = this.findByIdempotencyKey(job.idempotencyKey);
        if (existing) return { id: existing, created: false };
      }
      const now = this.#now();
      this.#db
        .prepare('INSERT INTO jobs (id, kind, spec, has_background, state, created_at, updated_at, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(job.id, job.kind, job.spec, job.hasBackground ? 1 : 0, 'queued', now, now, job.idempotencyKey ?? null);
      const item = this.#db.prepare(`INSERT INTO items (job_id, idx, name, out_name, state) VALUES (?, ?, ?, ?, 'queued')`);
      job.items.forEach((it, i) => item.run(job.id, i, it.name, it.outName));
      if (job.callbackUrl !== undefined) this.#db.prepare(`INSERT INTO webhooks (job_id, url, state) VALUES (?, ?, 'waiting')`).run(job.id, job.callbackUrl);
      return { id: job.id, created: true };
    })();
  }

  /** Marks the oldest job's next queued item running and returns it; null when nothing is queued. */
  claimNext(): ClaimedItem | null {
    return this.#db.transaction((): ClaimedItem | null => {
      const row = this.#db
        .prepare(
          `SELECT j.id AS jobId, j.kind, j.spec, j.has_background AS hasBackground, j.state,
                  (SELECT idx FROM items WHERE job_id = j.id AND state = 'queued' ORDER BY idx LIMIT 1) AS idx
           FROM jobs j WHERE j.state IN ('queued', 'running') AND idx IS NOT NULL
           ORDER BY j.created_at, j.rowid LIMIT 1`,
        )
        .get() as { jobId: string; kind: JobKind; spec: string; hasBackground: number; state: JobState; idx: number } | undefined;
      if (!row) return null;
      const now = this.#now();
      this.#db.prepare(`UPDATE items SET state = 'running', attempts = attempts + 1, started_at = ? WHERE job_id = ? AND idx = ?`).run(now, row.jobId, row.idx);
      const jobStarted = row.state === 'queued';
      this.#db.prepare(`UPDATE jobs SET state = 'running', updated_at = ? WHERE id = ?`).run(now, row.jobId);
      const name = (this.#db.prepare('SELECT name FROM items WHERE job_id = ? AND idx = ?').get(row.jobId, row.idx) as { name: string }).name;
      return { jobId: row.jobId, index: row.idx, name, kind: row.kind, spec: row.spec, hasBackground: row.hasBackground === 1, jobStarted };
    }).immediate();
  }

  /** Records a finished item (its output is already in place) and adds its energy to the job. */
  completeItem(jobId: string, index: number, out: ItemDone): ItemChange {
    return this.#db.transaction(() => {
      const now = this.#now();
      this.#db
        .prepare(
          `UPDATE items SET state = 'done', out_bytes = ?, out_mime = ?, out_width = ?, out_height = ?, energy_j = ?, uncertainty = ?, finished_at = ?, error_code = NULL, error_message = NULL
           WHERE job_id = ? AND idx = ?`,
        )
        .run(out.bytes, out.mime, out.width, out.height, out.joules, out.uncertainty ?? null, now, jobId, index);
      this.#db.prepare('UPDATE jobs SET joules = joules + ?, co2e_grams = co2e_grams + ?, updated_at = ? WHERE id = ?').run(out.joules, out.co2eGrams, now, jobId);
      return this.#change(jobId, index);
    })();
  }

  failItem(jobId: string, index: number, error: { code: string; message: string }): ItemChange {
    return this.#db.transaction(() => {
      const now = this.#now();
      this.#db.prepare(`UPDATE items SET state = 'failed', error_code = ?, error_message = ?, finished_at = ? WHERE job_id = ? AND idx = ?`).run(error.code, error.message, now, jobId, index);
      this.#db.prepare('UPDATE jobs SET updated_at = ? WHERE id = ?').run(now, jobId);
      return this.#change(jobId, index);
    })();
  }

  /** Puts a running item back in the queue (the studio closed under it). */
  requeueItem(jobId: string, index: number): void {
    this.#db.prepare(`UPDATE items SET state = 'queued', started_at = NULL WHERE job_id = ? AND idx = ? AND state = 'running'`).run(jobId, index);
  }

  /** Cancels a job's queued items; the job ends now if nothing is running. Null for an unknown or ended job. */
  cancel(jobId: string): { cancelled: ItemChange[]; jobEnded?: JobState } | null {
    return this.#db.transaction(() => {
      const job = this.#job(jobId);
      if (!job || job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') return null;
      const now = this.#now();
      this.#db.prepare('UPDATE jobs SET cancel_requested = 1, updated_at = ? WHERE id = ?').run(now, jobId);
      const queued = (this.#db.prepare(`SELECT idx FROM items WHERE job_id = ? AND state = 'queued' ORDER BY idx`).all(jobId) as { idx: number }[]).map((r) => r.idx);
      this.#db.prepare(`UPDATE items SET state = 'cancelled', finished_at = ? WHERE job_id = ? AND state = 'queued'`).run(now, jobId);
      const ended = this.#endIfFinished(jobId);
      const counts = this.#counts(jobId);
      const items = queued.map((idx) => ({ item: toItem(this.#item(jobId, idx)!), ...counts }));
      return ended ? { cancelled: items, jobEnded: ended } : { cancelled: items };
    })();
  }

  status(jobId: string): JobStatus | null {
    const job = this.#job(jobId);
    if (!job) return null;
    const items = (this.#db.prepare('SELECT * FROM items WHERE job_id = ? ORDER BY idx').all(jobId) as ItemRow[]).map(toItem);
    return {
      id: job.id,
      state: job.state,
      kind: job.kind,
      createdAt: new Date(job.created_at).toISOString(),
      updatedAt: new Date(job.updated_at).toISOString(),
      total: items.length,
      done: items.filter((i) => i.state === 'done').length,
      failed: items.filter((i) => i.state === 'failed').length,
      items,
      energy: { joules: round(job.joules, 3), co2eGrams: round(job.co2e_grams, 6) },
      ...(job.idempotency_key !== null ? { idempotencyKey: job.idempotency_key } : {}),
      ...this.#webhookStatus(jobId),
    };
  }

  #webhookStatus(jobId: string): { webhook?: WebhookStatus } {
    const w = this.#db.prepare('SELECT * FROM webhooks WHERE job_id = ?').get(jobId) as WebhookRow | undefined;
    if (!w) return {};
    return {
      webhook: {
        url: w.url,
        state: w.state,
        attempts: w.attempts,
        ...(w.last_status !== null ? { lastStatus: w.last_status } : {}),
        ...(w.last_error !== null ? { lastError: w.last_error } : {}),
        ...(w.state === 'pending' && w.next_at !== null ? { nextAttemptAt: new Date(w.next_at).toISOString() } : {}),
        ...(w.delivered_at !== null ? { deliveredAt: new Date(w.delivered_at).toISOString() } : {}),
      },
    };
  }

  /** Webhooks of ended jobs whose next try is due, oldest first. */
  dueWebhooks(now: number, limit: number): DueWebhook[] {
    return (this.#db.prepare(`SELECT job_id, url, attempts FROM webhooks WHERE state = 'pending' AND next_at <= ? ORDER BY next_at LIMIT ?`).all(now, limit) as WebhookRow[]).map((w) => ({
      jobId: w.job_id,
      url: w.url,
      attempts: w.attempts,
    }));
  }

  /** When the next pending webhook is due, or null when none is pending. */
  nextWebhookAt(): number | null {
    return (this.#db.prepare(`SELECT MIN(next_at) AS at FROM webhooks WHERE state = 'pending'`).get() as { at: number | null }).at;
  }

  /**
   * Records one try: delivered, or failed and tried again at `retryAt`, or failed for good
   * (retryAt undefined). Counted here, after the try: a try cut short by a crash is made again.
   */
  recordWebhookAttempt(jobId: string, result: AttemptResult, retryAt: number | undefined): void {
    const now = this.#now();
    const state: WebhookState = result.ok ? 'delivered' : retryAt === undefined ? 'failed' : 'pending';
    this.#db
      .prepare(`UPDATE webhooks SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_at = ?, delivered_at = ? WHERE job_id = ? AND state = 'pending'`)
      .run(state, result.status ?? null, result.ok ? null : result.error, result.ok ? null : (retryAt ?? null), result.ok ? now : null, jobId);
  }

  /** A finished item's output name, or null. */
  doneOutput(jobId: string, index: number): { outName: string } | null {
    const row = this.#db.prepare(`SELECT out_name FROM items WHERE job_id = ? AND idx = ? AND state = 'done'`).get(jobId, index) as { out_name: string } | undefined;
    return row ? { outName: row.out_name } : null;
  }

  doneOutputs(jobId: string): { index: number; outName: string }[] {
    return (this.#db.prepare(`SELECT idx, out_name FROM items WHERE job_id = ? AND state = 'done' ORDER BY idx`).all(jobId) as { idx: number; out_name: string }[]).map((r) => ({
      index: r.idx,
      outName: r.out_name,
    }));
  }

  exists(jobId: string): boolean {
    return this.#job(jobId) !== undefined;
  }

  allJobIds(): Set<string> {
    return new Set((this.#db.prepare('SELECT id FROM jobs').all() as { id: string }[]).map((r) => r.id));
  }

  depth(): { queuedItems: number; runningItems: number } {
    const rows = this.#db.prepare(`SELECT state, COUNT(*) AS n FROM items WHERE state IN ('queued', 'running') GROUP BY state`).all() as { state: JobState; n: number }[];
    return { queuedItems: rows.find((r) => r.state === 'queued')?.n ?? 0, runningItems: rows.find((r) => r.state === 'running')?.n ?? 0 };
  }

  /** Mean milliseconds per finished item over the last 50, for Retry-After estimates; null before any. */
  meanItemMs(): number | null {
    const row = this.#db
      .prepare(`SELECT AVG(finished_at - started_at) AS ms FROM (SELECT finished_at, started_at FROM items WHERE state = 'done' AND started_at IS NOT NULL ORDER BY finished_at DESC LIMIT 50)`)
      .get() as { ms: number | null };
    return row.ms;
  }

  /** Ended jobs created before the cutoff (unfinished jobs are kept until they end). */
  expired(cutoffMs: number): string[] {
    // A webhook still being tried keeps its job (its body is made from the job's record).
    return (
      this.#db
        .prepare(`SELECT id FROM jobs WHERE created_at < ? AND state IN ('done', 'failed', 'cancelled') AND NOT EXISTS (SELECT 1 FROM webhooks w WHERE w.job_id = jobs.id AND w.state = 'pending')`)
        .all(cutoffMs) as { id: string }[]
    ).map((r) => r.id);
  }

  delete(jobIds: readonly string[]): void {
    const del = this.#db.prepare('DELETE FROM jobs WHERE id = ?');
    this.#db.transaction(() => {
      for (const id of jobIds) del.run(id);
    })();
  }

  #job(jobId: string): JobRow | undefined {
    return this.#db.prepare('SELECT * FROM jobs WHERE id = ?').get(jobId) as JobRow | undefined;
  }

  #item(jobId: string, index: number): ItemRow | undefined {
    return this.#db.prepare('SELECT * FROM items WHERE job_id = ? AND idx = ?').get(jobId, index) as ItemRow | undefined;
  }

  #counts(jobId: string): { done: number; failed: number; total: number } {
    const rows = this.#db.prepare('SELECT state, COUNT(*) AS n FROM items WHERE job_id = ? GROUP BY state').all(jobId) as { state: JobState; n: number }[];
    const n = (s: JobState) => rows.find((r) => r.state === s)?.n ?? 0;
    return { done: n('done'), failed: n('failed'), total: rows.reduce((s, r) => s + r.n, 0) };
  }

  #change(jobId: string, index: number): ItemChange {
    const ended = this.#endIfFinished(jobId);
    const change: ItemChange = { item: toItem(this.#item(jobId, index)!), ...this.#counts(jobId) };
    if (ended) change.jobEnded = ended;
    return change;
  }

  /** Ends a job with no queued or running items left; returns its final state when this call ended it. */
  #endIfFinished(jobId: string): JobState | undefined {
    const job = this.#job(jobId);
    if (!job || job.state === 'done' || job.state === 'failed' || job.state === 'cancelled') return undefined;
    const pending = (this.#db.prepare(`SELECT COUNT(*) AS n FROM items WHERE job_id = ? AND state IN ('queued', 'running')`).get(jobId) as { n: number }).n;
    if (pending > 0) return undefined;
    const { done } = this.#counts(jobId);
    const state: JobState = job.cancel_requested ? 'cancelled' : done > 0 ? 'done' : 'failed';
    const now = this.#now();
    this.#db.prepare('UPDATE jobs SET state = ?, updated_at = ? WHERE id = ?').run(state, now, jobId);
    // In the same transaction as the end: the webhook is due exactly when the job has ended, crash or not.
    this.#db.prepare(`UPDATE webhooks SET state = 'pending', next_at = ? WHERE job_id = ? AND state = 'waiting'`).run(now, jobId);
    return state;
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
