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
import { PixelPool } from './pixels/pool.ts';
import { parseCutoutOptions, type CutoutOptionsInput } from './pipeline/cutout-options.ts';
import { runCutout, type CutoutResult } from './pipeline/cutout.ts';
import { runEdit, type EditResult } from './pipeline/edit.ts';
import { CONVERT_FORMATS, runConvert, type ConvertOptions, type ConvertResult } from './pipeline/convert.ts';
import { parseEditSpec, type EditSpecInput } from './pipeline/spec.ts';
import type { Clock } from './pipeline/stages.ts';
import { buildReceipt, estimateCutout, ledgerEntry, openEnergy, planWithinBudget, type BudgetPlan, type Energy, type LedgerOperation } from './energy/index.ts';
import { readDimensions } from './image/decode.ts';
import type { JobMeter } from './pipeline/cutout.ts';
import type { Quality } from './models/manifest.ts';

export interface StudioOptions {
  /** Cache folder for assembled models (default: config.cacheDir). */
  cacheDir?: string;
  /** Inference threads (default: every core). */
  threads?: number;
  /** Worker threads for the per-pixel stages (default: every core). */
  pixelWorkers?: number;
  /** Pixel limit for inputs (default 50 MP). */
  maxPixels?: number;
  /** Default model id (default "isnet"). */
  model?: string;
  /** Replaces the onnxruntime session: for tests of the pipeline without the network. */
  segmenterFactory?: (modelId: string) => Promise<Segmenter>;
  clock?: Clock;
  /** Where the energy ledger is kept (default: config.dataDir). */
  dataDir?: string;
  /** Replaces the energy meter, grid and ledger (default: detected from the machine and config). */
  energy?: Energy;
}

/** What a job records in the energy ledger besides its receipt. */
export interface JobLabel {
  operation?: LedgerOperation;
  /** The input's name, for the ledger (not a path on the server). */
  input?: string;
  jobId?: string;
  batchId?: string;
  /**
   * Append the receipt to the energy ledger now (default true). Job queues pass false and call
   * `recordEnergy` once the item's result is recorded, so an item run twice (its worker died
   * after the run) is counted once.
   */
  record?: boolean;
}

/** CPU seconds of the compose stages of an edit (scene, layout, shadow, composite, encode at about 4 MP), for budgets. */
export const EDIT_COMPOSE_CPU_SECONDS = 0.15;

export class Studio {
  readonly config: Config;
  readonly #segmenters = new Map<string, Promise<Segmenter>>();
  readonly #factory: (modelId: string) => Promise<Segmenter>;
  readonly #clock: Clock | undefined;
  readonly energy: Energy;
  /** The worker threads every per-pixel stage runs on, so the caller's thread only orchestrates. */
  readonly pixels: PixelPool;
  #closed = false;

  private constructor(config: Config, options: StudioOptions, energy: Energy) {
    this.config = config;
    this.energy = energy;
    this.pixels = new PixelPool(config.pixelWorkers);
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
      ...(options.pixelWorkers ? { pixelWorkers: options.pixelWorkers } : {}),
      ...(options.maxPixels ? { maxPixels: options.maxPixels } : {}),
      ...(options.model ? { defaultModel: options.model } : {}),
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    });
    const energy = options.energy ?? (await openEnergy(config));
    const studio = new Studio(config, options, energy);
    try {
      await Promise.all([studio.segmenter(config.defaultModel), studio.pixels.ready()]);
    } catch (err) {
      await studio.close();
      throw err;
    }
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
  async cutout(input: ImageInput, options: CutoutOptionsInput = {}, label: JobLabel = {}): Promise<CutoutResult> {
    const parsed = parseCutoutOptions(options);
    const segmenter = await this.segmenter(parsed.model ?? this.config.defaultModel);
    const bytes = await readInput(input);
    const result = await runCutout(bytes, parsed, { segmenter, pixels: this.pixels, limits: { maxPixels: this.config.maxPixels }, energy: this.#jobMeter(), ...(this.#clock ? { clock: this.#clock } : {}) });
    await this.#record(result, { operation: 'cutout', ...label }, input);
    return result;
  }

  /**
   * Cuts the subject out and lays it on a background with a shadow, as the job spec says.
   * @param input image bytes, or a file path
   * @param spec see EditSpecSchema: background, shadow, lighting, layout, export, cutout
   */
  async edit(input: ImageInput, spec: EditSpecInput = {}, label: JobLabel = {}): Promise<EditResult & { budget?: BudgetPlan }> {
    const job = parseEditSpec(spec);
    const segmenter = await this.segmenter(job.cutout.model ?? this.config.defaultModel);
    const bytes = await readInput(input);
    // A budget is planned before any work: a cheaper quality when the requested one would not fit, or a refusal.
    let budget: BudgetPlan | undefined;
    if (job.energy) {
      budget = await this.planBudget(bytes, job.energy.budgetJ, job.cutout.quality, EDIT_COMPOSE_CPU_SECONDS, segmenter.model.id);
      job.cutout.quality = budget.quality;
    }
    const result = await runEdit(bytes, job, { segmenter, pixels: this.pixels, limits: { maxPixels: this.config.maxPixels }, energy: this.#jobMeter(), ...(this.#clock ? { clock: this.#clock } : {}) });
    await this.#record(result, { operation: 'edit', ...label }, input);
    return budget ? { ...result, budget } : result;
  }

  /**
   * The photo as JPEG, PNG or WebP (decoded as every input is: oriented, sRGB, HEIC included),
   * optionally scaled down: for viewers that cannot read the original (HEIC in most browsers).
   * No network runs, so no energy receipt is written.
   */
  async convert(input: ImageInput, options: Partial<ConvertOptions> = {}): Promise<ConvertResult> {
    if (this.#closed) throw new GreenroomError('STUDIO_CLOSED', 'The studio was closed; open a new one.');
    const format = options.format ?? 'jpeg';
    if (!CONVERT_FORMATS.includes(format)) throw new GreenroomError('INVALID_OPTION', `format: expected one of ${CONVERT_FORMATS.join(', ')}, got ${String(format)}.`, { field: 'format' });
    const bytes = await readInput(input);
    return runConvert(bytes, { format, ...(options.quality ? { quality: options.quality } : {}), ...(options.maxPixels ? { maxPixels: options.maxPixels } : {}) }, { limits: { maxPixels: this.config.maxPixels }, pixels: this.pixels });
  }

  /**
   * The quality that fits an energy budget for this photo, from the calibrated estimate and the
   * active power model; throws ENERGY_BUDGET_EXCEEDED (stating the estimate) when none does.
   */
  async planBudget(bytes: Uint8Array, budgetJ: number, requested: Quality, composeCpuSeconds = 0, model = this.config.defaultModel): Promise<BudgetPlan> {
    const size = await readDimensions(bytes);
    const megapixels = size ? (size.width * size.height) / 1e6 : 1.5;
    const wattsPerThread = this.energy.model.wattsPerThread;
    const extra = composeCpuSeconds > 0 ? [{ stage: 'compose', cpuSeconds: composeCpuSeconds }] : [];
    const precision = getModelSpec(model).precision;
    return planWithinBudget(budgetJ, requested, (q) => estimateCutout(q, { megapixels, wattsPerThread, extra, precision }).joules);
  }

  /** A fresh energy account for one job on the shared accountant; the network stage weighs as many threads as it runs on. */
  #jobMeter(): JobMeter {
    const job = this.energy.accountant.job();
    const { meter, grid, idleWatts } = this.energy;
    return { meter: job, weights: { segment: this.config.threads }, receipt: () => buildReceipt(job.finish(), { meter, grid, idleWatts }) };
  }

  /** Appends a result's receipt to the energy ledger (for callers that ran it with `record: false`). */
  recordEnergy(result: CutoutResult | EditResult, label: JobLabel): Promise<void> {
    return this.#record(result, { ...label, record: true }, label.input ?? '');
  }

  /** Appends the job's receipt to the ledger; a ledger that cannot be written never fails the job. */
  async #record(result: CutoutResult | EditResult, label: JobLabel, input: ImageInput): Promise<void> {
    if (!result.energy || label.record === false) return;
    const name = label.input ?? (typeof input === 'string' ? input.split(/[\\/]/).pop() : undefined);
    try {
      await this.energy.ledger.append(ledgerEntry(result.energy, { operation: label.operation ?? 'cutout', quality: result.quality, ...(name ? { input: name } : {}), ...(label.jobId ? { jobId: label.jobId } : {}), ...(label.batchId ? { batchId: label.batchId } : {}) }));
    } catch (err) {
      process.emitWarning(`greenroom: could not write the energy ledger: ${(err as Error).message}`);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const all = [...this.#segmenters.values()];
    this.#segmenters.clear();
    await Promise.all(all.map(async (s) => (await s.catch(() => undefined))?.close()));
    await this.pixels.close();
    await this.energy.close();
  }
}
