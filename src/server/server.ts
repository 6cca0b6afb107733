/**
 * Listening: opens the Studio (warming the model), builds the app, listens on the configured
 * host and port, logs the URL, and on SIGINT/SIGTERM stops taking requests, lets the ones in
 * flight finish, then closes the studio.
 */
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config.ts';
import { Studio, type StudioOptions } from '../studio.ts';
import { GreenroomError } from '../errors.ts';
import { openEmbeddedQueue } from '../jobs/embedded.ts';
import { openFleetQueue } from '../jobs/bullmq/queue.ts';
import { fleetSettings } from '../jobs/bullmq/settings.ts';
import { startFleetWorker, type FleetWorker } from '../jobs/bullmq/worker.ts';
import type { JobQueue } from '../jobs/types.ts';
import { openStorage } from '../storage/open.ts';
import { buildApp, type BuildAppOptions } from './app.ts';

export interface StartOptions {
  /** Overrides config.server.port / host. */
  port?: number;
  host?: string;
  config?: Config;
  studio?: StudioOptions;
  /** Passed to buildApp (queue, limiter...). */
  app?: Omit<BuildAppOptions, 'studio' | 'config'>;
  /** Install SIGINT/SIGTERM handlers that close the server (default true). */
  handleSignals?: boolean;
  /** Fleet mode (GREENROOM_REDIS_URL): run no worker in this process (default false: one worker). */
  noWorker?: boolean;
}

export interface RunningServer {
  app: FastifyInstance;
  studio: Studio;
  url: string;
  /** The fleet worker of this process, when one runs here. */
  worker?: FleetWorker;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const base = options.config ?? loadConfig();
  const config: Config = Object.freeze({
    ...base,
    server: Object.freeze({ ...base.server, ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host !== undefined ? { host: options.host } : {}) }),
  });
  const redisUrl = config.jobs.redisUrl;
  if (options.noWorker && !redisUrl) {
    throw new GreenroomError('INVALID_CONFIG', '--no-worker needs a fleet: set GREENROOM_REDIS_URL (without it, batch jobs run in this process).', { field: 'GREENROOM_REDIS_URL' });
  }
  const studio = await Studio.open(options.studio);
  let queue: JobQueue;
  let worker: FleetWorker | undefined;
  try {
    if (redisUrl) {
      // A fleet: jobs in Redis, files in the shared storage; this process runs one worker unless told not to.
      const settings = fleetSettings(config.jobs);
      queue = await openFleetQueue({
        redisUrl,
        storage: openStorage(config),
        settings,
        maxQueuedItems: config.jobs.maxQueuedItems,
        retentionHours: config.jobs.retentionHours,
        name: `serve-${process.pid}`,
        webhooks: config.webhooks,
      });
      if (!options.noWorker) {
        worker = await startFleetWorker({ redisUrl, storage: openStorage(config), studio, settings, name: config.jobs.workerName, concurrency: config.jobs.concurrency, webhooks: config.webhooks });
      }
    } else {
      // Batch jobs run in this process, persisted under the data folder (they resume after a restart).
      queue = await openEmbeddedQueue({ studio, dataDir: config.dataDir, ...config.jobs, webhooks: config.webhooks });
    }
  } catch (err) {
    await studio.close();
    throw err;
  }
  // Warnings and errors only: the terminal is often a seller's, and request logs would drown the banner.
  const app = buildApp({ logger: { level: 'warn' }, ...options.app, queue, studio, config });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      try {
        await app.close();
        await worker?.close();
        await queue.close();
      } finally {
        await studio.close();
      }
    })());
  try {
    await app.listen({ port: config.server.port, host: config.server.host });
  } catch (err) {
    await close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.server.port;
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host;
  const url = `http://${host}:${port}`;
  app.log.info(`greenroom ${app.greenroom.version} listening on ${url} (API docs at ${url}/docs)`);
  if (options.handleSignals !== false) {
    const onSignal = (signal: NodeJS.Signals) => {
      app.log.info(`${signal}: closing (requests in flight finish first)`);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      close().then(
        () => process.exit(0),
        (err) => {
          app.log.error({ err }, 'failed to close cleanly');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return { app, studio, url, close, ...(worker ? { worker } : {}) };
}
