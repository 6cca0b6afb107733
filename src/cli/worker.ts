/**
 * `greenroom worker`: a fleet worker process (see WORKER_USAGE and docs/DEPLOY.md). Opens a warm
 * studio, takes items from BullMQ on GREENROOM_REDIS_URL, and stops gracefully on SIGTERM or
 * SIGINT: the item in hand is finished and recorded, no new one is taken.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { redactUrl } from '../jobs/bullmq/queue.ts';
import { fleetSettings } from '../jobs/bullmq/settings.ts';
import { startFleetWorker } from '../jobs/bullmq/worker.ts';
import { openStorage } from '../storage/open.ts';
import { Studio } from '../studio.ts';
import { EXIT_OK, UsageError, formatMs, withUsage } from './args.ts';
import { WORKER_USAGE } from './help.ts';

export async function run(argv: string[]): Promise<number> {
  const { values } = withUsage(WORKER_USAGE, () =>
    parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        concurrency: { type: 'string', short: 'c' },
        name: { type: 'string', short: 'n' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    }),
  );
  if (values.help) {
    process.stdout.write(WORKER_USAGE);
    return EXIT_OK;
  }
  const config = loadConfig();
  const redisUrl = config.jobs.redisUrl;
  if (!redisUrl) throw new UsageError('GREENROOM_REDIS_URL is not set: a worker takes its items from Redis (for example GREENROOM_REDIS_URL=redis://127.0.0.1:6379).', WORKER_USAGE, 'GREENROOM_ERR_INVALID_CONFIG');
  const concurrency = values.concurrency === undefined ? config.jobs.concurrency : Number(values.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 8) throw new UsageError(`--concurrency must be a whole number from 1 to 8; got "${values.concurrency}".`, WORKER_USAGE, 'GREENROOM_ERR_INVALID_OPTION');
  const name = values.name ?? config.jobs.workerName;
  if (!/^[\w.:@-]{1,100}$/.test(name)) throw new UsageError(`--name: letters, digits and . : @ - _ only (at most 100); got "${name}".`, WORKER_USAGE, 'GREENROOM_ERR_INVALID_OPTION');

  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  log(`worker ${name}: loading the model...`);
  const studio = await Studio.open();
  const storage = openStorage(config);
  let worker;
  try {
    worker = await startFleetWorker({
      redisUrl,
      storage,
      studio,
      settings: fleetSettings(config.jobs),
      name,
      concurrency,
      webhooks: config.webhooks,
      ...(values.quiet
        ? {}
        : {
            onItem: (e) => {
              if (e.phase === 'start') log(`${e.jobId} #${e.index} ${e.name}: started`);
              else if (e.phase === 'done') log(`${e.jobId} #${e.index} ${e.name}: done in ${formatMs(e.ms ?? 0)}`);
              else if (e.phase === 'failed') log(`${e.jobId} #${e.index} ${e.name}: failed ${e.error ?? ''}`);
            },
          }),
    });
  } catch (err) {
    await studio.close();
    throw err;
  }
  log(
    `worker ${name}: ready on ${redactUrl(redisUrl)}, storage ${storage.url}, ${concurrency} at once, ${config.threads} threads, ${worker.deliversWebhooks ? 'delivers webhooks' : 'no webhooks (GREENROOM_WEBHOOK_SECRET unset)'}`,
  );

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log(`${signal}: finishing the item in hand, taking no new one (send it again to exit at once)`);
      process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await worker.close();
  await storage.close();
  await studio.close();
  log(`worker ${name}: stopped`);
  return EXIT_OK;
}
