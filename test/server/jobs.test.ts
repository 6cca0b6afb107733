/** The /v1/jobs routes over the embedded queue (the suite: test/helpers/jobs-routes-suite.ts). */
import { openEmbeddedQueue } from '../../src/jobs/embedded.ts';
import { jobsRoutesSuite } from '../helpers/jobs-routes-suite.ts';

jobsRoutesSuite('embedded queue', async ({ runner, dataDir, maxQueuedItems }) => {
  const queue = await openEmbeddedQueue({ studio: runner, dataDir, ...(maxQueuedItems ? { maxQueuedItems } : {}) });
  return { queue, close: () => queue.close() };
});
