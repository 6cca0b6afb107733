/**
 * Prometheus metrics, on a registry of the app's own (two apps in one process, as in tests, do
 * not collide): requests by route and status, latency, images processed and joules spent by
 * operation, the in-flight limiter and the job queue's depth.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueStats } from '../jobs/types.ts';
import type { RequestLimiter } from './limiter.ts';

/** What /metrics needs of the job queue (src/jobs JobQueue fits). */
export interface QueueDepth {
  stats(): Promise<QueueStats>;
}

/** States of items not finished yet (embedded: queued, running; BullMQ: waiting, active...). */
const PENDING = new Set(['queued', 'running', 'waiting', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children']);

export class ServerMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly latency: Histogram<'method' | 'route'>;
  readonly images: Counter<'operation'>;
  readonly joules: Counter<'operation'>;

  constructor(deps: { limiter: RequestLimiter; queue?: QueueDepth | undefined; defaultMetrics?: boolean }) {
    const registers = [this.registry];
    this.requests = new Counter({ name: 'greenroom_http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames: ['method', 'route', 'status'], registers });
    this.latency = new Histogram({
      name: 'greenroom_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by route.',
      labelNames: ['method', 'route'],
      buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
      registers,
    });
    this.images = new Counter({ name: 'greenroom_images_processed_total', help: 'Images processed successfully, by operation (cutout, edit, removebg, segment).', labelNames: ['operation'], registers });
    this.joules = new Counter({ name: 'greenroom_energy_joules_total', help: 'Joules spent on processed images (from their receipts), by operation.', labelNames: ['operation'], registers });
    const { limiter, queue } = deps;
    // One read of the queue per scrape, shared by the gauges below.
    let pending: Promise<QueueStats | undefined> | undefined;
    const stats = () =>
      (pending ??= (queue ? queue.stats().catch(() => undefined) : Promise.resolve(undefined)).finally(() => setImmediate(() => (pending = undefined))));
    new Gauge({
      name: 'greenroom_queue_depth',
      help: 'Items waiting or running in the job queue.',
      registers,
      async collect() {
        const s = await stats();
        this.set(s ? Object.entries(s.items).reduce((n, [state, count]) => n + (PENDING.has(state) ? count : 0), 0) : 0);
      },
    });
    new Gauge({
      name: 'greenroom_queue_items',
      help: 'Job items by state (embedded: queued, running; fleet: BullMQ states waiting, active, delayed, completed, failed...).',
      labelNames: ['state'],
      registers,
      async collect() {
        this.reset();
        for (const [state, count] of Object.entries((await stats())?.items ?? {})) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'greenroom_fleet_workers',
      help: 'Fleet: greenroom worker processes connected to Redis now (0 without a fleet).',
      registers,
      async collect() {
        this.set((await stats())?.workers ?? 0);
      },
    });
    new Gauge({
      name: 'greenroom_fleet_items',
      help: 'Fleet: items finished per worker, by outcome (done, failed), as recorded in Redis.',
      labelNames: ['worker', 'outcome'],
      registers,
      async collect() {
        this.reset();
        for (const w of (await stats())?.perWorker ?? []) {
          this.set({ worker: w.worker, outcome: 'done' }, w.done);
          this.set({ worker: w.worker, outcome: 'failed' }, w.failed);
        }
      },
    });
    new Gauge({ name: 'greenroom_images_in_flight', help: 'Image requests being processed now.', registers, collect() { this.set(limiter.state().inFlight); } });
    new Gauge({ name: 'greenroom_images_waiting', help: 'Image requests waiting for a processing slot.', registers, collect() { this.set(limiter.state().waiting); } });
    if (deps.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'greenroom_' });
  }

  /** Counts one processed image and its joules. */
  recordImage(operation: string, joules: number | undefined): void {
    this.images.inc({ operation });
    if (joules !== undefined && joules > 0) this.joules.inc({ operation }, joules);
  }
}
