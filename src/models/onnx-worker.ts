/**
 * The onnxruntime session in a worker thread. onnxruntime-node runs inference synchronously on
 * the calling thread; here it blocks only this worker, so the main thread keeps decoding,
 * refining and encoding other images (and a server keeps answering) during inference.
 *
 * Protocol: the parent sends `open` once, then `run` messages; each gets one reply with its id.
 */
import { parentPort } from 'node:worker_threads';
import ort from 'onnxruntime-node';
import type { ModelSpec } from './manifest.ts';
import { normalizeToTensor } from './normalize.ts';

export type WorkerRequest =
  | { type: 'open'; id: number; modelPath: string; threads: number }
  | { type: 'run'; id: number; rgb: Uint8Array; size: number; input: string; output: string; normalize: ModelSpec['normalize'] }
  | { type: 'close'; id: number };

export type WorkerReply = { id: number; ok: true; matte?: Float32Array } | { id: number; ok: false; message: string };

let session: ort.InferenceSession | undefined;

async function handle(msg: WorkerRequest): Promise<WorkerReply> {
  switch (msg.type) {
    case 'open':
      session = await ort.InferenceSession.create(msg.modelPath, {
        intraOpNumThreads: msg.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        // Memory patterns pre-plan one block per input shape; with a working size per quality that
        // kept ~50-500 MB more resident (int8 / fp16, measured after 20 images, issue 9).
        enableMemPattern: false,
        executionProviders: ['cpu'],
      });
      return { id: msg.id, ok: true };
    case 'run': {
      if (!session) throw new Error('session not open');
      const input = new ort.Tensor('float32', normalizeToTensor(msg.rgb, msg.size, msg.normalize), [1, 3, msg.size, msg.size]);
      const out = await session.run({ [msg.input]: input }, [msg.output]);
      return { id: msg.id, ok: true, matte: out[msg.output]!.data as Float32Array };
    }
    case 'close':
      await session?.release();
      session = undefined;
      return { id: msg.id, ok: true };
  }
}

parentPort!.on('message', (msg: WorkerRequest) => {
  handle(msg).then(
    (reply) => parentPort!.postMessage(reply, reply.ok && reply.matte ? [reply.matte.buffer as ArrayBuffer] : []),
    (err: unknown) => parentPort!.postMessage({ id: msg.id, ok: false, message: err instanceof Error ? err.message : String(err) } satisfies WorkerReply),
  );
});
