/**
 * The segmentation network behind a small interface: one warm onnxruntime session reused for
 * every image, runs serialised (inference already uses every core; overlapping runs would only
 * thrash), and only the final matte fetched.
 */
import ort from 'onnxruntime-node';
import { GreenroomError } from '../errors.ts';
import type { ModelSpec } from './manifest.ts';
import { ensureModelFile } from './store.ts';

export interface Segmenter {
  readonly model: ModelSpec;
  /**
   * The matte (0..1) for a size x size interleaved RGB image; size must be a multiple of
   * model.input.multipleOf.
   */
  segment(rgb: Uint8Array, size: number): Promise<Float32Array>;
  close(): Promise<void>;
}

/** Interleaved 8-bit RGB to the planar, normalised float tensor the network expects. */
export function normalizeToTensor(rgb: Uint8Array, size: number, norm: ModelSpec['normalize']): Float32Array {
  const n = size * size;
  const out = new Float32Array(3 * n);
  for (let c = 0; c < 3; c++) {
    const mean = norm.mean[c]!;
    const inv = 1 / norm.std[c]!;
    const plane = c * n;
    for (let i = 0; i < n; i++) out[plane + i] = (rgb[i * 3 + c]! - mean) * inv;
  }
  return out;
}

export interface OnnxSegmenterOptions {
  cacheDir: string;
  threads: number;
}

export async function openOnnxSegmenter(model: ModelSpec, options: OnnxSegmenterOptions): Promise<Segmenter> {
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  };
  let file = ensureModelFile(model, options.cacheDir);
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(file.path, sessionOptions);
  } catch (first) {
    if (file.assembled) throw new GreenroomError('MODEL_RUNTIME', `onnxruntime cannot load ${model.id}: ${(first as Error).message}`, { model: model.id }, { cause: first });
    // A cached file damaged after it was written: rebuild it from the package once.
    file = ensureModelFile(model, options.cacheDir, true);
    try {
      session = await ort.InferenceSession.create(file.path, sessionOptions);
    } catch (err) {
      throw new GreenroomError('MODEL_RUNTIME', `onnxruntime cannot load ${model.id} from ${file.path}: ${(err as Error).message}`, { model: model.id }, { cause: err });
    }
  }
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  async function run(rgb: Uint8Array, size: number): Promise<Float32Array> {
    if (closed) throw new GreenroomError('STUDIO_CLOSED', 'The studio was closed; open a new one.');
    const input = new ort.Tensor('float32', normalizeToTensor(rgb, size, model.normalize), [1, 3, size, size]);
    try {
      const out = await session.run({ [model.input.name]: input }, [model.output.name]);
      const tensor = out[model.output.name]!;
      return tensor.data as Float32Array;
    } catch (err) {
      throw new GreenroomError('MODEL_RUNTIME', `Inference failed at ${size}x${size}: ${(err as Error).message}`, { model: model.id, size }, { cause: err });
    } finally {
      input.dispose?.();
    }
  }

  return {
    model,
    segment(rgb, size) {
      if (size % model.input.multipleOf !== 0) throw new Error(`working size ${size} is not a multiple of ${model.input.multipleOf}`);
      const result = queue.then(() => run(rgb, size));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      closed = true;
      await queue;
      await session.release();
    },
  };
}
