/**
 * Retouch (`npm run bench -- --only retouch`, or this file alone):
 *
 * 1. Known-truth cases from the project's real photos (retouch-cases.ts): a region of background
 *    or of the product's interior masked out, the photo as the truth. The engine (on the pixel
 *    pool, with the frozen ground-truth matte where the photo has one) against a smooth fill
 *    (push-pull) in the same run: the mean absolute error inside the mask, and the texture kept
 *    (gradient energy inside the fill over the truth's); pixels changed outside the mask, by
 *    distance from it. The matte cases once more without their matte.
 * 2. Time for 1.5 MP and 12 MP photos (the speed set and the phone set: real photos scaled up,
 *    JPEG) with a mask of 3% of the area, next to the fp16 network at 1024 timed in the same
 *    rounds (as bench/phone.ts times it): the retouch stage and the whole call (decode, retouch,
 *    encode to PNG), as ratios to the network.
 * 3. The web studio's brush: the page's fill of a stroke (the engine in a Web Worker) against the
 *    same stroke sent to /v1/retouch from the page, at 1.5 MP, in Debian's Chromium.
 * 4. The gallery (retouch-gallery.ts): a sticker on the mug, the clutter behind the motorcycle's
 *    seat, an expand, written to bench/gallery/.
 *
 * A full run writes results/retouch.json and results/retouch.md; --quick writes neither.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { Studio } from '../src/index.ts';
import { decodeImage, resizeForNetwork } from '../src/image/decode.ts';
import { fillInParts } from '../src/pipeline/retouch-stage.ts';
import { sharedBytes } from '../src/pixels/transfer.ts';
import { distanceTo } from '../src/retouch/distance.ts';
import { smoothFill } from '../src/retouch/smooth-fill.ts';
import { buildSpeedSet } from './dataset.ts';
import { machineInfo } from './machine.ts';
import { REFERENCE_MODEL } from './network.ts';
import { isMain, RESULTS_DIR, ROOT_DIR, WORK_DIR } from './paths.ts';
import { buildPhoneSet } from './phone.ts';
import { table } from './report.ts';
import { buildRetouchCases, type RetouchCase } from './retouch-cases.ts';
import { writeRetouchGallery } from './retouch-gallery.ts';
import { changedOutside, scoreFill } from './retouch-score.ts';
import { timeWebBrush, type WebBrushTiming } from './retouch-web.ts';
import { median, round } from './stats.ts';

export interface CaseRow {
  name: string;
  side: string;
  shape: string;
  maskPixels: number;
  fillMae: number;
  smoothMae: number;
  /** Gradient energy inside the mask over the truth's. */
  fillTexture: number;
  smoothTexture: number;
  /** fillMae / smoothMae. */
  errorRatio: number;
  /** Without the matte (cases that have one). */
  noMatte?: { fillMae: number; fillTexture: number; errorRatio: number };
  /** Pixels changed outside the mask at 1, 2, 3 and 4+ px from it. */
  changedAt: number[];
  ms: number;
}

export interface Summary {
  cases: number;
  /** Geometric means over the cases. */
  fillTexture: number;
  smoothTexture: number;
  errorRatio: number;
  fillMae: number;
  smoothMae: number;
}

export interface TimingRow {
  size: string;
  photo: string;
  width: number;
  height: number;
  maskShare: number;
  runs: number;
  retouchMs: number;
  totalMs: number;
  networkMs: number;
  /** Medians over rounds of (this / the network's run in that round). */
  retouchRatio: number;
  totalRatio: number;
  levels: string;
}

export interface RetouchBenchResults {
  date: string;
  machine: ReturnType<typeof machineInfo>;
  loadAvgAtEnd: number;
  cases: CaseRow[];
  summary: Record<string, Summary>;
  noMatte: Summary | null;
  timing: TimingRow[];
  web: WebBrushTiming | null;
  webSkipped?: string;
  gallery: string[];
}

const geo = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(Math.max(1e-6, x)), 0) / xs.length);

function summarize(rows: CaseRow[]): Summary {
  return {
    cases: rows.length,
    fillTexture: round(geo(rows.map((r) => r.fillTexture)), 3),
    smoothTexture: round(geo(rows.map((r) => r.smoothTexture)), 3),
    errorRatio: round(geo(rows.map((r) => r.errorRatio)), 3),
    fillMae: round(rows.reduce((s, r) => s + r.fillMae, 0) / rows.length, 2),
    smoothMae: round(rows.reduce((s, r) => s + r.smoothMae, 0) / rows.length, 2),
  };
}

/** The engine's fill of a case, through the pool as the server runs it. */
async function fillCase(studio: Studio, c: RetouchCase, withMatte: boolean): Promise<{ filled: Uint8Array; ms: number }> {
  const t = performance.now();
  const image = { rgb: sharedBytes(c.rgb), width: c.width, height: c.height };
  const done = await fillInParts(studio.pixels, { image, mask: sharedBytes(c.mask), ...(withMatte && c.matte ? { matte: sharedBytes(c.matte) } : {}) });
  const ms = performance.now() - t;
  if (!done) throw new Error(`${c.name}: empty mask`);
  return { filled: done.rgb, ms };
}

async function scoreCases(studio: Studio, quick: boolean, log: (s: string) => void): Promise<{ cases: CaseRow[]; summary: Record<string, Summary>; noMatte: Summary | null }> {
  const all = await buildRetouchCases();
  const cases = quick ? all.filter((_, i) => i % 3 === 0) : all;
  log(`  ${cases.length} cases`);
  // Warm the pool's workers (their first runs are unoptimised).
  for (const c of cases.slice(0, 2)) await fillCase(studio, c, true);
  const rows: CaseRow[] = [];
  for (const c of cases) {
    const { filled, ms } = await fillCase(studio, c, true);
    const smooth = smoothFill(c.rgb, c.mask, c.width, c.height);
    const f = scoreFill(filled, c.rgb, c.mask, c.width, c.height), s = scoreFill(smooth, c.rgb, c.mask, c.width, c.height), t = scoreFill(c.rgb, c.rgb, c.mask, c.width, c.height);
    let maskPixels = 0;
    for (const v of c.mask) if (v) maskPixels++;
    const row: CaseRow = {
      name: c.name,
      side: c.side,
      shape: c.shape,
      maskPixels,
      fillMae: round(f.mae, 2),
      smoothMae: round(s.mae, 2),
      fillTexture: round(f.energy / t.energy, 3),
      smoothTexture: round(s.energy / t.energy, 3),
      errorRatio: round(f.mae / s.mae, 3),
      changedAt: changedOutside(c.rgb, filled, distanceTo(c.mask, c.width, c.height)),
      ms: round(ms, 1),
    };
    if (c.matte) {
      const bare = (await fillCase(studio, c, false)).filled;
      const b = scoreFill(bare, c.rgb, c.mask, c.width, c.height);
      row.noMatte = { fillMae: round(b.mae, 2), fillTexture: round(b.energy / t.energy, 3), errorRatio: round(b.mae / s.mae, 3) };
    }
    rows.push(row);
  }
  const summary: Record<string, Summary> = { all: summarize(rows) };
  for (const side of ['background', 'product', 'anywhere']) {
    const some = rows.filter((r) => r.side === side);
    if (some.length) summary[side] = summarize(some);
  }
  const matted = rows.filter((r) => r.noMatte);
  const noMatte = matted.length ? summarize(matted.map((r) => ({ ...r, ...r.noMatte! }))) : null;
  const a = summary.all!;
  log(`  texture ${a.fillTexture}x the truth's (smooth fill ${a.smoothTexture}x), error ${a.errorRatio}x the smooth fill's; changed 4 px or more outside a mask: ${rows.reduce((s, r) => s + r.changedAt[3]!, 0)} px`);
  return { cases: rows, summary, noMatte };
}

/** A mask image of 3% of the photo: an ellipse (4:3) centred at (cx, cy), shares of the sides. */
async function ellipseMask(width: number, height: number, cx: number, cy: number, share = 0.03): Promise<Buffer> {
  const a = Math.sqrt((share * width * height * 4) / (3 * Math.PI)), b = (a * 3) / 4;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="${width}" height="${height}" fill="black"/><ellipse cx="${cx * width}" cy="${cy * height}" rx="${a}" ry="${b}" fill="white"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** Where the timing masks lie: on the table by the saucer, on the floor under the motorcycle. */
const TIMED: Array<[string, number, number]> = [
  ['coffee', 0.8, 0.7],
  ['motorcycle_left', 0.22, 0.85],
];

async function timeAt(studio: Studio, size: '1.5 MP' | '12 MP', runs: number, log: (s: string) => void): Promise<TimingRow[]> {
  const set = size === '12 MP' ? await buildPhoneSet() : await buildSpeedSet();
  const reference = await studio.segmenter(REFERENCE_MODEL);
  const refSize = reference.model.input.trainedSize;
  const rows: TimingRow[] = [];
  for (const [name, cx, cy] of TIMED) {
    const image = set.find((i) => i.name === name)!;
    const bytes = fs.readFileSync(image.file);
    const decoded = await decodeImage(bytes, { maxPixels: 1e8 });
    const refInput = resizeForNetwork(decoded, refSize);
    const referenceRun = async () => {
      const t = performance.now();
      await reference.segment(new Uint8Array(refInput), refSize);
      return performance.now() - t;
    };
    const mask = await ellipseMask(decoded.width, decoded.height, cx, cy);
    // Warm-up: the network and the pool's workers.
    await referenceRun();
    const first = await studio.retouch(bytes, { mask });
    const net: number[] = [], stage: number[] = [], total: number[] = [], rStage: number[] = [], rTotal: number[] = [];
    for (let r = 0; r < runs; r++) {
      const ref = await referenceRun();
      const t = performance.now();
      const res = await studio.retouch(bytes, { mask });
      const all = performance.now() - t;
      const ms = res.stages.find((s) => s.stage === 'retouch')!.ms;
      net.push(ref);
      stage.push(ms);
      total.push(all);
      rStage.push(ms / ref);
      rTotal.push(all / ref);
    }
    const row: TimingRow = {
      size,
      photo: name,
      width: decoded.width,
      height: decoded.height,
      maskShare: first.retouch.share,
      runs,
      retouchMs: round(median(stage)),
      totalMs: round(median(total)),
      networkMs: round(median(net)),
      retouchRatio: round(median(rStage), 3),
      totalRatio: round(median(rTotal), 3),
      levels: first.retouch.levels.map((l) => `${l.width}x${l.height} ${l.work}${l.rounds > 1 ? `x${l.rounds}` : ''}`).join(', '),
    };
    log(`  ${size} ${name} (${row.width}x${row.height}, mask ${(row.maskShare * 100).toFixed(1)}%): retouch stage ${row.retouchMs} ms (${row.retouchRatio}x the fp16 network), whole call ${row.totalMs} ms (${row.totalRatio}x); network ${row.networkMs} ms`);
    rows.push(row);
  }
  return rows;
}

export async function runRetouchBench(studio: Studio, options: { quick?: boolean; log?: (s: string) => void } = {}): Promise<RetouchBenchResults> {
  const log = options.log ?? ((s: string) => console.log(s));
  const quick = options.quick ?? false;
  const machine = machineInfo();
  log('retouch: known-truth cases...');
  const { cases, summary, noMatte } = await scoreCases(studio, quick, log);
  log('retouch: time at 1.5 and 12 MP next to the fp16 network...');
  const runs = quick ? 2 : 5;
  const timing = [...(await timeAt(studio, '1.5 MP', runs, log)), ...(await timeAt(studio, '12 MP', runs, log))];
  let web: WebBrushTiming | null = null;
  let webSkipped: string | undefined;
  if (quick) webSkipped = 'quick run';
  else {
    log('retouch: the web brush, in the page and through /v1/retouch...');
    try {
      web = await timeWebBrush(studio, log);
    } catch (err) {
      webSkipped = `failed: ${(err as Error).message.slice(0, 300)}`;
      log(`  ${webSkipped}`);
    }
  }
  log(quick ? 'retouch: gallery skipped (quick)' : 'retouch: gallery...');
  const gallery = quick ? [] : await writeRetouchGallery(studio, log);
  const results: RetouchBenchResults = { date: new Date().toISOString(), machine, loadAvgAtEnd: round(os.loadavg()[0]!, 2), cases, summary, noMatte, timing, web, ...(webSkipped ? { webSkipped } : {}), gallery: gallery.map((g) => path.relative(ROOT_DIR, g)) };
  if (!quick) {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    fs.writeFileSync(path.join(RESULTS_DIR, 'retouch.json'), `${JSON.stringify(results, null, 1)}\n`);
    fs.writeFileSync(path.join(RESULTS_DIR, 'retouch.md'), retouchMarkdown(results));
  }
  return results;
}

export function retouchMarkdown(r: RetouchBenchResults): string {
  const sides = Object.entries(r.summary).map(([side, s]) => [side, s.cases, s.fillTexture, s.smoothTexture, s.errorRatio, s.fillMae, s.smoothMae]);
  if (r.noMatte) sides.push(['matte cases, without the matte', r.noMatte.cases, r.noMatte.fillTexture, r.noMatte.smoothTexture, r.noMatte.errorRatio, r.noMatte.fillMae, r.noMatte.smoothMae]);
  const caseRows = r.cases.map((c) => [c.name, c.maskPixels, c.fillTexture, c.smoothTexture, c.errorRatio, c.fillMae, c.smoothMae, c.noMatte ? `${c.noMatte.fillTexture} / ${c.noMatte.errorRatio}` : '-', c.changedAt.join(' / '), c.ms]);
  const timingRows = r.timing.map((t) => [t.size, `${t.photo} ${t.width}x${t.height}`, `${(t.maskShare * 100).toFixed(1)}%`, t.retouchMs, t.totalMs, t.networkMs, t.retouchRatio, t.totalRatio, t.levels]);
  const outside = r.cases.reduce((s, c) => s + c.changedAt[3]!, 0);
  const w = r.web;
  return [
    `## Retouch (${r.date.slice(0, 10)}, ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}; load average ${r.machine.loadAvgAtStart} at the start, ${r.loadAvgAtEnd} at the end)`,
    '',
    'Known-truth cases from the real photos (bench/retouch-cases.ts): a region masked out, the photo as the truth; the engine (pixel pool, with the ground-truth matte where the photo has one) and a smooth fill (push-pull) in the same run. Texture: gradient energy inside the mask over the truth\'s (target 0.6-1.5x); error: mean absolute error inside the mask over the smooth fill\'s (target at most 1.25x). Geometric means over the cases; MAE in 0-255 units.',
    '',
    table(['cases', 'n', 'texture (fill)', 'texture (smooth)', 'error / smooth', 'MAE fill', 'MAE smooth'], sides, ['l', 'r', 'r', 'r', 'r', 'r', 'r']),
    '',
    `Pixels changed 4 px or more outside a mask, over all cases: ${outside}.`,
    '',
    `Time with a mask of 3% of the photo, median of ${r.timing[0]?.runs ?? 0} runs, next to the fp16 network (isnet at 1024) timed in the same rounds; ratios are medians of per-round ratios (timings on this shared machine drift; ratios less). The whole call decodes the JPEG, retouches and encodes a PNG.`,
    '',
    table(['size', 'photo', 'mask', 'retouch stage ms', 'whole call ms', 'network ms', 'stage / network', 'call / network', 'levels (finest first)'], timingRows, ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'l']),
    '',
    w
      ? `The web studio's brush at ${w.width}x${w.height} (${w.browser}): a stroke of ${w.maskPixels} px filled in the page (the engine in a Web Worker) in ${w.pageMs} ms (median of ${w.runs}), the same stroke through /v1/retouch from the page (upload, decode, fill, PNG, download) in ${w.serverMs} ms: the page is ${w.serverOverPage}x faster, so the brush fills in the page.`
      : `The web studio's brush: not measured (${r.webSkipped ?? 'skipped'}).`,
    '',
    'Every case:',
    '',
    table(['case', 'mask px', 'texture', 'smooth texture', 'error / smooth', 'MAE', 'MAE smooth', 'no matte: texture / error', 'changed at 1 / 2 / 3 / 4+ px', 'ms'], caseRows, ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'l', 'r']),
    '',
    `Gallery: ${r.gallery.join(', ')}`,
    '',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data') });
  try {
    const r = await runRetouchBench(studio, { quick });
    console.log(retouchMarkdown(r));
  } finally {
    await studio.close();
  }
}
