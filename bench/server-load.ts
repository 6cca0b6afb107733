/**
 * A bounded load on the studio server over loopback: the real server (`greenroom serve`, built) in a
 * child process, clients posting the ~1.5 MP speed photos to POST /v1/cutout with 1, 4 and 16
 * at once. Reports p50/p95 latency, images per minute, the 429s the server chose to send (its
 * in-flight limiter: 2 running, 8 waiting; clients honour Retry-After and retry), any other
 * error, and the server's peak RSS (VmHWM from /proc).
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSpeedSet } from './dataset.ts';
import { procMemory, startServer } from './serve-child.ts';
import { quantile, round } from './stats.ts';

export interface LoadLevel {
  clients: number;
  requests: number;
  ok: number;
  /** 429s answered (each retried after Retry-After). */
  throttled: number;
  /** Anything else that was not a 200. */
  errors: number;
  p50Ms: number;
  p95Ms: number;
  imagesPerMin: number;
}

export interface ServerLoadResults {
  levels: LoadLevel[];
  /** Highest resident memory of the server process over the whole run (VmHWM). */
  peakRssMB: number;
  /** Resident memory once the server answers /health (model loaded and warm). */
  startRssMB: number;
  /** Resident memory 3 s after 20 sequential cutouts, before the load levels: what an idle server holds. */
  idleAfter20RssMB: number;
  startupMs: number;
}

const LEVELS: Array<[clients: number, requests: number]> = [[1, 5], [4, 12], [16, 32]];

export async function runServerLoad(opts: { log?: (s: string) => void; quick?: boolean } = {}): Promise<ServerLoadResults> {
  const images = await buildSpeedSet();
  const bodies = images.map((i) => ({ name: path.basename(i.file), bytes: fs.readFileSync(i.file) }));
  const server = await startServer();
  const { url, child } = server;
  const startupMs = round(server.startupMs);
  const startRssMB = round(procMemory(child.pid!, 'VmRSS'));
  const levels: LoadLevel[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const body = bodies[i % bodies.length]!;
      const form = new FormData();
      form.append('image_file', new Blob([body.bytes]), body.name);
      const res = await fetch(`${url}/v1/cutout`, { method: 'POST', body: form });
      await res.arrayBuffer();
      if (!res.ok) throw new Error(`warm-up cutout ${i} answered ${res.status}`);
    }
    await new Promise((r) => setTimeout(r, 3000));
    const idleAfter20RssMB = round(procMemory(child.pid!, 'VmRSS'));
    opts.log?.(`  resident memory: ${startRssMB} MB at start, ${idleAfter20RssMB} MB idle after 20 cutouts`);
    for (const [clients, total] of opts.quick ? LEVELS.map(([c, n]) => [c, Math.ceil(n / 2)] as [number, number]) : LEVELS) {
      let next = 0, throttled = 0, errors = 0, ok = 0;
      const latencies: number[] = [];
      const start = performance.now();
      const client = async () => {
        for (let i = next++; i < total; i = next++) {
          const body = bodies[i % bodies.length]!;
          const t = performance.now();
          for (;;) {
            const form = new FormData();
            form.append('image_file', new Blob([body.bytes]), body.name);
            const res = await fetch(`${url}/v1/cutout`, { method: 'POST', body: form });
            await res.arrayBuffer();
            if (res.status === 429) {
              throttled++;
              await new Promise((r) => setTimeout(r, Math.max(1, Number(res.headers.get('retry-after') ?? '1')) * 1000));
              continue;
            }
            if (res.ok) ok++;
            else errors++;
            break;
          }
          latencies.push(performance.now() - t);
        }
      };
      await Promise.all(Array.from({ length: clients }, client));
      const wall = performance.now() - start;
      const level = { clients, requests: total, ok, throttled, errors, p50Ms: round(quantile(latencies, 0.5)), p95Ms: round(quantile(latencies, 0.95)), imagesPerMin: round((ok / wall) * 60_000, 1) };
      opts.log?.(`  ${clients} client(s): p50 ${level.p50Ms} ms, p95 ${level.p95Ms} ms, ${level.imagesPerMin} img/min, ${throttled} x 429 (retried), ${errors} errors`);
      levels.push(level);
    }
    return { levels, peakRssMB: round(procMemory(child.pid!, 'VmHWM')), startRssMB, idleAfter20RssMB, startupMs };
  } finally {
    await server.stop();
  }
}
