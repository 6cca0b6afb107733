/**
 * Speed on the SPEED set (real photos upscaled to ~1.5 MP), greenroom and the peer in the same run:
 *
 * - warm end-to-end latency of studio.cutout with default options (refine + decontaminate, PNG
 *   RGBA), per image, over several sequential passes: median and p90, and the mean of each stage;
 * - the network's own inference time at the working size (seg.segment on a real photo resized to
 *   size x size; median of runs interleaved with the passes) and end-to-end / network;
 * - throughput in images per minute over the folder: sequential, and with 2 cutouts in flight
 *   (the model runs are serialised inside greenroom; decode, refinement and encoding overlap them);
 * - the peer (@imgly/background-removal-node, model 'medium', PNG output) in its own process:
 *   warm latency, sequential throughput and, if it copes, 2 in flight.
 *
 * Timings are wall-clock on this machine; see load.ts for how busy it was meanwhile.
 * Run alone: node --import tsx bench/speed.ts [--quick]
 */
import sharp from 'sharp';
import { QUALITIES, Studio, type Quality, type StageTiming } from '../src/index.ts';
import { buildSpeedSet, type SpeedImage } from './dataset.ts';
import { loadReport, loadSnapshot, ownCpuMs, type LoadReport } from './load.ts';
import { REFERENCE_MODEL } from './network.ts';
import { isMain } from './paths.ts';
import { runPeer } from './peer.ts';
import { mean, median, pool, quantile, round } from './stats.ts';

export interface Throughput {
  images: number;
  seconds: number;
  imagesPerMinute: number;
}

export interface LatencySummary {
  n: number;
  medianMs: number;
  p90Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

export interface GreenroomSpeed {
  quality: Quality;
  workingSize: number;
  /** Wall-clock ms around studio.cutout(path) (file read included), warm, sequential. */
  latency: LatencySummary;
  /** Mean wall-clock ms per pipeline stage over the sequential calls. */
  stagesMs: Record<string, number>;
  /** Mean process CPU ms per stage. */
  stagesCpuMs: Record<string, number>;
  /** The model the cutouts ran. */
  model: string;
  /** The reference network (fp16) alone at workingSize, timed between the passes: every run and the median. */
  network: { model: string; runsMs: number[]; medianMs: number };
  /** Median end-to-end latency / median reference-network time. */
  endToEndOverNetwork: number;
  sequential: Throughput;
  pool2: Throughput;
  load: LoadReport;
  /** From the receipts of the sequential calls: mean joules and process CPU ms per image. */
  energy: { meanJ: number; meanCpuMs: number; method: string; meter: string };
}

export interface PeerSpeed {
  /** Model load + first image, in ms (not counted below). */
  warmupMs: number;
  latency: LatencySummary;
  sequential: Throughput;
  pool2: Throughput | null;
  pool2Error?: string;
  passes: number;
  poolPasses: number;
  images: number;
  load: LoadReport;
  /** Process CPU ms per image over the sequential passes (model load excluded). */
  cpuMsPerImage: number;
}

export interface SpeedResults {
  images: Array<Pick<SpeedImage, 'name' | 'width' | 'height' | 'sourceWidth' | 'sourceHeight'>>;
  passes: number;
  poolPasses: number;
  concurrency: number;
  greenroom: GreenroomSpeed[];
  peer: PeerSpeed | null;
  peerSkipped?: string;
  /** greenroom images/min divided by the peer's, per quality. */
  ratios: Array<{ quality: Quality; sequential: number | null; pool2: number | null; bestOfEach: number | null }>;
}

export interface SpeedOptions {
  qualities?: readonly Quality[];
  /** Sequential passes over the set per quality (default 3). */
  passes?: number;
  /** Passes with 2 in flight per quality (default 1). */
  poolPasses?: number;
  peer?: boolean;
  peerPasses?: number;
  peerPoolPasses?: number;
  /** Only the first N images for the peer (default all). */
  peerImages?: number;
  log?: (line: string) => void;
}

export const CONCURRENCY = 2;

export function summarize(ms: readonly number[]): LatencySummary {
  return {
    n: ms.length,
    medianMs: round(median(ms)),
    p90Ms: round(quantile(ms, 0.9)),
    meanMs: round(mean(ms)),
    minMs: round(Math.min(...ms)),
    maxMs: round(Math.max(...ms)),
  };
}

function throughput(images: number, ms: number): Throughput {
  return { images, seconds: round(ms / 1000, 1), imagesPerMinute: round((images * 60_000) / ms, 1) };
}

/** The reference network (fp16) alone at `size`: the yardstick timed in the same moments as the cutouts. */
async function networkRuns(studio: Studio, image: SpeedImage, size: number, runs: number): Promise<number[]> {
  const seg = await studio.segmenter(REFERENCE_MODEL);
  const { data } = await sharp(image.file).removeAlpha().resize(size, size, { fit: 'fill' }).raw().toBuffer({ resolveWithObject: true });
  const rgb = new Uint8Array(data.buffer, data.byteOffset, data.length);
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await seg.segment(rgb, size);
    out.push(performance.now() - t);
  }
  return out;
}

export async function speedGreenroom(studio: Studio, images: readonly SpeedImage[], quality: Quality, options: SpeedOptions = {}): Promise<GreenroomSpeed> {
  const passes = options.passes ?? 3;
  const poolPasses = options.poolPasses ?? 1;
  const files = images.map((i) => i.file);
  const start = loadSnapshot();
  const cpu0 = ownCpuMs();

  // Warm-up: the first runs of a session at a new size are slower (allocation for that shape).
  const warm = await studio.cutout(files[0], { quality });
  const size = warm.workingSize;
  await studio.cutout(files[1] ?? files[0], { quality });
  await networkRuns(studio, images[0], size, 2);
  // Network-only runs interleaved with the passes (one before each, one at the end), so both
  // see the same conditions on a machine whose load varies.
  const networkMs: number[] = [];

  const latencies: number[] = [];
  const stageRuns: StageTiming[][] = [];
  const joules: number[] = [];
  let seqMs = 0;
  for (let p = 0; p < passes; p++) {
    networkMs.push(...(await networkRuns(studio, images[0], size, 1)));
    const t0 = performance.now();
    for (const file of files) {
      const t = performance.now();
      const r = await studio.cutout(file, { quality });
      latencies.push(performance.now() - t);
      stageRuns.push(r.stages);
      if (r.energy) joules.push(r.energy.joules);
    }
    seqMs += performance.now() - t0;
  }

  let poolMs = 0;
  for (let p = 0; p < poolPasses; p++) {
    const t0 = performance.now();
    await pool(files, CONCURRENCY, (file) => studio.cutout(file, { quality }));
    poolMs += performance.now() - t0;
  }
  networkMs.push(...(await networkRuns(studio, images[0], size, 1)));

  const stagesMs: Record<string, number> = {};
  const stagesCpuMs: Record<string, number> = {};
  for (const name of stageRuns[0].map((s) => s.stage)) {
    stagesMs[name] = round(mean(stageRuns.map((st) => st.find((s) => s.stage === name)?.ms ?? 0)));
    stagesCpuMs[name] = round(mean(stageRuns.map((st) => st.find((s) => s.stage === name)?.cpuMs ?? 0)));
  }
  const latency = summarize(latencies);
  const netMedian = median(networkMs);
  return {
    quality,
    workingSize: size,
    latency,
    stagesMs,
    stagesCpuMs,
    model: warm.model,
    network: { model: REFERENCE_MODEL, runsMs: networkMs.map((x) => round(x)), medianMs: round(netMedian) },
    endToEndOverNetwork: round(latency.medianMs / netMedian, 3),
    sequential: throughput(files.length * passes, seqMs),
    pool2: throughput(files.length * poolPasses, poolMs),
    load: loadReport(start, ownCpuMs() - cpu0),
    energy: {
      meanJ: round(mean(joules), 3),
      meanCpuMs: round(mean(stageRuns.map((st) => st.reduce((sum, s) => sum + s.cpuMs, 0)))),
      method: warm.energy?.method ?? '?',
      meter: warm.energy?.meter ?? '?',
    },
  };
}

export async function speedPeer(images: readonly SpeedImage[], options: SpeedOptions = {}): Promise<PeerSpeed> {
  const passes = options.peerPasses ?? 1;
  const poolPasses = options.peerPoolPasses ?? 1;
  const files = images.slice(0, options.peerImages ?? images.length).map((i) => i.file);
  const start = loadSnapshot();
  const cpu0 = ownCpuMs();
  const r = await runPeer({ kind: 'speed', files, passes, poolPasses, concurrency: CONCURRENCY });
  const seqMs = r.sequentialPassMs.reduce((a, b) => a + b, 0);
  return {
    warmupMs: round(r.warmupMs),
    latency: summarize(r.latencies),
    sequential: throughput(files.length * passes, seqMs),
    pool2: r.poolPassMs ? throughput(files.length * poolPasses, r.poolPassMs.reduce((a, b) => a + b, 0)) : null,
    ...(r.poolError ? { pool2Error: r.poolError } : {}),
    passes,
    poolPasses,
    images: files.length,
    load: loadReport(start, r.cpuMs + ownCpuMs() - cpu0),
    cpuMsPerImage: round(r.sequentialCpuMs / (files.length * passes)),
  };
}

export async function runSpeed(studio: Studio, options: SpeedOptions = {}): Promise<SpeedResults> {
  const log = options.log ?? (() => {});
  const images = await buildSpeedSet();
  const qualities = options.qualities ?? QUALITIES;
  const greenroom: GreenroomSpeed[] = [];
  for (const quality of qualities) {
    const r = await speedGreenroom(studio, images, quality, options);
    greenroom.push(r);
    log(
      `  greenroom ${quality.padEnd(8)} ${r.workingSize}px: median ${r.latency.medianMs} ms, p90 ${r.latency.p90Ms} ms, fp16 network alone ${r.network.medianMs} ms (x${r.endToEndOverNetwork}), ` +
        `(${r.model}) ${r.sequential.imagesPerMinute} img/min sequential, ${r.pool2.imagesPerMinute} img/min 2 in flight  [other load ${r.load.otherCores ?? '?'} cores]`,
    );
  }
  let peer: PeerSpeed | null = null;
  let peerSkipped: string | undefined;
  if (options.peer === false) peerSkipped = 'disabled (--no-peer)';
  else {
    try {
      peer = await speedPeer(images, options);
      log(
        `  peer (imgly medium) 1024px: median ${peer.latency.medianMs} ms, p90 ${peer.latency.p90Ms} ms, ${peer.sequential.imagesPerMinute} img/min sequential, ` +
          `${peer.pool2 ? `${peer.pool2.imagesPerMinute} img/min 2 in flight` : `2 in flight failed: ${peer.pool2Error}`}  [other load ${peer.load.otherCores ?? '?'} cores]`,
      );
    } catch (err) {
      peerSkipped = `failed: ${(err as Error).message.slice(0, 500)}`;
      log(`  peer ${peerSkipped}`);
    }
  }
  const ratio = (a: number | undefined, b: number | undefined) => (a && b ? round(a / b, 2) : null);
  const peerBest = peer ? Math.max(peer.sequential.imagesPerMinute, peer.pool2?.imagesPerMinute ?? 0) : undefined;
  const ratios = greenroom.map((g) => ({
    quality: g.quality,
    sequential: ratio(g.sequential.imagesPerMinute, peer?.sequential.imagesPerMinute),
    pool2: ratio(g.pool2.imagesPerMinute, peer?.pool2?.imagesPerMinute),
    bestOfEach: ratio(Math.max(g.sequential.imagesPerMinute, g.pool2.imagesPerMinute), peerBest),
  }));
  return {
    images: images.map(({ name, width, height, sourceWidth, sourceHeight }) => ({ name, width, height, sourceWidth, sourceHeight })),
    passes: options.passes ?? 3,
    poolPasses: options.poolPasses ?? 1,
    concurrency: CONCURRENCY,
    greenroom,
    peer,
    ...(peerSkipped ? { peerSkipped } : {}),
    ratios,
  };
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const studio = await Studio.open();
  try {
    const r = await runSpeed(studio, {
      ...(quick ? { passes: 1, peerImages: 2 } : {}),
      peer: !process.argv.includes('--no-peer'),
      log: console.log,
    });
    console.log(JSON.stringify(r, null, 1));
  } finally {
    await studio.close();
  }
}
