/**
 * Listening: opens the Studio (warming the model), builds the app, listens on the configured
 * host and port, logs the URL, and on SIGINT/SIGTERM stops taking requests, lets the ones in
 * flight finish, then closes the studio.
 */
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config.ts';
import { Studio, type StudioOptions } from '../studio.ts';
import { openEmbeddedQueue } from '../jobs/embedded.ts';
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
}

export interface RunningServer {
  app: FastifyInstance;
  studio: Studio;
  url: string;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const base = options.config ?? loadConfig();
  const config: Config = Object.freeze({
    ...base,
    server: Object.freeze({ ...base.server, ...(options.port !== undefined ? { port: options.port } : {}), ...(options.host !== undefined ? { host: options.host } : {}) }),
  });
  const studio = await Studio.open(options.studio);
  // Batch jobs run in this process, persisted under the data folder (they resume after a restart).
  const queue = await openEmbeddedQueue({ studio, dataDir: config.dataDir, ...config.jobs });
  // Warnings and errors only: the terminal is often a seller's, and request logs would drown the banner.
  const app = buildApp({ logger: { level: 'warn' }, ...options.app, queue, studio, config });
  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      try {
        await app.close();
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
  return { app, studio, url, close };
}
