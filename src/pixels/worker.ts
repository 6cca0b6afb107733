/**
 * A pixel worker: runs the named task from tasks.ts on the input it is sent and posts the output
 * back, transferring (not copying) the buffers it made.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { parentPort } from 'node:worker_threads';

// A worker's own heap is small, so V8 seldom collects it on its own, and every shared plane a
// task touched (tens of MB at 12 MP) stays referenced until it does: collect after each task
// (a few ms on a heap this size). Measured with four 12 MP cutouts: idle RSS 1097 -> 877 MB.
v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;
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
      gc();
    } catch (err) {
      parentPort!.postMessage({ id: msg.id, ok: false, error: serializeError(err) } satisfies WorkerReply);
    }
  })();
});
