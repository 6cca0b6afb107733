/**
 * Prometheus metrics, on a registry of the app's own (two apps in one process, as in tests, do
 * not collide): requests by route and status, latency, images processed and joules spent by
 * operation, the in-flight limiter and the job queue's depth.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RequestLimiter } from './limiter.ts';

/** What /metrics needs of the job queue (src/jobs JobQueue fits). */
export interface QueueDepth {
  /** Items waiting and running in the job queue (a count, or the queue's breakdown). */
  depth(): number | { queuedItems: number; runningItems: number };
}

function totalDepth(queue: QueueDepth | undefined): number {
  const d = queue?.depth();
  return d === undefined ? 0 : typeof d === 'number' ? d : d.queuedItems + d.runningItems;
}

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
    new Gauge({ name: 'greenroom_queue_depth', help: 'Items waiting or running in the job queue.', registers, collect() { this.set(totalDepth(queue)); } });
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
