/**
 * The segmentation network behind a small interface: one warm onnxruntime session, in a worker
 * thread (see onnx-worker.ts), reused for every image; runs serialised (inference already uses
 * every core; overlapping runs would only thrash), and only the final matte fetched.
 */
import type { Worker } from 'node:worker_threads';
import { GreenroomError } from '../errors.ts';
import { startModuleWorker } from '../pixels/spawn.ts';
import type { ModelSpec } from './manifest.ts';
import type { WorkerReply, WorkerRequest } from './onnx-worker.ts';
import { ensureModelFile } from './store.ts';

export interface Segmenter {
  readonly model: ModelSpec;
  /**
   * The matte (0..1) for a size x size interleaved RGB image; size must be a multiple of
   * model.input.multipleOf. The rgb buffer is handed over to the worker (do not reuse it).
   * `onStart` is called when this image's inference begins (runs are queued one at a time).
   */
  segment(rgb: Uint8Array, size: number, onStart?: () => void): Promise<Float32Array>;
  close(): Promise<void>;
}

export interface OnnxSegmenterOptions {
  cacheDir: string;
  threads: number;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

type Pending = { resolve: (reply: WorkerReply & { ok: true }) => void; reject: (err: Error) => void };

/** A worker running onnx-worker.ts (or .js once built), with request/reply bookkeeping. */
class OnnxWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: Error | undefined;

  constructor() {
    this.#worker = startModuleWorker(new URL('./onnx-worker', import.meta.url));
    this.#worker.unref();
    this.#worker.on('message', (reply: WorkerReply) => {
      const pending = this.#pending.get(reply.id);
      this.#pending.delete(reply.id);
      if (!pending) return;
      if (reply.ok) pending.resolve(reply);
      else pending.reject(new Error(reply.message));
    });
    const fail = (err: Error) => {
      this.#dead = err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`inference worker exited (code ${code})`)));
  }

  request(msg: WithoutId<WorkerRequest>, transfer: ArrayBuffer[] = []): Promise<WorkerReply & { ok: true }> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ ...msg, id }, transfer);
    });
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }
}

export async function openOnnxSegmenter(model: ModelSpec, options: OnnxSegmenterOptions): Promise<Segmenter> {
  const worker = new OnnxWorker();
  const open = (modelPath: string) => worker.request({ type: 'open', modelPath, threads: options.threads });
  let file = ensureModelFile(model, options.cacheDir);
  try {
    await open(file.path);
  } catch (first) {
    if (file.assembled) {
      await worker.terminate();
      throw new GreenroomError('MODEL_RUNTIME', `onnxruntime cannot load ${model.id}: ${(first as Error).message}`, { model: model.id }, { cause: first });
    }
    // A cached file damaged after it was written: rebuild it from the package once.
    file = ensureModelFile(model, options.cacheDir, true);
    try {
      await open(file.path);
    } catch (err) {
      await worker.terminate();
      throw new GreenroomError('MODEL_RUNTIME', `onnxruntime cannot load ${model.id} from ${file.path}: ${(err as Error).message}`, { model: model.id }, { cause: err });
    }
  }
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function run(rgb: Uint8Array, size: number): Promise<Float32Array> {
    if (closed) throw new GreenroomError('STUDIO_CLOSED', 'The studio was closed; open a new one.');
    // Copy only when the bytes share a buffer with something else, so the transfer cannot steal it.
    const own = rgb.byteOffset === 0 && rgb.byteLength === rgb.buffer.byteLength && rgb.buffer instanceof ArrayBuffer ? rgb : new Uint8Array(rgb);
    try {
      const reply = await worker.request(
        { type: 'run', rgb: own, size, input: model.input.name, output: model.output.name, normalize: model.normalize },
        [own.buffer as ArrayBuffer],
      );
      return reply.matte!;
    } catch (err) {
      throw new GreenroomError('MODEL_RUNTIME', `Inference failed at ${size}x${size}: ${(err as Error).message}`, { model: model.id, size }, { cause: err });
    }
  }

  return {
    model,
    segment(rgb, size, onStart) {
      if (size % model.input.multipleOf !== 0) throw new Error(`working size ${size} is not a multiple of ${model.input.multipleOf}`);
      const result = queue.then(() => {
        onStart?.();
        return run(rgb, size);
      });
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      if (closed) return;
      closed = true;
      await queue;
      await worker.request({ type: 'close' }).catch(() => undefined);
      await worker.terminate();
    },
  };
}
