/**
 * The studio's client of the batch API (/v1/jobs): submit many photos as one job (retried with
 * the same Idempotency-Key, so a retry never makes a second job), follow its server-sent events
 * (reconnecting until the job ends; finished items are replayed on every connection), fetch an
 * item's output, cancel. The server runs the items on its embedded queue or on a fleet's workers.
 */
import { ApiError, fail, image, score, type CutoutSettings, type ImageResult } from './api.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobItem {
  index: number;
  name: string;
  state: JobState;
  error?: { code: string; message: string };
  output?: { name: string; bytes: number; mime: string; width: number; height: number };
  energyJ?: number;
  worker?: string;
  /** The cutout's uncertainty, 0..1, when the server computes one. */
  uncertainty?: number;
}

export type JobEvent =
  | { type: 'item'; jobId: string; item: JobItem; done: number; failed: number; total: number }
  | { type: 'state'; jobId: string; state: JobState };

export const TERMINAL: ReadonlySet<JobState> = new Set(['done', 'failed', 'cancelled']);

/** A key for one submit: random, and made without crypto.randomUUID (missing on plain-HTTP LAN addresses). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `studio-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });

/**
 * Submits photos as one cutout job (PNG cutouts at the photos' size). A network failure, a busy
 * answer (429, Retry-After) or a gateway error is retried with the same Idempotency-Key; the
 * server answers a repeat with the job the first attempt made. Null when this server runs no
 * job queue (404): the caller cuts the photos out one by one instead.
 */
export async function submitCutoutJob(files: { file: Blob; name: string }[], settings: CutoutSettings, key: string): Promise<{ id: string; replayed: boolean } | null> {
  const form = new FormData();
  for (const f of files) form.append('image_file', f.file, f.name);
  form.append('kind', 'cutout');
  form.append('spec', JSON.stringify({ format: 'png', ...settings }));
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await fetch('/v1/jobs', { method: 'POST', body: form, headers: { 'idempotency-key': key } });
    } catch (err) {
      if (attempt >= 4) throw err;
      await sleep(500 * 2 ** attempt);
      continue;
    }
    if (res.status === 404) return null;
    if ((res.status === 429 || res.status === 502 || res.status === 503 || res.status === 504) && attempt < 4) {
      const wait = Number(res.headers.get('retry-after') ?? '0');
      await sleep(Math.min(30, Math.max(1, Number.isFinite(wait) ? wait : 1)) * 1000 * (res.status === 429 ? 1 : 2 ** attempt));
      continue;
    }
    if (!res.ok) return fail(res);
    const body = (await res.json()) as { id: string };
    return { id: body.id, replayed: res.headers.get('idempotent-replayed') === 'true' };
  }
}

/** Splits a text/event-stream buffer into complete events; returns them and the unfinished rest. */
export function parseEvents(buffer: string): { events: { event: string; data: string }[]; rest: string } {
  const events: { event: string; data: string }[] = [];
  const text = buffer.replace(/\r\n?/g, '\n');
  let start = 0;
  let cut: number;
  while ((cut = text.indexOf('\n\n', start)) >= 0) {
    const block = text.slice(start, cut);
    start = cut + 2;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue; // keep-alive comments
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) events.push({ event, data: data.join('\n') });
  }
  return { events, rest: text.slice(start) };
}

/**
 * Follows a job's events until it ends; resolves with its final state. A dropped stream (a
 * restarted server, a proxy's timeout) is reopened after a pause; the server sends the items
 * that already finished first on every connection, so `onEvent` may see an item twice and must
 * ignore repeats. JOB_NOT_FOUND (the job was deleted) rejects.
 */
export async function followJob(id: string, onEvent: (e: JobEvent) => void, signal?: AbortSignal): Promise<JobState> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`/v1/jobs/${id}/events`, { headers: { accept: 'text/event-stream' }, ...(signal ? { signal } : {}) });
      if (!res.ok) {
        if (res.status < 500 && res.status !== 429) return fail(res);
        throw new Error(`HTTP ${res.status}`);
      }
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const parsed = parseEvents(buffer + value);
        buffer = parsed.rest;
        for (const { event, data } of parsed.events) {
          if (event !== 'item' && event !== 'state') continue;
          const e = JSON.parse(data) as JobEvent;
          onEvent(e);
          if (e.type === 'state' && TERMINAL.has(e.state)) {
            void reader.cancel();
            return e.state;
          }
        }
        attempt = 0;
      }
    } catch (err) {
      if (signal?.aborted || err instanceof ApiError) throw err;
    }
    await sleep(Math.min(10_000, 500 * 2 ** attempt), signal);
  }
}

/**
 * A finished item's output, as the studio's image result (its energy and uncertainty from the
 * item); with `preview`, scaled by the server to fit within that many pixels a side.
 */
export async function itemOutput(id: string, item: JobItem, preview?: number): Promise<ImageResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(`/v1/jobs/${id}/items/${item.index}${preview ? `?preview=${preview}` : ''}`);
      const result = await image(res);
      const joules = typeof item.energyJ === 'number' ? item.energyJ : null;
      return { ...result, joules, method: null, stages: joules !== null ? { 'batch cutout': joules } : {}, uncertainty: score(item.uncertainty) ?? result.uncertainty };
    } catch (err) {
      if (err instanceof ApiError || attempt >= 3) throw err;
      await sleep(500 * 2 ** attempt);
    }
  }
}

/** Cancels a job: its queued items are dropped, running ones finish (their outputs are kept). */
export async function cancelJob(id: string): Promise<void> {
  const res = await fetch(`/v1/jobs/${id}`, { method: 'DELETE' });
  if (!res.ok) await fail(res);
}

export function resultsZipUrl(id: string): string {
  return `/v1/jobs/${id}/results.zip`;
}
