/**
 * Writes the calibration file of an int8 model (calibration/<id>.json): the activation ranges
 * of the float network measured on the project's own calibration photos (test/fixtures/photos:
 * not evaluation data), each as the original, its mirror image and two crops, at the trained
 * working size. Deterministic for a given runtime and machine; the file is committed, so
 * preparing the int8 model needs no runtime run and downloads nothing.
 *
 *   node --import tsx scripts/calibrate-int8.ts [--model isnet-int8] [--size 1024] [--threads N]
 *
 * Re-run it when the model, its preparation or keepFloat change; the store refuses a file made
 * for other weights.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import ort from 'onnxruntime-node';
import { decodeImage, resizeForNetwork, type DecodedImage } from '../src/image/decode.ts';
import { averageRanges, calibrationModel, MAX_SUFFIX, MIN_SUFFIX } from '../src/models/calibrate.ts';
import { floatGraphForQuantization, type Calibration } from '../src/models/int8.ts';
import { getModelSpec, type ModelSpec } from '../src/models/manifest.ts';
import { normalizeToTensor } from '../src/models/normalize.ts';
import { encodeModel } from '../src/models/onnx-graph.ts';
import { planQuantization, type TensorRange } from '../src/models/quantize.ts';
import { readModelFromPackage } from '../src/models/store.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
export const CALIBRATION_PHOTOS = path.join(ROOT, 'test', 'fixtures', 'photos');

/** The four variants of a photo used for calibration: as is, mirrored, and two overlapping crops. */
export function calibrationVariants(image: DecodedImage): DecodedImage[] {
  const { width: w, height: h, rgb } = image;
  const crop = (x0: number, y0: number, cw: number, ch: number): DecodedImage => {
    const out = new Uint8Array(cw * ch * 3);
    for (let y = 0; y < ch; y++) out.set(rgb.subarray(((y0 + y) * w + x0) * 3, ((y0 + y) * w + x0 + cw) * 3), y * cw * 3);
    return { ...image, rgb: out, width: cw, height: ch, alpha: undefined };
  };
  const mirror = new Uint8Array(rgb.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      const d = (y * w + (w - 1 - x)) * 3;
      mirror[d] = rgb[s]!;
      mirror[d + 1] = rgb[s + 1]!;
      mirror[d + 2] = rgb[s + 2]!;
    }
  }
  const cw = Math.round(w * 0.7);
  const ch = Math.round(h * 0.7);
  return [{ ...image, alpha: undefined }, { ...image, rgb: mirror, alpha: undefined }, crop(0, 0, cw, ch), crop(w - cw, h - ch, cw, ch)];
}

/** The network input's exact range, from the normalisation (8-bit pixels, so quantising it is lossless). */
function inputRange(spec: ModelSpec): TensorRange {
  const lows = spec.normalize.mean.map((m, c) => (0 - m) / spec.normalize.std[c]!);
  const highs = spec.normalize.mean.map((m, c) => (255 - m) / spec.normalize.std[c]!);
  return { min: Math.min(...lows), max: Math.max(...highs) };
}

export interface CalibrationRun {
  /** Photo files (default: every photo in test/fixtures/photos). */
  photos?: string[];
  /** Working size the network runs at (default the trained size). */
  size?: number;
  threads?: number;
  log?: (line: string) => void;
}

/** Runs the float network on the calibration samples and returns the calibration file's content. */
export async function calibrate(spec: ModelSpec, run: CalibrationRun = {}): Promise<Calibration> {
  const q = spec.prepare.quantize;
  if (!q) throw new Error(`${spec.id} has no prepare.quantize in models.json`);
  const size = run.size ?? spec.input.trainedSize;
  const photos = run.photos ?? fs.readdirSync(CALIBRATION_PHOTOS).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort().map((f) => path.join(CALIBRATION_PHOTOS, f));
  const model = floatGraphForQuantization(readModelFromPackage(spec), q.output);
  const plan = planQuantization(model, { keepFloat: q.keepFloat });
  const tensors = plan.activations.filter((t) => t !== spec.input.name);
  const tmp = path.join(os.tmpdir(), `greenroom-calibrate-${process.pid}-${Date.now()}.onnx`);
  fs.writeFileSync(tmp, encodeModel(calibrationModel(model, tensors)));
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(tmp, { intraOpNumThreads: run.threads ?? os.availableParallelism(), graphOptimizationLevel: 'all' });
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const samples: Record<string, TensorRange>[] = [];
  try {
    for (const file of photos) {
      const decoded = await decodeImage(fs.readFileSync(file), { maxPixels: 100_000_000 });
      for (const [v, variant] of calibrationVariants(decoded).entries()) {
        const tensor = normalizeToTensor(resizeForNetwork(variant, size), size, spec.normalize);
        const out = await session.run({ [spec.input.name]: new ort.Tensor('float32', tensor, [1, 3, size, size]) });
        const sample: Record<string, TensorRange> = {};
        for (const t of tensors) sample[t] = { min: (out[t + MIN_SUFFIX]!.data as Float32Array)[0]!, max: (out[t + MAX_SUFFIX]!.data as Float32Array)[0]! };
        samples.push(sample);
        run.log?.(`calibrated ${path.basename(file)} variant ${v}`);
      }
    }
  } finally {
    await session.release();
  }
  const ranges = averageRanges(samples);
  ranges[spec.input.name] = inputRange(spec);
  return {
    model: spec.sha256,
    output: q.output,
    keepFloat: q.keepFloat,
    method: {
      photos: photos.map((f) => path.relative(ROOT, f)),
      photoSha256: photos.map((f) => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex').slice(0, 16)),
      variants: ['original', 'mirrored', 'crop 70% top-left', 'crop 70% bottom-right'],
      samples: samples.length,
      workingSize: size,
      rule: "mean of the samples' minima and maxima (ranges include 0); the input's range from the normalisation",
      runtime: `onnxruntime-node ${ort.env.versions.common}, graph optimisation all`,
    },
    ranges: Object.fromEntries(Object.entries(ranges).sort(([a], [b]) => a.localeCompare(b))),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { model: { type: 'string', default: 'isnet-int8' }, size: { type: 'string' }, threads: { type: 'string' } },
  });
  const spec = getModelSpec(values.model!);
  const calibration = await calibrate(spec, {
    ...(values.size ? { size: Number(values.size) } : {}),
    ...(values.threads ? { threads: Number(values.threads) } : {}),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const file = path.join(ROOT, spec.prepare.quantize!.calibration);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(calibration, null, 1) + '\n');
  console.log(`wrote ${path.relative(ROOT, file)}: ${Object.keys(calibration.ranges).length} ranges from ${calibration.method.samples} samples`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
