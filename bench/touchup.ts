/**
 * Touch-up hints (`npm run bench -- --only touchup`, or this file alone):
 *
 * 1. Solvers compared on cases with known truth (touchup-cases.ts): how much of the damage the
 *    strokes fix, how many right pixels they wrongly move (leaks), the error on the truth's edges
 *    near the damage, SAD, and the time per stroke.
 * 2. How long a stroke takes to apply at 1.5 MP and 12 MP (the bundled motorcycle photo scaled
 *    up, its real cutout, the gallery's three erase strokes scaled with it): median of several
 *    runs, next to a plain 3x3 box blur of the same image timed in the same run, because this
 *    machine's timings drift; and the server's whole hints stage (strokes and new edge colours).
 * 3. The before/after gallery image of the motorcycle (touchup-gallery.ts).
 *
 * A full run writes results/touchup.json and results/touchup.md (and the gallery); --quick writes
 * neither (npm run bench puts its tables in results/partial.* as for every section).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Studio } from '../src/index.ts';
import { DEFAULT_TUNING, type HintSolver, type SolveTuning } from '../src/matte/edge-solve.ts';
import type { Stroke } from '../src/matte/hints.ts';
import { TouchupSession } from '../src/matte/touchup.ts';
import { machineInfo } from './machine.ts';
import { isMain, PHOTOS_DIR, RESULTS_DIR, WORK_DIR } from './paths.ts';
import { table } from './report.ts';
import { median, round } from './stats.ts';
import { buildTouchupCases } from './touchup-cases.ts';
import { MOTORCYCLE_STROKES, writeTouchupGallery } from './touchup-gallery.ts';
import { scoreTouchup } from './touchup-score.ts';

export interface SolverRow {
  variant: string;
  kinds: Record<string, { cases: number; fixedPct: number; leakedPx: number; edgeError: number; sad: number }>;
  sad: number;
  msPerStroke: number;
}

export interface TimingRow {
  size: string;
  width: number;
  height: number;
  runs: number;
  /** Median milliseconds to apply one stroke in the solver (the page's live update). */
  strokeMs: number;
  strokeMsEach: number[];
  /** Median milliseconds of a 3x3 box blur of the same RGB image, timed in the same runs. */
  boxBlurMs: number;
  /** strokeMs / boxBlurMs. */
  ratio: number;
  /** The server's hints stage for the three strokes (solve + new edge colours), median, and the whole request. */
  serverHintsMs: number;
  serverTotalMs: number;
}

export interface TouchupResults {
  date: string;
  machine: ReturnType<typeof machineInfo>;
  /** The 1-minute load average when the section ended (machine.loadAvgAtStart when it began). */
  loadAvgAtEnd: number;
  caseScale: number;
  solvers: SolverRow[];
  timing: TimingRow[];
  gallery: string[];
}

const VARIANTS: Array<{ name: string; solver: HintSolver; tuning: SolveTuning }> = [
  { name: 'geodesic flood + matting band (default)', solver: 'geodesic', tuning: DEFAULT_TUNING },
  { name: 'geodesic flood + guided-filter band', solver: 'geodesic', tuning: { ...DEFAULT_TUNING, bandSolver: 'guided' } },
  { name: 'guided filter of the painted strokes', solver: 'guided', tuning: DEFAULT_TUNING },
  { name: 'local matting solve of the region', solver: 'matting', tuning: DEFAULT_TUNING },
];

async function compareSolvers(scale: number, quick: boolean, log: (s: string) => void): Promise<SolverRow[]> {
  const all = await buildTouchupCases(scale);
  const cases = quick ? all.filter((c) => c.name.startsWith('mug')) : all;
  log(`  ${cases.length} cases at ${cases[0]!.width}x${cases[0]!.height}`);
  const rows: SolverRow[] = [];
  for (const v of VARIANTS) {
    const kinds: SolverRow['kinds'] = {};
    const times: number[] = [];
    let sad = 0;
    for (const c of cases) {
      const alpha = Uint8Array.from(c.alpha0);
      const session = new TouchupSession({ rgb: c.rgb, width: c.width, height: c.height }, alpha, { solver: v.solver, tuning: v.tuning });
      for (const s of c.strokes) times.push(session.stroke(s).ms);
      const sc = scoreTouchup(c.alpha0, alpha, c.truth, c.width, c.height);
      const k = (kinds[c.kind] ??= { cases: 0, fixedPct: 0, leakedPx: 0, edgeError: 0, sad: 0 });
      k.cases++;
      k.fixedPct += 100 * sc.fixed;
      k.leakedPx += sc.leaked;
      k.edgeError += sc.edgeAfter;
      k.sad += sc.sad;
      sad += sc.sad;
    }
    for (const k of Object.values(kinds)) {
      k.fixedPct = round(k.fixedPct / k.cases, 1);
      k.leakedPx = round(k.leakedPx / k.cases);
      k.edgeError = round(k.edgeError / k.cases, 3);
      k.sad = round(k.sad / k.cases, 2);
    }
    rows.push({ variant: v.name, kinds, sad: round(sad, 2), msPerStroke: round(median(times), 1) });
    log(`  ${v.name}: SAD ${round(sad, 2)}, ${round(median(times), 1)} ms per stroke`);
  }
  return rows;
}

/** A plain 3x3 box blur of interleaved RGB: the reference workload timed next to the strokes. */
export function boxBlur3(src: Uint8Array, w: number, h: number): Uint8Array {
  const tmp = new Uint16Array(src.length), out = new Uint8Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const xl = x > 0 ? x - 1 : x, xr = x < w - 1 ? x + 1 : x;
      const o = (y * w + x) * 3, l = (y * w + xl) * 3, r = (y * w + xr) * 3;
      for (let c = 0; c < 3; c++) tmp[o + c] = src[l + c]! + src[o + c]! + src[r + c]!;
    }
  }
  for (let y = 0; y < h; y++) {
    const yu = y > 0 ? y - 1 : y, yd = y < h - 1 ? y + 1 : y;
    for (let x = 0; x < w * 3; x++) out[y * w * 3 + x] = Math.round((tmp[yu * w * 3 + x]! + tmp[y * w * 3 + x]! + tmp[yd * w * 3 + x]!) / 9);
  }
  return out;
}

const scaleStroke = (s: Stroke, k: number): Stroke => ({ mode: s.mode, radius: s.radius * k, points: Array.from(s.points, (v) => v * k) });

async function timeAt(studio: Studio, width: number, runs: number, log: (s: string) => void): Promise<TimingRow> {
  const src = path.join(PHOTOS_DIR, 'motorcycle_left.png');
  const k = width / 741;
  const { data, info } = await sharp(src).resize(width, null, { kernel: 'lanczos3' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const photoPng = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
  const cut = await studio.cutout(photoPng, { quality: 'best' });
  const alpha = new Uint8Array(await sharp(cut.image.data).extractChannel(3).raw().toBuffer());
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const strokes = MOTORCYCLE_STROKES.map((s) => scaleStroke(s, k));
  const session = new TouchupSession({ rgb, width: info.width, height: info.height }, alpha);
  // Warm up: the first strokes run unoptimised code (the page warms up on a small picture when it loads).
  for (let i = 0; i < 4; i++) {
    for (const s of strokes) session.stroke(s);
    while (session.undo());
  }
  const each: number[][] = strokes.map(() => []);
  const blur: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    boxBlur3(rgb, info.width, info.height);
    blur.push(performance.now() - t0);
    strokes.forEach((s, i) => {
      const t = performance.now();
      session.stroke(s);
      each[i]!.push(performance.now() - t);
    });
    while (session.undo());
  }
  const server: number[] = [], total: number[] = [];
  const hints = strokes.map((s) => ({ mode: s.mode, radius: s.radius, points: Array.from({ length: s.points.length / 2 }, (_, i) => [s.points[2 * i]!, s.points[2 * i + 1]!] as [number, number]) }));
  for (let r = 0; r < Math.min(3, runs); r++) {
    const res = await studio.cutout(photoPng, { matte: cut.image.data, hints });
    server.push(res.stages.find((s) => s.stage === 'hints')!.ms);
    total.push(res.totalMs);
  }
  const strokeMs = median(each.flat());
  const boxBlurMs = median(blur);
  const row: TimingRow = {
    size: `${round((info.width * info.height) / 1e6, 1)} MP`,
    width: info.width,
    height: info.height,
    runs,
    strokeMs: round(strokeMs, 1),
    strokeMsEach: each.map((e) => round(median(e), 1)),
    boxBlurMs: round(boxBlurMs, 1),
    ratio: round(strokeMs / boxBlurMs, 2),
    serverHintsMs: round(median(server)),
    serverTotalMs: round(median(total)),
  };
  log(`  ${row.size}: a stroke ${row.strokeMs} ms (each ${row.strokeMsEach.join(', ')}), 3x3 box blur ${row.boxBlurMs} ms, ratio ${row.ratio}; server hints stage ${row.serverHintsMs} ms`);
  return row;
}

export async function runTouchup(studio: Studio, options: { quick?: boolean; log?: (s: string) => void } = {}): Promise<TouchupResults> {
  const log = options.log ?? ((s: string) => console.log(s));
  const quick = options.quick ?? false;
  const machine = machineInfo();
  log('touch-up: solvers on cases with known truth...');
  const caseScale = 0.5;
  const solvers = await compareSolvers(caseScale, quick, log);
  log('touch-up: stroke timing...');
  const runs = quick ? 3 : 9;
  const timing = [await timeAt(studio, 1500, runs, log), await timeAt(studio, 4240, runs, log)];
  // A quick run writes nothing it would overwrite: results and gallery come from full runs.
  log(quick ? 'touch-up: gallery skipped (quick)' : 'touch-up: gallery...');
  const gallery = quick ? [] : await writeTouchupGallery(studio);
  const results: TouchupResults = { date: new Date().toISOString(), machine, loadAvgAtEnd: round(os.loadavg()[0]!, 2), caseScale, solvers, timing, gallery: gallery.map((g) => path.relative(path.resolve(RESULTS_DIR, '..', '..'), g)) };
  if (!quick) {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(RESULTS_DIR, 'touchup.json'), `${JSON.stringify(results, null, 1)}\n`);
    fs.writeFileSync(path.join(RESULTS_DIR, 'touchup.md'), touchupMarkdown(results));
  }
  return results;
}

export function touchupMarkdown(r: TouchupResults): string {
  const kinds = ['clutter', 'touching', 'haze', 'missed'];
  const solverRows = r.solvers.map((s) => [s.variant, ...kinds.flatMap((k) => (s.kinds[k] ? [`${s.kinds[k].fixedPct}% / ${s.kinds[k].leakedPx} / ${s.kinds[k].edgeError}`] : ['-'])), s.sad, s.msPerStroke]);
  const timingRows = r.timing.map((t) => [`${t.size} (${t.width}x${t.height})`, t.strokeMs, t.strokeMsEach.join(', '), t.boxBlurMs, t.ratio, t.serverHintsMs, t.serverTotalMs]);
  return [
    `## Touch-up hints (${r.date.slice(0, 10)}, ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}; load average ${r.machine.loadAvgAtStart} at the start, ${r.loadAvgAtEnd} at the end)`,
    '',
    `Solvers on cases with known truth (bench/touchup-cases.ts, ${Math.round(1500 * r.caseScale)}x${Math.round(1000 * r.caseScale)}): per kind, damage fixed / right pixels moved by more than 0.1 (leaks) / mean error on the truth's edges near the damage; SAD/1000 over all cases (lower is better); median ms per stroke.`,
    '',
    table(['solver', ...kinds, 'SAD', 'ms/stroke'], solverRows, ['l', 'l', 'l', 'l', 'l', 'r', 'r']),
    '',
    'A stroke on the motorcycle photo scaled up (its real cutout; the gallery\'s three erase strokes scaled with it), median of the runs, next to a 3x3 box blur of the same image timed in the same runs (timings on this shared machine drift; the ratio drifts less). The server\'s hints stage covers the three strokes and the new edge colours (decontamination).',
    '',
    table(['photo', 'ms per stroke', 'each stroke', '3x3 box blur ms', 'stroke / blur', 'server hints stage ms', 'server request ms'], timingRows, ['l', 'r', 'l', 'r', 'r', 'r', 'r']),
    '',
    `Gallery: ${r.gallery.join(', ')}`,
    '',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data') });
  try {
    const r = await runTouchup(studio, { quick });
    console.log(touchupMarkdown(r));
  } finally {
    await studio.close();
  }
}
