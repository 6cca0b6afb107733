/**
 * The web studio, drop to card: a 12 MP phone JPEG (bench/phone.ts's set) set on the page's file
 * input in Debian's Chromium (playwright-core), timed until its card is ready with its image
 * decoded. Two builds of the page are served by one server (one warm Studio, same model, same
 * settings: quality best): the page as it was before previews (a build of `--before REV`,
 * default the commit before them) and this checkout's web/dist; runs alternate between them, so
 * both see the same machine. Also timed: "Download" on the preview-first card until the
 * full-resolution file arrives, and the bytes each page fetched before its card showed.
 *
 *   node --import tsx bench/studio-preview.ts [--runs 3] [--before 1edbfa0] [--photo motorcycle_left] [--verbose]
 *   npm run bench -- --only studio
 * Writes results/studio-preview.json and .md.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { buildApp } from '../src/server/app.ts';
import { Studio } from '../src/studio.ts';
import { launchBrowser } from '../test/helpers/browser.ts';
import { machineInfo } from './machine.ts';
import { isMain, RESULTS_DIR, ROOT_DIR, WORK_DIR } from './paths.ts';
import { buildPhoneSet } from './phone.ts';
import { median, round } from './stats.ts';

/** Print every response fetched before the card (--verbose). */
let verbose = false;

/** main before the preview-first studio (issue 18). */
export const BEFORE_REV = '1edbfa0';

export interface StudioPreviewResults {
  date: string;
  machine: ReturnType<typeof machineInfo>;
  photo: { name: string; width: number; height: number; bytes: number };
  quality: string;
  runs: number;
  before: { rev: string; ms: number[]; medianMs: number; bytesBeforeCard: number };
  after: { ms: number[]; medianMs: number; bytesBeforeCard: number; downloadMs: number[]; downloadMedianMs: number; download: { width: number; height: number } };
  /** after / before, medians of the same run. */
  ratio: number;
}

/** The page at `rev`, built with this checkout's Vite into bench/work (kept between runs). */
function buildBefore(rev: string): string {
  const dir = path.join(WORK_DIR, `studio-${rev}`);
  const dist = path.join(dir, 'web', 'dist');
  if (fs.existsSync(path.join(dist, 'index.html'))) return dist;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['-C', ROOT_DIR, 'archive', rev, 'web', 'src'], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  execFileSync(path.join(ROOT_DIR, 'node_modules', '.bin', 'vite'), ['build', path.join(dir, 'web'), '--logLevel', 'warn'], { cwd: ROOT_DIR, stdio: 'inherit' });
  return dist;
}

/** Milliseconds from setting the file to a ready card with its image decoded, and the bytes fetched meanwhile. */
async function dropToCard(browser: Browser, url: string, photo: string, download: boolean): Promise<{ ms: number; bytes: number; downloadMs?: number; downloaded?: { width: number; height: number } }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  let bytes = 0;
  let counting = false;
  const fetched: string[] = [];
  page.on('response', (r) => {
    // Reading the dropped file and showing an image from the page's own memory are blob: URLs, not the network.
    if (!counting || r.url().startsWith('blob:')) return;
    const n = Number(r.headers()['content-length'] ?? 0);
    bytes += n;
    fetched.push(`${r.request().method()} ${new URL(r.url()).pathname} ${(n / 1e6).toFixed(2)} MB`);
  });
  await page.goto(url);
  await page.locator('#model option').first().waitFor({ state: 'attached' });
  counting = true;
  const t0 = performance.now();
  await page.setInputFiles('#files', photo);
  await page.waitForFunction(() => {
    const after = document.querySelector<HTMLImageElement>('.card[data-state="ready"] .after');
    return !!after && after.complete && after.naturalWidth > 0;
  }, undefined, { timeout: 300_000, polling: 20 });
  const ms = performance.now() - t0;
  counting = false;
  if (verbose) console.log(`    ${fetched.join('; ')}`);
  let downloadMs: number | undefined;
  let downloaded: { width: number; height: number } | undefined;
  if (download) {
    const t1 = performance.now();
    const [file] = await Promise.all([page.waitForEvent('download', { timeout: 300_000 }), page.locator('.card .download').click()]);
    const saved = path.join(WORK_DIR, 'studio-download.png');
    await file.saveAs(saved);
    downloadMs = performance.now() - t1;
    const meta = await sharp(saved).metadata();
    downloaded = { width: meta.width!, height: meta.height! };
  }
  await context.close();
  return { ms, bytes, ...(downloadMs !== undefined ? { downloadMs, downloaded: downloaded! } : {}) };
}

export async function runStudioPreview(options: { runs?: number; before?: string; photo?: string; log?: (s: string) => void } = {}): Promise<StudioPreviewResults> {
  const log = options.log ?? (() => {});
  const runs = options.runs ?? 3;
  const rev = options.before ?? BEFORE_REV;
  const set = await buildPhoneSet();
  const photo = set.find((p) => p.name === (options.photo ?? 'motorcycle_left')) ?? set[0]!;
  const meta = await sharp(photo.file).metadata();
  const beforeDist = buildBefore(rev);
  const studio = await Studio.open({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'greenroom-studio-bench-')) });
  const before = buildApp({ studio, webRoot: beforeDist, defaultMetrics: false });
  const after = buildApp({ studio, defaultMetrics: false });
  const urls = { before: await before.listen({ port: 0, host: '127.0.0.1' }), after: await after.listen({ port: 0, host: '127.0.0.1' }) };
  const browser = await launchBrowser();
  try {
    log(`studio drop to card: ${photo.name}.jpg ${meta.width}x${meta.height} (${(photo.bytes / 1e6).toFixed(1)} MB), quality best, ${runs} runs each, before = ${rev}`);
    // Warm-up: the model's first runs, the pages' first loads.
    await dropToCard(browser, urls.after, photo.file, false);
    await dropToCard(browser, urls.before, photo.file, false);
    const b: { ms: number; bytes: number }[] = [];
    const a: { ms: number; bytes: number; downloadMs?: number; downloaded?: { width: number; height: number } }[] = [];
    for (let i = 0; i < runs; i++) {
      // Alternate which goes first, so neither always follows the other's leftovers.
      for (const which of i % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const)) {
        const r = await dropToCard(browser, urls[which], photo.file, which === 'after');
        (which === 'before' ? b : a).push(r);
        log(`  run ${i + 1} ${which}: ${Math.round(r.ms)} ms to the card, ${(r.bytes / 1e6).toFixed(2)} MB fetched${'downloadMs' in r && r.downloadMs ? `; download ${Math.round(r.downloadMs)} ms` : ''}`);
      }
    }
    const results: StudioPreviewResults = {
      date: new Date().toISOString(),
      machine: machineInfo(),
      photo: { name: `${photo.name}.jpg`, width: meta.width!, height: meta.height!, bytes: photo.bytes },
      quality: 'best',
      runs,
      before: { rev, ms: b.map((r) => Math.round(r.ms)), medianMs: Math.round(median(b.map((r) => r.ms))), bytesBeforeCard: Math.round(median(b.map((r) => r.bytes))) },
      after: {
        ms: a.map((r) => Math.round(r.ms)),
        medianMs: Math.round(median(a.map((r) => r.ms))),
        bytesBeforeCard: Math.round(median(a.map((r) => r.bytes))),
        downloadMs: a.map((r) => Math.round(r.downloadMs!)),
        downloadMedianMs: Math.round(median(a.map((r) => r.downloadMs!))),
        download: a[0]!.downloaded!,
      },
      ratio: round(median(a.map((r) => r.ms)) / median(b.map((r) => r.ms)), 2),
    };
    log(`  median: before ${results.before.medianMs} ms, after ${results.after.medianMs} ms (${results.ratio}x); download after ${results.after.downloadMedianMs} ms (${results.after.download.width}x${results.after.download.height})`);
    return results;
  } finally {
    await browser.close();
    await before.close();
    await after.close();
    await studio.close();
  }
}

/** Every run, one line each: on a shared machine one run is noise, the series is the figure. */
export function appendRun(r: StudioPreviewResults): void {
  const file = path.join(RESULTS_DIR, 'studio-preview-runs.md');
  if (!fs.existsSync(file)) fs.writeFileSync(file, '# Web studio drop to card: every run\n\n| date (UTC) | load at start | before, median ms | after, median ms | after / before | full-size download, ms |\n|---|---|---|---|---|---|\n');
  fs.appendFileSync(file, `| ${r.date.slice(0, 16).replace('T', ' ')} | ${r.machine.loadAvgAtStart} | ${r.before.medianMs} | ${r.after.medianMs} | ${r.ratio} | ${r.after.downloadMedianMs} |\n`);
}

export function studioPreviewMarkdown(r: StudioPreviewResults): string {
  const mb = (n: number) => (n / 1e6).toFixed(2);
  return [
    `# Web studio: drop to card, ${r.date.slice(0, 10)}`,
    '',
    `${r.machine.cpu}, ${r.machine.cores} cores, load ${r.machine.loadAvgAtStart} at the start (a machine shared with other work: compare the ratio, measured in the same run). Debian Chromium (playwright-core, headless), loopback, quality best.`,
    `Photo: ${r.photo.name}, ${r.photo.width} x ${r.photo.height} (${mb(r.photo.bytes)} MB JPEG, bench/phone.ts). ${r.runs} runs of each page, alternating.`,
    '',
    '| page | drop to card, median (runs) | fetched from the server before the card |',
    '|---|---|---|',
    `| before previews (${r.before.rev}): the full-resolution PNG, then its edit | ${r.before.medianMs} ms (${r.before.ms.join(', ')}) | ${mb(r.before.bytesBeforeCard)} MB |`,
    `| preview first (this build) | ${r.after.medianMs} ms (${r.after.ms.join(', ')}) | ${mb(r.after.bytesBeforeCard)} MB |`,
    '',
    `Ratio after / before: **${r.ratio}x**. "Download" on the preview-first card (the full-resolution ${r.after.download.width} x ${r.after.download.height} file, made from the photo and the coarse matte, no network): ${r.after.downloadMedianMs} ms median (${r.after.downloadMs.join(', ')}).`,
    '',
  ].join('\n');
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, before: { type: 'string', default: BEFORE_REV }, photo: { type: 'string', default: 'motorcycle_left' }, verbose: { type: 'boolean', default: false } } });
  verbose = values.verbose!;
  const r = await runStudioPreview({ runs: Number(values.runs), before: values.before!, photo: values.photo!, log: (s) => console.log(s) });
  fs.writeFileSync(path.join(RESULTS_DIR, 'studio-preview.json'), `${JSON.stringify(r, null, 2)}\n`);
  fs.writeFileSync(path.join(RESULTS_DIR, 'studio-preview.md'), studioPreviewMarkdown(r));
  appendRun(r);
  console.log(`wrote results/studio-preview.json and .md, a line in studio-preview-runs.md`);
}
