/**
 * The library's entry point. A Studio holds the warm model sessions; open it once, run many
 * cutouts, close it.
 *
 * @example
 * const studio = await Studio.open();
 * const result = await studio.cutout('mug.jpg', { quality: 'best' });
 * await fs.writeFile('mug.png', result.image.data);
 * await studio.close();
 */
import { loadConfig, type Config } from './config.ts';
import { GreenroomError } from './errors.ts';
import { readInput, type ImageInput } from './image/read-input.ts';
import { getModelSpec } from './models/manifest.ts';
import { openOnnxSegmenter, type Segmenter } from './models/segmenter.ts';
import { parseCutoutOptions, type CutoutOptionsInput } from './pipeline/cutout-options.ts';
import { runCutout, type CutoutResult } from './pipeline/cutout.ts';
import { runEdit, type EditResult } from './pipeline/edit.ts';
import { parseEditSpec, type EditSpecInput } from './pipeline/spec.ts';
import type { Clock } from './pipeline/stages.ts';

export interface StudioOptions {
  /** Cache folder for assembled models (default: config.cacheDir). */
  cacheDir?: string;
  /** Inference threads (default: every core). */
  threads?: number;
  /** Pixel limit for inputs (default 50 MP). */
  maxPixels?: number;
  /** Default model id (default "isnet"). */
  model?: string;
  /** Replaces the onnxruntime session: for tests of the pipeline without the network. */
  segmenterFactory?: (modelId: string) => Promise<Segmenter>;
  clock?: Clock;
}

export class Studio {
  readonly config: Config;
  readonly #segmenters = new Map<string, Promise<Segmenter>>();
  readonly #factory: (modelId: string) => Promise<Segmenter>;
  readonly #clock: Clock | undefined;
  #closed = false;

  private constructor(config: Config, options: StudioOptions) {
    this.config = config;
    this.#clock = options.clock;
    this.#factory = options.segmenterFactory ?? ((id) => openOnnxSegmenter(getModelSpec(id), { cacheDir: config.cacheDir, threads: config.threads }));
  }

  /** Opens a studio and warms its default model (assembling it into the cache on first use). */
  static async open(options: StudioOptions = {}): Promise<Studio> {
    const base = loadConfig();
    const config: Config = Object.freeze({
      ...base,
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
      ...(options.maxPixels ? { maxPixels: options.maxPixels } : {}),
      ...(options.model ? { defaultModel: options.model } : {}),
    });
    const studio = new Studio(config, options);
    await studio.segmenter(config.defaultModel);
    return studio;
  }

  /** The warm segmenter for a model, opened on first use. */
  segmenter(modelId: string = this.config.defaultModel): Promise<Segmenter> {
    if (this.#closed) return Promise.reject(new GreenroomError('STUDIO_CLOSED', 'The studio was closed; open a new one.'));
    let s = this.#segmenters.get(modelId);
    if (!s) {
      s = Promise.resolve().then(() => this.#factory(modelId));
      this.#segmenters.set(modelId, s);
      s.catch(() => this.#segmenters.delete(modelId));
    }
    return s;
  }

  /**
   * Cuts the subject out of a photo.
   * @param input image bytes, or a file path
   * @param options see CutoutOptionsSchema; defaults: quality "best", refine and decontaminate on, PNG RGBA
   */
  async cutout(input: ImageInput, options: CutoutOptionsInput = {}): Promise<CutoutResult> {
    const parsed = parseCutoutOptions(options);
    const segmenter = await this.segmenter(parsed.model ?? this.config.defaultModel);
    const bytes = await readInput(input);
    return runCutout(bytes, parsed, { segmenter, limits: { maxPixels: this.config.maxPixels }, ...(this.#clock ? { clock: this.#clock } : {}) });
  }

  /**
   * Cuts the subject out and lays it on a background with a shadow, as the job spec says.
   * @param input image bytes, or a file path
   * @param spec see EditSpecSchema: background, shadow, lighting, layout, export, cutout
   */
  async edit(input: ImageInput, spec: EditSpecInput = {}): Promise<EditResult> {
    const job = parseEditSpec(spec);
    const segmenter = await this.segmenter(job.cutout.model ?? this.config.defaultModel);
    const bytes = await readInput(input);
    return runEdit(bytes, job, { segmenter, limits: { maxPixels: this.config.maxPixels }, ...(this.#clock ? { clock: this.#clock } : {}) });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const all = [...this.#segmenters.values()];
    this.#segmenters.clear();
    await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.close()));
  }
}
