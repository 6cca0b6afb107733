/**
 * Sellers' own photos: 12 MP phone JPEGs (4032 x 3024). The bench's real photos are small, so each
 * is upscaled (Lanczos) and given a phone camera's grain and JPEG (quality 90, 4:2:0), which makes
 * the files about as costly to decode as real ones. Measured, warm and sequential:
 *
 * - cutouts at full resolution (PNG RGBA, the default);
 * - edits into a 2000 x 2000 JPEG on a template scene with a soft shadow (the product's main use);
 * - the reference network (fp16 at 1024) timed alone between the images, so every figure is also
 *   given as a ratio to it, measured in the same moments;
 * - the peer's cutout of the same photos in its own process.
 *
 * Run alone: node --import tsx bench/phone.ts [--quick]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { Studio } from '../src/index.ts';
import { SHIPPED_PNG } from '../src/image/encode.ts';
import { cutoutStages } from '../src/pipeline/cutout.ts';
import { StageRecorder } from '../src/pipeline/stages.ts';
import { decodeImage, resizeForNetwork } from '../src/image/decode.ts';
import { loadReport, loadSnapshot, ownCpuMs, type LoadReport } from './load.ts';
import { REFERENCE_MODEL } from './network.ts';
import { isMain, PHOTOS_DIR, WORK_DIR } from './paths.ts';
import { runPeer } from './peer.ts';
import { mean, median, round } from './stats.ts';
import { summarize, type LatencySummary } from './speed.ts';

export const PHONE_DIR = path.join(WORK_DIR, 'phone');
export const PHONE_SIZE = { width: 4032, height: 3024 };
/** The edit measured: what a seller makes for a marketplace listing. */
export const PHONE_EDIT = { background: 'template:white-marble', shadow: 'soft', layout: { outputSize: '2000x2000' }, export: { format: 'jpeg' } } as const;

export interface PhoneTask {
  latency: LatencySummary;
  /** Median over images of (this image's time / the reference network's time next to it). */
  ratioToReferenceNetwork: number;
  stagesMs: Record<string, number>;
  meanJ: number;
  method: string;
}

export interface PhoneResults {
  images: Array<{ name: string; bytes: number }>;
  passes: number;
  model: string;
  quality: string;
  referenceNetwork: { model: string; size: number; medianMs: number };
  cutout: PhoneTask;
  edit: PhoneTask;
  peer: { latency: LatencySummary; warmupMs: number; cpuMsPerImage: number; images: number } | null;
  peerSkipped?: string;
  /** greenroom's cutout throughput over the peer's on the same photos. */
  cutoutSpeedupOverPeer: number | null;
  load: LoadReport;
  /** PNG settings on one 12 MP cutout: size against time (sharp, RGBA). */
  pngEncode: Array<{ compressionLevel: number; adaptiveFiltering: boolean; medianMs: number; kB: number; shipped: boolean }>;
  /** The first photo as a 12 MP HEIC (Debian's heif-enc) against the same photo as JPEG, cut out alternately. */
  heic: { photo: string; kB: number; cutoutMs: number; jpegCutoutMs: number; decodeMs: number; jpegDecodeMs: number } | { skipped: string };
}

/** Deterministic grain: a small xorshift generator, so the files are the same on every run. */
function grain(data: Buffer, seed: number, sigma: number): void {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    // sum of two uniforms: a cheap bell shape with standard deviation ~sigma
    const u = (((s >>> 0) & 0xffff) + ((s >>> 16) & 0xffff)) / 65536 - 1;
    const v = data[i]! + u * sigma * 2.45;
    data[i] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
  }
}

export async function buildPhoneSet(): Promise<Array<{ name: string; file: string; bytes: number }>> {
  fs.mkdirSync(PHONE_DIR, { recursive: true });
  const out = [];
  for (const [i, file] of fs.readdirSync(PHOTOS_DIR).filter((f) => /\.(png|jpe?g)$/i.test(f)).sort().entries()) {
    const name = file.replace(/\.\w+$/, '');
    const dest = path.join(PHONE_DIR, `${name}.jpg`);
    if (!fs.existsSync(dest)) {
      const { data, info } = await sharp(path.join(PHOTOS_DIR, file)).removeAlpha().resize(PHONE_SIZE.width, PHONE_SIZE.height, { fit: 'cover', kernel: 'lanczos3' }).raw().toBuffer({ resolveWithObject: true });
      grain(data, 1000 + i, 6);
      const jpeg = await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).jpeg({ quality: 90, chromaSubsampling: '4:2:0' }).toBuffer();
      fs.writeFileSync(dest, jpeg);
    }
    out.push({ name, file: dest, bytes: fs.statSync(dest).size });
  }
  return out;
}

export async function runPhone(studio: Studio, options: { passes?: number; peer?: boolean; peerImages?: number; log?: (s: string) => void } = {}): Promise<PhoneResults> {
  const log = options.log ?? (() => {});
  const passes = options.passes ?? 2;
  const images = await buildPhoneSet();
  const reference = await studio.segmenter(REFERENCE_MODEL);
  const refSize = reference.model.input.trainedSize;
  const refInput = resizeForNetwork(await decodeImage(fs.readFileSync(images[0]!.file), { maxPixels: 1e8 }), refSize);
  const referenceRun = async () => {
    const t = performance.now();
    await reference.segment(new Uint8Array(refInput), refSize);
    return performance.now() - t;
  };
  // Warm-up: both sessions and both paths, so no first-run cost lands in the figures.
  for (let i = 0; i < 2; i++) await referenceRun();
  await studio.cutout(images[0]!.file);
  await studio.edit(images[0]!.file, PHONE_EDIT);

  const start = loadSnapshot();
  const cpu0 = ownCpuMs();
  const refMs: number[] = [];
  const tasks = { cutout: { ms: [] as number[], ratio: [] as number[], stages: [] as Record<string, number>[], joules: [] as number[], method: '' }, edit: { ms: [] as number[], ratio: [] as number[], stages: [] as Record<string, number>[], joules: [] as number[], method: '' } };
  let model = '';
  let quality = '';
  for (let p = 0; p < passes; p++) {
    for (const image of images) {
      const ref = await referenceRun();
      refMs.push(ref);
      for (const kind of ['cutout', 'edit'] as const) {
        const t = performance.now();
        const r = kind === 'cutout' ? await studio.cutout(image.file) : await studio.edit(image.file, PHONE_EDIT);
        const ms = performance.now() - t;
        tasks[kind].ms.push(ms);
        tasks[kind].ratio.push(ms / ref);
        tasks[kind].stages.push(Object.fromEntries(r.stages.map((s) => [s.stage, s.ms])));
        if (r.energy) {
          tasks[kind].joules.push(r.energy.joules);
          tasks[kind].method = r.energy.method;
        }
        model = r.model;
        quality = r.quality;
      }
    }
  }
  const task = (t: (typeof tasks)['cutout']): PhoneTask => ({
    latency: summarize(t.ms),
    ratioToReferenceNetwork: round(median(t.ratio), 3),
    stagesMs: Object.fromEntries(Object.keys(t.stages[0] ?? {}).map((k) => [k, round(mean(t.stages.map((s) => s[k] ?? 0)))])),
    meanJ: round(mean(t.joules), 3),
    method: t.method,
  });
  const results: PhoneResults = {
    images: images.map(({ name, bytes }) => ({ name, bytes })),
    passes,
    model,
    quality,
    referenceNetwork: { model: REFERENCE_MODEL, size: refSize, medianMs: round(median(refMs)) },
    cutout: task(tasks.cutout),
    edit: task(tasks.edit),
    peer: null,
    cutoutSpeedupOverPeer: null,
    load: loadReport(start, ownCpuMs() - cpu0),
    pngEncode: [],
    heic: { skipped: 'not measured' },
  };
  results.pngEncode = await measurePng(studio, images[0]!.file);
  log(`  PNG settings on a 12 MP cutout: ${results.pngEncode.map((e) => `level ${e.compressionLevel}${e.adaptiveFiltering ? '+adaptive' : ''} ${e.medianMs} ms ${e.kB} kB`).join(', ')}`);
  results.heic = await measureHeic(studio, images[0]!);
  log(`  12 MP HEIC: ${'skipped' in results.heic ? results.heic.skipped : `cutout ${results.heic.cutoutMs} ms (decode ${results.heic.decodeMs}) against the same JPEG ${results.heic.jpegCutoutMs} ms (decode ${results.heic.jpegDecodeMs})`}`);
  log(`  12 MP cutout (${model} ${quality}): median ${results.cutout.latency.medianMs} ms (${results.cutout.ratioToReferenceNetwork}x the fp16 network alone), ${results.cutout.meanJ} J`);
  log(`  12 MP edit to 2000x2000 JPEG: median ${results.edit.latency.medianMs} ms (${results.edit.ratioToReferenceNetwork}x the fp16 network alone), ${results.edit.meanJ} J; reference network ${results.referenceNetwork.medianMs} ms`);
  if (options.peer === false) results.peerSkipped = 'disabled (--no-peer)';
  else {
    try {
      const files = images.slice(0, options.peerImages ?? images.length).map((i) => i.file);
      const r = await runPeer({ kind: 'speed', files, passes: 1, poolPasses: 0, concurrency: 1 });
      results.peer = { latency: summarize(r.latencies), warmupMs: round(r.warmupMs), cpuMsPerImage: round(r.sequentialCpuMs / files.length), images: files.length };
      results.cutoutSpeedupOverPeer = round(results.peer.latency.medianMs / results.cutout.latency.medianMs, 2);
      log(`  peer 12 MP cutout: median ${results.peer.latency.medianMs} ms (greenroom ${results.cutoutSpeedupOverPeer}x faster)`);
    } catch (err) {
      results.peerSkipped = `failed: ${(err as Error).message.slice(0, 500)}`;
      log(`  peer ${results.peerSkipped}`);
    }
  }
  return results;
}

/** The PNG encoder's settings on one 12 MP cutout: median of 3 encodes each. */
async function measurePng(studio: Studio, file: string): Promise<PhoneResults['pngEncode']> {
  const cut = await cutoutStages(fs.readFileSync(file), { quality: 'best', refine: true, decontaminate: true }, { segmenter: await studio.segmenter(), pixels: studio.pixels, limits: { maxPixels: 1e8 } }, new StageRecorder());
  const { width, height } = cut.decoded;
  const rgba = await sharp(cut.rgb, { raw: { width, height, channels: 3 } }).joinChannel(Buffer.from(cut.alpha.buffer, cut.alpha.byteOffset, cut.alpha.byteLength), { raw: { width, height, channels: 1 } }).raw().toBuffer();
  const out: PhoneResults['pngEncode'] = [];
  for (const [compressionLevel, adaptiveFiltering] of [[1, false], [2, false], [4, false], [6, false], [9, false], [4, true]] as const) {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      bytes = (await sharp(rgba, { raw: { width, height, channels: 4 } }).png({ compressionLevel, adaptiveFiltering }).toBuffer()).length;
      ms.push(performance.now() - t);
    }
    out.push({ compressionLevel, adaptiveFiltering, medianMs: round(median(ms)), kB: Math.round(bytes / 1024), shipped: compressionLevel === SHIPPED_PNG.compressionLevel && adaptiveFiltering === SHIPPED_PNG.adaptiveFiltering });
  }
  return out;
}

/** One phone photo as a 12 MP HEIC (made once with heif-enc, if the machine has it) against its JPEG, alternately, 3 times each. */
async function measureHeic(studio: Studio, image: { name: string; file: string }): Promise<PhoneResults['heic']> {
  const heic = path.join(PHONE_DIR, `${image.name}.heic`);
  if (!fs.existsSync(heic)) {
    const png = path.join(PHONE_DIR, `${image.name}.heic-source.png`);
    await sharp(image.file).png({ compressionLevel: 1 }).toFile(png);
    try {
      execFileSync('heif-enc', ['-q', '80', png, '-o', heic], { stdio: 'ignore' });
    } catch {
      return { skipped: 'heif-enc not installed (apt-get install libheif-examples)' };
    } finally {
      fs.rmSync(png, { force: true });
    }
  }
  const runs = { heic: [] as number[], jpeg: [] as number[], heicDecode: [] as number[], jpegDecode: [] as number[] };
  for (let i = 0; i < 4; i++) {
    for (const kind of ['heic', 'jpeg'] as const) {
      const t = performance.now();
      const r = await studio.cutout(kind === 'heic' ? heic : image.file);
      if (i === 0) continue; // warm-up
      runs[kind].push(performance.now() - t);
      runs[kind === 'heic' ? 'heicDecode' : 'jpegDecode'].push(r.stages.find((s) => s.stage === 'decode')!.ms);
    }
  }
  return { photo: image.name, kB: Math.round(fs.statSync(heic).size / 1024), cutoutMs: round(median(runs.heic)), jpegCutoutMs: round(median(runs.jpeg)), decodeMs: round(median(runs.heicDecode)), jpegDecodeMs: round(median(runs.jpegDecode)) };
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const studio = await Studio.open({ dataDir: path.join(WORK_DIR, 'data') });
  try {
    const r = await runPhone(studio, { ...(quick ? { passes: 1, peerImages: 2 } : {}), peer: !process.argv.includes('--no-peer'), log: console.log });
    console.log(JSON.stringify(r, null, 1));
  } finally {
    await studio.close();
  }
}
