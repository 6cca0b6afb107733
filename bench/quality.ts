/**
 * Matte quality on the composites of bench/dataset.ts: every variant writes one predicted matte
 * per composite into PRED_ROOT/<variant>/<name>.png, scored against GT_DIR by the shared scorer
 * (../shared/tools/score-mattes.mjs: MAE, IoU@0.5, F1@0.5, SAD/1000, MSE, MAE in an 8 px band
 * around the true edge).
 *
 * Variants: greenroom's raw network matte upscaled bilinearly (refine off) and refined (refine on)
 * at each quality, and the peer. `scoreVariant` scores any other prediction function (for tuning).
 *
 * Run alone: node --import tsx bench/quality.ts [--quick]
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { QUALITIES, Studio, type Quality } from '../src/index.ts';
import { buildQualitySet } from './dataset.ts';
import { GT_DIR, IMG_DIR, isMain, PRED_ROOT, ROOT_DIR, SCORER } from './paths.ts';
import { runPeer } from './peer.ts';
import { spearman } from './stats.ts';

const run = promisify(execFile);

export interface PerImageScore {
  name: string;
  mae: number;
  iou: number;
  f1: number;
  sad: number;
  mse: number;
  bmae: number;
}

export interface Score {
  n: number;
  missing: number;
  MAE: number;
  IoU: number;
  F1: number;
  SADk: number;
  MSE: number;
  boundaryMAE: number;
  perImage: PerImageScore[];
}

export interface VariantScore extends Score {
  variant: string;
  /** Wall-clock seconds spent predicting the set (information only; timings are in speed.ts). */
  predictSeconds: number;
  /** greenroom's uncertainty score per image, and its Spearman rank correlation with the per-image MAE. */
  uncertainty?: { perImage: Record<string, number>; spearmanWithMAE: number };
}

/** A set of images with known alpha: IMG/<name>.png, GT/<name>.png; predictions go to PRED_ROOT/<variant>/. */
export interface QualitySet {
  imgDir: string;
  gtDir: string;
  predRoot: string;
  /** The photo of a name (default IMG/<name>.png). */
  imageFile?: (name: string) => string;
}

/** The photo file of an image of a set. */
export function imageFileOf(set: QualitySet, name: string): string {
  return set.imageFile ? set.imageFile(name) : path.join(set.imgDir, `${name}.png`);
}

/** The composites of bench/dataset.ts. */
export const COMPOSITE_SET: QualitySet = { imgDir: IMG_DIR, gtDir: GT_DIR, predRoot: PRED_ROOT };

export interface ScoreOptions {
  /** Only these composites (default: all in the set's ground-truth folder). */
  names?: readonly string[];
  /** Which images (default: the composites). */
  set?: QualitySet;
}

/** The composites' names (GT_DIR), building the quality set first if it is missing. */
export async function compositeNames(): Promise<string[]> {
  if (!fs.existsSync(GT_DIR) || fs.readdirSync(GT_DIR).length === 0) {
    let studio: Studio | undefined;
    try {
      await buildQualitySet(async () => (studio ??= await Studio.open()));
    } finally {
      await studio?.close();
    }
  }
  return fs
    .readdirSync(GT_DIR)
    .filter((f) => f.endsWith('.png'))
    .map((f) => f.slice(0, -4))
    .sort();
}

/** Scores the PNG mattes in `predDir` (alpha channel, or channel 0 of a grayscale PNG) against the ground truth. */
export async function scoreFolder(predDir: string, options: ScoreOptions = {}): Promise<Score> {
  const args = [SCORER, (options.set ?? COMPOSITE_SET).gtDir, predDir];
  if (options.names) {
    const list = path.join(predDir, '.list.txt');
    fs.writeFileSync(list, options.names.join('\n'));
    args.push(list);
  }
  // cwd = the project root so the scorer finds sharp; PER=1 adds one JSON line per image on stderr.
  const { stdout, stderr } = await run(process.execPath, args, { cwd: ROOT_DIR, env: { ...process.env, PER: '1' }, maxBuffer: 1 << 24 });
  const summary = JSON.parse(stdout.trim().split('\n').pop()!) as Omit<Score, 'perImage'>;
  const perImage = stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as PerImageScore);
  return { ...summary, perImage };
}

/**
 * Predicts a matte for every composite with `predict` (PNG bytes: RGBA, alpha used, or grayscale)
 * into PRED_ROOT/<name>/ and scores the folder. For tuning: call it with a prediction function
 * built on any options or code, compare the returned numbers.
 */
export async function scoreVariant(name: string, predict: (imagePath: string) => Promise<Buffer | Uint8Array>, options: ScoreOptions = {}): Promise<VariantScore> {
  const set = options.set ?? COMPOSITE_SET;
  const names = options.names ?? (await compositeNames());
  const dir = path.join(set.predRoot, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const t = performance.now();
  for (const n of names) fs.writeFileSync(path.join(dir, `${n}.png`), await predict(imageFileOf(set, n)));
  const predictSeconds = (performance.now() - t) / 1000;
  const score = await scoreFolder(dir, { ...(options.names ? { names } : {}), set });
  return { variant: name, predictSeconds: Math.round(predictSeconds * 10) / 10, ...score };
}

/** greenroom's matte alone, with or without refinement; `scores` collects each image's uncertainty score by name. */
export function greenroomPredictor(studio: Studio, quality: Quality, refine: boolean, scores?: Map<string, number>): (imagePath: string) => Promise<Buffer> {
  return async (imagePath) => {
    const r = await studio.cutout(imagePath, { quality, refine, decontaminate: false, channels: 'alpha', format: 'png' });
    if (scores && r.uncertainty !== undefined) scores.set(path.basename(imagePath).replace(/\.\w+$/, ''), r.uncertainty);
    return r.image.data;
  };
}

/** How well the uncertainty scores rank the images by their error. */
function withUncertainty(score: VariantScore, scores: Map<string, number>): VariantScore {
  const pairs = score.perImage.filter((p) => scores.has(p.name));
  if (pairs.length === 0) return score;
  return { ...score, uncertainty: { perImage: Object.fromEntries(scores), spearmanWithMAE: spearman(pairs.map((p) => scores.get(p.name)!), pairs.map((p) => p.mae)) } };
}

export interface QualityResults {
  composites: string[];
  variants: VariantScore[];
}

export interface QualityRunOptions extends ScoreOptions {
  peer?: boolean;
  /** Which qualities to run greenroom at (default all). */
  qualities?: readonly Quality[];
  log?: (line: string) => void;
}

export async function runQuality(studio: Studio, options: QualityRunOptions = {}): Promise<QualityResults> {
  const log = options.log ?? (() => {});
  const set = options.set ?? COMPOSITE_SET;
  const names = options.names ? [...options.names] : await compositeNames();
  const sub = { ...(options.names ? { names } : {}), set };
  const variants: VariantScore[] = [];
  for (const refine of [false, true]) {
    for (const quality of options.qualities ?? QUALITIES) {
      const name = `greenroom-${refine ? 'refined' : 'raw'}-${quality}`;
      const scores = new Map<string, number>();
      const score = withUncertainty(await scoreVariant(name, greenroomPredictor(studio, quality, refine, scores), sub), scores);
      variants.push(score);
      log(`  ${name.padEnd(26)} MAE ${score.MAE.toFixed(4)}  boundaryMAE ${score.boundaryMAE.toFixed(4)}  IoU ${score.IoU.toFixed(4)}  (${score.predictSeconds}s)`);
    }
  }
  if (options.peer !== false) {
    const dir = path.join(set.predRoot, 'peer');
    fs.rmSync(dir, { recursive: true, force: true });
    const t = performance.now();
    await runPeer({ kind: 'predict', files: names.map((n) => imageFileOf(set, n)), outDir: dir });
    const predictSeconds = Math.round((performance.now() - t) / 100) / 10;
    const score = { variant: 'peer', predictSeconds, ...(await scoreFolder(dir, sub)) };
    variants.push(score);
    log(`  ${'peer'.padEnd(26)} MAE ${score.MAE.toFixed(4)}  boundaryMAE ${score.boundaryMAE.toFixed(4)}  IoU ${score.IoU.toFixed(4)}  (${score.predictSeconds}s incl. start-up)`);
  }
  return { composites: names, variants };
}

if (isMain(import.meta.url)) {
  const studio = await Studio.open();
  try {
    const names = process.argv.includes('--quick') ? (await compositeNames()).filter((_, i) => i % 3 === 0) : undefined;
    const r = await runQuality(studio, { ...(names ? { names } : {}), peer: !process.argv.includes('--no-peer'), log: console.log });
    console.log(JSON.stringify(r.variants.map(({ perImage: _, ...v }) => v), null, 1));
  } finally {
    await studio.close();
  }
}
