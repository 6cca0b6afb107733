/**
 * The /v1/jobs routes over the fleet: BullMQ on a real redis-server (one per queue, on a free
 * loopback port), a folder storage, and a worker in this process running the suite's runner
 * (the suite: test/helpers/jobs-routes-suite.ts).
 */
import { openFleetQueue } from '../../src/jobs/bullmq/queue.ts';
import { startFleetWorker } from '../../src/jobs/bullmq/worker.ts';
import { FileStorage } from '../../src/storage/file.ts';
import { jobsRoutesSuite } from '../helpers/jobs-routes-suite.ts';
import { startRedis } from './redis.ts';

const settings = { lockMs: 5000, stalledIntervalMs: 2000, attempts: 3 };

jobsRoutesSuite('fleet: BullMQ on Redis', async ({ runner, dataDir, maxQueuedItems }) => {
  const redis = await startRedis();
  const storage = new FileStorage(dataDir);
  const queue = await openFleetQueue({ redisUrl: redis.url, storage, settings, ...(maxQueuedItems ? { maxQueuedItems } : {}) });
  const worker = await startFleetWorker({ redisUrl: redis.url, storage: new FileStorage(dataDir), studio: runner, settings, name: 'test-worker' });
  return {
    queue,
    close: async () => {
      await worker.close();
      await queue.close();
      await redis.stop();
    },
  };
});
