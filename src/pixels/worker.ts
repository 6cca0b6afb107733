/**
 * A pixel worker: runs the named task from tasks.ts on the input it is sent and posts the output
 * back, transferring (not copying) the buffers it made.
 */
import { parentPort } from 'node:worker_threads';
import { pixelTasks, type PixelTaskName } from './tasks.ts';
import { serializeError, transferablesOf } from './transfer.ts';
import type { WorkerReply, WorkerRequest } from './pool.ts';

parentPort!.on('message', (msg: WorkerRequest) => {
  void (async () => {
    try {
      const run = pixelTasks[msg.task as PixelTaskName] as (input: unknown) => unknown;
      if (!run) throw new Error(`unknown pixel task ${msg.task}`);
      const output = await run(msg.input);
      parentPort!.postMessage({ id: msg.id, ok: true, output } satisfies WorkerReply, transferablesOf(output));
    } catch (err) {
      parentPort!.postMessage({ id: msg.id, ok: false, error: serializeError(err) } satisfies WorkerReply);
    }
  })();
});
