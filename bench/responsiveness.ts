/**
 * Does the server keep answering while it works? The built server (`greenroom serve`) in a child
 * process cuts out the 12 MP phone photos with two in flight (its limiter's concurrency) while a
 * client asks GET /health every 20 ms; the health latencies' p50, p99 and max say whether pixel
 * work blocks its event loop (a load balancer's health check would drop a server that stalls).
 * Memory from /proc: at start, idle after the photos, and the peak with two 12 MP photos in flight.
 *
 * Run alone: node --import tsx bench/responsiveness.ts [--quick]
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildPhoneSet } from './phone.ts';
import { isMain } from './paths.ts';
import { postImage, procMemory, resetPeakMemory, startServer } from './serve-child.ts';
import { median, quantile, round } from './stats.ts';

export interface ResponsivenessResults {
  photos: number;
  inFlight: number;
  /** GET /health asked every 20 ms while the photos were cut out. */
  health: { samples: number; p50Ms: number; p99Ms: number; maxMs: number; over100Ms: number };
  /** The same probe with the server idle, as the floor. */
  idleHealth: { samples: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Each 12 MP cutout's latency with two in flight, as the client saw it. */
  cutoutMedianMs: number;
  memory: { startRssMB: number; idleRssMB: number; peakTwoInFlightMB: number; peakMeasured: boolean };
}

/** Asks GET /health every `everyMs` until `stop` resolves; returns the latencies. */
async function probe(url: string, everyMs: number, stop: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void stop.finally(() => (done = true));
  for (let next = performance.now(); !done; ) {
    const t = performance.now();
    const res = await fetch(`${url}/health`);
    await res.arrayBuffer();
    latencies.push(performance.now() - t);
    next += everyMs;
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    else next = performance.now();
  }
  return latencies;
}

function summary(latencies: number[]) {
  return { samples: latencies.length, p50Ms: round(quantile(latencies, 0.5), 1), p99Ms: round(quantile(latencies, 0.99), 1), maxMs: round(Math.max(...latencies), 1) };
}

export async function runResponsiveness(opts: { log?: (s: string) => void; quick?: boolean } = {}): Promise<ResponsivenessResults> {
  const log = opts.log ?? (() => {});
  const photos = (await buildPhoneSet()).slice(0, opts.quick ? 2 : undefined).map((p) => ({ name: path.basename(p.file), bytes: fs.readFileSync(p.file) }));
  const server = await startServer();
  const pid = server.child.pid!;
  try {
    const startRssMB = round(procMemory(pid, 'VmRSS'));
    // Warm: the first 12 MP cutout loads and sizes everything.
    const warm = await postImage(`${server.url}/v1/cutout`, photos[0]!.bytes, photos[0]!.name);
    if (warm.status !== 200) throw new Error(`warm-up cutout answered ${warm.status}`);
    const idleProbe = summary(await probe(server.url, 20, new Promise((r) => setTimeout(r, 2000))));
    const peakMeasured = resetPeakMemory(pid);

    const inFlight = 2;
    const latencies: number[] = [];
    let next = 0;
    const client = async () => {
      for (let i = next++; i < photos.length * 2; i = next++) {
        const p = photos[i % photos.length]!;
        const t = performance.now();
        const r = await postImage(`${server.url}/v1/cutout`, p.bytes, p.name);
        if (r.status !== 200) throw new Error(`cutout of ${p.name} answered ${r.status}`);
        latencies.push(performance.now() - t);
      }
    };
    const work = Promise.all(Array.from({ length: inFlight }, client));
    const health = await probe(server.url, 20, work);
    await work;
    const peakTwoInFlightMB = round(procMemory(pid, 'VmHWM'));
    await new Promise((r) => setTimeout(r, 3000));
    const idleRssMB = round(procMemory(pid, 'VmRSS'));
    const h = summary(health);
    const results: ResponsivenessResults = {
      photos: photos.length * 2,
      inFlight,
      health: { ...h, over100Ms: health.filter((l) => l > 100).length },
      idleHealth: idleProbe,
      cutoutMedianMs: round(median(latencies)),
      memory: { startRssMB, idleRssMB, peakTwoInFlightMB, peakMeasured },
    };
    log(`  GET /health every 20 ms during ${results.photos} 12 MP cutouts (${inFlight} in flight): p50 ${h.p50Ms} ms, p99 ${h.p99Ms} ms, max ${h.maxMs} ms (${h.samples} samples; idle: p99 ${idleProbe.p99Ms}, max ${idleProbe.maxMs} ms)`);
    log(`  resident memory: ${startRssMB} MB at start, ${idleRssMB} MB idle after, peak ${peakTwoInFlightMB} MB with two 12 MP photos in flight${peakMeasured ? '' : ' (peak since start: clear_refs refused)'}`);
    return results;
  } finally {
    await server.stop();
  }
}

if (isMain(import.meta.url)) {
  console.log(JSON.stringify(await runResponsiveness({ log: console.log, quick: process.argv.includes('--quick') }), null, 1));
}
